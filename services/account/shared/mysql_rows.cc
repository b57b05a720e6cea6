#include "services/account/shared/mysql_rows.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/db/row_reader.h"
#include "services/account/shared/account_names.h"

namespace kam::account {

std::vector<common::SqlValue> PaddedIds(const std::vector<int64_t>& ids,
                                        std::string* placeholders) {
  size_t size = 1;
  while (size < ids.size()) size *= 2;
  std::vector<common::SqlValue> values;
  values.reserve(size);
  for (int64_t id : ids) values.emplace_back(id);
  while (values.size() < size) values.emplace_back(ids.back());
  *placeholders = "?";
  for (size_t i = 1; i < size; ++i) placeholders->append(",?");
  return values;
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
