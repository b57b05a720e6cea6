#include "services/account/account_store.h"

#include <cppconn/exception.h>

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/api/etag.h"
#include "common/api/resource_name.h"
#include "common/api/validation.h"
#include "common/base/proto_time.h"
#include "common/db/filter_sql.h"
#include "common/db/sql_error.h"
#include "common/db/transaction.h"
#include "services/account/hierarchy.h"

namespace kam::account {
namespace {

using common::SqlConnection;
using common::SqlValue;

// The column list every account read uses; ReadAccount reads it by position.
constexpr char kAccountColumns[] =
    "a.id, a.display_name, a.external_id, a.industry, a.region, a.category, a.parent_id, "
    "a.owner, a.stage, a.share_of_wallet, a.stage_update_time, a.tier, a.tier_rating_run, "
    "a.tier_policy_version, a.tier_update_time, a.credit_limit_minor, a.credit_currency, "
    "a.payment_terms_days, a.credit_risk, a.state, a.labels_text, a.contact_count, "
    "a.handover_count, a.version, a.create_time, a.update_time, a.delete_time";
constexpr int kAccountColumnCount = 27;

constexpr char kContactColumns[] =
    "c.id, c.account_id, c.display_name, c.title, c.department, c.buying_role, "
    "c.influence_weight, c.preferred_channel, c.phone, c.email, c.do_not_call, c.time_zone, "
    "c.version, c.create_time, c.update_time, c.delete_time";

constexpr char kMembershipColumns[] =
    "m.id, m.account_id, m.user_id, m.role, m.start_time, m.end_time, m.end_reason, m.actor";

std::string AccountName(int64_t id) { return absl::StrCat("accounts/", id); }

std::string Str(sql::ResultSet& rs, int column) { return rs.getString(column); }

// The column as a Timestamp; nullopt when it is NULL (the field stays
// absent: calling mutable_x() would make it present).
std::optional<google::protobuf::Timestamp> ReadTime(sql::ResultSet& rs, int column) {
  const sql::SQLString text = rs.getString(column);
  if (rs.wasNull()) return std::nullopt;
  google::protobuf::Timestamp ts;
  common::SqlDateTimeToProto(absl::string_view(text.c_str(), text.length()), &ts);
  return ts;
}

std::optional<std::string> SqlTime(const google::protobuf::Timestamp& ts, bool present) {
  if (!present) return std::nullopt;
  return common::ToSqlDateTime(common::FromProtoTimestamp(ts));
}

std::string Time(const google::protobuf::Timestamp& ts) {
  return common::ToSqlDateTime(common::FromProtoTimestamp(ts));
}

// Labels are stored as sorted "key=value" lines: keys and values are limited
// to [a-z0-9_-], so neither '=' nor a newline can occur in them.
std::optional<std::string> EncodeLabels(const google::protobuf::Map<std::string, std::string>& labels) {
  if (labels.empty()) return std::nullopt;
  std::map<std::string, std::string> sorted(labels.begin(), labels.end());
  std::string text;
  for (const auto& [key, value] : sorted) {
    if (!text.empty()) text.push_back('\n');
    absl::StrAppend(&text, key, "=", value);
  }
  return text;
}

void DecodeLabels(absl::string_view text, google::protobuf::Map<std::string, std::string>* labels) {
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    const size_t eq = line.find('=');
    if (eq == absl::string_view::npos) continue;
    (*labels)[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
  }
}

StoredAccount ReadAccount(sql::ResultSet& rs) {
  StoredAccount row;
  v1::Account& a = row.account;
  row.id = rs.getInt64(1);
  a.set_name(AccountName(row.id));
  a.set_display_name(Str(rs, 2));
  a.set_external_id(Str(rs, 3));
  a.set_industry(Str(rs, 4));
  a.set_region(Str(rs, 5));
  a.set_category(static_cast<v1::AccountCategory>(rs.getInt(6)));
  row.parent_id = rs.getInt64(7);
  if (row.parent_id != 0) a.set_parent_account(AccountName(row.parent_id));
  a.set_owner(Str(rs, 8));
  a.set_stage(static_cast<v1::RelationshipStage>(rs.getInt(9)));
  a.set_share_of_wallet_percent(rs.getInt(10));
  if (auto t = ReadTime(rs, 11)) *a.mutable_stage_update_time() = *t;
  a.set_tier(static_cast<v1::Tier>(rs.getInt(12)));
  a.set_tier_rating_run(Str(rs, 13));
  a.set_tier_policy_version(Str(rs, 14));
  if (auto t = ReadTime(rs, 15)) *a.mutable_tier_update_time() = *t;
  const int64_t limit = rs.getInt64(16);
  const bool has_limit = !rs.wasNull();
  const std::string currency = Str(rs, 17);
  if (has_limit) {
    a.mutable_credit()->mutable_credit_limit()->set_minor_units(limit);
    a.mutable_credit()->mutable_credit_limit()->set_currency_code(currency);
  }
  a.mutable_credit()->set_payment_terms_days(rs.getInt(18));
  a.mutable_credit()->set_risk_level(static_cast<v1::CreditRiskLevel>(rs.getInt(19)));
  if (!a.credit().has_credit_limit() && a.credit().payment_terms_days() == 0 &&
      a.credit().risk_level() == v1::CREDIT_RISK_LEVEL_UNSPECIFIED) {
    a.clear_credit();
  }
  a.set_state(static_cast<v1::LifecycleState>(rs.getInt(20)));
  const sql::SQLString labels = rs.getString(21);
  if (!rs.wasNull()) DecodeLabels(absl::string_view(labels.c_str(), labels.length()), a.mutable_labels());
  a.set_contact_count(rs.getInt(22));
  a.set_single_contact_risk(a.contact_count() == 1);
  a.set_account_manager_handover_count(rs.getInt(23));
  row.version = rs.getInt64(24);
  if (auto t = ReadTime(rs, 25)) *a.mutable_create_time() = *t;
  if (auto t = ReadTime(rs, 26)) *a.mutable_update_time() = *t;
  if (auto t = ReadTime(rs, 27)) *a.mutable_delete_time() = *t;
  a.set_etag(common::MakeEtag(a.name(), row.version));
  return row;
}

StoredContact ReadContact(sql::ResultSet& rs) {
  StoredContact row;
  v1::Contact& c = row.contact;
  row.id = rs.getInt64(1);
  row.account_id = rs.getInt64(2);
  c.set_name(absl::StrCat("accounts/", row.account_id, "/contacts/", row.id));
  c.set_display_name(Str(rs, 3));
  c.set_title(Str(rs, 4));
  c.set_department(Str(rs, 5));
  c.set_buying_role(static_cast<v1::BuyingRole>(rs.getInt(6)));
  c.set_influence_weight(rs.getInt(7));
  c.set_preferred_channel(static_cast<v1::ContactChannel>(rs.getInt(8)));
  c.set_phone(Str(rs, 9));
  c.set_email(Str(rs, 10));
  c.set_do_not_call(rs.getInt(11) != 0);
  c.set_time_zone(Str(rs, 12));
  row.version = rs.getInt64(13);
  if (auto t = ReadTime(rs, 14)) *c.mutable_create_time() = *t;
  if (auto t = ReadTime(rs, 15)) *c.mutable_update_time() = *t;
  if (auto t = ReadTime(rs, 16)) *c.mutable_delete_time() = *t;
  c.set_etag(common::MakeEtag(c.name(), row.version));
  return row;
}

StoredMembership ReadMembership(sql::ResultSet& rs) {
  StoredMembership row;
  v1::TeamMembership& m = row.membership;
  row.id = rs.getInt64(1);
  row.account_id = rs.getInt64(2);
  m.set_name(absl::StrCat("accounts/", row.account_id, "/teamMemberships/", row.id));
  m.set_user(Str(rs, 3));
  m.set_role(static_cast<v1::TeamRole>(rs.getInt(4)));
  if (auto t = ReadTime(rs, 5)) *m.mutable_start_time() = *t;
  if (auto t = ReadTime(rs, 6)) *m.mutable_end_time() = *t;
  m.set_end_reason(Str(rs, 7));
  m.set_actor(Str(rs, 8));
  return row;
}

absl::Status AccountNotFound(int64_t id) {
  return absl::NotFoundError(absl::StrCat("account accounts/", id, " not found"));
}

// Pads an id list to the next size in 1, 2, 4, ..., 1024 by repeating the
// last id, so IN (...) lists of any length share at most 11 statements.
std::vector<SqlValue> PaddedIds(const std::vector<int64_t>& ids, std::string* placeholders) {
  size_t size = 1;
  while (size < ids.size()) size *= 2;
  std::vector<SqlValue> values;
  values.reserve(size);
  for (int64_t id : ids) values.emplace_back(id);
  while (values.size() < size) values.emplace_back(ids.back());
  *placeholders = "?";
  for (size_t i = 1; i < size; ++i) placeholders->append(",?");
  return values;
}

// --- filters ------------------------------------------------------------

using common::SqlFragment;

// Parses an enum value given short ("A", "stable") or in full ("TIER_A").
template <typename Enum>
absl::StatusOr<int64_t> ParseEnumValue(absl::string_view field, absl::string_view value,
                                       absl::string_view prefix,
                                       bool (*parse)(const std::string&, Enum*)) {
  std::string upper = absl::AsciiStrToUpper(value);
  Enum parsed;
  if (parse(upper, &parsed) || parse(absl::StrCat(prefix, upper), &parsed)) {
    return static_cast<int64_t>(parsed);
  }
  return absl::InvalidArgumentError(absl::StrCat("filter value \"", value.substr(0, 64),
                                                 "\" is not a valid ", field));
}

using common::OnlyEquality;

using common::SqlOp;

absl::Status AccountComparisonToSql(const common::FilterComparison& c, SqlFragment* out) {
  const std::string& f = c.field;
  auto enum_column = [&](const char* column, absl::StatusOr<int64_t> value) -> absl::Status {
    if (absl::Status s = OnlyEquality(c); !s.ok()) return s;
    if (!value.ok()) return value.status();
    absl::StrAppend(&out->sql, column, SqlOp(c.op), "?");
    out->params.emplace_back(*value);
    return absl::OkStatus();
  };
  auto text_column = [&](const char* column) -> absl::Status {
    if (absl::Status s = OnlyEquality(c); !s.ok()) return s;
    absl::StrAppend(&out->sql, column, SqlOp(c.op), "?");
    out->params.emplace_back(c.value);
    return absl::OkStatus();
  };
  if (f == "tier") {
    return enum_column("a.tier", ParseEnumValue<v1::Tier>("tier", c.value, "TIER_", v1::Tier_Parse));
  }
  if (f == "stage") {
    return enum_column("a.stage", ParseEnumValue<v1::RelationshipStage>(
                                      "stage", c.value, "RELATIONSHIP_STAGE_",
                                      v1::RelationshipStage_Parse));
  }
  if (f == "state") {
    return enum_column("a.state", ParseEnumValue<v1::LifecycleState>(
                                      "state", c.value, "LIFECYCLE_STATE_",
                                      v1::LifecycleState_Parse));
  }
  if (f == "category") {
    return enum_column("a.category", ParseEnumValue<v1::AccountCategory>(
                                         "category", c.value, "ACCOUNT_CATEGORY_",
                                         v1::AccountCategory_Parse));
  }
  if (f == "owner") return text_column("a.owner");
  if (f == "industry") return text_column("a.industry");
  if (f == "region") return text_column("a.region");
  if (f == "external_id") {
    if (absl::Status s = OnlyEquality(c); !s.ok()) return s;
    absl::StrAppend(&out->sql, c.op == common::FilterOp::kEq ? "a.external_id = ?"
                                                             : "NOT (a.external_id <=> ?)");
    out->params.emplace_back(c.value);
    return absl::OkStatus();
  }
  if (f == "parent_account" || f == "parent") {
    if (absl::Status s = OnlyEquality(c); !s.ok()) return s;
    if (c.value.empty()) {
      out->sql.append(c.op == common::FilterOp::kEq ? "a.parent_id IS NULL"
                                                    : "a.parent_id IS NOT NULL");
      return absl::OkStatus();
    }
    absl::StatusOr<std::vector<int64_t>> parsed =
        common::ParseResourceName(absl::StrCat("filter value for ", f), c.value, {"accounts"});
    if (!parsed.ok()) return parsed.status();
    const int64_t id = (*parsed)[0];
    absl::StrAppend(&out->sql, c.op == common::FilterOp::kEq ? "a.parent_id = ?"
                                                             : "NOT (a.parent_id <=> ?)");
    out->params.emplace_back(id);
    return absl::OkStatus();
  }
  if (f == "single_contact_risk") {
    if (absl::Status s = OnlyEquality(c); !s.ok()) return s;
    const std::string v = absl::AsciiStrToLower(c.value);
    if (v != "true" && v != "false") {
      return absl::InvalidArgumentError("filter value for single_contact_risk must be true or false");
    }
    const bool want = (v == "true") == (c.op == common::FilterOp::kEq);
    out->sql.append(want ? "a.contact_count = 1" : "a.contact_count <> 1");
    return absl::OkStatus();
  }
  if (f == "create_time" || f == "update_time") {
    absl::Time t;
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, c.value, &t, &error)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "filter value for ", f, " must be an RFC 3339 time like 2026-01-31T00:00:00Z"));
    }
    absl::StrAppend(&out->sql, "a.", f, SqlOp(c.op), "?");
    out->params.emplace_back(common::ToSqlDateTime(t));
    return absl::OkStatus();
  }
  if (absl::StartsWith(f, "labels.")) {
    if (absl::Status s = OnlyEquality(c); !s.ok()) return s;
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

const char* OrderColumn(AccountOrder::Key key) {
  switch (key) {
    case AccountOrder::Key::kDisplayName: return "a.display_name";
    case AccountOrder::Key::kCreateTime: return "a.create_time";
    case AccountOrder::Key::kUpdateTime: return "a.update_time";
    case AccountOrder::Key::kTier: return "a.tier";
    case AccountOrder::Key::kId: return nullptr;
  }
  return nullptr;
}

// "WITH RECURSIVE sub(id, depth)": the live accounts below ? down to ?
// levels. The depth bound also stops a (corrupt) cycle.
constexpr char kDescendantsCte[] =
    "WITH RECURSIVE sub (id, depth) AS ("
    " SELECT id, 1 FROM accounts WHERE parent_id = ? AND delete_time IS NULL"
    " UNION ALL"
    " SELECT a.id, sub.depth + 1 FROM accounts a JOIN sub ON a.parent_id = sub.id"
    " WHERE a.delete_time IS NULL AND sub.depth < ?) ";

template <typename Row>
Page<Row> TrimPage(std::vector<Row> rows, int limit) {
  Page<Row> page;
  page.more = static_cast<int>(rows.size()) > limit;
  if (page.more) rows.resize(limit);
  page.rows = std::move(rows);
  return page;
}

int64_t CursorId(const std::optional<common::PageCursor>& cursor) {
  return cursor.has_value() ? cursor->last_id : 0;
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
      "create_time, update_time, create_request_id, create_request_hash) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  return *sql;
}

namespace {

// The values InsertAccountSql binds, in its order.
std::vector<SqlValue> InsertValues(const StoredAccount& row, const std::string& request_id,
                                   const std::string& request_hash) {
  const v1::Account& a = row.account;
  const v1::CreditProfile& credit = a.credit();
  auto text_or_null = [](const std::string& text) -> SqlValue {
    if (text.empty()) return nullptr;
    return text;
  };
  auto int_or_null = [](bool present, int64_t value) -> SqlValue {
    if (!present) return nullptr;
    return value;
  };
  std::optional<std::string> labels = EncodeLabels(a.labels());
  return {row.id,
          a.display_name(),
          text_or_null(a.external_id()),
          a.industry(),
          a.region(),
          int64_t{a.category()},
          int_or_null(row.parent_id != 0, row.parent_id),
          a.owner(),
          int64_t{a.stage()},
          int64_t{a.share_of_wallet_percent()},
          Time(a.stage_update_time()),
          int_or_null(credit.has_credit_limit(), credit.credit_limit().minor_units()),
          credit.has_credit_limit() ? credit.credit_limit().currency_code() : std::string(),
          int64_t{credit.payment_terms_days()},
          int64_t{credit.risk_level()},
          int64_t{a.state()},
          labels.has_value() ? SqlValue(*labels) : SqlValue(nullptr),
          row.version,
          Time(a.create_time()),
          Time(a.update_time()),
          text_or_null(request_id),
          request_id.empty() ? SqlValue(nullptr) : SqlValue(request_hash)};
}

// InsertAccountSql with `rows` rows of values.
std::string MultiRowInsertSql(size_t rows) {
  static constexpr char kRow[] = ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  std::string sql = InsertAccountSql();
  for (size_t i = 1; i < rows; ++i) sql.append(kRow);
  return sql;
}

}  // namespace

// --- AccountTx ----------------------------------------------------------

absl::StatusOr<StoredAccount> AccountTx::LockAccount(int64_t id) {
  auto rs = connection_.Query(
      absl::StrCat("SELECT ", kAccountColumns, " FROM accounts a WHERE a.id = ? FOR UPDATE"), id);
  if (!rs->next()) return AccountNotFound(id);
  return ReadAccount(*rs);
}

absl::Status AccountTx::WriteAccount(const StoredAccount& row) {
  const v1::Account& a = row.account;
  const v1::CreditProfile& credit = a.credit();
  std::optional<int64_t> limit;
  if (credit.has_credit_limit()) limit = credit.credit_limit().minor_units();
  try {
    connection_.Update(
        "UPDATE accounts SET display_name = ?, external_id = ?, industry = ?, region = ?, "
        "category = ?, parent_id = ?, owner = ?, stage = ?, share_of_wallet = ?, "
        "stage_update_time = ?, tier = ?, tier_rating_run = ?, tier_policy_version = ?, "
        "tier_update_time = ?, credit_limit_minor = ?, credit_currency = ?, "
        "payment_terms_days = ?, credit_risk = ?, state = ?, labels_text = ?, "
        "contact_count = ?, handover_count = ?, version = ?, update_time = ?, delete_time = ? "
        "WHERE id = ?",
        a.display_name(),
        a.external_id().empty() ? std::nullopt : std::optional<std::string>(a.external_id()),
        a.industry(), a.region(), static_cast<int>(a.category()),
        row.parent_id == 0 ? std::nullopt : std::optional<int64_t>(row.parent_id), a.owner(),
        static_cast<int>(a.stage()), a.share_of_wallet_percent(), Time(a.stage_update_time()),
        static_cast<int>(a.tier()), a.tier_rating_run(), a.tier_policy_version(),
        SqlTime(a.tier_update_time(), a.has_tier_update_time()), limit,
        credit.has_credit_limit() ? credit.credit_limit().currency_code() : std::string(),
        credit.payment_terms_days(), static_cast<int>(credit.risk_level()),
        static_cast<int>(a.state()), EncodeLabels(a.labels()), a.contact_count(),
        a.account_manager_handover_count(), row.version, Time(a.update_time()),
        SqlTime(a.delete_time(), a.has_delete_time()), row.id);
  } catch (const sql::SQLException& e) {
    if (e.getErrorCode() != common::kErDupEntry) throw;
    return absl::AlreadyExistsError(absl::StrCat(
        "account.external_id \"", a.external_id(), "\" is already used by a live account"));
  }
  return absl::OkStatus();
}

absl::StatusOr<InsertOutcome> AccountTx::InsertAccount(const StoredAccount& row,
                                                       const std::string& request_id,
                                                       const std::string& request_hash) {
  const v1::Account& a = row.account;
  try {
    connection_.Update(InsertAccountSql(), InsertValues(row, request_id, request_hash));
  } catch (const sql::SQLException& e) {
    if (e.getErrorCode() != common::kErDupEntry) throw;
    if (common::DuplicateKeyName(e.what()) == "uk_accounts_create_request") {
      return InsertOutcome::kDuplicateRequest;
    }
    // The server names only the first unique key that collided. A retry of a
    // create with an external id collides on that key first, so ask whether
    // the request id is taken too (a failed statement leaves the transaction
    // usable).
    if (!request_id.empty() &&
        connection_.Query("SELECT 1 FROM accounts WHERE create_request_id = ?", request_id)
            ->next()) {
      return InsertOutcome::kDuplicateRequest;
    }
    return absl::AlreadyExistsError(absl::StrCat(
        "account.external_id \"", a.external_id(), "\" is already used by a live account"));
  }
  if (!a.labels().empty()) ReplaceLabels(row.id, a.labels());
  return InsertOutcome::kInserted;
}

void AccountTx::ReplaceLabels(int64_t account_id,
                              const google::protobuf::Map<std::string, std::string>& labels) {
  connection_.Update("DELETE FROM account_labels WHERE account_id = ?", account_id);
  for (const auto& [key, value] : labels) {
    connection_.Update(
        "INSERT INTO account_labels (account_id, label_key, label_value) VALUES (?, ?, ?)",
        account_id, key, value);
  }
}

void AccountTx::LockHierarchy() {
  connection_.Query("SELECT name FROM kam_locks WHERE name = 'hierarchy' FOR UPDATE");
}

std::vector<int64_t> AccountTx::AncestorChain(int64_t id) {
  auto rs = connection_.Query(
      "WITH RECURSIVE up (id, parent_id, lvl) AS ("
      " SELECT id, parent_id, 0 FROM accounts WHERE id = ?"
      " UNION ALL"
      " SELECT a.id, a.parent_id, up.lvl + 1 FROM accounts a JOIN up ON a.id = up.parent_id"
      " WHERE up.lvl < ?) "
      "SELECT id FROM up ORDER BY lvl",
      id, kMaxHierarchyDepth * 2);
  std::vector<int64_t> chain;
  while (rs->next()) chain.push_back(rs->getInt64(1));
  return chain;
}

int AccountTx::SubtreeHeight(int64_t id) {
  auto rs = connection_.Query(absl::StrCat(kDescendantsCte, "SELECT COALESCE(MAX(depth), 0) FROM sub"),
                              id, kMaxHierarchyDepth * 2);
  return rs->next() ? rs->getInt(1) : 0;
}

int AccountTx::CountLiveChildren(int64_t id) {
  auto rs = connection_.Query(
      "SELECT COUNT(*) FROM accounts WHERE parent_id = ? AND delete_time IS NULL", id);
  return rs->next() ? rs->getInt(1) : 0;
}

absl::StatusOr<StoredContact> AccountTx::LockContact(int64_t account_id, int64_t contact_id) {
  auto rs = connection_.Query(
      absl::StrCat("SELECT ", kContactColumns,
                   " FROM contacts c WHERE c.id = ? AND c.account_id = ? FOR UPDATE"),
      contact_id, account_id);
  if (!rs->next()) {
    return absl::NotFoundError(
        absl::StrCat("contact accounts/", account_id, "/contacts/", contact_id, " not found"));
  }
  return ReadContact(*rs);
}

absl::StatusOr<InsertOutcome> AccountTx::InsertContact(const StoredContact& row,
                                                       const std::string& request_id,
                                                       const std::string& request_hash) {
  const v1::Contact& c = row.contact;
  try {
    connection_.Update(
        "INSERT INTO contacts (id, account_id, display_name, title, department, buying_role, "
        "influence_weight, preferred_channel, phone, email, do_not_call, time_zone, version, "
        "create_time, update_time, create_request_id, create_request_hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        row.id, row.account_id, c.display_name(), c.title(), c.department(),
        static_cast<int>(c.buying_role()), c.influence_weight(),
        static_cast<int>(c.preferred_channel()), c.phone(), c.email(), c.do_not_call(),
        c.time_zone(), row.version, Time(c.create_time()), Time(c.update_time()),
        request_id.empty() ? std::nullopt : std::optional<std::string>(request_id),
        request_id.empty() ? std::nullopt : std::optional<std::string>(request_hash));
  } catch (const sql::SQLException& e) {
    if (e.getErrorCode() != common::kErDupEntry) throw;
    return InsertOutcome::kDuplicateRequest;
  }
  return InsertOutcome::kInserted;
}

void AccountTx::WriteContact(const StoredContact& row) {
  const v1::Contact& c = row.contact;
  connection_.Update(
      "UPDATE contacts SET display_name = ?, title = ?, department = ?, buying_role = ?, "
      "influence_weight = ?, preferred_channel = ?, phone = ?, email = ?, do_not_call = ?, "
      "time_zone = ?, version = ?, update_time = ?, delete_time = ? WHERE id = ?",
      c.display_name(), c.title(), c.department(), static_cast<int>(c.buying_role()),
      c.influence_weight(), static_cast<int>(c.preferred_channel()), c.phone(), c.email(),
      c.do_not_call(), c.time_zone(), row.version, Time(c.update_time()),
      SqlTime(c.delete_time(), c.has_delete_time()), row.id);
}

void AccountTx::AddToContactCount(int64_t account_id, int delta) {
  connection_.Update("UPDATE accounts SET contact_count = contact_count + ? WHERE id = ?", delta,
                     account_id);
}

std::optional<StoredMembership> AccountTx::LockActiveAccountManager(int64_t account_id) {
  auto rs = connection_.Query(
      absl::StrCat("SELECT ", kMembershipColumns,
                   " FROM team_memberships m WHERE m.account_id = ? AND m.role = ? "
                   "AND m.end_time IS NULL ORDER BY m.id DESC LIMIT 1 FOR UPDATE"),
      account_id, static_cast<int>(v1::TEAM_ROLE_ACCOUNT_MANAGER));
  if (!rs->next()) return std::nullopt;
  return ReadMembership(*rs);
}

absl::StatusOr<StoredMembership> AccountTx::LockMembership(int64_t account_id,
                                                           int64_t membership_id) {
  auto rs = connection_.Query(
      absl::StrCat("SELECT ", kMembershipColumns,
                   " FROM team_memberships m WHERE m.id = ? AND m.account_id = ? FOR UPDATE"),
      membership_id, account_id);
  if (!rs->next()) {
    return absl::NotFoundError(absl::StrCat("team membership accounts/", account_id,
                                            "/teamMemberships/", membership_id, " not found"));
  }
  return ReadMembership(*rs);
}

bool AccountTx::HasActiveMembership(int64_t account_id, const std::string& user,
                                    v1::TeamRole role) {
  auto rs = connection_.Query(
      "SELECT 1 FROM team_memberships WHERE account_id = ? AND user_id = ? AND role = ? "
      "AND end_time IS NULL LIMIT 1",
      account_id, user, static_cast<int>(role));
  return rs->next();
}

absl::StatusOr<InsertOutcome> AccountTx::InsertMembership(StoredMembership* row,
                                                          const std::string& request_id,
                                                          const std::string& request_hash) {
  absl::StatusOr<int64_t> id = store_.membership_ids_.Next();
  if (!id.ok()) return id.status();
  row->id = *id;
  v1::TeamMembership& m = row->membership;
  m.set_name(absl::StrCat("accounts/", row->account_id, "/teamMemberships/", row->id));
  try {
    connection_.Update(
        "INSERT INTO team_memberships (id, account_id, user_id, role, start_time, actor, "
        "create_request_id, create_request_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        row->id, row->account_id, m.user(), static_cast<int>(m.role()), Time(m.start_time()),
        m.actor(), request_id.empty() ? std::nullopt : std::optional<std::string>(request_id),
        request_id.empty() ? std::nullopt : std::optional<std::string>(request_hash));
  } catch (const sql::SQLException& e) {
    if (e.getErrorCode() != common::kErDupEntry) throw;
    return InsertOutcome::kDuplicateRequest;
  }
  return InsertOutcome::kInserted;
}

void AccountTx::EndMembership(int64_t membership_id, absl::Time end_time,
                              const std::string& reason, bool handover) {
  connection_.Update(
      "UPDATE team_memberships SET end_time = ?, end_reason = ?, ended_by_handover = ? "
      "WHERE id = ?",
      common::ToSqlDateTime(end_time), reason, handover, membership_id);
}

absl::Status AccountTx::InsertStageChange(StageChangeRow* row) {
  absl::StatusOr<int64_t> id = store_.stage_change_ids_.Next();
  if (!id.ok()) return id.status();
  v1::StageChange& c = row->change;
  c.set_name(absl::StrCat("accounts/", row->account_id, "/stageChanges/", *id));
  connection_.Update(
      "INSERT INTO stage_changes (id, account_id, from_stage, to_stage, share_of_wallet, "
      "interruption_cause, reason, actor, change_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      *id, row->account_id, static_cast<int>(c.from_stage()), static_cast<int>(c.to_stage()),
      c.share_of_wallet_percent(), static_cast<int>(c.interruption_cause()), c.reason(),
      c.actor(), Time(c.change_time()));
  return absl::OkStatus();
}

absl::Status AccountTx::InsertChurnEvent(ChurnEventRow* row) {
  absl::StatusOr<int64_t> id = store_.churn_event_ids_.Next();
  if (!id.ok()) return id.status();
  v1::ChurnEvent& e = row->event;
  e.set_name(absl::StrCat("accounts/", row->account_id, "/churnEvents/", *id));
  std::optional<std::string> lines;
  if (e.lost_product_lines_size() > 0) lines = absl::StrJoin(e.lost_product_lines(), "\n");
  connection_.Update(
      "INSERT INTO churn_events (id, account_id, kind, reason, lost_product_lines, note, "
      "actor, event_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      *id, row->account_id, static_cast<int>(e.kind()), static_cast<int>(e.reason()), lines,
      e.note(), e.actor(), Time(e.event_time()));
  return absl::OkStatus();
}

absl::StatusOr<std::map<int64_t, TierState>> AccountTx::LockTierStates(
    const std::vector<int64_t>& ids) {
  std::string placeholders;
  std::vector<SqlValue> values = PaddedIds(ids, &placeholders);
  auto rs = connection_.Query(absl::StrCat("SELECT id, tier, tier_rating_run FROM accounts "
                                           "WHERE id IN (", placeholders, ") FOR UPDATE"),
                              values);
  std::map<int64_t, TierState> states;
  while (rs->next()) {
    TierState& state = states[rs->getInt64(1)];
    state.tier = static_cast<v1::Tier>(rs->getInt(2));
    state.rating_run = rs->getString(3);
  }
  for (int64_t id : ids) {
    if (states.count(id) == 0) return AccountNotFound(id);
  }
  return states;
}

absl::Status AccountTx::SetTiers(const std::vector<TierUpdate>& updates,
                                 const std::string& rating_run,
                                 const std::string& policy_version, absl::Time now) {
  if (updates.empty()) return absl::OkStatus();
  const std::string time = common::ToSqlDateTime(now);
  // One UPDATE for the whole batch: tier = CASE id WHEN ... END. The lists
  // are padded to the next power of two (repeating the last pair, which
  // changes nothing) so batches of any size share a few prepared statements.
  size_t size = 1;
  while (size < updates.size()) size *= 2;
  std::string cases;
  std::string ids;
  std::vector<SqlValue> case_values;
  std::vector<SqlValue> id_values;
  for (size_t i = 0; i < size; ++i) {
    const TierUpdate& u = updates[std::min(i, updates.size() - 1)];
    cases.append(" WHEN ? THEN ?");
    ids.append(i == 0 ? "?" : ",?");
    case_values.emplace_back(u.account_id);
    case_values.emplace_back(int64_t{u.to});
    id_values.emplace_back(u.account_id);
  }
  connection_.Update(absl::StrCat("UPDATE accounts SET tier = CASE id", cases,
                                  " END, tier_rating_run = ?, tier_policy_version = ?, "
                                  "tier_update_time = ?, version = version + 1, update_time = ? "
                                  "WHERE id IN (",
                                  ids, ")"),
                     case_values, rating_run, policy_version, time, time, id_values);

  // The tier history: one row per change, inserted 100 (then 10, then 1)
  // rows per statement, again so that few statement shapes exist.
  std::vector<const TierUpdate*> changes;
  for (const TierUpdate& u : updates) {
    if (u.from != u.to) changes.push_back(&u);
  }
  size_t done = 0;
  for (size_t chunk : {100, 10, 1}) {
    while (changes.size() - done >= chunk) {
      std::string sql =
          "INSERT INTO tier_changes (id, account_id, from_tier, to_tier, rating_run, "
          "policy_version, reason, change_time) VALUES ";
      std::vector<SqlValue> values;
      for (size_t i = 0; i < chunk; ++i) {
        const TierUpdate& u = *changes[done + i];
        absl::StatusOr<int64_t> id = store_.tier_change_ids_.Next();
        if (!id.ok()) return id.status();
        sql.append(i == 0 ? "(?, ?, ?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?, ?, ?)");
        for (SqlValue v : {SqlValue(*id), SqlValue(u.account_id), SqlValue(int64_t{u.from}),
                           SqlValue(int64_t{u.to}), SqlValue(rating_run),
                           SqlValue(policy_version), SqlValue(*u.reason), SqlValue(time)}) {
          values.push_back(std::move(v));
        }
      }
      connection_.Update(sql, values);
      done += chunk;
    }
  }
  return absl::OkStatus();
}

// --- AccountStore -------------------------------------------------------

// Largest GetAccount batch: beyond this, batches stop saving much and a
// caller waits for a long result set.
constexpr int kMaxReadBatch = 64;

// Largest CreateAccount batch (one multi-row INSERT).
constexpr int kMaxInsertBatch = 32;
// Batches running at once: two let the database overlap a query with the
// other core's work, and two commits share one log flush.
const int kReadLanes = 1;
const int kInsertLanes = 1;

AccountStore::AccountStore(common::ConnectionPool* pool)
    : pool_(pool),
      account_reads_([this](const std::vector<const int64_t*>& ids) { return ReadBatch(ids); },
                     kMaxReadBatch, kReadLanes),
      account_inserts_(
          [this](const std::vector<const PendingInsert*>& inserts) { return InsertBatch(inserts); },
          kMaxInsertBatch, kInsertLanes),
      account_ids_(pool, "accounts"),
      contact_ids_(pool, "contacts"),
      membership_ids_(pool, "team_memberships"),
      stage_change_ids_(pool, "stage_changes"),
      churn_event_ids_(pool, "churn_events"),
      tier_change_ids_(pool, "tier_changes") {}

absl::Status AccountStore::Transact(absl::string_view context,
                                    const std::function<absl::Status(AccountTx&)>& fn) {
  return common::RunInTransaction(*pool_, context, [&](SqlConnection& connection) {
    AccountTx tx(connection, *this);
    return fn(tx);
  });
}

absl::StatusOr<InsertOutcome> AccountStore::InsertAccount(const StoredAccount& row,
                                                          const std::string& request_id,
                                                          const std::string& request_hash) {
  return account_inserts_.Call(PendingInsert{&row, &request_id, &request_hash});
}

std::vector<absl::StatusOr<InsertOutcome>> AccountStore::InsertBatch(
    const std::vector<const PendingInsert*>& inserts) {
  std::vector<absl::StatusOr<InsertOutcome>> outcomes(inserts.size(), InsertOutcome::kInserted);
  auto one_by_one = [&](SqlConnection& connection) {
    AccountTx tx(connection, *this);
    for (size_t i = 0; i < inserts.size(); ++i) {
      outcomes[i] = tx.InsertAccount(*inserts[i]->row, *inserts[i]->request_id,
                                     *inserts[i]->request_hash);
    }
    return absl::OkStatus();
  };
  absl::Status status =
      common::WithConnection(*pool_, "creating accounts", [&](SqlConnection& connection) {
        if (inserts.size() == 1) return one_by_one(connection);
        // One statement, so one commit, for the whole batch; it inserts all
        // rows or none. A duplicate key anywhere (a retried request, a taken
        // external id) sends the batch row by row to find whose it is.
        std::vector<SqlValue> values;
        for (const PendingInsert* insert : inserts) {
          std::vector<SqlValue> row =
              InsertValues(*insert->row, *insert->request_id, *insert->request_hash);
          values.insert(values.end(), std::make_move_iterator(row.begin()),
                        std::make_move_iterator(row.end()));
        }
        try {
          connection.Update(MultiRowInsertSql(inserts.size()), values);
          return absl::OkStatus();
        } catch (const sql::SQLException& e) {
          if (e.getErrorCode() != common::kErDupEntry) throw;
        }
        return one_by_one(connection);
      });
  if (!status.ok()) outcomes.assign(inserts.size(), status);
  return outcomes;
}

absl::StatusOr<StoredAccount> AccountStore::GetAccount(int64_t id) {
  ReadResult row = account_reads_.Call(id);
  if (!row.ok()) return row.status();
  if (!row->has_value()) return AccountNotFound(id);
  return **std::move(row);
}

std::vector<AccountStore::ReadResult> AccountStore::ReadBatch(
    const std::vector<const int64_t*>& ids) {
  std::vector<int64_t> distinct;
  for (const int64_t* id : ids) {
    if (std::find(distinct.begin(), distinct.end(), *id) == distinct.end()) distinct.push_back(*id);
  }
  std::map<int64_t, StoredAccount> rows;
  const absl::Status status = FetchAccounts(distinct, &rows);
  std::vector<ReadResult> results;
  results.reserve(ids.size());
  for (const int64_t* id : ids) {
    if (!status.ok()) {
      results.push_back(status);
    } else if (auto it = rows.find(*id); it != rows.end()) {
      results.push_back(std::optional<StoredAccount>(it->second));
    } else {
      results.push_back(std::optional<StoredAccount>());
    }
  }
  return results;
}

absl::Status AccountStore::FetchAccounts(const std::vector<int64_t>& ids,
                                         std::map<int64_t, StoredAccount>* rows) {
  return common::WithConnection(*pool_, "reading accounts", [&](SqlConnection& connection) {
    std::unique_ptr<sql::ResultSet> rs;
    if (ids.size() == 1) {
      rs = connection.Query(GetAccountSql(), ids[0]);
    } else {
      std::string placeholders;
      std::vector<SqlValue> values = PaddedIds(ids, &placeholders);
      rs = connection.Query(absl::StrCat("SELECT ", kAccountColumns,
                                         " FROM accounts a WHERE a.id IN (", placeholders, ")"),
                            values);
    }
    while (rs->next()) {
      StoredAccount row = ReadAccount(*rs);
      const int64_t id = row.id;
      rows->emplace(id, std::move(row));
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<StoredAccount>> AccountStore::GetAccounts(
    const std::vector<int64_t>& ids) {
  std::vector<StoredAccount> ordered;
  if (ids.empty()) return ordered;
  std::map<int64_t, StoredAccount> found;
  if (absl::Status s = FetchAccounts(ids, &found); !s.ok()) return s;
  ordered.reserve(ids.size());
  for (int64_t id : ids) {
    auto it = found.find(id);
    if (it == found.end()) return AccountNotFound(id);
    ordered.push_back(it->second);
  }
  return ordered;
}

absl::StatusOr<CreatedByRequest<StoredAccount>> AccountStore::FindAccountByRequest(
    const std::string& request_id) {
  CreatedByRequest<StoredAccount> found;
  absl::Status status =
      common::WithConnection(*pool_, "reading account", [&](SqlConnection& connection) {
        auto rs = connection.Query(absl::StrCat("SELECT ", kAccountColumns,
                                                ", a.create_request_hash FROM accounts a "
                                                "WHERE a.create_request_id = ?"),
                                   request_id);
        if (!rs->next()) {
          return absl::AbortedError("the request that used this request_id was rolled back; retry");
        }
        found.row = ReadAccount(*rs);
        found.request_hash = rs->getString(kAccountColumnCount + 1);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return found;
}

std::vector<std::string> AccountStore::CursorKeys(const StoredAccount& row,
                                                  const AccountOrder& order) {
  const v1::Account& a = row.account;
  switch (order.key) {
    case AccountOrder::Key::kDisplayName:
      return {a.display_name()};
    case AccountOrder::Key::kCreateTime:
      return {common::ToSqlDateTime(common::FromProtoTimestamp(a.create_time()))};
    case AccountOrder::Key::kUpdateTime:
      return {common::ToSqlDateTime(common::FromProtoTimestamp(a.update_time()))};
    case AccountOrder::Key::kTier:
      return {absl::StrCat(static_cast<int>(a.tier()))};
    case AccountOrder::Key::kId:
      return {};
  }
  return {};
}

absl::StatusOr<Page<StoredAccount>> AccountStore::ListAccounts(
    const common::FilterNode& filter, const AccountOrder& order, bool show_deleted,
    const std::optional<common::PageCursor>& cursor, int limit) {
  SqlFragment where;
  if (absl::Status s = common::FilterToSql(filter, AccountComparisonToSql, &where);
      !s.ok()) {
    return s;
  }
  std::string sql = absl::StrCat("SELECT ", kAccountColumns, " FROM accounts a WHERE ",
                                 where.sql);
  if (!show_deleted) sql.append(" AND a.delete_time IS NULL");
  std::vector<SqlValue> params = std::move(where.params);
  const char* column = OrderColumn(order.key);
  const char* after = order.descending ? " < " : " > ";
  const char* direction = order.descending ? " DESC" : "";
  if (cursor.has_value()) {
    if (column == nullptr) {
      absl::StrAppend(&sql, " AND a.id", after, "?");
    } else {
      if (cursor->key_values.size() != 1) {
        return absl::InvalidArgumentError("page_token is not valid for this order_by");
      }
      absl::StrAppend(&sql, " AND (", column, after, "? OR (", column, " = ? AND a.id", after,
                      "?))");
      params.emplace_back(cursor->key_values[0]);
      params.emplace_back(cursor->key_values[0]);
    }
    params.emplace_back(cursor->last_id);
  }
  if (column != nullptr) absl::StrAppend(&sql, " ORDER BY ", column, direction, ", a.id", direction);
  else absl::StrAppend(&sql, " ORDER BY a.id", direction);
  absl::StrAppend(&sql, " LIMIT ?");
  params.emplace_back(static_cast<int64_t>(limit) + 1);

  std::vector<StoredAccount> rows;
  absl::Status status =
      common::WithConnection(*pool_, "listing accounts", [&](SqlConnection& connection) {
        auto rs = connection.Query(sql, params);
        while (rs->next()) rows.push_back(ReadAccount(*rs));
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return TrimPage(std::move(rows), limit);
}

absl::StatusOr<std::vector<StoredAccount>> AccountStore::ListAncestors(int64_t id) {
  std::vector<StoredAccount> rows;
  absl::Status status =
      common::WithConnection(*pool_, "reading ancestors", [&](SqlConnection& connection) {
        auto rs = connection.Query(
            absl::StrCat("WITH RECURSIVE up (id, parent_id, lvl) AS ("
                         " SELECT id, parent_id, 0 FROM accounts WHERE id = ?"
                         " UNION ALL"
                         " SELECT a.id, a.parent_id, up.lvl + 1 FROM accounts a"
                         " JOIN up ON a.id = up.parent_id WHERE up.lvl < ?) "
                         "SELECT ", kAccountColumns,
                         " FROM up JOIN accounts a ON a.id = up.id WHERE up.lvl > 0 "
                         "ORDER BY up.lvl"),
            id, kMaxHierarchyDepth * 2);
        while (rs->next()) rows.push_back(ReadAccount(*rs));
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return rows;
}

absl::StatusOr<Page<DescendantRow>> AccountStore::ListDescendants(
    int64_t id, int max_depth, const std::optional<common::PageCursor>& cursor, int limit) {
  int64_t after_depth = 0;
  if (cursor.has_value()) {
    if (cursor->key_values.size() != 1 || !absl::SimpleAtoi(cursor->key_values[0], &after_depth)) {
      return absl::InvalidArgumentError("page_token is not valid");
    }
  }
  std::vector<DescendantRow> rows;
  absl::Status status =
      common::WithConnection(*pool_, "reading descendants", [&](SqlConnection& connection) {
        auto rs = connection.Query(
            absl::StrCat(kDescendantsCte, "SELECT ", kAccountColumns,
                         ", sub.depth FROM sub JOIN accounts a ON a.id = sub.id "
                         "WHERE (sub.depth > ? OR (sub.depth = ? AND a.id > ?)) "
                         "ORDER BY sub.depth, a.id LIMIT ?"),
            id, max_depth, after_depth, after_depth, CursorId(cursor),
            static_cast<int64_t>(limit) + 1);
        while (rs->next()) {
          DescendantRow row;
          row.account = ReadAccount(*rs);
          row.depth = rs->getInt(kAccountColumnCount + 1);
          rows.push_back(std::move(row));
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return TrimPage(std::move(rows), limit);
}

absl::StatusOr<GroupCounts> AccountStore::CountGroup(int64_t root_id) {
  GroupCounts counts;
  absl::Status status =
      common::WithConnection(*pool_, "summarising group", [&](SqlConnection& connection) {
        // The root is depth 0; the CTE adds its live descendants. A deleted
        // root heads no group: every count is 0.
        auto rs = connection.Query(
            "WITH RECURSIVE sub (id, depth) AS ("
            " SELECT id, 0 FROM accounts WHERE id = ? AND delete_time IS NULL"
            " UNION ALL"
            " SELECT a.id, sub.depth + 1 FROM accounts a JOIN sub ON a.parent_id = sub.id"
            " WHERE a.delete_time IS NULL AND sub.depth < ?) "
            "SELECT a.tier, a.stage, a.state, COUNT(*), MAX(sub.depth) "
            "FROM sub JOIN accounts a ON a.id = sub.id GROUP BY a.tier, a.stage, a.state",
            root_id, kMaxHierarchyDepth * 2);
        while (rs->next()) {
          const int n = rs->getInt(4);
          counts.accounts += n;
          counts.by_tier[rs->getInt(1)] += n;
          counts.by_stage[rs->getInt(2)] += n;
          counts.by_state[rs->getInt(3)] += n;
          counts.depth = std::max(counts.depth, rs->getInt(5));
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return counts;
}

absl::StatusOr<StoredContact> AccountStore::GetContact(int64_t account_id, int64_t contact_id) {
  StoredContact row;
  absl::Status status =
      common::WithConnection(*pool_, "reading contact", [&](SqlConnection& connection) {
        auto rs = connection.Query(absl::StrCat("SELECT ", kContactColumns,
                                                " FROM contacts c WHERE c.id = ? AND "
                                                "c.account_id = ?"),
                                   contact_id, account_id);
        if (!rs->next()) {
          return absl::NotFoundError(absl::StrCat("contact accounts/", account_id,
                                                  "/contacts/", contact_id, " not found"));
        }
        row = ReadContact(*rs);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return row;
}

namespace {

// The contact a create with `request_id` made; ABORTED when none did (its
// transaction rolled back). On the caller's connection, so a transaction
// that holds a lock never waits for a second pooled connection.
absl::StatusOr<CreatedByRequest<StoredContact>> ContactByRequest(SqlConnection& connection,
                                                                 const std::string& request_id) {
  auto rs = connection.Query(absl::StrCat("SELECT ", kContactColumns,
                                          ", c.create_request_hash FROM contacts c "
                                          "WHERE c.create_request_id = ?"),
                             request_id);
  if (!rs->next()) {
    return absl::AbortedError("the request that used this request_id was rolled back; retry");
  }
  CreatedByRequest<StoredContact> found;
  found.row = ReadContact(*rs);
  found.request_hash = rs->getString(17);
  return found;
}

}  // namespace

absl::StatusOr<CreatedByRequest<StoredContact>> AccountStore::FindContactByRequest(
    const std::string& request_id) {
  absl::StatusOr<CreatedByRequest<StoredContact>> found;
  absl::Status status =
      common::WithConnection(*pool_, "reading contact", [&](SqlConnection& connection) {
        found = ContactByRequest(connection, request_id);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return found;
}

absl::StatusOr<CreatedByRequest<StoredContact>> AccountTx::FindContactByRequest(
    const std::string& request_id) {
  return ContactByRequest(connection_, request_id);
}

absl::StatusOr<Page<StoredContact>> AccountStore::ListContacts(
    int64_t account_id, bool show_deleted, const std::optional<common::PageCursor>& cursor,
    int limit) {
  std::vector<StoredContact> rows;
  absl::Status status =
      common::WithConnection(*pool_, "listing contacts", [&](SqlConnection& connection) {
        auto rs = connection.Query(
            absl::StrCat("SELECT ", kContactColumns,
                         " FROM contacts c WHERE c.account_id = ? AND c.id > ?",
                         show_deleted ? "" : " AND c.delete_time IS NULL",
                         " ORDER BY c.id LIMIT ?"),
            account_id, CursorId(cursor), static_cast<int64_t>(limit) + 1);
        while (rs->next()) rows.push_back(ReadContact(*rs));
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return TrimPage(std::move(rows), limit);
}

namespace {

// As ContactByRequest, for team memberships.
absl::StatusOr<CreatedByRequest<StoredMembership>> MembershipByRequest(
    SqlConnection& connection, const std::string& request_id) {
  auto rs = connection.Query(absl::StrCat("SELECT ", kMembershipColumns,
                                          ", m.create_request_hash FROM "
                                          "team_memberships m WHERE "
                                          "m.create_request_id = ?"),
                             request_id);
  if (!rs->next()) {
    return absl::AbortedError("the request that used this request_id was rolled back; retry");
  }
  CreatedByRequest<StoredMembership> found;
  found.row = ReadMembership(*rs);
  found.request_hash = rs->getString(9);
  return found;
}

}  // namespace

absl::StatusOr<CreatedByRequest<StoredMembership>> AccountStore::FindMembershipByRequest(
    const std::string& request_id) {
  absl::StatusOr<CreatedByRequest<StoredMembership>> found;
  absl::Status status =
      common::WithConnection(*pool_, "reading team membership", [&](SqlConnection& connection) {
        found = MembershipByRequest(connection, request_id);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return found;
}

absl::StatusOr<CreatedByRequest<StoredMembership>> AccountTx::FindMembershipByRequest(
    const std::string& request_id) {
  return MembershipByRequest(connection_, request_id);
}

absl::StatusOr<Page<StoredMembership>> AccountStore::ListMemberships(
    int64_t account_id, v1::TeamRole role, bool include_ended,
    const std::optional<common::PageCursor>& cursor, int limit) {
  std::string after_start = "0001-01-01 00:00:00";
  if (cursor.has_value()) {
    if (cursor->key_values.size() != 1) return absl::InvalidArgumentError("page_token is not valid");
    after_start = cursor->key_values[0];
  }
  std::vector<StoredMembership> rows;
  absl::Status status =
      common::WithConnection(*pool_, "listing team", [&](SqlConnection& connection) {
        auto rs = connection.Query(
            absl::StrCat("SELECT ", kMembershipColumns,
                         " FROM team_memberships m WHERE m.account_id = ?"
                         " AND (? = 0 OR m.role = ?)",
                         include_ended ? "" : " AND m.end_time IS NULL",
                         " AND (m.start_time > ? OR (m.start_time = ? AND m.id > ?))"
                         " ORDER BY m.start_time, m.id LIMIT ?"),
            account_id, static_cast<int>(role), static_cast<int>(role), after_start,
            after_start, CursorId(cursor), static_cast<int64_t>(limit) + 1);
        while (rs->next()) rows.push_back(ReadMembership(*rs));
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return TrimPage(std::move(rows), limit);
}

absl::StatusOr<Page<v1::StageChange>> AccountStore::ListStageChanges(
    int64_t account_id, const std::optional<common::PageCursor>& cursor, int limit) {
  std::vector<v1::StageChange> rows;
  absl::Status status =
      common::WithConnection(*pool_, "listing stage history", [&](SqlConnection& connection) {
        auto rs = connection.Query(
            "SELECT id, from_stage, to_stage, share_of_wallet, interruption_cause, reason, "
            "actor, change_time FROM stage_changes WHERE account_id = ? AND id > ? "
            "ORDER BY id LIMIT ?",
            account_id, CursorId(cursor), static_cast<int64_t>(limit) + 1);
        while (rs->next()) {
          v1::StageChange& c = rows.emplace_back();
          c.set_name(absl::StrCat("accounts/", account_id, "/stageChanges/", rs->getInt64(1)));
          c.set_from_stage(static_cast<v1::RelationshipStage>(rs->getInt(2)));
          c.set_to_stage(static_cast<v1::RelationshipStage>(rs->getInt(3)));
          c.set_share_of_wallet_percent(rs->getInt(4));
          c.set_interruption_cause(static_cast<v1::InterruptionCause>(rs->getInt(5)));
          c.set_reason(Str(*rs, 6));
          c.set_actor(Str(*rs, 7));
          if (auto t = ReadTime(*rs, 8)) *c.mutable_change_time() = *t;
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return TrimPage(std::move(rows), limit);
}

absl::StatusOr<Page<v1::ChurnEvent>> AccountStore::ListChurnEvents(
    int64_t account_id, const std::optional<common::PageCursor>& cursor, int limit) {
  std::vector<v1::ChurnEvent> rows;
  absl::Status status =
      common::WithConnection(*pool_, "listing churn history", [&](SqlConnection& connection) {
        auto rs = connection.Query(
            "SELECT id, kind, reason, lost_product_lines, note, actor, event_time "
            "FROM churn_events WHERE account_id = ? AND id > ? ORDER BY id LIMIT ?",
            account_id, CursorId(cursor), static_cast<int64_t>(limit) + 1);
        while (rs->next()) {
          v1::ChurnEvent& e = rows.emplace_back();
          e.set_name(absl::StrCat("accounts/", account_id, "/churnEvents/", rs->getInt64(1)));
          e.set_kind(static_cast<v1::ChurnEventKind>(rs->getInt(2)));
          e.set_reason(static_cast<v1::ChurnReason>(rs->getInt(3)));
          const std::string lines = rs->getString(4);
          for (absl::string_view line : absl::StrSplit(lines, '\n', absl::SkipEmpty())) {
            e.add_lost_product_lines(std::string(line));
          }
          e.set_note(Str(*rs, 5));
          e.set_actor(Str(*rs, 6));
          if (auto t = ReadTime(*rs, 7)) *e.mutable_event_time() = *t;
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return TrimPage(std::move(rows), limit);
}

absl::StatusOr<Page<v1::TierChange>> AccountStore::ListTierChanges(
    int64_t account_id, const std::optional<common::PageCursor>& cursor, int limit) {
  std::vector<v1::TierChange> rows;
  absl::Status status =
      common::WithConnection(*pool_, "listing tier history", [&](SqlConnection& connection) {
        auto rs = connection.Query(
            "SELECT id, from_tier, to_tier, rating_run, policy_version, reason, change_time "
            "FROM tier_changes WHERE account_id = ? AND id > ? ORDER BY id LIMIT ?",
            account_id, CursorId(cursor), static_cast<int64_t>(limit) + 1);
        while (rs->next()) {
          v1::TierChange& c = rows.emplace_back();
          c.set_name(absl::StrCat("accounts/", account_id, "/tierChanges/", rs->getInt64(1)));
          c.set_from_tier(static_cast<v1::Tier>(rs->getInt(2)));
          c.set_to_tier(static_cast<v1::Tier>(rs->getInt(3)));
          c.set_rating_run(Str(*rs, 4));
          c.set_policy_version(Str(*rs, 5));
          c.set_reason(Str(*rs, 6));
          if (auto t = ReadTime(*rs, 7)) *c.mutable_change_time() = *t;
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return TrimPage(std::move(rows), limit);
}

absl::StatusOr<std::vector<v1::AccountSnapshot>> AccountStore::ExportPage(
    int64_t after_id, int limit, bool include_deleted, absl::Time window_start,
    absl::Time window_end) {
  std::vector<v1::AccountSnapshot> page;
  absl::Status status =
      common::WithConnection(*pool_, "exporting accounts", [&](SqlConnection& connection) {
        auto rs = connection.Query(
            absl::StrCat("SELECT a.id, a.display_name, a.industry, a.region, a.category, "
                         "a.owner, a.stage, a.state, a.tier, a.tier_rating_run, "
                         "a.credit_currency, a.contact_count, a.create_time, a.delete_time, "
                         "a.labels_text, a.credit_risk "
                         "FROM accounts a WHERE a.id > ?",
                         include_deleted ? "" : " AND a.delete_time IS NULL",
                         " ORDER BY a.id LIMIT ?"),
            after_id, static_cast<int64_t>(limit));
        std::map<int64_t, size_t> index;
        while (rs->next()) {
          v1::AccountSnapshot& a = page.emplace_back();
          const int64_t id = rs->getInt64(1);
          index[id] = page.size() - 1;
          a.set_name(AccountName(id));
          a.set_display_name(Str(*rs, 2));
          a.set_industry(Str(*rs, 3));
          a.set_region(Str(*rs, 4));
          a.set_category(static_cast<v1::AccountCategory>(rs->getInt(5)));
          a.set_owner(Str(*rs, 6));
          a.set_stage(static_cast<v1::RelationshipStage>(rs->getInt(7)));
          a.set_state(static_cast<v1::LifecycleState>(rs->getInt(8)));
          a.set_tier(static_cast<v1::Tier>(rs->getInt(9)));
          a.set_tier_rating_run(Str(*rs, 10));
          a.set_currency_code(Str(*rs, 11));
          a.set_contact_count(rs->getInt(12));
          if (auto t = ReadTime(*rs, 13)) *a.mutable_create_time() = *t;
          if (auto t = ReadTime(*rs, 14)) *a.mutable_delete_time() = *t;
          const sql::SQLString labels = rs->getString(15);
          if (!rs->wasNull()) {
            DecodeLabels(absl::string_view(labels.c_str(), labels.length()), a.mutable_labels());
          }
          a.set_credit_risk_level(static_cast<v1::CreditRiskLevel>(rs->getInt(16)));
        }
        rs.reset();
        if (page.empty()) return absl::OkStatus();
        // The page's id range bounds both counts (ids are in order).
        const int64_t first = index.begin()->first;
        const int64_t last = index.rbegin()->first;
        const std::string from = common::ToSqlDateTime(window_start);
        const std::string to = common::ToSqlDateTime(window_end);
        auto counts = connection.Query(
            "SELECT account_id, COUNT(*) FROM team_memberships WHERE account_id BETWEEN ? AND ? "
            "AND ended_by_handover = 1 AND end_time > ? AND end_time <= ? GROUP BY account_id",
            first, last, from, to);
        while (counts->next()) {
          if (auto it = index.find(counts->getInt64(1)); it != index.end()) {
            page[it->second].set_handovers_in_window(counts->getInt(2));
          }
        }
        counts = connection.Query(
            "SELECT account_id, COUNT(*) FROM churn_events WHERE account_id BETWEEN ? AND ? "
            "AND kind = ? AND event_time > ? AND event_time <= ? GROUP BY account_id",
            first, last, static_cast<int>(v1::CHURN_EVENT_KIND_BUSINESS_CHURN), from, to);
        while (counts->next()) {
          if (auto it = index.find(counts->getInt64(1)); it != index.end()) {
            page[it->second].set_business_churn_events_in_window(counts->getInt(2));
          }
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return page;
}

absl::StatusOr<bool> AccountStore::AccountExists(int64_t id) {
  bool exists = false;
  absl::Status status =
      common::WithConnection(*pool_, "reading account", [&](SqlConnection& connection) {
        auto rs = connection.Query("SELECT 1 FROM accounts WHERE id = ?", id);
        exists = rs->next();
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return exists;
}

absl::Status AccountStore::Ping() {
  return common::WithConnection(*pool_, "checking the database", [](SqlConnection& connection) {
    auto rs = connection.Query("SELECT 1");
    return absl::OkStatus();
  });
}

}  // namespace kam::account
