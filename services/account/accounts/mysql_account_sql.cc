#include "services/account/accounts/mysql_account_sql.h"

#include <cppconn/exception.h>

#include <optional>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "common/db/row_reader.h"
#include "common/db/sql_error.h"
#include "services/account/accounts/account_fields.h"
#include "services/account/shared/account_names.h"
#include "services/account/shared/mysql_rows.h"

namespace kam::account::accounts {
namespace {

using common::ReadText;
using common::ReadTimestamp;
using common::SqlValue;

SqlValue TextOrNull(const std::string& text) {
  if (text.empty()) return nullptr;
  return text;
}

// An enum value given short ("A", "stable") or in full ("TIER_A"). Unlike
// common::FilterEnum, the unspecified value is one too: `tier = UNSPECIFIED`
// lists the accounts no rating run has tiered yet.
template <typename Enum>
absl::StatusOr<int64_t> FilterEnumOrUnspecified(const common::FilterComparison& c,
                                                absl::string_view prefix,
                                                bool (*parse)(const std::string&, Enum*)) {
  const std::string upper = absl::AsciiStrToUpper(c.value);
  if (upper == "UNSPECIFIED" || upper == absl::StrCat(prefix, "UNSPECIFIED")) return 0;
  return common::FilterEnum(c, prefix, parse);
}

// `column` = / != `value` for a comparison that allows only those.
absl::Status Equality(const common::FilterComparison& c, const char* column,
                      absl::StatusOr<SqlValue> value, common::SqlFragment* out) {
  KAM_RETURN_IF_ERROR(common::OnlyEquality(c));
  if (!value.ok()) return value.status();
  absl::StrAppend(&out->sql, column, common::SqlOp(c.op), "?");
  out->params.push_back(*std::move(value));
  return absl::OkStatus();
}

// `column` = / != `value` where `column` may be NULL: NULL differs from
// every value (`!=` must list it, so it reads NOT (column <=> ?)).
absl::Status NullableEquality(const common::FilterComparison& c, const char* column, SqlValue value,
                              common::SqlFragment* out) {
  KAM_RETURN_IF_ERROR(common::OnlyEquality(c));
  absl::StrAppend(&out->sql, c.op == common::FilterOp::kEq ? "" : "NOT (", column,
                  c.op == common::FilterOp::kEq ? " = ?" : " <=> ?)");
  out->params.push_back(std::move(value));
  return absl::OkStatus();
}

absl::Status ParentToSql(const common::FilterComparison& c, common::SqlFragment* out) {
  KAM_RETURN_IF_ERROR(common::OnlyEquality(c));
  if (c.value.empty()) {
    out->sql.append(c.op == common::FilterOp::kEq ? "a.parent_id IS NULL"
                                                  : "a.parent_id IS NOT NULL");
    return absl::OkStatus();
  }
  KAM_ASSIGN_OR_RETURN(int64_t id,
                       ParseAccountName(absl::StrCat("filter value for ", c.field), c.value));
  return NullableEquality(c, "a.parent_id", id, out);
}

}  // namespace

const std::string& GetAccountSql() {
  static const std::string* sql =
      new std::string(absl::StrCat("SELECT ", kAccountColumns, " FROM accounts a WHERE a.id = ?"));
  return *sql;
}

const std::string& InsertAccountSql() {
  static const std::string* sql = new std::string(
      "INSERT INTO accounts (id, display_name, external_id, industry, region, category, "
      "parent_id, owner, stage, share_of_wallet, stage_update_time, credit_limit_minor, "
      "credit_currency, payment_terms_days, credit_risk, state, labels_text, version, "
      "create_time, update_time, create_request_id, create_request_hash, group_credit_minor, "
      "group_credit_currency) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  return *sql;
}

StoredAccount ReadAccount(sql::ResultSet& rs) {
  StoredAccount row;
  v1::Account& a = row.account;
  row.id = rs.getInt64(1);
  a.set_name(AccountName(row.id));
  a.set_display_name(ReadText(rs, 2));
  a.set_external_id(ReadText(rs, 3));
  a.set_industry(ReadText(rs, 4));
  a.set_region(ReadText(rs, 5));
  a.set_category(static_cast<v1::AccountCategory>(rs.getInt(6)));
  row.parent_id = rs.getInt64(7);
  if (row.parent_id != 0) a.set_parent_account(AccountName(row.parent_id));
  a.set_owner(ReadText(rs, 8));
  a.set_stage(static_cast<v1::RelationshipStage>(rs.getInt(9)));
  a.set_share_of_wallet_percent(rs.getInt(10));
  if (auto t = ReadTimestamp(rs, 11)) *a.mutable_stage_update_time() = *t;
  a.set_tier(static_cast<v1::Tier>(rs.getInt(12)));
  a.set_tier_rating_run(ReadText(rs, 13));
  a.set_tier_policy_version(ReadText(rs, 14));
  if (auto t = ReadTimestamp(rs, 15)) *a.mutable_tier_update_time() = *t;
  v1::CreditProfile& credit = *a.mutable_credit();
  if (std::optional<int64_t> limit = common::ReadOptionalInt(rs, 16)) {
    credit.mutable_credit_limit()->set_minor_units(*limit);
    credit.mutable_credit_limit()->set_currency_code(ReadText(rs, 17));
  }
  credit.set_payment_terms_days(rs.getInt(18));
  credit.set_risk_level(static_cast<v1::CreditRiskLevel>(rs.getInt(19)));
  if (std::optional<int64_t> group_limit = common::ReadOptionalInt(rs, 28)) {
    credit.mutable_group_credit_limit()->set_minor_units(*group_limit);
    credit.mutable_group_credit_limit()->set_currency_code(ReadText(rs, 29));
  }
  DropEmptyCredit(a);
  a.set_state(static_cast<v1::LifecycleState>(rs.getInt(20)));
  ReadLabels(rs, 21, a.mutable_labels());
  a.set_contact_count(rs.getInt(22));
  a.set_single_contact_risk(a.contact_count() == 1);
  a.set_account_manager_handover_count(rs.getInt(23));
  row.version = ReadVersionAndTimes(rs, 24, a);
  return row;
}

std::vector<SqlValue> InsertValues(const StoredAccount& row, const common::RequestKey& key) {
  const v1::Account& a = row.account;
  const v1::CreditProfile& credit = a.credit();
  auto int_or_null = [](bool present, int64_t value) -> SqlValue {
    if (!present) return nullptr;
    return value;
  };
  std::optional<std::string> labels = EncodeLabels(a.labels());
  return {row.id,
          a.display_name(),
          TextOrNull(a.external_id()),
          a.industry(),
          a.region(),
          int64_t{a.category()},
          int_or_null(row.parent_id != 0, row.parent_id),
          a.owner(),
          int64_t{a.stage()},
          int64_t{a.share_of_wallet_percent()},
          common::SqlTime(a.stage_update_time()),
          int_or_null(credit.has_credit_limit(), credit.credit_limit().minor_units()),
          credit.has_credit_limit() ? credit.credit_limit().currency_code() : std::string(),
          int64_t{credit.payment_terms_days()},
          int64_t{credit.risk_level()},
          int64_t{a.state()},
          labels.has_value() ? SqlValue(*labels) : SqlValue(nullptr),
          row.version,
          common::SqlTime(a.create_time()),
          common::SqlTime(a.update_time()),
          TextOrNull(key.id),
          key.id.empty() ? SqlValue(nullptr) : SqlValue(key.hash),
          int_or_null(credit.has_group_credit_limit(), credit.group_credit_limit().minor_units()),
          credit.has_group_credit_limit() ? credit.group_credit_limit().currency_code()
                                          : std::string()};
}

absl::StatusOr<common::InsertOutcome> InsertAccountRow(common::SqlConnection& connection,
                                                       const StoredAccount& row,
                                                       const common::RequestKey& key) {
  try {
    connection.Update(InsertAccountSql(), InsertValues(row, key));
  } catch (const sql::SQLException& e) {
    if (e.getErrorCode() != common::kErDupEntry) throw;
    if (common::DuplicateKeyName(e.what()) == "uk_accounts_create_request") {
      return common::InsertOutcome::kDuplicateRequest;
    }
    // The server names only the first unique key that collided. A retry of a
    // create with an external id collides on that key first, so ask whether
    // the request id is taken too (a failed statement leaves the transaction
    // usable).
    if (!key.id.empty() &&
        connection.Query("SELECT 1 FROM accounts WHERE create_request_id = ?", key.id)->next()) {
      return common::InsertOutcome::kDuplicateRequest;
    }
    return ExternalIdTaken(row.account);
  }
  return common::InsertOutcome::kInserted;
}

absl::Status AccountComparisonToSql(const common::FilterComparison& c, common::SqlFragment* out) {
  const std::string& f = c.field;
  if (f == "tier") {
    return Equality(c, "a.tier", FilterEnumOrUnspecified(c, "TIER_", v1::Tier_Parse), out);
  }
  if (f == "stage") {
    return Equality(c, "a.stage",
                    FilterEnumOrUnspecified(c, "RELATIONSHIP_STAGE_", v1::RelationshipStage_Parse),
                    out);
  }
  if (f == "state") {
    return Equality(c, "a.state",
                    FilterEnumOrUnspecified(c, "LIFECYCLE_STATE_", v1::LifecycleState_Parse), out);
  }
  if (f == "category") {
    return Equality(c, "a.category",
                    FilterEnumOrUnspecified(c, "ACCOUNT_CATEGORY_", v1::AccountCategory_Parse),
                    out);
  }
  if (f == "owner") return Equality(c, "a.owner", SqlValue(c.value), out);
  if (f == "industry") return Equality(c, "a.industry", SqlValue(c.value), out);
  if (f == "region") return Equality(c, "a.region", SqlValue(c.value), out);
  if (f == "external_id") return NullableEquality(c, "a.external_id", c.value, out);
  if (f == "parent_account" || f == "parent") return ParentToSql(c, out);
  if (f == "single_contact_risk") {
    KAM_ASSIGN_OR_RETURN(bool want, common::FilterWantsTrue(c));
    out->sql.append(want ? "a.contact_count = 1" : "a.contact_count <> 1");
    return absl::OkStatus();
  }
  if (f == "create_time" || f == "update_time") {
    KAM_ASSIGN_OR_RETURN(std::string time, common::FilterTime(c));
    absl::StrAppend(&out->sql, "a.", f, common::SqlOp(c.op), "?");
    out->params.emplace_back(std::move(time));
    return absl::OkStatus();
  }
  if (absl::StartsWith(f, "labels.")) {
    KAM_RETURN_IF_ERROR(common::OnlyEquality(c));
    absl::StrAppend(&out->sql, c.op == common::FilterOp::kEq ? "" : "NOT ",
                    "EXISTS (SELECT 1 FROM account_labels l WHERE l.account_id = a.id "
                    "AND l.label_key = ? AND l.label_value = ?)");
    out->params.emplace_back(f.substr(7));
    out->params.emplace_back(c.value);
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "filter field \"", f.substr(0, 64),
      "\" is not supported; use tier, stage, state, category, owner, parent_account, "
      "industry, region, external_id, single_contact_risk, create_time, update_time or "
      "labels.<key>"));
}

}  // namespace kam::account::accounts
