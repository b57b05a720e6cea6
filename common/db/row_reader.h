// Moving values between result rows or bound parameters and the API's
// types, the same way in every store. Columns count from 1, as Connector/C++
// counts them. Times are DATETIME(6) in UTC (common/base/proto_time.h).
#pragma once

#include <cppconn/resultset.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "absl/time/time.h"
#include "common/api/idempotency.h"
#include "common/db/mysql_pool.h"
#include "google/protobuf/timestamp.pb.h"

namespace kam::common {

// --- reading a row ----------------------------------------------------------

// The column's text, byte for byte (binary columns included); "" for NULL.
std::string ReadText(sql::ResultSet& rs, int column);

// The column's text, or nullopt for NULL.
std::optional<std::string> ReadOptionalText(sql::ResultSet& rs, int column);

// A DATETIME column as a Timestamp, or nullopt for NULL, so that a field
// stays absent (calling mutable_x() would make it present):
//   if (auto t = ReadTimestamp(rs, 7)) *order.mutable_order_time() = *t;
std::optional<google::protobuf::Timestamp> ReadTimestamp(sql::ResultSet& rs, int column);

// A DATETIME column as an absl::Time, or nullopt for NULL (or a value the
// database should never hold).
std::optional<absl::Time> ReadOptionalTime(sql::ResultSet& rs, int column);

// A NOT NULL DATETIME column; `if_null` should the database hold none.
absl::Time ReadTime(sql::ResultSet& rs, int column, absl::Time if_null = absl::UnixEpoch());

// A nullable integer column, or nullopt for NULL.
std::optional<int64_t> ReadOptionalInt(sql::ResultSet& rs, int column);

// --- values to bind ---------------------------------------------------------

std::string SqlTime(absl::Time time);
std::string SqlTime(const google::protobuf::Timestamp& timestamp);
// NULL when `time` is absent.
std::optional<std::string> SqlTime(const std::optional<absl::Time>& time);
// NULL unless `present` (pass message.has_x()).
std::optional<std::string> SqlTimeIf(bool present, const google::protobuf::Timestamp& timestamp);
// NULL for empty text (unique columns where "none" must not collide).
std::optional<std::string> TextOrNull(const std::string& text);

// --- idempotent creates -----------------------------------------------------

// Runs `select` (a SELECT whose only `?` is the create request id and whose
// last column is the request hash stored with the row) and reads the first
// row with `read(rs)`; nullopt when no row was created with `request_id`.
// See common/api/idempotency.h for the flow around it.
template <typename Read>
auto ReadCreatedByRequest(SqlConnection& connection, const std::string& select,
                          const std::string& request_id, Read read)
    -> std::optional<CreatedByRequest<decltype(read(std::declval<sql::ResultSet&>()))>> {
  auto rs = connection.Query(select, request_id);
  if (!rs->next()) return std::nullopt;
  CreatedByRequest<decltype(read(*rs))> found{read(*rs), ""};
  found.request_hash = ReadText(*rs, static_cast<int>(rs->getMetaData()->getColumnCount()));
  return found;
}

}  // namespace kam::common
