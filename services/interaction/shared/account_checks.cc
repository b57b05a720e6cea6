#include "services/interaction/shared/account_checks.h"

#include "absl/strings/str_cat.h"
#include "common/api/resource_name.h"
#include "common/base/status_macros.h"
#include "services/interaction/shared/names.h"

namespace kam::interaction {
namespace {

// NOT_FOUND in the caller's words ("<field> <name> not found"); any other
// status as it is.
absl::Status RestateNotFound(const absl::Status& status, absl::string_view field,
                             absl::string_view name) {
  if (status.code() != absl::StatusCode::kNotFound) return status;
  return absl::NotFoundError(absl::StrCat(field, " ", name, " not found"));
}

// OK unless `ctx` is narrowed and account `account_id` (when `id` parsed)
// is not theirs: then the account service's answer for a missing `label`
// `name`. A name that does not parse is left to the account service, which
// answers it as for anybody.
absl::Status CheckOwn(AccountClient& accounts, const common::CallContext& ctx,
                      absl::string_view label, const std::string& name,
                      const absl::StatusOr<int64_t>& account_id) {
  if (!account_id.ok()) return absl::OkStatus();
  return common::CheckOwnAccount(accounts, ctx, *account_id, [&] {
    return absl::NotFoundError(absl::StrCat(label, " ", name, " not found"));
  });
}

}  // namespace

absl::StatusOr<account::v1::Account> ReadAccount(AccountClient& accounts,
                                                 const common::CallContext& caller,
                                                 const std::string& name) {
  if (!common::NarrowedUser(caller).empty()) {
    KAM_RETURN_IF_ERROR(
        CheckOwn(accounts, caller, "account", name, ParseAccountName("account", name)));
  }
  return accounts.GetAccount(name, &caller);
}

absl::StatusOr<account::v1::Contact> ReadContact(AccountClient& accounts,
                                                 const common::CallContext& caller,
                                                 const std::string& name) {
  if (!common::NarrowedUser(caller).empty()) {
    absl::StatusOr<std::vector<int64_t>> ids =
        common::ParseResourceName("contact", name, {"accounts", "contacts"});
    KAM_RETURN_IF_ERROR(CheckOwn(accounts, caller, "contact", name,
                                 ids.ok() ? absl::StatusOr<int64_t>((*ids)[0]) : ids.status()));
  }
  return accounts.GetContact(name, &caller);
}

absl::Status DeletedError(absl::string_view label, absl::string_view name,
                          absl::string_view remedy) {
  return absl::FailedPreconditionError(
      absl::StrCat(label, " ", name, " is deleted", remedy.empty() ? "" : "; ", remedy));
}

absl::StatusOr<account::v1::Account> GetLiveAccount(AccountClient& accounts,
                                                    const common::CallContext& caller,
                                                    const std::string& name,
                                                    absl::string_view remedy) {
  absl::StatusOr<account::v1::Account> account = ReadAccount(accounts, caller, name);
  if (account.ok() && account->has_delete_time()) return DeletedError("account", name, remedy);
  return account;
}

absl::StatusOr<account::v1::Contact> GetLiveContact(AccountClient& accounts,
                                                    const common::CallContext& caller,
                                                    const std::string& name) {
  absl::StatusOr<account::v1::Contact> contact = ReadContact(accounts, caller, name);
  if (contact.ok() && contact->has_delete_time()) return DeletedError("contact", name);
  return contact;
}

absl::StatusOr<account::v1::Account> GetLiveAccountOfField(AccountClient& accounts,
                                                           const common::CallContext& caller,
                                                           absl::string_view field,
                                                           const std::string& name) {
  absl::StatusOr<account::v1::Account> account = ReadAccount(accounts, caller, name);
  if (!account.ok()) return RestateNotFound(account.status(), field, name);
  if (account->has_delete_time()) {
    return DeletedError(field, name, "undelete the account first");
  }
  return account;
}

absl::StatusOr<account::v1::Contact> GetContactOfField(AccountClient& accounts,
                                                       const common::CallContext& caller,
                                                       absl::string_view field,
                                                       const std::string& name, bool must_be_live) {
  absl::StatusOr<account::v1::Contact> contact = ReadContact(accounts, caller, name);
  if (!contact.ok()) return RestateNotFound(contact.status(), field, name);
  if (must_be_live && contact->has_delete_time()) return DeletedError(field, name);
  return contact;
}

}  // namespace kam::interaction
