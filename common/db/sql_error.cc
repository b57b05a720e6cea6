#include "common/db/sql_error.h"

#include "absl/strings/str_cat.h"

namespace kam::common {

bool IsConnectionError(int error_code) {
  switch (error_code) {
    case 1040:  // ER_CON_COUNT_ERROR: too many connections
    case 1053:  // ER_SERVER_SHUTDOWN
    case 1077:  // ER_NORMAL_SHUTDOWN
    case 1078:  // ER_GOT_SIGNAL
    case 1079:  // ER_SHUTDOWN_COMPLETE
    case 1152:  // ER_ABORTING_CONNECTION
    case 1158:  // ER_NET_READ_ERROR
    case 1159:  // ER_NET_READ_INTERRUPTED
    case 1160:  // ER_NET_ERROR_ON_WRITE
    case 1161:  // ER_NET_WRITE_INTERRUPTED
    case 1927:  // ER_CONNECTION_KILLED (MariaDB)
    case 2001:  // CR_SOCKET_CREATE_ERROR
    case 2002:  // CR_CONNECTION_ERROR
    case 2003:  // CR_CONN_HOST_ERROR
    case 2005:  // CR_UNKNOWN_HOST
    case 2006:  // CR_SERVER_GONE_ERROR
    case 2011:  // CR_TCP_CONNECTION
    case 2012:  // CR_SERVER_HANDSHAKE_ERR
    case 2013:  // CR_SERVER_LOST
    case 2014:  // CR_COMMANDS_OUT_OF_SYNC
    case 2026:  // CR_SSL_CONNECTION_ERROR
    case 2027:  // CR_MALFORMED_PACKET
    case 2055:  // CR_SERVER_LOST_EXTENDED
    case 4031:  // ER_CLIENT_INTERACTION_TIMEOUT
      return true;
    default: return false;
  }
}

bool IsRetryableTransactionError(int error_code) {
  return error_code == kErLockDeadlock || error_code == kErLockWaitTimeout;
}

absl::Status SqlErrorToStatus(int error_code, absl::string_view context) {
  if (IsConnectionError(error_code) || error_code == 1044 || error_code == 1045 ||
      error_code == 1049) {
    // 1044/1045/1049: the database refuses our user or lacks our schema. The
    // service cannot work until an operator fixes it: unavailable, retriable.
    return absl::UnavailableError(absl::StrCat("database unavailable while ", context));
  }
  switch (error_code) {
    case kErDupEntry:
    case 1586:  // ER_DUP_ENTRY_WITH_KEY_NAME
      return absl::AlreadyExistsError(absl::StrCat("duplicate entry while ", context));
    case kErLockDeadlock:
    case kErLockWaitTimeout:
      return absl::AbortedError(
          absl::StrCat("concurrent update conflict while ", context, "; retry"));
    case 1451:  // ER_ROW_IS_REFERENCED_2
    case 1452:  // ER_NO_REFERENCED_ROW_2
      return absl::FailedPreconditionError(
          absl::StrCat("a referenced record is missing or still in use while ", context));
    case 1264:  // ER_WARN_DATA_OUT_OF_RANGE
    case 1366:  // ER_TRUNCATED_WRONG_VALUE_FOR_FIELD
    case 1406:  // ER_DATA_TOO_LONG
      return absl::InvalidArgumentError(
          absl::StrCat("a value is too long or out of range while ", context));
    case 1969:  // ER_STATEMENT_TIMEOUT (MariaDB max_statement_time)
    case 3024:  // ER_QUERY_TIMEOUT (MySQL)
      return absl::DeadlineExceededError(absl::StrCat("database timed out while ", context));
    default: return absl::InternalError(absl::StrCat("database error while ", context));
  }
}

std::string DuplicateKeyName(absl::string_view server_message) {
  constexpr absl::string_view kMarker = "for key '";
  const size_t start = server_message.rfind(kMarker);
  if (start == absl::string_view::npos) return "";
  absl::string_view rest = server_message.substr(start + kMarker.size());
  const size_t end = rest.find('\'');
  if (end == absl::string_view::npos) return "";
  absl::string_view key = rest.substr(0, end);
  // MySQL 8 prefixes the table: 'accounts.uk_external_id'.
  if (const size_t dot = key.rfind('.'); dot != absl::string_view::npos) {
    key = key.substr(dot + 1);
  }
  return std::string(key);
}

}  // namespace kam::common
