#include "services/interaction/shared/names.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/resource_name.h"

namespace kam::interaction {

absl::StatusOr<int64_t> ParseId(absl::string_view field, absl::string_view name,
                                absl::string_view collection) {
  absl::StatusOr<std::vector<int64_t>> ids = common::ParseResourceName(field, name, {collection});
  if (!ids.ok()) return ids.status();
  return (*ids)[0];
}

absl::StatusOr<int64_t> ParseAccountName(absl::string_view field, absl::string_view name) {
  return ParseId(field, name, "accounts");
}

std::string AccountName(int64_t id) { return absl::StrCat("accounts/", id); }

absl::StatusOr<ContactRef> ParseContactName(absl::string_view field, absl::string_view name) {
  absl::StatusOr<std::vector<int64_t>> ids =
      common::ParseResourceName(field, name, {"accounts", "contacts"});
  if (!ids.ok()) return ids.status();
  return ContactRef{(*ids)[0], (*ids)[1]};
}

std::string ContactName(int64_t account_id, int64_t contact_id) {
  return absl::StrCat("accounts/", account_id, "/contacts/", contact_id);
}

}  // namespace kam::interaction
