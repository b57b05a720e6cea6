#include "services/account/shared/mysql_rows.h"

#include <cppconn/exception.h>

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/db/row_reader.h"
#include "common/db/sql_error.h"
#include "services/account/shared/account_names.h"

namespace kam::account {

std::vector<common::SqlValue> PaddedIds(const std::vector<int64_t>& ids,
                                        std::string* placeholders) {
  return PaddedValues(std::vector<common::SqlValue>(ids.begin(), ids.end()), placeholders);
}

std::vector<common::SqlValue> PaddedValues(std::vector<common::SqlValue> values,
                                           std::string* placeholders) {
  size_t size = 1;
  while (size < values.size()) size *= 2;
  values.reserve(size);
  while (values.size() < size) values.push_back(values.back());
  *placeholders = "?";
  for (size_t i = 1; i < size; ++i) placeholders->append(",?");
  return values;
}

size_t InsertRowsUntilDuplicate(common::SqlConnection& connection, absl::string_view insert,
                                absl::string_view row_placeholders,
                                const std::vector<std::vector<common::SqlValue>>& rows) {
  constexpr size_t kMaxRowsPerStatement = 256;
  size_t done = 0;
  while (done < rows.size()) {
    size_t count = kMaxRowsPerStatement;
    while (count > rows.size() - done) count /= 2;
    std::string statement(insert);
    std::vector<common::SqlValue> values;
    for (size_t i = done; i < done + count; ++i) {
      if (i > done) statement.append(", ");
      statement.append(row_placeholders.data(), row_placeholders.size());
      values.insert(values.end(), rows[i].begin(), rows[i].end());
    }
    try {
      connection.Update(statement, values);
    } catch (const sql::SQLException& e) {
      if (e.getErrorCode() != common::kErDupEntry) throw;
      return done;
    }
    done += count;
  }
  return done;
}

std::optional<std::string> EncodeLabels(
    const google::protobuf::Map<std::string, std::string>& labels) {
  if (labels.empty()) return std::nullopt;
  std::map<std::string, std::string> sorted(labels.begin(), labels.end());
  std::string text;
  for (const auto& [key, value] : sorted) {
    if (!text.empty()) text.push_back('\n');
    absl::StrAppend(&text, key, "=", value);
  }
  return text;
}

void ReadLabels(sql::ResultSet& rs, int column,
                google::protobuf::Map<std::string, std::string>* labels) {
  const std::optional<std::string> text = common::ReadOptionalText(rs, column);
  if (!text.has_value()) return;
  for (absl::string_view line : absl::StrSplit(*text, '\n', absl::SkipEmpty())) {
    const size_t eq = line.find('=');
    if (eq == absl::string_view::npos) continue;
    (*labels)[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
  }
}

absl::Status RequireAccount(common::SqlConnection& connection, int64_t id) {
  return common::CatchSqlErrors(connection, "reading account", [&]() -> absl::Status {
    if (connection.Query("SELECT 1 FROM accounts WHERE id = ?", id)->next()) {
      return absl::OkStatus();
    }
    return AccountNotFound(id);
  });
}

}  // namespace kam::account
