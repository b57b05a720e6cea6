#include "services/interaction/opportunity/opportunity_store.h"

#include <cppconn/exception.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/api/etag.h"
#include "common/api/resource_name.h"
#include "common/base/proto_time.h"
#include "common/db/filter_sql.h"
#include "common/db/sql_error.h"
#include "common/db/transaction.h"
#include "services/interaction/opportunity/opportunity_fields.h"
#include "services/interaction/opportunity/opportunity_qualification.h"
#include "services/interaction/opportunity/opportunity_stages.h"

namespace kam::interaction {
namespace {

using common::SqlConnection;
using common::SqlValue;

// --- the opportunity row ------------------------------------------------------

// Every column after id and account_id that a write sets, in the order the
// reads, inserts and updates use. Milestones and judgements expand to their
// per-stage and per-question columns.
const std::vector<std::string>& DataColumns() {
  static const std::vector<std::string>* columns = [] {
    auto* c = new std::vector<std::string>{"title", "owner", "amount_minor", "amount_currency",
                                           "stage", "stage_update_time", "state"};
    for (int n = 1; n <= kOpportunityStageCount; ++n) {
      c->push_back(absl::StrCat("ms", n, "_achieved"));
      c->push_back(absl::StrCat("ms", n, "_time"));
      c->push_back(absl::StrCat("ms", n, "_note"));
    }
    for (const std::string& field : JudgementFields()) {
      c->push_back(absl::StrCat(field, "_assessment"));
      c->push_back(absl::StrCat(field, "_note"));
    }
    for (const char* column :
         {"class_override", "opportunity_class", "expected_close_time", "won_reason",
          "lost_reason", "lost_reason_detail", "lost_to", "close_time", "version",
          "update_time", "delete_time"}) {
      c->push_back(column);
    }
    return c;
  }();
  return *columns;
}

// "o.id, o.account_id, o.title, ..., o.create_time": what ReadOpportunity reads.
const std::string& SelectColumns() {
  static const std::string* text = [] {
    std::vector<std::string> all = {"id", "account_id"};
    all.insert(all.end(), DataColumns().begin(), DataColumns().end());
    all.push_back("create_time");
    return new std::string(absl::StrJoin(all, ", ", [](std::string* out, const std::string& c) {
      absl::StrAppend(out, "o.", c);
    }));
  }();
  return *text;
}

int SelectColumnCount() { return static_cast<int>(DataColumns().size()) + 3; }

std::string TimeText(const google::protobuf::Timestamp& ts) {
  return common::ToSqlDateTime(common::FromProtoTimestamp(ts));
}

SqlValue OptionalTime(bool present, const google::protobuf::Timestamp& ts) {
  if (!present) return nullptr;
  return TimeText(ts);
}

// The values of DataColumns() for `row`, in order.
std::vector<SqlValue> DataValues(const StoredOpportunity& row) {
  const v1::Opportunity& o = row.opportunity;
  std::vector<SqlValue> values;
  values.reserve(DataColumns().size());
  values.emplace_back(o.title());
  values.emplace_back(o.owner());
  values.push_back(o.has_amount() ? SqlValue(o.amount().minor_units()) : SqlValue(nullptr));
  values.emplace_back(o.has_amount() ? o.amount().currency_code() : std::string());
  values.emplace_back(int64_t{o.stage()});
  values.emplace_back(TimeText(o.stage_update_time()));
  values.emplace_back(int64_t{o.state()});
  for (v1::OpportunityStage stage : OpportunityStagesInOrder()) {
    const v1::OpportunityMilestone& m = MilestoneOf(o.milestones(), stage);
    values.emplace_back(int64_t{m.achieved() ? 1 : 0});
    values.push_back(OptionalTime(m.has_achieve_time(), m.achieve_time()));
    values.emplace_back(m.note());
  }
  for (const std::string& field : JudgementFields()) {
    const v1::OpportunityJudgement& j = *JudgementOf(o.judgements(), field);
    values.emplace_back(int64_t{j.assessment()});
    values.emplace_back(j.note());
  }
  values.emplace_back(int64_t{o.class_override()});
  values.emplace_back(int64_t{o.opportunity_class()});
  values.push_back(OptionalTime(o.has_expected_close_time(), o.expected_close_time()));
  values.emplace_back(o.won_reason());
  values.emplace_back(int64_t{o.lost_reason()});
  values.emplace_back(o.lost_reason_detail());
  values.emplace_back(o.lost_to());
  values.push_back(OptionalTime(o.has_close_time(), o.close_time()));
  values.emplace_back(row.version);
  values.emplace_back(TimeText(o.update_time()));
  values.push_back(OptionalTime(o.has_delete_time(), o.delete_time()));
  return values;
}

// Reads columns in order from a result set.
class ColumnReader {
 public:
  explicit ColumnReader(sql::ResultSet& rs) : rs_(rs) {}
  int64_t Int() { return rs_.getInt64(next_++); }
  std::string Text() { return rs_.getString(next_++); }
  bool IsNullNext() {  // peeks: true when the next column is NULL (then skips it)
    rs_.getString(next_);
    if (!rs_.wasNull()) return false;
    ++next_;
    return true;
  }
  // The next column as a Timestamp into `out` unless NULL.
  void Time(google::protobuf::Timestamp* out) {
    const sql::SQLString text = rs_.getString(next_++);
    if (rs_.wasNull()) return;
    common::SqlDateTimeToProto(absl::string_view(text.c_str(), text.length()), out);
  }
  template <typename Setter>
  void OptionalTime(Setter mutable_field) {
    const sql::SQLString text = rs_.getString(next_++);
    if (rs_.wasNull()) return;
    common::SqlDateTimeToProto(absl::string_view(text.c_str(), text.length()), mutable_field());
  }

 private:
  sql::ResultSet& rs_;
  int next_ = 1;
};

StoredOpportunity ReadOpportunity(sql::ResultSet& rs) {
  StoredOpportunity row;
  v1::Opportunity& o = row.opportunity;
  ColumnReader c(rs);
  row.id = c.Int();
  row.account_id = c.Int();
  o.set_name(OpportunityName(row.id));
  o.set_account(absl::StrCat("accounts/", row.account_id));
  o.set_title(c.Text());
  o.set_owner(c.Text());
  if (c.IsNullNext()) {
    c.Text();  // the currency of no amount
  } else {
    o.mutable_amount()->set_minor_units(c.Int());
    o.mutable_amount()->set_currency_code(c.Text());
  }
  o.set_stage(static_cast<v1::OpportunityStage>(c.Int()));
  c.Time(o.mutable_stage_update_time());
  o.set_state(static_cast<v1::OpportunityState>(c.Int()));
  for (v1::OpportunityStage stage : OpportunityStagesInOrder()) {
    v1::OpportunityMilestone* m = MutableMilestoneOf(o.mutable_milestones(), stage);
    m->set_description(std::string(MilestoneDescription(stage)));
    m->set_achieved(c.Int() != 0);
    c.OptionalTime([m] { return m->mutable_achieve_time(); });
    m->set_note(c.Text());
  }
  for (const std::string& field : JudgementFields()) {
    v1::OpportunityJudgement* j = MutableJudgementOf(o.mutable_judgements(), field);
    j->set_assessment(static_cast<v1::QualificationAssessment>(c.Int()));
    j->set_note(c.Text());
  }
  o.set_class_override(static_cast<v1::OpportunityClass>(c.Int()));
  o.set_opportunity_class(static_cast<v1::OpportunityClass>(c.Int()));
  o.set_derived_class(DeriveOpportunityClass(o.judgements()));
  c.OptionalTime([&o] { return o.mutable_expected_close_time(); });
  o.set_won_reason(c.Text());
  o.set_lost_reason(static_cast<v1::OpportunityLostReason>(c.Int()));
  o.set_lost_reason_detail(c.Text());
  o.set_lost_to(c.Text());
  c.OptionalTime([&o] { return o.mutable_close_time(); });
  row.version = c.Int();
  c.Time(o.mutable_update_time());
  c.OptionalTime([&o] { return o.mutable_delete_time(); });
  c.Time(o.mutable_create_time());
  o.set_etag(common::MakeEtag(o.name(), row.version));
  FillOpportunityShape(&o);
  return row;
}

absl::Status OpportunityNotFound(int64_t id) {
  return absl::NotFoundError(absl::StrCat("opportunity ", OpportunityName(id), " not found"));
}

// --- history rows ---------------------------------------------------------------

std::string SkippedText(const v1::OpportunityStageMove& move) {
  return absl::StrJoin(move.skipped_stages(), ",", [](std::string* out, int stage) {
    absl::StrAppend(out, stage);
  });
}

v1::OpportunityStageMove ReadMove(sql::ResultSet& rs, int64_t opportunity_id) {
  v1::OpportunityStageMove m;
  ColumnReader c(rs);
  m.set_name(absl::StrCat(OpportunityName(opportunity_id), "/stageMoves/", c.Int()));
  m.set_kind(static_cast<v1::OpportunityStageMoveKind>(c.Int()));
  m.set_from_stage(static_cast<v1::OpportunityStage>(c.Int()));
  m.set_to_stage(static_cast<v1::OpportunityStage>(c.Int()));
  for (absl::string_view part : absl::StrSplit(c.Text(), ',', absl::SkipEmpty())) {
    int stage = 0;
    if (absl::SimpleAtoi(part, &stage)) {
      m.add_skipped_stages(static_cast<v1::OpportunityStage>(stage));
    }
  }
  m.set_from_state(static_cast<v1::OpportunityState>(c.Int()));
  m.set_to_state(static_cast<v1::OpportunityState>(c.Int()));
  m.set_reason(c.Text());
  m.set_lost_reason(static_cast<v1::OpportunityLostReason>(c.Int()));
  m.set_lost_to(c.Text());
  m.set_actor(c.Text());
  c.Time(m.mutable_move_time());
  return m;
}

// --- the probability table ----------------------------------------------------------

constexpr char kProbabilityColumns[] =
    "p1_percent, p2_percent, p3_percent, p4_percent, p5_percent, p6_percent, version, "
    "update_actor, update_time";

// The table's row, or the defaults at version 0 when the row is missing.
StoredStageProbabilities ReadProbabilities(SqlConnection& connection, bool lock) {
  auto rs = connection.Query(absl::StrCat("SELECT ", kProbabilityColumns,
                                          " FROM opportunity_stage_probabilities WHERE id = 1",
                                          lock ? " FOR UPDATE" : ""));
  StoredStageProbabilities table;
  if (!rs->next()) {
    table.percents = DefaultStageProbabilities();
    return table;
  }
  ColumnReader c(*rs);
  for (int i = 0; i < kOpportunityStageCount; ++i) table.percents[i] = static_cast<int>(c.Int());
  table.version = c.Int();
  table.update_actor = c.Text();
  google::protobuf::Timestamp time;
  bool has_time = false;
  c.OptionalTime([&] {
    has_time = true;
    return &time;
  });
  if (has_time) table.update_time = common::FromProtoTimestamp(time);
  return table;
}

// --- filters ----------------------------------------------------------------------

using common::SqlFragment;

using common::SqlOp;

using common::OnlyEquality;

// An enum value given short ("PROPOSAL", "a") or in full ("OPPORTUNITY_STAGE_PROPOSAL"),
// never UNSPECIFIED.
template <typename Enum>
absl::StatusOr<int64_t> ParseEnumValue(absl::string_view field, absl::string_view value,
                                       absl::string_view prefix,
                                       bool (*parse)(const std::string&, Enum*)) {
  const std::string upper = absl::AsciiStrToUpper(value);
  Enum parsed;
  if ((parse(upper, &parsed) || parse(absl::StrCat(prefix, upper), &parsed)) &&
      static_cast<int>(parsed) != 0) {
    return static_cast<int64_t>(parsed);
  }
  return absl::InvalidArgumentError(absl::StrCat("filter value \"", value.substr(0, 64),
                                                 "\" is not a valid ", field));
}

absl::Status ComparisonToSql(const common::FilterComparison& c, SqlFragment* out) {
  const std::string& f = c.field;
  auto enum_column = [&](const char* column, absl::StatusOr<int64_t> value) -> absl::Status {
    if (absl::Status s = OnlyEquality(c); !s.ok()) return s;
    if (!value.ok()) return value.status();
    absl::StrAppend(&out->sql, column, SqlOp(c.op), "?");
    out->params.emplace_back(*value);
    return absl::OkStatus();
  };
  if (f == "account") {
    if (absl::Status s = OnlyEquality(c); !s.ok()) return s;
    absl::StatusOr<int64_t> id = ParseOpportunityAccountName("filter value for account", c.value);
    if (!id.ok()) return id.status();
    absl::StrAppend(&out->sql, "o.account_id", SqlOp(c.op), "?");
    out->params.emplace_back(*id);
    return absl::OkStatus();
  }
  if (f == "owner") {
    if (absl::Status s = OnlyEquality(c); !s.ok()) return s;
    absl::StrAppend(&out->sql, "o.owner", SqlOp(c.op), "?");
    out->params.emplace_back(c.value);
    return absl::OkStatus();
  }
  if (f == "stage") {
    return enum_column("o.stage", ParseEnumValue<v1::OpportunityStage>(
                                      "stage", c.value, "OPPORTUNITY_STAGE_",
                                      v1::OpportunityStage_Parse));
  }
  if (f == "state") {
    return enum_column("o.state", ParseEnumValue<v1::OpportunityState>(
                                      "state", c.value, "OPPORTUNITY_STATE_",
                                      v1::OpportunityState_Parse));
  }
  if (f == "class" || f == "opportunity_class") {
    return enum_column("o.opportunity_class", ParseEnumValue<v1::OpportunityClass>(
                                                  "class", c.value, "OPPORTUNITY_CLASS_",
                                                  v1::OpportunityClass_Parse));
  }
  if (f == "expected_close_time" || f == "create_time" || f == "update_time") {
    absl::Time t;
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, c.value, &t, &error)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "filter value for ", f, " must be an RFC 3339 time like 2026-01-31T00:00:00Z"));
    }
    absl::StrAppend(&out->sql, "o.", f, SqlOp(c.op), "?");
    out->params.emplace_back(common::ToSqlDateTime(t));
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "filter field \"", f.substr(0, 64),
      "\" is not supported; use account, owner, stage, state, class, expected_close_time, "
      "create_time or update_time"));
}

template <typename Row>
OpportunityPage<Row> TrimPage(std::vector<Row> rows, int limit) {
  OpportunityPage<Row> page;
  page.more = static_cast<int>(rows.size()) > limit;
  if (page.more) rows.resize(limit);
  page.rows = std::move(rows);
  return page;
}

int64_t CursorId(const std::optional<common::PageCursor>& cursor) {
  return cursor.has_value() ? cursor->last_id : 0;
}

}  // namespace

// --- OpportunityTx ------------------------------------------------------------------

absl::StatusOr<StoredOpportunity> OpportunityTx::Lock(int64_t id) {
  auto rs = connection_.Query(
      absl::StrCat("SELECT ", SelectColumns(), " FROM opportunities o WHERE o.id = ? FOR UPDATE"),
      id);
  if (!rs->next()) return OpportunityNotFound(id);
  return ReadOpportunity(*rs);
}

absl::StatusOr<bool> OpportunityTx::Insert(const StoredOpportunity& row,
                                           const std::string& request_id,
                                           const std::string& request_hash) {
  static const std::string* sql = [] {
    const size_t n = DataColumns().size() + 5;
    std::string placeholders = "?";
    for (size_t i = 1; i < n; ++i) placeholders.append(", ?");
    return new std::string(absl::StrCat(
        "INSERT INTO opportunities (id, account_id, ", absl::StrJoin(DataColumns(), ", "),
        ", create_time, create_request_id, create_request_hash) VALUES (", placeholders, ")"));
  }();
  std::vector<SqlValue> values = {row.id, row.account_id};
  for (SqlValue& value : DataValues(row)) values.push_back(std::move(value));
  values.emplace_back(TimeText(row.opportunity.create_time()));
  values.push_back(request_id.empty() ? SqlValue(nullptr) : SqlValue(request_id));
  values.push_back(request_id.empty() ? SqlValue(nullptr) : SqlValue(request_hash));
  try {
    connection_.Update(*sql, values);
  } catch (const sql::SQLException& e) {
    if (e.getErrorCode() != common::kErDupEntry) throw;
    return false;  // the only unique key besides the id is the request id
  }
  return true;
}

void OpportunityTx::Write(const StoredOpportunity& row) {
  static const std::string* sql = [] {
    auto assign = [](std::string* out, const std::string& c) { absl::StrAppend(out, c, " = ?"); };
    return new std::string(absl::StrCat("UPDATE opportunities SET ",
                                        absl::StrJoin(DataColumns(), ", ", assign),
                                        " WHERE id = ?"));
  }();
  std::vector<SqlValue> values = DataValues(row);
  values.emplace_back(row.id);
  connection_.Update(*sql, values);
}

absl::Status OpportunityTx::InsertMove(int64_t opportunity_id, v1::OpportunityStageMove* move) {
  absl::StatusOr<int64_t> id = store_.move_ids_.Next();
  if (!id.ok()) return id.status();
  move->set_name(absl::StrCat(OpportunityName(opportunity_id), "/stageMoves/", *id));
  connection_.Update(
      "INSERT INTO opportunity_stage_moves (id, opportunity_id, kind, from_stage, to_stage, "
      "skipped_stages, from_state, to_state, reason, lost_reason, lost_to, actor, move_time) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      *id, opportunity_id, static_cast<int>(move->kind()), static_cast<int>(move->from_stage()),
      static_cast<int>(move->to_stage()), SkippedText(*move),
      static_cast<int>(move->from_state()), static_cast<int>(move->to_state()), move->reason(),
      static_cast<int>(move->lost_reason()), move->lost_to(), move->actor(),
      TimeText(move->move_time()));
  return absl::OkStatus();
}

StoredStageProbabilities OpportunityTx::LockProbabilities() {
  return ReadProbabilities(connection_, /*lock=*/true);
}

void OpportunityTx::WriteProbabilities(const StoredStageProbabilities& table) {
  const std::optional<std::string> time =
      table.update_time.has_value()
          ? std::optional<std::string>(common::ToSqlDateTime(*table.update_time))
          : std::nullopt;
  const auto& p = table.percents;
  // An upsert: the migration inserts the row, but a missing one (read as the
  // defaults at version 0) is written back whole.
  connection_.Update(
      "INSERT INTO opportunity_stage_probabilities (id, p1_percent, p2_percent, p3_percent, "
      "p4_percent, p5_percent, p6_percent, version, update_actor, update_time) "
      "VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE "
      "p1_percent = VALUES(p1_percent), p2_percent = VALUES(p2_percent), "
      "p3_percent = VALUES(p3_percent), "
      "p4_percent = VALUES(p4_percent), p5_percent = VALUES(p5_percent), "
      "p6_percent = VALUES(p6_percent), version = VALUES(version), "
      "update_actor = VALUES(update_actor), update_time = VALUES(update_time)",
      p[0], p[1], p[2], p[3], p[4], p[5], table.version, table.update_actor, time);
}

// --- OpportunityStore ---------------------------------------------------------------

OpportunityStore::OpportunityStore(common::ConnectionPool* pool)
    : pool_(pool),
      opportunity_ids_(pool, "opportunities"),
      move_ids_(pool, "opportunity_stage_moves") {}

absl::Status OpportunityStore::Transact(absl::string_view context,
                                        const std::function<absl::Status(OpportunityTx&)>& fn) {
  return common::RunInTransaction(*pool_, context, [&](SqlConnection& connection) {
    OpportunityTx tx(connection, *this);
    return fn(tx);
  });
}

absl::StatusOr<StoredOpportunity> OpportunityStore::Get(int64_t id) {
  StoredOpportunity row;
  absl::Status status =
      common::WithConnection(*pool_, "reading opportunity", [&](SqlConnection& connection) {
        auto rs = connection.Query(
            absl::StrCat("SELECT ", SelectColumns(), " FROM opportunities o WHERE o.id = ?"), id);
        if (!rs->next()) return OpportunityNotFound(id);
        row = ReadOpportunity(*rs);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return row;
}

absl::StatusOr<OpportunityByRequest> OpportunityStore::FindByRequest(
    const std::string& request_id) {
  OpportunityByRequest found;
  absl::Status status =
      common::WithConnection(*pool_, "reading opportunity", [&](SqlConnection& connection) {
        auto rs = connection.Query(absl::StrCat("SELECT ", SelectColumns(),
                                                ", o.create_request_hash FROM opportunities o "
                                                "WHERE o.create_request_id = ?"),
                                   request_id);
        if (!rs->next()) {
          return absl::NotFoundError("no opportunity was created with this request_id");
        }
        found.row = ReadOpportunity(*rs);
        found.request_hash = rs->getString(SelectColumnCount() + 1);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return found;
}

absl::StatusOr<OpportunityPage<StoredOpportunity>> OpportunityStore::List(
    const common::FilterNode& filter, bool show_deleted,
    const std::optional<common::PageCursor>& cursor, int limit) {
  SqlFragment where;
  if (absl::Status s = common::FilterToSql(filter, ComparisonToSql, &where); !s.ok()) {
    return s;
  }
  std::string sql = absl::StrCat("SELECT ", SelectColumns(), " FROM opportunities o WHERE ",
                                 where.sql, " AND o.id > ?");
  if (!show_deleted) sql.append(" AND o.delete_time IS NULL");
  sql.append(" ORDER BY o.id LIMIT ?");
  std::vector<SqlValue> params = std::move(where.params);
  params.emplace_back(CursorId(cursor));
  params.emplace_back(static_cast<int64_t>(limit) + 1);
  std::vector<StoredOpportunity> rows;
  absl::Status status =
      common::WithConnection(*pool_, "listing opportunities", [&](SqlConnection& connection) {
        auto rs = connection.Query(sql, params);
        while (rs->next()) rows.push_back(ReadOpportunity(*rs));
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return TrimPage(std::move(rows), limit);
}

absl::StatusOr<OpportunityPage<v1::OpportunityStageMove>> OpportunityStore::ListMoves(
    int64_t opportunity_id, const std::optional<common::PageCursor>& cursor, int limit) {
  std::vector<v1::OpportunityStageMove> rows;
  absl::Status status =
      common::WithConnection(*pool_, "listing stage history", [&](SqlConnection& connection) {
        auto rs = connection.Query(
            "SELECT id, kind, from_stage, to_stage, skipped_stages, from_state, to_state, "
            "reason, lost_reason, lost_to, actor, move_time FROM opportunity_stage_moves "
            "WHERE opportunity_id = ? AND id > ? ORDER BY id LIMIT ?",
            opportunity_id, CursorId(cursor), static_cast<int64_t>(limit) + 1);
        while (rs->next()) rows.push_back(ReadMove(*rs, opportunity_id));
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return TrimPage(std::move(rows), limit);
}

int64_t OpportunityStore::MoveId(const v1::OpportunityStageMove& move) {
  int64_t id = 0;
  const size_t slash = move.name().rfind('/');
  if (slash != std::string::npos) (void)absl::SimpleAtoi(move.name().substr(slash + 1), &id);
  return id;
}

absl::StatusOr<bool> OpportunityStore::Exists(int64_t id) {
  bool exists = false;
  absl::Status status =
      common::WithConnection(*pool_, "reading opportunity", [&](SqlConnection& connection) {
        exists = connection.Query("SELECT 1 FROM opportunities WHERE id = ?", id)->next();
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return exists;
}

absl::StatusOr<StoredStageProbabilities> OpportunityStore::GetProbabilities() {
  StoredStageProbabilities table;
  absl::Status status = common::WithConnection(
      *pool_, "reading stage probabilities", [&](SqlConnection& connection) {
        table = ReadProbabilities(connection, /*lock=*/false);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return table;
}

absl::Status OpportunityStore::ReadPipeline(const PipelineScope& scope,
                                            StoredStageProbabilities* table,
                                            std::vector<PipelineGroup>* groups) {
  // Only the conditions in scope are in the text, so each of the few
  // variants uses its index (account or owner) and keeps its own prepared
  // statement.
  std::string sql =
      "SELECT o.stage, IF(o.amount_minor IS NULL, '', o.amount_currency) AS currency, "
      "COUNT(*), CAST(COALESCE(SUM(o.amount_minor), 0) AS CHAR) FROM opportunities o "
      "WHERE o.state = ? AND o.delete_time IS NULL";
  std::vector<SqlValue> params = {int64_t{v1::OPPORTUNITY_STATE_OPEN}};
  if (scope.account_id != 0) {
    sql.append(" AND o.account_id = ?");
    params.emplace_back(scope.account_id);
  }
  if (!scope.owner.empty()) {
    sql.append(" AND o.owner = ?");
    params.emplace_back(scope.owner);
  }
  if (scope.opportunity_class != v1::OPPORTUNITY_CLASS_UNSPECIFIED) {
    sql.append(" AND o.opportunity_class = ?");
    params.emplace_back(int64_t{scope.opportunity_class});
  }
  sql.append(" GROUP BY o.stage, currency");
  return common::RunInTransaction(*pool_, "reading the pipeline", [&](SqlConnection& connection) {
    groups->clear();
    *table = ReadProbabilities(connection, /*lock=*/false);
    auto rs = connection.Query(sql, params);
    while (rs->next()) {
      PipelineGroup& group = groups->emplace_back();
      group.stage = static_cast<v1::OpportunityStage>(rs->getInt(1));
      group.currency_code = rs->getString(2);
      group.count = rs->getInt64(3);
      if (!absl::SimpleAtoi(std::string(rs->getString(4)), &group.amount_minor)) {
        return absl::OutOfRangeError(absl::StrCat(
            "the pipeline's ", group.currency_code, " amounts at stage ",
            OpportunityStageName(group.stage), " add up to more than an int64 holds"));
      }
    }
    return absl::OkStatus();
  });
}

}  // namespace kam::interaction
