#include "services/interaction/shared/names.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/resource_name.h"
#include "common/api/validation.h"
#include "common/base/status_macros.h"

namespace kam::interaction {

absl::StatusOr<int64_t> ParseAccountName(absl::string_view field, absl::string_view name) {
  return common::ParseId(field, name, "accounts");
}

std::string AccountName(int64_t id) { return absl::StrCat("accounts/", id); }

absl::StatusOr<ContactRef> ParseContactName(absl::string_view field, absl::string_view name) {
  KAM_ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                       common::ParseResourceName(field, name, {"accounts", "contacts"}));
  return ContactRef{(ids)[0], (ids)[1]};
}

std::string ContactName(int64_t account_id, int64_t contact_id) {
  return absl::StrCat("accounts/", account_id, "/contacts/", contact_id);
}

absl::Status CheckContactOf(absl::string_view field, absl::string_view contact,
                            const ContactRef& ref, int64_t account_id, absl::string_view owner) {
  if (ref.account_id == account_id) return absl::OkStatus();
  return common::InvalidField(field,
                              absl::StrCat("must be a contact of ", owner, " (got ", contact, ")"));
}

absl::Status CheckSingletonName(absl::string_view field, absl::string_view name,
                                absl::string_view singleton) {
  if (name.empty() || name == singleton) return absl::OkStatus();
  return common::InvalidField(field, absl::StrCat("must be \"", singleton, "\" or empty"));
}

}  // namespace kam::interaction
