// What a write of any interaction area asks of the account service before
// it writes, and the status its caller gets. Asked outside any transaction
// and never cached across calls (the account service owns these facts).
// Whatever else the account service answers (NOT_FOUND in its own words,
// UNAVAILABLE while it is down) is returned as it is, and nothing is written.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/server/grpc_server.h"
#include "kam/account/v1/account.pb.h"
#include "services/interaction/shared/account_client.h"

namespace kam::interaction {

// The account (or contact) `name` as the account service answers it, except
// that a call narrowed to an account manager (shared/narrowing.h) gets, for
// one of another's accounts, what the account service answers for one that
// does not exist: NOT_FOUND "account <name> not found" ("contact <name> not
// found"), without asking it. The checks below read through these.
absl::StatusOr<account::v1::Account> ReadAccount(AccountClient& accounts,
                                                 const common::CallContext& caller,
                                                 const std::string& name);
absl::StatusOr<account::v1::Contact> ReadContact(AccountClient& accounts,
                                                 const common::CallContext& caller,
                                                 const std::string& name);

// What most areas tell a caller to do about a deleted account.
inline constexpr absl::string_view kUndeleteFirst = "undelete it first";

// FAILED_PRECONDITION "<label> <name> is deleted" (then "; <remedy>" when one
// is given): the message every area gives for a soft-deleted account or
// contact ("account accounts/7 is deleted; undelete it first").
absl::Status DeletedError(absl::string_view label, absl::string_view name,
                          absl::string_view remedy = "");

// The account `name`, which must be live: FAILED_PRECONDITION
// "account <name> is deleted; <remedy>" when it is soft-deleted.
absl::StatusOr<account::v1::Account> GetLiveAccount(AccountClient& accounts,
                                                    const common::CallContext& caller,
                                                    const std::string& name,
                                                    absl::string_view remedy = kUndeleteFirst);

// The contact `name`, which must be live: FAILED_PRECONDITION
// "contact <name> is deleted" when it is soft-deleted.
absl::StatusOr<account::v1::Contact> GetLiveContact(AccountClient& accounts,
                                                    const common::CallContext& caller,
                                                    const std::string& name);

// The same checks with messages that start with the request field that
// named the resource: "<field> <name> not found" (NOT_FOUND restated),
// "<field> <name> is deleted; undelete the account first" for an account,
// "<field> <name> is deleted" for a contact (checked only when
// `must_be_live`: a contact already on a record may have been deleted since).
absl::StatusOr<account::v1::Account> GetLiveAccountOfField(AccountClient& accounts,
                                                           const common::CallContext& caller,
                                                           absl::string_view field,
                                                           const std::string& name);
absl::StatusOr<account::v1::Contact> GetContactOfField(AccountClient& accounts,
                                                       const common::CallContext& caller,
                                                       absl::string_view field,
                                                       const std::string& name, bool must_be_live);

}  // namespace kam::interaction
