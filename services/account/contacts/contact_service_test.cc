// The contact handlers against the in-memory database: idempotent creates
// that keep the account's contact count, stale etags, deleted accounts and
// a database that is down.
#include "services/account/contacts/contact_service.h"

#include "gtest/gtest.h"
#include "services/account/fake_account_database.h"
#include "services/account/handler_test_checks.h"

namespace kam::account::contacts {
namespace {

using testing::Bind;

class ContactServiceTest : public ::testing::Test {
 protected:
  v1::CreateContactRequest Create(const std::string& request_id, const std::string& name) {
    v1::CreateContactRequest request;
    request.set_parent(account_.account.name());
    request.set_request_id(request_id);
    request.mutable_contact()->set_display_name(name);
    return request;
  }

  static v1::UpdateContactRequest Retitle(const v1::Contact& contact, const std::string& title) {
    return testing::UpdateOf<v1::UpdateContactRequest>(contact, "title", title);
  }

  int ContactCount() { return db_.rows().accounts.at(account_.id).account.contact_count(); }

  FakeAccountDatabase db_;
  const accounts::StoredAccount account_ = db_.PutAccount("Acme");
  ContactService service_{&db_.contacts(), &db_};
  testing::Call<v1::CreateContactRequest, v1::Contact> create_ =
      Bind(&service_, &ContactService::CreateContact);
  testing::Call<v1::UpdateContactRequest, v1::Contact> update_ =
      Bind(&service_, &ContactService::UpdateContact);
};

TEST_F(ContactServiceTest, CreateIsIdempotentAndCountsTheContactOnce) {
  const v1::Contact first =
      testing::ExpectIdempotentCreate(create_, Create("c-1", "Zhang Wei"), Create("c-1", "Li Na"),
                                      [this] { return db_.rows().contacts.size(); });
  EXPECT_EQ(first.display_name(), "Zhang Wei");
  EXPECT_EQ(ContactCount(), 1);
  EXPECT_TRUE(db_.rows().accounts.at(account_.id).account.single_contact_risk());
}

TEST_F(ContactServiceTest, UpdateWithAStaleEtagChangesNothing) {
  const v1::Contact contact = testing::Answer(create_, Create("c-2", "Zhang Wei"));
  EXPECT_EQ(testing::Answer(update_, Retitle(contact, "CIO")).title(), "CIO");
  testing::ExpectRefused(db_, update_, Retitle(contact, "CFO"), absl::StatusCode::kAborted);
}

// After the account is deleted, a new contact is refused but a retry of one
// created before still gets its first result.
TEST_F(ContactServiceTest, DeletedAccountRefusesNewContactsButAnswersRetries) {
  const v1::Contact first = testing::Answer(create_, Create("c-3", "Zhang Wei"));
  *db_.rows().accounts.at(account_.id).account.mutable_delete_time() = first.create_time();
  testing::ExpectRefused(db_, create_, Create("c-4", "Li Na"),
                         absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(testing::Answer(create_, Create("c-3", "Zhang Wei")).name(), first.name());
}

TEST_F(ContactServiceTest, DeleteAndUndeleteKeepTheContactCount) {
  const v1::Contact contact = testing::Answer(create_, Create("c-5", "Zhang Wei"));
  v1::DeleteContactRequest remove;
  remove.set_name(contact.name());
  const v1::Contact deleted =
      testing::Answer(Bind(&service_, &ContactService::DeleteContact), remove);
  EXPECT_EQ(ContactCount(), 0);
  testing::ExpectRefused(db_, Bind(&service_, &ContactService::DeleteContact), remove,
                         absl::StatusCode::kFailedPrecondition);
  v1::UndeleteContactRequest restore;
  restore.set_name(contact.name());
  restore.set_etag(deleted.etag());
  testing::Answer(Bind(&service_, &ContactService::UndeleteContact), restore);
  EXPECT_EQ(ContactCount(), 1);
}

// Reporting lines are checked in the transaction: a missing manager or a
// cycle is refused with nothing written; a retry of a create answers its
// first result even after its manager was deleted.
TEST_F(ContactServiceTest, ReportingLinesAreCheckedAndRetriesStillAnswer) {
  const v1::Contact ceo = testing::Answer(create_, Create("c-10", "Chen Jie"));
  v1::CreateContactRequest report = Create("c-11", "Li Wei");
  report.mutable_contact()->set_reports_to(ceo.name());
  report.mutable_contact()->set_org_level(v1::CONTACT_LEVEL_MANAGEMENT);
  const v1::Contact cio = testing::Answer(create_, report);
  EXPECT_EQ(cio.reports_to(), ceo.name());

  v1::CreateContactRequest orphan = Create("c-12", "Wang Fang");
  orphan.mutable_contact()->set_reports_to(account_.account.name() + "/contacts/999");
  testing::ExpectRefused(db_, create_, orphan, absl::StatusCode::kNotFound);
  v1::UpdateContactRequest cycle =
      testing::UpdateOf<v1::UpdateContactRequest>(ceo, "reports_to", cio.name());
  testing::ExpectRefused(db_, update_, cycle, absl::StatusCode::kFailedPrecondition);

  *db_.rows().contacts.begin()->second.resource.mutable_delete_time() = ceo.create_time();
  EXPECT_EQ(testing::Answer(create_, report).name(), cio.name());
}

TEST_F(ContactServiceTest, DatabaseDownAnswersUnavailableAndWritesNothing) {
  const v1::Contact contact = testing::Answer(create_, Create("c-6", "Zhang Wei"));
  testing::ExpectUnavailable(db_, create_, Create("c-7", "Li Na"));
  testing::ExpectUnavailable(db_, update_, Retitle(contact, "CIO"));
}

// Each contact of a batch is counted once, on the first call only.
TEST_F(ContactServiceTest, BatchCreateCountsEachContactOnceAndIsIdempotent) {
  const auto batch = Bind(&service_, &ContactService::BatchCreateContacts);
  v1::BatchCreateContactsRequest request;
  request.set_parent(account_.account.name());
  *request.add_requests() = Create("cb-1", "Zhang Wei");
  *request.add_requests() = Create("cb-2", "Li Na");
  request.mutable_requests(1)->clear_parent();
  const v1::BatchCreateContactsResponse first = testing::Answer(batch, request);
  ASSERT_EQ(first.contacts_size(), 2);
  EXPECT_EQ(ContactCount(), 2);
  const std::string before = db_.Dump();
  EXPECT_EQ(testing::Answer(batch, request).SerializeAsString(), first.SerializeAsString());
  EXPECT_EQ(testing::Answer(create_, Create("cb-2", "Li Na")).name(), first.contacts(1).name());
  EXPECT_EQ(db_.Dump(), before);
  testing::ExpectUnavailable(db_, batch, request);
}

}  // namespace
}  // namespace kam::account::contacts
