#include "common/db/sql_error.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace kam::common {
namespace {

constexpr char kContext[] = "reading account";

struct MappingCase {
  int error_code;
  absl::StatusCode code;
  const char* message;  // with kContext
};

// The whole documented table, one row per error number.
TEST(SqlErrorToStatusTest, CodeMappingTable) {
  const MappingCase cases[] = {
      // Connection refused / lost / server gone / too many connections.
      {1040, absl::StatusCode::kUnavailable, "database unavailable while reading account"},
      {1053, absl::StatusCode::kUnavailable, "database unavailable while reading account"},
      {1077, absl::StatusCode::kUnavailable, "database unavailable while reading account"},
      {1078, absl::StatusCode::kUnavailable, "database unavailable while reading account"},
      {1079, absl::StatusCode::kUnavailable, "database unavailable while reading account"},
      {1152, absl::StatusCode::kUnavailable, "database unavailable while reading account"},
      {1158, absl::StatusCode::kUnavailable, "database unavailable while reading account"},
      {1159, absl::StatusCode::kUnavailable, "database unavailable while reading account"},
      {1160, absl::StatusCode::kUnavailable, "database unavailable while reading account"},
      {1161, absl::StatusCode::kUnavailable, "database unavailable while reading account"},
      {1927, absl::StatusCode::kUnavailable, "database unavailable while reading account"},
      {2001, absl::StatusCode::kUnavailable, "database unavailable while reading account"},
      {2002, absl::StatusCode::kUnavailable, "database unavailable while reading account"},
      {2003, absl::StatusCode::kUnavailable, "database unavailable while reading account"},
      {2005, absl::StatusCode::kUnavailable, "database unavailable while reading account"},
      {2006, absl::StatusCode::kUnavailable, "database unavailable while reading account"},
      {2011, absl::StatusCode::kUnavailable, "database unavailable while reading account"},
      {2012, absl::StatusCode::kUnavailable, "database unavailable while reading account"},
      {2013, absl::StatusCode::kUnavailable, "database unavailable while reading account"},
      {2014, absl::StatusCode::kUnavailable, "database unavailable while reading account"},
      {2026, absl::StatusCode::kUnavailable, "database unavailable while reading account"},
      {2027, absl::StatusCode::kUnavailable, "database unavailable while reading account"},
      {2055, absl::StatusCode::kUnavailable, "database unavailable while reading account"},
      {4031, absl::StatusCode::kUnavailable, "database unavailable while reading account"},
      // Access denied / unknown database: unavailable until an operator acts.
      {1044, absl::StatusCode::kUnavailable, "database unavailable while reading account"},
      {1045, absl::StatusCode::kUnavailable, "database unavailable while reading account"},
      {1049, absl::StatusCode::kUnavailable, "database unavailable while reading account"},
      // Duplicate key.
      {1062, absl::StatusCode::kAlreadyExists, "duplicate entry while reading account"},
      {1586, absl::StatusCode::kAlreadyExists, "duplicate entry while reading account"},
      // Deadlock, lock wait timeout.
      {1213, absl::StatusCode::kAborted, "concurrent update conflict while reading account; retry"},
      {1205, absl::StatusCode::kAborted, "concurrent update conflict while reading account; retry"},
      // Foreign keys.
      {1451, absl::StatusCode::kFailedPrecondition,
       "a referenced record is missing or still in use while reading account"},
      {1452, absl::StatusCode::kFailedPrecondition,
       "a referenced record is missing or still in use while reading account"},
      // Data too long / out of range / bad string.
      {1264, absl::StatusCode::kInvalidArgument,
       "a value is too long or out of range while reading account"},
      {1366, absl::StatusCode::kInvalidArgument,
       "a value is too long or out of range while reading account"},
      {1406, absl::StatusCode::kInvalidArgument,
       "a value is too long or out of range while reading account"},
      // Statement time limit.
      {1969, absl::StatusCode::kDeadlineExceeded, "database timed out while reading account"},
      {3024, absl::StatusCode::kDeadlineExceeded, "database timed out while reading account"},
      // Anything else.
      {0, absl::StatusCode::kInternal, "database error while reading account"},
      {-1, absl::StatusCode::kInternal, "database error while reading account"},
      {1064, absl::StatusCode::kInternal, "database error while reading account"},  // syntax
      {1146, absl::StatusCode::kInternal, "database error while reading account"},  // no table
      {1054, absl::StatusCode::kInternal, "database error while reading account"},  // column
      {2000, absl::StatusCode::kInternal, "database error while reading account"},
      {99999, absl::StatusCode::kInternal, "database error while reading account"},
  };
  for (const MappingCase& c : cases) {
    const absl::Status status = SqlErrorToStatus(c.error_code, kContext);
    EXPECT_EQ(status.code(), c.code) << c.error_code << ": " << status;
    EXPECT_EQ(status.message(), c.message) << c.error_code;
  }
}

TEST(SqlErrorToStatusTest, NeverOk) {
  for (int code = -5; code < 5000; ++code) {
    EXPECT_FALSE(SqlErrorToStatus(code, "x").ok()) << code;
  }
}

TEST(SqlErrorToStatusTest, MessageCarriesOnlyTheContext) {
  // The server's text ("Duplicate entry 'secret' for key ...", SQL, table and
  // column names) is never an input, so it cannot leak; the message is built
  // from a fixed phrase and the caller's context alone.
  for (const int code : {1062, 1213, 1452, 1406, 2013, 1045, 3024, 1064}) {
    const std::string message(SqlErrorToStatus(code, "creating contact").message());
    EXPECT_TRUE(absl::StrContains(message, " while creating contact")) << message;
    for (const char* leak : {"Duplicate entry", "for key", "SQL", "syntax", "Access denied", "uk_",
                             "accounts.", "'", "1062", "1213", "1045"}) {
      EXPECT_FALSE(absl::StrContains(message, leak)) << code << ": " << message;
    }
  }
}

TEST(IsConnectionErrorTest, ConnectionErrorsOnly) {
  for (const int code : {1040, 1053, 1077, 1078, 1079, 1152, 1158, 1159, 1160, 1161, 1927, 2001,
                         2002, 2003, 2005, 2006, 2011, 2012, 2013, 2014, 2026, 2027, 2055, 4031}) {
    EXPECT_TRUE(IsConnectionError(code)) << code;
  }
  for (const int code : {0, 1044, 1045, 1049, 1062, 1205, 1213, 1451, 1064, 1969, 3024, 2000}) {
    EXPECT_FALSE(IsConnectionError(code)) << code;
  }
}

TEST(IsRetryableTransactionErrorTest, DeadlockAndLockWaitOnly) {
  EXPECT_TRUE(IsRetryableTransactionError(kErLockDeadlock));
  EXPECT_TRUE(IsRetryableTransactionError(kErLockWaitTimeout));
  EXPECT_EQ(kErLockDeadlock, 1213);
  EXPECT_EQ(kErLockWaitTimeout, 1205);
  EXPECT_EQ(kErDupEntry, 1062);
  for (const int code : {0, 1062, 2006, 2013, 1452, 1969, 3024}) {
    EXPECT_FALSE(IsRetryableTransactionError(code)) << code;
  }
}

// ---------------------------------------------------------------- DuplicateKeyName

struct KeyCase {
  std::string message;
  std::string key;
};

TEST(DuplicateKeyNameTest, MariaDbAndMySql8Forms) {
  const KeyCase cases[] = {
      // MariaDB: the bare key name.
      {"Duplicate entry 'CRM-1' for key 'uk_external_id'", "uk_external_id"},
      {"Duplicate entry '42' for key 'PRIMARY'", "PRIMARY"},
      // MySQL 8: table-qualified.
      {"Duplicate entry 'CRM-1' for key 'accounts.uk_external_id'", "uk_external_id"},
      {"Duplicate entry '42' for key 'accounts.PRIMARY'", "PRIMARY"},
      // Composite values.
      {"Duplicate entry '7-req-abc' for key 'uk_request'", "uk_request"},
      // Values that contain quotes, dots or the marker itself.
      {"Duplicate entry 'O'Brien' for key 'uk_name'", "uk_name"},
      {"Duplicate entry 'a.b.c' for key 'uk_dotted'", "uk_dotted"},
      {"Duplicate entry 'x' for key 'y' for key 'uk_real'", "uk_real"},
      {"Duplicate entry 'x' for key 'db.accounts.uk_real'", "uk_real"},
      // Connector/C++ sometimes appends the SQLSTATE or more text.
      {"Duplicate entry 'x' for key 'uk_external_id' (SQLSTATE 23000)", "uk_external_id"},
  };
  for (const KeyCase& c : cases) EXPECT_EQ(DuplicateKeyName(c.message), c.key) << c.message;
}

TEST(DuplicateKeyNameTest, EmptyWhenThereIsNoKey) {
  for (const char* message : {"", "Deadlock found when trying to get lock", "Duplicate entry 'x'",
                              "Duplicate entry 'x' for key uk_external_id",
                              "Duplicate entry 'x' for key 'unterminated", "for key '"}) {
    EXPECT_EQ(DuplicateKeyName(message), "") << message;
  }
}

}  // namespace
}  // namespace kam::common
