// Names of accounts and of the records below them ("accounts/42",
// "accounts/42/contacts/7"), and the errors every area gives about an
// account that is missing or deleted, so each message reads the same
// wherever it comes from. Pure: no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "kam/account/v1/account.pb.h"

namespace kam::account {

// "accounts/42".
std::string AccountName(int64_t id);
// "accounts/42/<collection>/7".
std::string ChildName(int64_t account_id, absl::string_view collection, int64_t id);

// The id of "accounts/{account}"; INVALID_ARGUMENT naming `field`
// (common/api/resource_name.h).
absl::StatusOr<int64_t> ParseAccountName(absl::string_view field, absl::string_view name);

// A record's account id and its own id, as a child name carries them.
using ChildIds = std::pair<int64_t, int64_t>;

// {account id, child id} of "accounts/{account}/<collection>/{child}".
absl::StatusOr<ChildIds> ParseChildName(absl::string_view field, absl::string_view name,
                                        absl::string_view collection);

// NOT_FOUND: "account accounts/42 not found".
absl::Status AccountNotFound(int64_t id);

// NOT_FOUND for a record below an account: NotFoundUnder("contact", 42,
// "contacts", 7) is "contact accounts/42/contacts/7 not found".
absl::Status NotFoundUnder(absl::string_view what, int64_t account_id, absl::string_view collection,
                           int64_t id);

// FAILED_PRECONDITION: "account accounts/42 is deleted; undelete it first".
absl::Status DeletedAccount(const v1::Account& account);

}  // namespace kam::account
