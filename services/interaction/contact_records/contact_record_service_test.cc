// ContactRecordService against FakeContactRecordStore and
// FakeAccountClient: idempotent appends and dependencies that are down.
#include "services/interaction/contact_records/contact_record_service.h"

#include "common/testing/handler_checks.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "services/interaction/contact_records/fake_contact_record_store.h"
#include "services/interaction/shared/fake_account_client.h"
#include "services/interaction/shared/list_testing.h"

namespace kam::interaction::contact_records {
namespace {

using ::google::protobuf::util::MessageDifferencer;

class ContactRecordServiceTest : public ::testing::Test {
 protected:
  ContactRecordServiceTest() { accounts_.PutAccount(7); }

  absl::StatusOr<v1::AppendContactRecordEntryResponse> Append(const std::string& text,
                                                              const std::string& request_id) {
    v1::AppendContactRecordEntryRequest request;
    request.set_account("accounts/7");
    request.set_text(text);
    request.set_request_id(request_id);
    return common::testing::Answer(service_, &ContactRecordService::AppendContactRecordEntry,
                                   request, "alice");
  }

  FakeContactRecordStore store_;
  FakeAccountClient accounts_;
  ContactRecordService service_{&store_, &accounts_};
};

TEST_F(ContactRecordServiceTest, FirstAppendOpensTheRecord) {
  absl::StatusOr<v1::AppendContactRecordEntryResponse> first = Append("Met the buyer", "r-1");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(first->opened());
  EXPECT_EQ(first->record().opened_by(), "alice");
  EXPECT_EQ(first->record().entry_count(), 1);
  EXPECT_EQ(first->entry().name(), first->record().name() + "/entries/1");

  absl::StatusOr<v1::AppendContactRecordEntryResponse> second = Append("Sent the offer", "r-2");
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_FALSE(second->opened());
  EXPECT_EQ(second->record().entry_count(), 2);
  EXPECT_EQ(store_.entries().size(), 2u);
}

TEST_F(ContactRecordServiceTest, RetryWithTheSameRequestIdAppendsOnce) {
  absl::StatusOr<v1::AppendContactRecordEntryResponse> first = Append("Met the buyer", "r-1");
  ASSERT_TRUE(first.ok()) << first.status();
  // Answered before the account service is asked, so even while it is down.
  accounts_.SetDown(true);
  absl::StatusOr<v1::AppendContactRecordEntryResponse> retry = Append("Met the buyer", "r-1");
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_TRUE(MessageDifferencer::Equals(*first, *retry));
  EXPECT_EQ(store_.entries().size(), 1u);
}

TEST_F(ContactRecordServiceTest, SameRequestIdWithAnotherTextIsAlreadyExists) {
  ASSERT_TRUE(Append("Met the buyer", "r-1").ok());
  absl::StatusOr<v1::AppendContactRecordEntryResponse> other = Append("Something else", "r-1");
  EXPECT_EQ(other.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(other.status().message(),
            "request_id \"r-1\" was already used by a different AppendContactRecordEntry request");
  ASSERT_EQ(store_.entries().size(), 1u);
  EXPECT_EQ(store_.entries()[0].entry.text(), "Met the buyer");
}

TEST_F(ContactRecordServiceTest, AppendWhileTheAccountServiceIsDownWritesNothing) {
  accounts_.SetDown(true);
  EXPECT_EQ(Append("Met the buyer", "r-1").status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(store_.entries().empty());
}

TEST_F(ContactRecordServiceTest, AppendWhileTheDatabaseIsDownIsUnavailable) {
  store_.SetDown(true);
  EXPECT_EQ(Append("Met the buyer", "r-1").status().code(), absl::StatusCode::kUnavailable);
  store_.SetDown(false);
  EXPECT_TRUE(store_.entries().empty());
}

TEST_F(ContactRecordServiceTest, ListPagesTheEntriesOldestFirst) {
  for (const char* text : {"one", "two", "three"}) ASSERT_TRUE(Append(text, "").ok());
  v1::ListContactRecordEntriesRequest request;
  request.set_account("accounts/7");
  request.set_page_size(2);
  absl::StatusOr<std::vector<v1::ListContactRecordEntriesResponse>> pages = AllPages(
      common::testing::Bind(&service_, &ContactRecordService::ListContactRecordEntries), request);
  ASSERT_TRUE(pages.ok()) << pages.status();
  ASSERT_EQ(pages->size(), 2u);
  ASSERT_EQ(pages->at(0).entries_size(), 2);
  EXPECT_EQ(pages->at(0).entries(0).text(), "one");
  ASSERT_EQ(pages->at(1).entries_size(), 1);
  EXPECT_EQ(pages->at(1).entries(0).text(), "three");
}

}  // namespace
}  // namespace kam::interaction::contact_records
