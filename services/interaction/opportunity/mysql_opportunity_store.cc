// The opportunity store over MySQL (NewMySqlOpportunityStore): all SQL of
// the sales pipeline (tables opportunities, opportunity_stage_moves and
// opportunity_stage_probabilities in kam_interaction): the opportunity row,
// its stage history, the probability table, their filters and the write
// transaction. Prepared statements only; every value is bound, never spliced
// into the text. Reads run on their own (autocommit); Transact runs
// common::RunInTransaction. Database errors become statuses here
// (common/db/transaction.h): nothing throws out of the store.
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/api/etag.h"
#include "common/api/resource_name.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"
#include "common/db/filter_sql.h"
#include "common/db/id_allocator.h"
#include "common/db/mysql_pool.h"
#include "common/db/queries.h"
#include "common/db/row_reader.h"
#include "common/db/transaction.h"
#include "services/interaction/opportunity/opportunity_fields.h"
#include "services/interaction/opportunity/opportunity_qualification.h"
#include "services/interaction/opportunity/opportunity_stages.h"
#include "services/interaction/opportunity/opportunity_store.h"
#include "services/interaction/shared/names.h"
#include "services/interaction/shared/store_sql.h"

namespace kam::interaction::opportunity {
namespace {

using common::SqlConnection;
using common::SqlValue;

// --- the opportunity row ------------------------------------------------------

// Every column after id and account_id that a write sets, in the order the
// reads, inserts and updates use. Milestones and judgements expand to their
// per-stage and per-question columns.
const std::vector<std::string>& DataColumns() {
  static const std::vector<std::string>* columns = [] {
    auto* c = new std::vector<std::string>{
        "title", "owner", "amount_minor", "amount_currency", "stage", "stage_update_time", "state"};
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
         {"class_override", "opportunity_class", "expected_close_time", "won_reason", "lost_reason",
          "lost_reason_detail", "lost_to", "close_time", "version", "update_time", "delete_time",
          "renews_agreement_id"}) {
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
    return new std::string(absl::StrJoin(
        all, ", ", [](std::string* out, const std::string& c) { absl::StrAppend(out, "o.", c); }));
  }();
  return *text;
}

// "SELECT <SelectColumns()> FROM opportunities o WHERE <condition>".
std::string SelectOpportunities(absl::string_view condition) {
  return absl::StrCat("SELECT ", SelectColumns(), " FROM opportunities o WHERE ", condition);
}

using common::SqlTime;

// NULL unless `present`.
SqlValue OptionalTime(bool present, const google::protobuf::Timestamp& ts) {
  if (!present) return nullptr;
  return SqlTime(ts);
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
  values.emplace_back(SqlTime(o.stage_update_time()));
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
  values.emplace_back(SqlTime(o.update_time()));
  values.push_back(OptionalTime(o.has_delete_time(), o.delete_time()));
  values.push_back(o.renews_agreement().empty()
                       ? SqlValue(nullptr)
                       : SqlValue(*common::ParseId("", o.renews_agreement(), "agreements")));
  return values;
}

// Reads columns in order from a result set.
class ColumnReader {
 public:
  explicit ColumnReader(sql::ResultSet& rs) : rs_(rs) {}
  int64_t Int() { return rs_.getInt64(next_++); }
  std::string Text() { return common::ReadText(rs_, next_++); }
  bool IsNullNext() {  // peeks: true when the next column is NULL (then skips it)
    rs_.getString(next_);
    if (!rs_.wasNull()) return false;
    ++next_;
    return true;
  }
  // The next column as a Timestamp, nullopt for NULL.
  std::optional<google::protobuf::Timestamp> Time() { return common::ReadTimestamp(rs_, next_++); }
  // The next column into `*mutable_field()` unless NULL (so that the field
  // stays absent).
  template <typename Setter>
  void OptionalTime(Setter mutable_field) {
    if (std::optional<google::protobuf::Timestamp> t = Time()) *mutable_field() = *t;
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
  o.set_account(AccountName(row.account_id));
  o.set_title(c.Text());
  o.set_owner(c.Text());
  if (c.IsNullNext()) {
    c.Text();  // the currency of no amount
  } else {
    o.mutable_amount()->set_minor_units(c.Int());
    o.mutable_amount()->set_currency_code(c.Text());
  }
  o.set_stage(static_cast<v1::OpportunityStage>(c.Int()));
  c.OptionalTime([&o] { return o.mutable_stage_update_time(); });
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
  c.OptionalTime([&o] { return o.mutable_update_time(); });
  c.OptionalTime([&o] { return o.mutable_delete_time(); });
  if (!c.IsNullNext()) o.set_renews_agreement(absl::StrCat("agreements/", c.Int()));
  c.OptionalTime([&o] { return o.mutable_create_time(); });
  o.set_etag(common::MakeEtag(o.name(), row.version));
  FillOpportunityShape(&o);
  return row;
}

absl::Status OpportunityNotFound(int64_t id) {
  return absl::NotFoundError(absl::StrCat("opportunity ", OpportunityName(id), " not found"));
}

// --- history rows ---------------------------------------------------------------

std::string MoveName(int64_t opportunity_id, int64_t move_id) {
  return absl::StrCat(OpportunityName(opportunity_id), "/stageMoves/", move_id);
}

std::string SkippedText(const v1::OpportunityStageMove& move) {
  return absl::StrJoin(move.skipped_stages(), ",",
                       [](std::string* out, int stage) { absl::StrAppend(out, stage); });
}

StoredStageMove ReadMove(sql::ResultSet& rs, int64_t opportunity_id) {
  StoredStageMove row;
  v1::OpportunityStageMove& m = row.move;
  ColumnReader c(rs);
  row.id = c.Int();
  m.set_name(MoveName(opportunity_id, row.id));
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
  c.OptionalTime([&m] { return m.mutable_move_time(); });
  return row;
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
  if (std::optional<google::protobuf::Timestamp> time = c.Time()) {
    table.update_time = common::FromProtoTimestamp(*time);
  }
  return table;
}

// --- filters ----------------------------------------------------------------------

using common::FilterComparison;
using common::SqlFragment;

absl::Status ComparisonToSql(const FilterComparison& c, SqlFragment* out) {
  const std::string& f = c.field;
  if (f == "account") return AccountTerm(c, "o.account_id", out);
  if (f == "owner") return common::EqualityTerm(c, "o.owner", SqlValue(c.value), out);
  if (f == "stage") {
    return EnumTerm(c, "o.stage", "OPPORTUNITY_STAGE_", v1::OpportunityStage_Parse,
                    /*accept_unspecified=*/false, out);
  }
  if (f == "state") {
    return EnumTerm(c, "o.state", "OPPORTUNITY_STATE_", v1::OpportunityState_Parse,
                    /*accept_unspecified=*/false, out);
  }
  if (f == "class" || f == "opportunity_class") {
    // A value the filter cannot take is "not a valid class" whichever
    // spelling named the field.
    FilterComparison named = c;
    named.field = "class";
    absl::StatusOr<int64_t> value =
        common::FilterEnum(named, "OPPORTUNITY_CLASS_", v1::OpportunityClass_Parse);
    if (!value.ok()) return common::EqualityTerm(c, "o.opportunity_class", value.status(), out);
    return common::EqualityTerm(c, "o.opportunity_class", SqlValue(*value), out);
  }
  if (f == "renews_agreement") {
    return ReferenceTerm(c, "o.renews_agreement_id", "agreements", out);
  }
  if (f == "expected_close_time" || f == "create_time" || f == "update_time") {
    return common::TimeTerm(c, absl::StrCat("o.", f), out);
  }
  return UnsupportedFilterField(c,
                                "account, owner, stage, state, class, renews_agreement, "
                                "expected_close_time, create_time or update_time");
}

// --- the write transaction --------------------------------------------------------

class MySqlOpportunityTx final : public common::StoreTx, public OpportunityTx {
 public:
  MySqlOpportunityTx(SqlConnection& connection, absl::string_view context,
                     common::IdAllocator& move_ids)
      : StoreTx(connection, context), move_ids_(move_ids) {}

  absl::StatusOr<StoredOpportunity> Lock(int64_t id) override {
    return Step([&]() -> absl::StatusOr<StoredOpportunity> {
      auto rs = connection_.Query(SelectOpportunities("o.id = ? FOR UPDATE"), id);
      if (!rs->next()) return OpportunityNotFound(id);
      return ReadOpportunity(*rs);
    });
  }

  absl::StatusOr<common::InsertOutcome> Insert(const StoredOpportunity& row,
                                               const common::RequestKey& key) override {
    static const std::string* sql = [] {
      const size_t n = DataColumns().size() + 5;
      std::string placeholders = "?";
      for (size_t i = 1; i < n; ++i) placeholders.append(", ?");
      return new std::string(absl::StrCat(
          "INSERT INTO opportunities (id, account_id, ", absl::StrJoin(DataColumns(), ", "),
          ", create_time, create_request_id, create_request_hash) VALUES (", placeholders, ")"));
    }();
    return Step([&]() -> absl::StatusOr<common::InsertOutcome> {
      // The only unique key besides the id is the request id.
      return InsertWithRequestId(connection_, /*request_key=*/"", *sql, key, row.id, row.account_id,
                                 DataValues(row), SqlTime(row.opportunity.create_time()));
    });
  }

  absl::Status Write(const StoredOpportunity& row) override {
    static const std::string* sql = [] {
      auto assign = [](std::string* out, const std::string& c) { absl::StrAppend(out, c, " = ?"); };
      return new std::string(absl::StrCat("UPDATE opportunities SET ",
                                          absl::StrJoin(DataColumns(), ", ", assign),
                                          " WHERE id = ?"));
    }();
    return Exec(*sql, DataValues(row), row.id);
  }

  absl::Status InsertMove(int64_t opportunity_id, v1::OpportunityStageMove* move) override {
    KAM_ASSIGN_OR_RETURN(int64_t id, move_ids_.Next());
    move->set_name(MoveName(opportunity_id, id));
    return Exec(
        "INSERT INTO opportunity_stage_moves (id, opportunity_id, kind, from_stage, to_stage, "
        "skipped_stages, from_state, to_state, reason, lost_reason, lost_to, actor, move_time) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        id, opportunity_id, static_cast<int>(move->kind()), static_cast<int>(move->from_stage()),
        static_cast<int>(move->to_stage()), SkippedText(*move),
        static_cast<int>(move->from_state()), static_cast<int>(move->to_state()), move->reason(),
        static_cast<int>(move->lost_reason()), move->lost_to(), move->actor(),
        SqlTime(move->move_time()));
  }

  absl::StatusOr<StoredStageProbabilities> LockProbabilities() override {
    return Step([&]() -> absl::StatusOr<StoredStageProbabilities> {
      return ReadProbabilities(connection_, /*lock=*/true);
    });
  }

  absl::Status WriteProbabilities(const StoredStageProbabilities& table) override {
    const auto& p = table.percents;
    // An upsert: the migration inserts the row, but a missing one (read as
    // the defaults at version 0) is written back whole.
    return Exec(
        "INSERT INTO opportunity_stage_probabilities (id, p1_percent, p2_percent, p3_percent, "
        "p4_percent, p5_percent, p6_percent, version, update_actor, update_time) "
        "VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE "
        "p1_percent = VALUES(p1_percent), p2_percent = VALUES(p2_percent), "
        "p3_percent = VALUES(p3_percent), "
        "p4_percent = VALUES(p4_percent), p5_percent = VALUES(p5_percent), "
        "p6_percent = VALUES(p6_percent), version = VALUES(version), "
        "update_actor = VALUES(update_actor), update_time = VALUES(update_time)",
        p[0], p[1], p[2], p[3], p[4], p[5], table.version, table.update_actor,
        common::SqlTime(table.update_time));
  }

 private:
  common::IdAllocator& move_ids_;
};

// --- the store --------------------------------------------------------------------

class MySqlOpportunityStore final : public OpportunityStore, private MySqlStoreBase {
 public:
  explicit MySqlOpportunityStore(common::ConnectionPool* pool)
      : MySqlStoreBase(pool),
        opportunity_ids_(pool, "opportunities"),
        move_ids_(pool, "opportunity_stage_moves") {}

  absl::Status Transact(absl::string_view context,
                        absl::FunctionRef<absl::Status(OpportunityTx&)> fn) override {
    return common::RunInTransaction(*pool_, context, [&](SqlConnection& connection) {
      MySqlOpportunityTx tx(connection, context, move_ids_);
      return fn(tx);
    });
  }

  absl::StatusOr<int64_t> NewOpportunityId() override { return opportunity_ids_.Next(); }

  absl::StatusOr<StoredOpportunity> Get(int64_t id) override {
    return common::QueryOne(*pool_, "reading opportunity", OpportunityNotFound(id), ReadOpportunity,
                            SelectOpportunities("o.id = ?"), id);
  }

  absl::StatusOr<std::optional<common::CreatedByRequest<StoredOpportunity>>> FindByRequest(
      const std::string& request_id) override {
    const ResourceRows<StoredOpportunity> opportunities{SelectColumns(), "opportunities", "o",
                                                        ReadOpportunity};
    return QueryByCreateRequest(*pool_, "reading opportunity", opportunities, request_id);
  }

  absl::StatusOr<bool> Exists(int64_t id) override {
    return common::ReadWithConnection<bool>(
        *pool_, "reading opportunity", [&](SqlConnection& c) -> absl::StatusOr<bool> {
          return c.Query("SELECT 1 FROM opportunities WHERE id = ?", id)->next();
        });
  }

  absl::StatusOr<common::Page<StoredOpportunity>> List(
      const common::FilterNode& filter, bool show_deleted,
      const std::optional<common::PageCursor>& cursor, int limit) override {
    KAM_ASSIGN_OR_RETURN(SqlFragment where, common::FilterSql(filter, ComparisonToSql));
    return common::QueryPage(
        *pool_, "listing opportunities", limit, ReadOpportunity,
        SelectOpportunities(absl::StrCat(where.sql, " AND o.id > ?",
                                         show_deleted ? "" : " AND o.delete_time IS NULL",
                                         " ORDER BY o.id LIMIT ?")),
        where.params, common::CursorId(cursor), static_cast<int64_t>(limit) + 1);
  }

  absl::StatusOr<common::Page<StoredStageMove>> ListMoves(
      int64_t opportunity_id, const std::optional<common::PageCursor>& cursor, int limit) override {
    return common::QueryPage(
        *pool_, "listing stage history", limit,
        [&](sql::ResultSet& rs) { return ReadMove(rs, opportunity_id); },
        "SELECT id, kind, from_stage, to_stage, skipped_stages, from_state, to_state, "
        "reason, lost_reason, lost_to, actor, move_time FROM opportunity_stage_moves "
        "WHERE opportunity_id = ? AND id > ? ORDER BY id LIMIT ?",
        opportunity_id, common::CursorId(cursor), static_cast<int64_t>(limit) + 1);
  }

  absl::StatusOr<int64_t> AgreementAccount(absl::string_view field,
                                           int64_t agreement_id) override {
    return common::QueryOne(
        *pool_, "reading agreement",
        absl::NotFoundError(absl::StrCat(field, " agreements/", agreement_id, " not found")),
        [](sql::ResultSet& rs) { return rs.getInt64(1); },
        "SELECT account_id FROM agreements WHERE id = ?", agreement_id);
  }

  absl::StatusOr<StoredStageProbabilities> GetProbabilities() override {
    return common::ReadWithConnection<StoredStageProbabilities>(
        *pool_, "reading stage probabilities",
        [&](SqlConnection& c) -> absl::StatusOr<StoredStageProbabilities> {
          return ReadProbabilities(c, /*lock=*/false);
        });
  }

  absl::StatusOr<PipelineSums> ReadPipeline(const PipelineScope& scope) override;

 private:
  common::IdAllocator opportunity_ids_;
  common::IdAllocator move_ids_;
};

absl::StatusOr<PipelineSums> MySqlOpportunityStore::ReadPipeline(const PipelineScope& scope) {
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
  if (scope.account_ids.has_value()) {
    // One placeholder per account: a manager's accounts are few.
    if (scope.account_ids->empty()) sql.append(" AND FALSE");
    for (size_t i = 0; i < scope.account_ids->size(); ++i) {
      sql.append(i == 0 ? " AND o.account_id IN (?" : ", ?");
      params.emplace_back((*scope.account_ids)[i]);
      if (i + 1 == scope.account_ids->size()) sql.append(")");
    }
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
  PipelineSums sums;
  absl::Status status =
      common::RunInTransaction(*pool_, "reading the pipeline", [&](SqlConnection& connection) {
        sums.groups.clear();
        sums.table = ReadProbabilities(connection, /*lock=*/false);
        auto rs = connection.Query(sql, params);
        while (rs->next()) {
          PipelineGroup& group = sums.groups.emplace_back();
          group.stage = static_cast<v1::OpportunityStage>(rs->getInt(1));
          group.currency_code = common::ReadText(*rs, 2);
          group.count = rs->getInt64(3);
          if (!absl::SimpleAtoi(common::ReadText(*rs, 4), &group.amount_minor)) {
            return absl::OutOfRangeError(absl::StrCat(
                "the pipeline's ", group.currency_code, " amounts at stage ",
                OpportunityStageName(group.stage), " add up to more than an int64 holds"));
          }
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return sums;
}

}  // namespace

std::unique_ptr<OpportunityStore> NewMySqlOpportunityStore(common::ConnectionPool* pool) {
  return std::make_unique<MySqlOpportunityStore>(pool);
}

}  // namespace kam::interaction::opportunity
