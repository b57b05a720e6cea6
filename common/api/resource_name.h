// Resource names (AIP-122): "accounts/42", "accounts/42/contacts/7". Ids are
// positive decimal integers assigned by the service.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kam::common {

// Parses `name` against the collection ids in `collections`, e.g.
// {"accounts", "contacts"} for "accounts/42/contacts/7" -> {42, 7}.
// INVALID_ARGUMENT naming `field`: "<field> is required" when empty, or
// "<field> must look like accounts/{account}/contacts/{contact} (got ...)"
// (the got part is cut to 64 bytes) when malformed, when an id is not a
// positive decimal int64, or when it has leading zeros.
absl::StatusOr<std::vector<int64_t>> ParseResourceName(
    absl::string_view field, absl::string_view name,
    std::initializer_list<absl::string_view> collections);

// "<collection>/{id}" -> id: ParseResourceName with one collection, e.g.
// ParseId("order.account", name, "accounts").
absl::StatusOr<int64_t> ParseId(absl::string_view field, absl::string_view name,
                                absl::string_view collection);

// Builds a name from collection/id pairs: {"accounts","contacts"}, {42,7} ->
// "accounts/42/contacts/7". The two lists have the same length.
std::string FormatResourceName(std::initializer_list<absl::string_view> collections,
                               std::initializer_list<int64_t> ids);

}  // namespace kam::common
