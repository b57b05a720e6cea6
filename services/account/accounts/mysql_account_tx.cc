// MySqlTransaction: the account steps, except the hierarchy ones
// (mysql_hierarchy.cc).
#include <cppconn/exception.h>

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "common/db/row_reader.h"
#include "common/db/sql_error.h"
#include "services/account/accounts/account_fields.h"
#include "services/account/accounts/mysql_account_sql.h"
#include "services/account/mysql_account_database.h"
#include "services/account/shared/account_names.h"
#include "services/account/shared/batch_create.h"
#include "services/account/shared/mysql_rows.h"

namespace kam::account {

using accounts::StoredAccount;

absl::StatusOr<StoredAccount> MySqlTransaction::LockAccount(int64_t id) {
  return Step([&]() -> absl::StatusOr<StoredAccount> {
    auto rs = connection_.Query(absl::StrCat("SELECT ", accounts::kAccountColumns,
                                             " FROM accounts a WHERE a.id = ? FOR UPDATE"),
                                id);
    if (!rs->next()) return AccountNotFound(id);
    return accounts::ReadAccount(*rs);
  });
}

absl::Status MySqlTransaction::WriteAccount(const StoredAccount& row) {
  const v1::Account& a = row.account;
  const v1::CreditProfile& credit = a.credit();
  std::optional<int64_t> limit;
  if (credit.has_credit_limit()) limit = credit.credit_limit().minor_units();
  std::optional<int64_t> group_limit;
  if (credit.has_group_credit_limit()) group_limit = credit.group_credit_limit().minor_units();
  return Step([&]() -> absl::Status {
    try {
      connection_.Update(
          "UPDATE accounts SET display_name = ?, external_id = ?, industry = ?, region = ?, "
          "category = ?, parent_id = ?, owner = ?, stage = ?, share_of_wallet = ?, "
          "stage_update_time = ?, tier = ?, tier_rating_run = ?, tier_policy_version = ?, "
          "tier_update_time = ?, credit_limit_minor = ?, credit_currency = ?, "
          "payment_terms_days = ?, credit_risk = ?, state = ?, labels_text = ?, "
          "contact_count = ?, handover_count = ?, version = ?, update_time = ?, delete_time = ?, "
          "group_credit_minor = ?, group_credit_currency = ? WHERE id = ?",
          a.display_name(), common::TextOrNull(a.external_id()), a.industry(), a.region(),
          static_cast<int>(a.category()),
          row.parent_id == 0 ? std::nullopt : std::optional<int64_t>(row.parent_id), a.owner(),
          static_cast<int>(a.stage()), a.share_of_wallet_percent(),
          common::SqlTime(a.stage_update_time()), static_cast<int>(a.tier()), a.tier_rating_run(),
          a.tier_policy_version(),
          common::SqlTimeIf(a.has_tier_update_time(), a.tier_update_time()), limit,
          credit.has_credit_limit() ? credit.credit_limit().currency_code() : std::string(),
          credit.payment_terms_days(), static_cast<int>(credit.risk_level()),
          static_cast<int>(a.state()), EncodeLabels(a.labels()), a.contact_count(),
          a.account_manager_handover_count(), row.version, common::SqlTime(a.update_time()),
          common::SqlTimeIf(a.has_delete_time(), a.delete_time()), group_limit,
          credit.has_group_credit_limit() ? credit.group_credit_limit().currency_code()
                                          : std::string(),
          row.id);
    } catch (const sql::SQLException& e) {
      if (e.getErrorCode() != common::kErDupEntry) throw;
      return accounts::ExternalIdTaken(a);
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<common::InsertOutcome> MySqlTransaction::InsertAccount(
    const StoredAccount& row, const common::RequestKey& key) {
  absl::StatusOr<common::InsertOutcome> outcome =
      Step([&] { return accounts::InsertAccountRow(connection_, row, key); });
  if (!outcome.ok() || *outcome != common::InsertOutcome::kInserted ||
      row.account.labels().empty()) {
    return outcome;
  }
  KAM_RETURN_IF_ERROR(ReplaceLabels(row.id, row.account.labels()));
  return outcome;
}

absl::StatusOr<std::map<int64_t, StoredAccount>> MySqlTransaction::LockAccounts(
    const std::vector<int64_t>& ids) {
  return Step([&]() -> absl::StatusOr<std::map<int64_t, StoredAccount>> {
    std::map<int64_t, StoredAccount> locked;
    if (ids.empty()) return locked;
    std::string in;
    const std::vector<common::SqlValue> values = PaddedIds(ids, &in);
    auto rs = connection_.Query(
        absl::StrCat("SELECT ", accounts::kAccountColumns, " FROM accounts a WHERE a.id IN (", in,
                     ") ORDER BY a.id FOR UPDATE"),
        values);
    while (rs->next()) {
      StoredAccount row = accounts::ReadAccount(*rs);
      const int64_t id = row.id;
      locked.emplace(id, std::move(row));
    }
    return locked;
  });
}

absl::Status MySqlTransaction::InsertAccounts(const std::vector<StoredAccount>& rows,
                                              const std::vector<common::RequestKey>& keys,
                                              size_t* failed_row) {
  *failed_row = rows.size();
  return Step([&]() -> absl::Status {
    std::vector<std::vector<common::SqlValue>> values;
    values.reserve(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      values.push_back(accounts::InsertValues(rows[i], keys[i]));
    }
    const std::string& insert = accounts::InsertAccountSql();
    const size_t row_at = insert.find("VALUES ") + 7;
    const size_t inserted =
        InsertRowsUntilDuplicate(connection_, absl::string_view(insert).substr(0, row_at),
                                 absl::string_view(insert).substr(row_at), values);
    // A duplicate key: row by row from the statement that met it, to learn
    // whose it is (InsertAccountRow tells a request id from an external id).
    for (size_t i = inserted; i < rows.size(); ++i) {
      absl::StatusOr<common::InsertOutcome> outcome =
          accounts::InsertAccountRow(connection_, rows[i], keys[i]);
      if (outcome.ok() && *outcome == common::InsertOutcome::kInserted) continue;
      *failed_row = i;
      return outcome.ok() ? RequestIdTakenMeanwhile() : outcome.status();
    }
    std::vector<std::vector<common::SqlValue>> labels;
    for (const StoredAccount& row : rows) {
      for (const auto& [key, value] : row.account.labels()) labels.push_back({row.id, key, value});
    }
    if (InsertRowsUntilDuplicate(connection_,
                                 "INSERT INTO account_labels (account_id, label_key, label_value) "
                                 "VALUES ",
                                 "(?, ?, ?)", labels) < labels.size()) {
      return absl::InternalError("the label rows of new accounts collided");
    }
    return absl::OkStatus();
  });
}

absl::Status MySqlTransaction::ReplaceLabels(
    int64_t account_id, const google::protobuf::Map<std::string, std::string>& labels) {
  return Step([&] {
    connection_.Update("DELETE FROM account_labels WHERE account_id = ?", account_id);
    for (const auto& [key, value] : labels) {
      connection_.Update(
          "INSERT INTO account_labels (account_id, label_key, label_value) VALUES (?, ?, ?)",
          account_id, key, value);
    }
    return absl::OkStatus();
  });
}

}  // namespace kam::account
