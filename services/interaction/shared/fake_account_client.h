// An in-memory AccountClient for unit tests of the interaction handlers:
// holds the accounts and contacts a test puts in, answers NOT_FOUND for the
// others, and answers every call UNAVAILABLE while the "account service" is
// down, as the gRPC client does when it cannot reach it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "common/testing/fake_database.h"
#include "common/testing/fake_team_accounts.h"
#include "services/interaction/shared/account_client.h"

namespace kam::interaction {

class FakeAccountClient final : public AccountClient, public common::testing::FakeOutage {
 public:
  // Adds or replaces an account (by its name) or a contact.
  void Put(account::v1::Account account);
  void Put(account::v1::Contact contact);
  // A live account "accounts/<id>" with credit terms in `currency`, for tests
  // that need any account at all.
  account::v1::Account PutAccount(int64_t id, const std::string& currency = "EUR");

  // `user` is on the current team of exactly `account_ids` (ListTeamAccounts).
  void PutTeam(const std::string& user, std::vector<int64_t> account_ids);

  // How many calls were made (whatever their answer), not counting
  // TeamAccountsOf.
  int calls() const;
  // How many times a manager's accounts were asked for.
  int team_calls() const;

  absl::StatusOr<account::v1::Account> GetAccount(const std::string& name,
                                                  const common::CallContext* caller) override;
  absl::StatusOr<account::v1::Contact> GetContact(const std::string& name,
                                                  const common::CallContext* caller) override;
  absl::StatusOr<std::vector<account::v1::Account>> BatchGetAccounts(
      const std::vector<std::string>& names, const common::CallContext* caller) override;
  // Every account, in name order, one page; the filter is not applied.
  absl::StatusOr<account::v1::ListAccountsResponse> ListAccounts(
      const account::v1::ListAccountsRequest& request, const common::CallContext* caller) override;
  // The hierarchy the accounts' parent_account fields make.
  absl::StatusOr<std::vector<account::v1::Account>> ListAccountAncestors(
      const std::string& name, const common::CallContext* caller) override;
  // Every descendant at any depth, one page (max_depth and paging ignored).
  absl::StatusOr<account::v1::ListAccountDescendantsResponse> ListAccountDescendants(
      const account::v1::ListAccountDescendantsRequest& request,
      const common::CallContext* caller) override;
  absl::StatusOr<std::shared_ptr<const common::TeamAccounts>> TeamAccountsOf(
      const std::string& user, const common::CallContext* caller) override;

 private:
  // `name`'s ancestors, parent first.
  std::vector<account::v1::Account> AncestorsOf(const std::string& name) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Status Answer() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  std::map<std::string, account::v1::Account> accounts_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, account::v1::Contact> contacts_ ABSL_GUARDED_BY(mu_);
  int calls_ ABSL_GUARDED_BY(mu_) = 0;
  common::testing::FakeTeamAccounts teams_;
};

}  // namespace kam::interaction
