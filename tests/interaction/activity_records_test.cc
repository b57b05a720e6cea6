// Contact records through the public API (docs/domain.md §7: whoever first
// contacts a customer opens the record; later staff append to it): the
// first append opens, concurrent first appends make one record, request_id
// retries, reads by account and by name, entries oldest first in pages.
#include <set>
#include <string>
#include <vector>

#include "tests/interaction/activity_test_helpers.h"

namespace kam::testing {
namespace {

Reply<iv1::AppendContactRecordEntryResponse> Append(const std::string& account,
                                                    const std::string& text,
                                                    const std::string& actor,
                                                    const std::string& request_id = "") {
  iv1::AppendContactRecordEntryRequest request;
  request.set_account(account);
  request.set_text(text);
  request.set_request_id(request_id);
  return Call(Activities(), &ActivityStub::AppendContactRecordEntry, request, actor);
}

Reply<iv1::ContactRecord> RecordOf(const std::string& account) {
  iv1::GetContactRecordRequest request;
  request.set_account(account);
  return Call(Activities(), &ActivityStub::GetContactRecord, request);
}

std::vector<iv1::ContactRecordEntry> Entries(const std::string& account, int page_size = 100) {
  iv1::ListContactRecordEntriesRequest request;
  request.set_account(account);
  request.set_page_size(page_size);
  return AllPages<iv1::ContactRecordEntry>(Activities(), &ActivityStub::ListContactRecordEntries,
                                           request);
}

TEST(ContactRecord, TheFirstAppendOpensItAndLaterOnesAddToIt) {
  const v1::Account account = MakeAccount("Record");
  Reply<iv1::ContactRecord> none = RecordOf(account.name());
  EXPECT_TRUE(HasCode(none.status, grpc::StatusCode::NOT_FOUND));
  EXPECT_EQ(none.status.error_message(),
            absl::StrCat("account ", account.name(), " has no contact record yet"));

  Reply<iv1::AppendContactRecordEntryResponse> first =
      Append(account.name(), "Met the purchasing director at the fair.", "alice");
  ASSERT_OK(first.status);
  EXPECT_TRUE(first.value.opened());
  const iv1::ContactRecord& record = first.value.record();
  EXPECT_TRUE(absl::StartsWith(record.name(), "contactRecords/")) << record.name();
  EXPECT_EQ(record.account(), account.name());
  EXPECT_EQ(record.opened_by(), "alice");
  EXPECT_EQ(record.entry_count(), 1);
  EXPECT_EQ(record.last_entry_by(), "alice");
  EXPECT_TRUE(Same(record.open_time(), record.update_time()));
  EXPECT_EQ(first.value.entry().name(), absl::StrCat(record.name(), "/entries/1"));
  EXPECT_EQ(first.value.entry().author(), "alice");
  EXPECT_EQ(first.value.entry().text(), "Met the purchasing director at the fair.");
  EXPECT_TRUE(Same(first.value.entry().entry_time(), record.open_time()));

  Reply<iv1::AppendContactRecordEntryResponse> second =
      Append(account.name(), "Follow-up call:\nsent the catalogue.", "bob");
  ASSERT_OK(second.status);
  EXPECT_FALSE(second.value.opened());
  EXPECT_EQ(second.value.record().name(), record.name());
  EXPECT_EQ(second.value.record().opened_by(), "alice");  // still the opener
  EXPECT_TRUE(Same(second.value.record().open_time(), record.open_time()));
  EXPECT_EQ(second.value.record().entry_count(), 2);
  EXPECT_EQ(second.value.record().last_entry_by(), "bob");
  EXPECT_EQ(second.value.entry().name(), absl::StrCat(record.name(), "/entries/2"));
  EXPECT_GE(TimeOf(second.value.entry().entry_time()), TimeOf(first.value.entry().entry_time()));

  Reply<iv1::ContactRecord> by_account = RecordOf(account.name());
  ASSERT_OK(by_account.status);
  EXPECT_TRUE(Same(by_account.value, second.value.record()));
  iv1::GetContactRecordRequest by_name = ByName<iv1::GetContactRecordRequest>(record.name());
  Reply<iv1::ContactRecord> named = Call(Activities(), &ActivityStub::GetContactRecord, by_name);
  ASSERT_OK(named.status);
  EXPECT_TRUE(Same(named.value, by_account.value));

  const std::vector<iv1::ContactRecordEntry> entries = Entries(account.name());
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_TRUE(Same(entries[0], first.value.entry()));
  EXPECT_TRUE(Same(entries[1], second.value.entry()));
}

TEST(ContactRecord, ConcurrentFirstAppendsMakeOneRecord) {
  const v1::Account account = MakeAccount("Race");
  constexpr int kStaff = 8;
  std::vector<Reply<iv1::AppendContactRecordEntryResponse>> replies(kStaff);
  RunTogether(kStaff, [&](int i) {
    replies[i] = Append(account.name(), absl::StrCat("first contact by staff ", i),
                        absl::StrCat("staff", i));
  });
  std::set<std::string> records;
  std::set<std::string> entry_names;
  int openers = 0;
  std::string opener;
  for (const auto& reply : replies) {
    ASSERT_OK(reply.status);
    records.insert(reply.value.record().name());
    entry_names.insert(reply.value.entry().name());
    if (reply.value.opened()) {
      ++openers;
      opener = reply.value.entry().author();
    }
  }
  EXPECT_EQ(records.size(), 1u);
  EXPECT_EQ(entry_names.size(), static_cast<size_t>(kStaff));
  EXPECT_EQ(openers, 1);
  Reply<iv1::ContactRecord> record = RecordOf(account.name());
  ASSERT_OK(record.status);
  EXPECT_EQ(record.value.entry_count(), kStaff);
  EXPECT_EQ(record.value.opened_by(), opener);
  const std::vector<iv1::ContactRecordEntry> entries = Entries(account.name(), 3);
  ASSERT_EQ(entries.size(), static_cast<size_t>(kStaff));
  EXPECT_EQ(entries[0].author(), opener);
  for (int i = 0; i < kStaff; ++i) {
    EXPECT_EQ(entries[i].name(), absl::StrCat(record.value.name(), "/entries/", i + 1));
    if (i > 0) {
      EXPECT_GE(TimeOf(entries[i].entry_time()), TimeOf(entries[i - 1].entry_time()));
    }
  }
}

TEST(ContactRecord, ARetriedAppendWritesNothing) {
  const v1::Account account = MakeAccount("RetryRecord");
  const std::string request_id = Unique("append");
  Reply<iv1::AppendContactRecordEntryResponse> first =
      Append(account.name(), "Called about the tender.", "carol", request_id);
  ASSERT_OK(first.status);
  Reply<iv1::AppendContactRecordEntryResponse> again =
      Append(account.name(), "Called about the tender.", "carol", request_id);
  ASSERT_OK(again.status);
  EXPECT_TRUE(Same(again.value.entry(), first.value.entry()));
  EXPECT_TRUE(again.value.opened());
  EXPECT_EQ(RecordOf(account.name()).value.entry_count(), 1);
  Reply<iv1::AppendContactRecordEntryResponse> reused =
      Append(account.name(), "Something else.", "carol", request_id);
  EXPECT_TRUE(HasCode(reused.status, grpc::StatusCode::ALREADY_EXISTS));
  EXPECT_EQ(RecordOf(account.name()).value.entry_count(), 1);

  // Concurrent retries of a new append: one entry.
  const std::string together = Unique("append-together");
  std::vector<Reply<iv1::AppendContactRecordEntryResponse>> replies(6);
  RunTogether(
      6, [&](int i) { replies[i] = Append(account.name(), "Sent samples.", "dan", together); });
  std::set<std::string> names;
  for (const auto& reply : replies) {
    if (reply.status.error_code() == grpc::StatusCode::ABORTED) continue;
    ASSERT_OK(reply.status);
    names.insert(reply.value.entry().name());
  }
  EXPECT_EQ(names.size(), 1u);
  EXPECT_EQ(RecordOf(account.name()).value.entry_count(), 2);
}

TEST(ContactRecord, RefusesBadRequestsAndAccountsThatAreNotLive) {
  const v1::Account account = MakeAccount("RecordBad");
  EXPECT_TRUE(IsInvalidField(Append(account.name(), "", "x").status, "text"));
  EXPECT_TRUE(IsInvalidField(Append(account.name(), "  \n ", "x").status, "text"));
  EXPECT_TRUE(IsInvalidField(Append(account.name(), std::string(4001, 't'), "x").status, "text"));
  EXPECT_TRUE(IsInvalidField(Append("accounts/", "hello", "x").status, "account"));
  EXPECT_TRUE(IsInvalidField(Append(account.name(), "hello", "x", "bad id").status, "request_id"));
  Reply<iv1::AppendContactRecordEntryResponse> missing = Append("accounts/999999999", "hello", "x");
  EXPECT_TRUE(HasCode(missing.status, grpc::StatusCode::NOT_FOUND));
  EXPECT_EQ(missing.status.error_message(), "account accounts/999999999 not found");
  const v1::Account deleted = MakeAccount("RecordDeleted");
  DeleteAccount(deleted.name());
  EXPECT_TRUE(
      HasCode(Append(deleted.name(), "hello", "x").status, grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_TRUE(HasCode(RecordOf(deleted.name()).status, grpc::StatusCode::NOT_FOUND));

  iv1::GetContactRecordRequest both;
  both.set_account(account.name());
  both.set_name("contactRecords/1");
  EXPECT_TRUE(
      IsInvalidField(Call(Activities(), &ActivityStub::GetContactRecord, both).status, "account"));
  EXPECT_TRUE(IsInvalidField(
      Call(Activities(), &ActivityStub::GetContactRecord, iv1::GetContactRecordRequest()).status,
      "account"));
  iv1::GetContactRecordRequest unknown =
      ByName<iv1::GetContactRecordRequest>("contactRecords/999999999");
  EXPECT_TRUE(HasCode(Call(Activities(), &ActivityStub::GetContactRecord, unknown).status,
                      grpc::StatusCode::NOT_FOUND));
  iv1::ListContactRecordEntriesRequest list;
  list.set_parent("contactRecords/999999999");
  EXPECT_TRUE(HasCode(Call(Activities(), &ActivityStub::ListContactRecordEntries, list).status,
                      grpc::StatusCode::NOT_FOUND));
}

TEST(ContactRecord, EntriesPageOldestFirstByParentName) {
  const v1::Account account = MakeAccount("RecordPages");
  std::string record;
  for (int i = 1; i <= 5; ++i) {
    Reply<iv1::AppendContactRecordEntryResponse> reply =
        Append(account.name(), absl::StrCat("entry ", i), "erin");
    ASSERT_OK(reply.status);
    record = reply.value.record().name();
  }
  iv1::ListContactRecordEntriesRequest request;
  request.set_parent(record);
  request.set_page_size(2);
  std::vector<std::string> texts;
  ForEachPage(
      Activities(), &ActivityStub::ListContactRecordEntries, request,
      [&](const iv1::ListContactRecordEntriesResponse& page, int index) {
        for (const iv1::ContactRecordEntry& e : page.entries()) texts.push_back(e.text());
        // An entry appended after the first page comes on a later one.
        if (index == 0) {
          EXPECT_OK(Append(account.name(), "entry 6", "frank").status);
        }
      },
      10);
  EXPECT_EQ(texts, (std::vector<std::string>{"entry 1", "entry 2", "entry 3", "entry 4", "entry 5",
                                             "entry 6"}));
  // The token is bound to the query.
  Reply<iv1::ListContactRecordEntriesResponse> first_page;
  request.clear_page_token();
  first_page = Call(Activities(), &ActivityStub::ListContactRecordEntries, request);
  ASSERT_OK(first_page.status);
  iv1::ListContactRecordEntriesRequest other;
  other.set_account(account.name());
  other.set_page_token(first_page.value.next_page_token());
  EXPECT_TRUE(IsInvalidField(
      Call(Activities(), &ActivityStub::ListContactRecordEntries, other).status, "page_token"));
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) {
  return kam::testing::RunTestsOnSuite(argc, argv, kam::testing::InteractionSuiteOptions());
}
