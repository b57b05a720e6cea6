#include "services/interaction/shared/account_checks.h"

#include "absl/strings/str_cat.h"

namespace kam::interaction {
namespace {

// NOT_FOUND in the caller's words ("<field> <name> not found"); any other
// status as it is.
absl::Status RestateNotFound(const absl::Status& status, absl::string_view field,
                             absl::string_view name) {
  if (status.code() != absl::StatusCode::kNotFound) return status;
  return absl::NotFoundError(absl::StrCat(field, " ", name, " not found"));
}

}  // namespace

absl::Status DeletedError(absl::string_view label, absl::string_view name,
                          absl::string_view remedy) {
  return absl::FailedPreconditionError(
      absl::StrCat(label, " ", name, " is deleted", remedy.empty() ? "" : "; ", remedy));
}

absl::StatusOr<account::v1::Account> GetLiveAccount(AccountClient& accounts,
                                                    const common::CallContext& caller,
                                                    const std::string& name,
                                                    absl::string_view remedy) {
  absl::StatusOr<account::v1::Account> account = accounts.GetAccount(name, &caller);
  if (account.ok() && account->has_delete_time()) return DeletedError("account", name, remedy);
  return account;
}

absl::StatusOr<account::v1::Contact> GetLiveContact(AccountClient& accounts,
                                                    const common::CallContext& caller,
                                                    const std::string& name) {
  absl::StatusOr<account::v1::Contact> contact = accounts.GetContact(name, &caller);
  if (contact.ok() && contact->has_delete_time()) return DeletedError("contact", name);
  return contact;
}

absl::StatusOr<account::v1::Account> GetLiveAccountOfField(AccountClient& accounts,
                                                           const common::CallContext& caller,
                                                           absl::string_view field,
                                                           const std::string& name) {
  absl::StatusOr<account::v1::Account> account = accounts.GetAccount(name, &caller);
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
  absl::StatusOr<account::v1::Contact> contact = accounts.GetContact(name, &caller);
  if (!contact.ok()) return RestateNotFound(contact.status(), field, name);
  if (must_be_live && contact->has_delete_time()) return DeletedError(field, name);
  return contact;
}

}  // namespace kam::interaction
