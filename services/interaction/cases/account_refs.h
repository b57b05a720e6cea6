// References from a case or a survey response to the account service's
// accounts and contacts: their names, and the checks a write makes before it
// stores one. Used by the case and satisfaction handlers.
#ifndef KAM_SERVICES_INTERACTION_CASES_ACCOUNT_REFS_H_
#define KAM_SERVICES_INTERACTION_CASES_ACCOUNT_REFS_H_

#include <cstdint>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/server/grpc_server.h"
#include "services/interaction/shared/account_client.h"

namespace kam::interaction::cases {

// "accounts/{a}" and "accounts/{a}/contacts/{c}".
std::string AccountName(int64_t account_id);
std::string ContactName(int64_t account_id, int64_t contact_id);

// The id of "accounts/{a}"; INVALID_ARGUMENT naming `field`.
absl::StatusOr<int64_t> ParseAccountName(absl::string_view field, absl::string_view name);
// {account id, contact id} of "accounts/{a}/contacts/{c}"; INVALID_ARGUMENT
// naming `field`.
absl::StatusOr<std::pair<int64_t, int64_t>> ParseContactName(absl::string_view field,
                                                             absl::string_view name);
// OK when `contact` (parsed into `ids`) is a contact of account
// `account_id`; otherwise INVALID_ARGUMENT "{field} must be a contact of
// {owner} (got {contact})".
absl::Status CheckContactOf(absl::string_view field, absl::string_view contact,
                            const std::pair<int64_t, int64_t>& ids, int64_t account_id,
                            absl::string_view owner);

// Asks the account service for the account `name`: its answer (NOT_FOUND,
// UNAVAILABLE, ...), or FAILED_PRECONDITION "account {name} is deleted;
// undelete it first".
absl::StatusOr<account::v1::Account> GetLiveAccount(AccountClient& accounts,
                                                    const common::CallContext& ctx,
                                                    const std::string& name);
// Asks the account service for the contact `name`: its answer, or
// FAILED_PRECONDITION "contact {name} is deleted".
absl::Status CheckLiveContact(AccountClient& accounts, const common::CallContext& ctx,
                              const std::string& name);

}  // namespace kam::interaction::cases

#endif  // KAM_SERVICES_INTERACTION_CASES_ACCOUNT_REFS_H_
