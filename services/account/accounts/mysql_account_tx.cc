// MySqlTransaction: the account steps, except the hierarchy ones
// (mysql_hierarchy.cc).
#include <cppconn/exception.h>

#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "common/db/row_reader.h"
#include "common/db/sql_error.h"
#include "services/account/accounts/account_fields.h"
#include "services/account/accounts/mysql_account_sql.h"
#include "services/account/mysql_account_database.h"
#include "services/account/shared/account_names.h"
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
  return Step([&]() -> absl::Status {
    try {
      connection_.Update(
          "UPDATE accounts SET display_name = ?, external_id = ?, industry = ?, region = ?, "
          "category = ?, parent_id = ?, owner = ?, stage = ?, share_of_wallet = ?, "
          "stage_update_time = ?, tier = ?, tier_rating_run = ?, tier_policy_version = ?, "
          "tier_update_time = ?, credit_limit_minor = ?, credit_currency = ?, "
          "payment_terms_days = ?, credit_risk = ?, state = ?, labels_text = ?, "
          "contact_count = ?, handover_count = ?, version = ?, update_time = ?, delete_time = ? "
          "WHERE id = ?",
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
          common::SqlTimeIf(a.has_delete_time(), a.delete_time()), row.id);
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
