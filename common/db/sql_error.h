// Connector/C++ reports failures as sql::SQLException. This maps them onto the
// canonical codes a caller can act on; the SQL text and the server's message
// go to the service log only, never to a caller.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace kam::common {

// MySQL/MariaDB error numbers this code acts on.
inline constexpr int kErDupEntry = 1062;
inline constexpr int kErLockWaitTimeout = 1205;
inline constexpr int kErLockDeadlock = 1213;

// The caller-facing status for a server or client error number:
//   connection refused / lost / server gone / too many connections
//                                    -> UNAVAILABLE ("database unavailable")
//   duplicate key                    -> ALREADY_EXISTS
//   deadlock, lock wait timeout      -> ABORTED (retry)
//   foreign key violation            -> FAILED_PRECONDITION
//   data too long / out of range / bad string
//                                    -> INVALID_ARGUMENT
//   statement time limit             -> DEADLINE_EXCEEDED
//   anything else                    -> INTERNAL ("database error")
// `context` says what was being done ("reading account"); it appears in the
// message, the server's own text does not.
absl::Status SqlErrorToStatus(int error_code, absl::string_view context);

// True for errors after which the connection must not be reused.
bool IsConnectionError(int error_code);

// True for errors where re-running the whole transaction may succeed.
bool IsRetryableTransactionError(int error_code);

// The key name in a duplicate-entry message ("Duplicate entry 'x' for key
// 'uk_external_id'" -> "uk_external_id"), or empty. Lets a store tell which
// unique rule was broken.
std::string DuplicateKeyName(absl::string_view server_message);

}  // namespace kam::common
