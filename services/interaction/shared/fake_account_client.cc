#include "services/interaction/shared/fake_account_client.h"

#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"

namespace kam::interaction {

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
  auto it = accounts_.find(name);
  if (it == accounts_.end())
    return absl::NotFoundError(absl::StrCat("account ", name, " not found"));
  return it->second;
}

absl::StatusOr<account::v1::Contact> FakeAccountClient::GetContact(const std::string& name,
                                                                   const common::CallContext*) {
  absl::MutexLock lock(&mu_);
  KAM_RETURN_IF_ERROR(Answer());
  auto it = contacts_.find(name);
  if (it == contacts_.end())
    return absl::NotFoundError(absl::StrCat("contact ", name, " not found"));
  return it->second;
}

absl::StatusOr<std::vector<account::v1::Account>> FakeAccountClient::BatchGetAccounts(
    const std::vector<std::string>& names, const common::CallContext*) {
  absl::MutexLock lock(&mu_);
  KAM_RETURN_IF_ERROR(Answer());
  std::vector<account::v1::Account> found;
  for (const std::string& name : names) {
    auto it = accounts_.find(name);
    if (it == accounts_.end()) {
      return absl::NotFoundError(absl::StrCat("account ", name, " not found"));
    }
    found.push_back(it->second);
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

}  // namespace kam::interaction
