// The account handlers against the in-memory database: idempotent creates
// (with and without the transaction that adds the owner's membership),
// stale etags, the hierarchy checks and handovers that run inside the
// transaction, and a database that is down.
#include "services/account/accounts/account_service.h"

#include "gtest/gtest.h"
#include "services/account/fake_account_database.h"
#include "services/account/handler_test_checks.h"

namespace kam::account::accounts {
namespace {

using testing::Bind;
using testing::ExpectRefused;
using testing::ExpectUnavailable;

class AccountServiceTest : public ::testing::Test {
 protected:
  v1::CreateAccountRequest Create(const std::string& request_id, const std::string& name) {
    v1::CreateAccountRequest request;
    request.set_request_id(request_id);
    request.mutable_account()->set_display_name(name);
    return request;
  }

  static v1::UpdateAccountRequest Rename(const v1::Account& account, const std::string& name) {
    return testing::UpdateOf<v1::UpdateAccountRequest>(account, "display_name", name);
  }

  FakeAccountDatabase db_;
  AccountService service_{&db_.accounts(), &db_};
  testing::Call<v1::CreateAccountRequest, v1::Account> create_ =
      Bind(&service_, &AccountService::CreateAccount);
  testing::Call<v1::UpdateAccountRequest, v1::Account> update_ =
      Bind(&service_, &AccountService::UpdateAccount);
  std::function<size_t()> accounts_ = [this] { return db_.rows().accounts.size(); };
};

TEST_F(AccountServiceTest, CreateIsIdempotent) {
  const v1::Account first = testing::ExpectIdempotentCreate(create_, Create("r-1", "Acme"),
                                                            Create("r-1", "Other Acme"), accounts_);
  EXPECT_EQ(first.display_name(), "Acme");
  EXPECT_EQ(first.stage(), v1::RELATIONSHIP_STAGE_DEVELOPMENT);
  EXPECT_FALSE(first.etag().empty());
}

// With an owner, the account and the owner's membership are one
// transaction: a retry writes neither again.
TEST_F(AccountServiceTest, CreateWithOwnerIsIdempotentAndStartsTheManager) {
  v1::CreateAccountRequest request = Create("r-2", "Acme");
  request.mutable_account()->set_owner("alice");
  v1::CreateAccountRequest other = request;
  other.mutable_account()->set_owner("bob");
  testing::ExpectIdempotentCreate(create_, request, other, accounts_);
  ASSERT_EQ(db_.rows().memberships.size(), 1u);
  const v1::TeamMembership& manager = db_.rows().memberships.begin()->second.resource;
  EXPECT_EQ(manager.user(), "alice");
  EXPECT_EQ(manager.role(), v1::TEAM_ROLE_ACCOUNT_MANAGER);
  EXPECT_EQ(manager.actor(), "tester");
}

// A failed step rolls back what the transaction wrote before it.
TEST_F(AccountServiceTest, CreateUnderAMissingParentWritesNothing) {
  v1::CreateAccountRequest request = Create("r-3", "Acme Shanghai");
  request.mutable_account()->set_parent_account("accounts/999");
  request.mutable_account()->set_owner("alice");
  ExpectRefused(db_, create_, request, absl::StatusCode::kNotFound);
}

TEST_F(AccountServiceTest, UpdateWithAStaleEtagChangesNothing) {
  const v1::Account account = testing::Answer(create_, Create("r-4", "Acme"));
  testing::Answer(update_, Rename(account, "Acme Group"));
  ExpectRefused(db_, update_, Rename(account, "Acme Holding"), absl::StatusCode::kAborted);
}

// A new owner is a handover: the manager's membership ends, the new one
// starts and the account counts it, all with the account's write.
TEST_F(AccountServiceTest, UpdateOfTheOwnerHandsTheAccountOver) {
  v1::CreateAccountRequest request = Create("r-5", "Acme");
  request.mutable_account()->set_owner("alice");
  const v1::Account account = testing::Answer(create_, request);
  const v1::Account updated = testing::Answer(
      update_, testing::UpdateOf<v1::UpdateAccountRequest>(account, "owner", "bob"));
  EXPECT_EQ(updated.owner(), "bob");
  EXPECT_EQ(updated.account_manager_handover_count(), 1);
  ASSERT_EQ(db_.rows().memberships.size(), 2u);
  const v1::TeamMembership& alice = db_.rows().memberships.begin()->second.resource;
  EXPECT_EQ(alice.end_reason(), "handover to bob");
  EXPECT_FALSE(db_.rows().memberships.rbegin()->second.resource.has_end_time());
}

TEST_F(AccountServiceTest, DatabaseDownAnswersUnavailableAndWritesNothing) {
  const v1::Account account = testing::Answer(create_, Create("r-6", "Acme"));
  ExpectUnavailable(db_, create_, Create("r-7", "Acme 2"));
  ExpectUnavailable(db_, update_, Rename(account, "Acme Group"));
  v1::GetAccountRequest get;
  get.set_name(account.name());
  ExpectUnavailable(db_, Bind(&service_, &AccountService::GetAccount), get);
}

// A batch is one transaction: an item that fails (here under a missing
// parent) leaves nothing of the batch; a re-sent batch answers the same
// accounts and writes nothing; its items are the single creates' too.
TEST_F(AccountServiceTest, BatchCreateIsAllOrNothingAndIdempotentPerItem) {
  const auto batch = Bind(&service_, &AccountService::BatchCreateAccounts);
  v1::BatchCreateAccountsRequest request;
  *request.add_requests() = Create("b-1", "Acme");
  *request.add_requests() = Create("b-2", "Acme Shanghai");
  request.mutable_requests(1)->mutable_account()->set_owner("alice");
  v1::BatchCreateAccountsRequest orphan = request;
  orphan.mutable_requests(1)->mutable_account()->set_parent_account("accounts/999");
  ExpectRefused(db_, batch, orphan, absl::StatusCode::kNotFound);

  const v1::BatchCreateAccountsResponse first = testing::Answer(batch, request);
  ASSERT_EQ(first.accounts_size(), 2);
  EXPECT_EQ(accounts_(), 2u);
  EXPECT_EQ(db_.rows().memberships.size(), 1u);
  const std::string before = db_.Dump();
  EXPECT_EQ(testing::Answer(batch, request).SerializeAsString(), first.SerializeAsString());
  EXPECT_EQ(testing::Answer(create_, request.requests(0)).name(), first.accounts(0).name());
  EXPECT_EQ(db_.Dump(), before);
  ExpectUnavailable(db_, batch, request);
}

}  // namespace
}  // namespace kam::account::accounts
