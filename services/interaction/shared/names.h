// The names the interaction areas use for the account service's resources
// ("accounts/7", "accounts/7/contacts/3") and for their own ids, parsed and
// formatted one way everywhere. Errors are INVALID_ARGUMENT naming the
// request field (common/api/resource_name.h).
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kam::interaction {

// "accounts/{account}" -> id.
absl::StatusOr<int64_t> ParseAccountName(absl::string_view field, absl::string_view name);
std::string AccountName(int64_t id);

struct ContactRef {
  int64_t account_id = 0;
  int64_t contact_id = 0;
};
// "accounts/{account}/contacts/{contact}".
absl::StatusOr<ContactRef> ParseContactName(absl::string_view field, absl::string_view name);
std::string ContactName(int64_t account_id, int64_t contact_id);

// OK when `ref` (parsed from `contact`) is a contact of account `account_id`;
// otherwise INVALID_ARGUMENT "<field> must be a contact of <owner> (got
// <contact>)".
absl::Status CheckContactOf(absl::string_view field, absl::string_view contact,
                            const ContactRef& ref, int64_t account_id, absl::string_view owner);

// OK when `name` is empty or `singleton`, the one name of a resource that
// exists once ("quietHoursPolicy"); otherwise INVALID_ARGUMENT "<field> must
// be "<singleton>" or empty".
absl::Status CheckSingletonName(absl::string_view field, absl::string_view name,
                                absl::string_view singleton);

}  // namespace kam::interaction
