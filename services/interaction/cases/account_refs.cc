#include "services/interaction/cases/account_refs.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/resource_name.h"
#include "common/api/validation.h"
#include "services/interaction/cases/case_rules.h"

namespace kam::interaction::cases {

std::string AccountName(int64_t account_id) { return absl::StrCat("accounts/", account_id); }

std::string ContactName(int64_t account_id, int64_t contact_id) {
  return absl::StrCat("accounts/", account_id, "/contacts/", contact_id);
}

absl::StatusOr<int64_t> ParseAccountName(absl::string_view field, absl::string_view name) {
  return ParseId(field, name, "accounts");
}

absl::StatusOr<std::pair<int64_t, int64_t>> ParseContactName(absl::string_view field,
                                                             absl::string_view name) {
  absl::StatusOr<std::vector<int64_t>> ids =
      common::ParseResourceName(field, name, {"accounts", "contacts"});
  if (!ids.ok()) return ids.status();
  return std::make_pair((*ids)[0], (*ids)[1]);
}

absl::Status CheckContactOf(absl::string_view field, absl::string_view contact,
                            const std::pair<int64_t, int64_t>& ids, int64_t account_id,
                            absl::string_view owner) {
  if (ids.first == account_id) return absl::OkStatus();
  return common::InvalidField(field,
                              absl::StrCat("must be a contact of ", owner, " (got ", contact, ")"));
}

absl::StatusOr<account::v1::Account> GetLiveAccount(AccountClient& accounts,
                                                    const common::CallContext& ctx,
                                                    const std::string& name) {
  absl::StatusOr<account::v1::Account> account = accounts.GetAccount(name, &ctx);
  if (!account.ok()) return account.status();
  if (account->has_delete_time()) {
    return absl::FailedPreconditionError(
        absl::StrCat("account ", name, " is deleted; undelete it first"));
  }
  return account;
}

absl::Status CheckLiveContact(AccountClient& accounts, const common::CallContext& ctx,
                              const std::string& name) {
  absl::StatusOr<account::v1::Contact> contact = accounts.GetContact(name, &ctx);
  if (!contact.ok()) return contact.status();
  if (contact->has_delete_time()) {
    return absl::FailedPreconditionError(absl::StrCat("contact ", name, " is deleted"));
  }
  return absl::OkStatus();
}

}  // namespace kam::interaction::cases
