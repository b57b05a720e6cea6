#include "common/db/row_reader.h"

#include "common/base/proto_time.h"

namespace kam::common {

std::string ReadText(sql::ResultSet& rs, int column) {
  const sql::SQLString text = rs.getString(column);
  return std::string(text.c_str(), text.length());
}

std::optional<std::string> ReadOptionalText(sql::ResultSet& rs, int column) {
  std::string text = ReadText(rs, column);
  if (rs.wasNull()) return std::nullopt;
  return text;
}

std::optional<google::protobuf::Timestamp> ReadTimestamp(sql::ResultSet& rs, int column) {
  const sql::SQLString text = rs.getString(column);
  if (rs.wasNull()) return std::nullopt;
  google::protobuf::Timestamp timestamp;
  if (!SqlDateTimeToProto(absl::string_view(text.c_str(), text.length()), &timestamp)) {
    return std::nullopt;
  }
  return timestamp;
}

std::optional<absl::Time> ReadOptionalTime(sql::ResultSet& rs, int column) {
  const sql::SQLString text = rs.getString(column);
  if (rs.wasNull()) return std::nullopt;
  absl::StatusOr<absl::Time> time = FromSqlDateTime(absl::string_view(text.c_str(), text.length()));
  if (!time.ok()) return std::nullopt;
  return *time;
}

absl::Time ReadTime(sql::ResultSet& rs, int column, absl::Time if_null) {
  return ReadOptionalTime(rs, column).value_or(if_null);
}

std::optional<int64_t> ReadOptionalInt(sql::ResultSet& rs, int column) {
  const int64_t value = rs.getInt64(column);
  if (rs.wasNull()) return std::nullopt;
  return value;
}

std::string SqlTime(absl::Time time) { return ToSqlDateTime(time); }

std::string SqlTime(const google::protobuf::Timestamp& timestamp) {
  return ToSqlDateTime(FromProtoTimestamp(timestamp));
}

std::optional<std::string> SqlTime(const std::optional<absl::Time>& time) {
  if (!time.has_value()) return std::nullopt;
  return ToSqlDateTime(*time);
}

std::optional<std::string> SqlTimeIf(bool present, const google::protobuf::Timestamp& timestamp) {
  if (!present) return std::nullopt;
  return SqlTime(timestamp);
}

std::optional<std::string> TextOrNull(const std::string& text) {
  if (text.empty()) return std::nullopt;
  return text;
}

}  // namespace kam::common
