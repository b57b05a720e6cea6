#include "services/interaction/shared/fake_account_client.h"

#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"

namespace kam::interaction {
namespace {

// `what` `name` from `found`; NOT_FOUND "<what> <name> not found" as the
// account service words it.
template <typename Resource>
absl::StatusOr<Resource> Find(const std::map<std::string, Resource>& found, absl::string_view what,
                              const std::string& name) {
  auto it = found.find(name);
  if (it == found.end()) return absl::NotFoundError(absl::StrCat(what, " ", name, " not found"));
  return it->second;
}

}  // namespace

void FakeAccountClient::Put(account::v1::Account account) {
  absl::MutexLock lock(&mu_);
  accounts_[account.name()] = std::move(account);
}

void FakeAccountClient::Put(account::v1::Contact contact) {
  absl::MutexLock lock(&mu_);
  contacts_[contact.name()] = std::move(contact);
}

account::v1::Account FakeAccountClient::PutAccount(int64_t id, const std::string& currency) {
  account::v1::Account account;
  account.set_name(absl::StrCat("accounts/", id));
  account.set_display_name(absl::StrCat("Account ", id));
  account.set_state(account::v1::LIFECYCLE_STATE_ACTIVE);
  account.set_tier(account::v1::TIER_B);
  account.mutable_credit()->mutable_credit_limit()->set_currency_code(currency);
  account.mutable_credit()->mutable_credit_limit()->set_minor_units(1'000'000'00);
  account.mutable_credit()->set_payment_terms_days(30);
  Put(account);
  return account;
}

int FakeAccountClient::calls() const {
  absl::MutexLock lock(&mu_);
  return calls_;
}

absl::Status FakeAccountClient::Answer() {
  ++calls_;
  return Reachable("account service");
}

absl::StatusOr<account::v1::Account> FakeAccountClient::GetAccount(const std::string& name,
                                                                   const common::CallContext*) {
  absl::MutexLock lock(&mu_);
  KAM_RETURN_IF_ERROR(Answer());
  return Find(accounts_, "account", name);
}

absl::StatusOr<account::v1::Contact> FakeAccountClient::GetContact(const std::string& name,
                                                                   const common::CallContext*) {
  absl::MutexLock lock(&mu_);
  KAM_RETURN_IF_ERROR(Answer());
  return Find(contacts_, "contact", name);
}

absl::StatusOr<std::vector<account::v1::Account>> FakeAccountClient::BatchGetAccounts(
    const std::vector<std::string>& names, const common::CallContext*) {
  absl::MutexLock lock(&mu_);
  KAM_RETURN_IF_ERROR(Answer());
  std::vector<account::v1::Account> found;
  for (const std::string& name : names) {
    KAM_ASSIGN_OR_RETURN(account::v1::Account account, Find(accounts_, "account", name));
    found.push_back(std::move(account));
  }
  return found;
}

absl::StatusOr<account::v1::ListAccountsResponse> FakeAccountClient::ListAccounts(
    const account::v1::ListAccountsRequest&, const common::CallContext*) {
  absl::MutexLock lock(&mu_);
  KAM_RETURN_IF_ERROR(Answer());
  account::v1::ListAccountsResponse response;
  for (const auto& [name, account] : accounts_) *response.add_accounts() = account;
  return response;
}

std::vector<account::v1::Account> FakeAccountClient::AncestorsOf(const std::string& name) const {
  std::vector<account::v1::Account> ancestors;
  auto it = accounts_.find(name);
  while (it != accounts_.end() && !it->second.parent_account().empty()) {
    it = accounts_.find(it->second.parent_account());
    if (it == accounts_.end()) break;
    ancestors.push_back(it->second);
  }
  return ancestors;
}

absl::StatusOr<std::vector<account::v1::Account>> FakeAccountClient::ListAccountAncestors(
    const std::string& name, const common::CallContext*) {
  absl::MutexLock lock(&mu_);
  KAM_RETURN_IF_ERROR(Answer());
  KAM_RETURN_IF_ERROR(Find(accounts_, "account", name).status());
  return AncestorsOf(name);
}

absl::StatusOr<account::v1::ListAccountDescendantsResponse>
FakeAccountClient::ListAccountDescendants(const account::v1::ListAccountDescendantsRequest& request,
                                          const common::CallContext*) {
  absl::MutexLock lock(&mu_);
  KAM_RETURN_IF_ERROR(Answer());
  KAM_RETURN_IF_ERROR(Find(accounts_, "account", request.name()).status());
  account::v1::ListAccountDescendantsResponse response;
  for (const auto& [name, account] : accounts_) {
    const std::vector<account::v1::Account> ancestors = AncestorsOf(name);
    for (size_t i = 0; i < ancestors.size(); ++i) {
      if (ancestors[i].name() != request.name()) continue;
      account::v1::AccountNode* node = response.add_nodes();
      *node->mutable_account() = account;
      node->set_depth(static_cast<int32_t>(i + 1));
    }
  }
  return response;
}

void FakeAccountClient::PutTeam(const std::string& user, std::vector<int64_t> account_ids) {
  teams_.Put(user, std::move(account_ids));
}

int FakeAccountClient::team_calls() const { return teams_.calls(); }

absl::StatusOr<std::shared_ptr<const common::TeamAccounts>> FakeAccountClient::TeamAccountsOf(
    const std::string& user, const common::CallContext* caller) {
  // Down with the rest of the "account service".
  KAM_RETURN_IF_ERROR(Reachable("account service"));
  return teams_.TeamAccountsOf(user, caller);
}

}  // namespace kam::interaction
