// The satisfaction store on MySQL (NewMySqlSatisfactionStore; table
// survey_responses of schema kam_interaction): the only SQL of survey
// responses, their filters and the score counts of the summaries. Prepared
// statements only; every value is bound.
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "common/db/filter_sql.h"
#include "common/db/id_allocator.h"
#include "common/db/mysql_pool.h"
#include "common/db/queries.h"
#include "common/db/row_reader.h"
#include "common/db/transaction.h"
#include "services/interaction/satisfaction/satisfaction_store.h"
#include "services/interaction/shared/store_sql.h"

namespace kam::interaction::satisfaction {
namespace {

using common::FilterTime;
using common::FilterSql;
using common::SqlConnection;
using common::SqlFragment;
using common::SqlOp;
using common::SqlTime;
using common::SqlValue;

// The column list every survey read uses; ReadSurvey reads it by position,
// in the order of StoredSurvey's fields.
constexpr char kSurveyColumns[] =
    "s.id, s.kind, s.score, s.comment, s.account_id, s.case_id, s.contact_id, "
    "s.response_time, s.create_time";

StoredSurvey ReadSurvey(sql::ResultSet& rs) {
  StoredSurvey row;
  row.id = rs.getInt64(1);
  row.kind = static_cast<v1::SurveyKind>(rs.getInt(2));
  row.score = rs.getInt(3);
  row.comment = common::ReadText(rs, 4);
  row.account_id = rs.getInt64(5);
  row.case_id = rs.getInt64(6);     // 0 when NULL
  row.contact_id = rs.getInt64(7);  // 0 when NULL
  row.response_time = common::ReadTime(rs, 8);
  row.create_time = common::ReadTime(rs, 9);
  return row;
}

constexpr ResourceRows<StoredSurvey> kSurveys{kSurveyColumns, "survey_responses", "s", ReadSurvey};

absl::Status SurveyComparisonToSql(const common::FilterComparison& c, SqlFragment* out) {
  const std::string& f = c.field;
  if (f == "account") return AccountTerm(c, "s.account_id", out);
  if (f == "case") return ReferenceTerm(c, "s.case_id", "cases", out);
  if (f == "contact") return ContactTerm(c, "s.contact_id", "s.account_id", out);
  if (f == "kind") {
    return EnumTerm(c, "s.kind", "SURVEY_KIND_", v1::SurveyKind_Parse,
                    /*accept_unspecified=*/false, out);
  }
  if (f == "score") {
    int64_t score = 0;
    if (!absl::SimpleAtoi(c.value, &score)) {
      return absl::InvalidArgumentError("filter value for score must be a whole number");
    }
    absl::StrAppend(&out->sql, "s.score", SqlOp(c.op), "?");
    out->params.emplace_back(score);
    return absl::OkStatus();
  }
  if (f == "response_time" || f == "create_time") {
    KAM_ASSIGN_OR_RETURN(std::string time, FilterTime(c));
    absl::StrAppend(&out->sql, "s.", f, SqlOp(c.op), "CAST(? AS DATETIME(6))");
    out->params.emplace_back(time);
    return absl::OkStatus();
  }
  return UnsupportedFilterField(
      c, "account, case, contact, kind, score, response_time or create_time");
}

class MySqlSatisfactionStore final : public SatisfactionStore, private MySqlStoreBase {
 public:
  explicit MySqlSatisfactionStore(common::ConnectionPool* pool)
      : MySqlStoreBase(pool), survey_ids_(pool, "survey_responses") {}

  absl::StatusOr<int64_t> NewSurveyId() override { return survey_ids_.Next(); }

  absl::StatusOr<common::InsertOutcome> InsertSurvey(const StoredSurvey& row,
                                                     const common::RequestKey& key) override {
    return common::ReadWithConnection<common::InsertOutcome>(
        *pool_, "recording survey response",
        [&](SqlConnection& c) -> absl::StatusOr<common::InsertOutcome> {
          return InsertWithRequestId(
              c, /*request_key=*/"",
              "INSERT INTO survey_responses (id, account_id, case_id, contact_id, kind, score, "
              "comment, response_time, create_time, create_request_id, create_request_hash) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              key, row.id, row.account_id, IdOrNull(row.case_id), IdOrNull(row.contact_id),
              static_cast<int>(row.kind), row.score, row.comment, SqlTime(row.response_time),
              SqlTime(row.create_time));
        });
  }

  absl::StatusOr<StoredSurvey> GetSurvey(int64_t id) override {
    return QueryById(
        *pool_, "reading survey response", kSurveys,
        absl::NotFoundError(absl::StrCat("survey response ", SurveyName(id), " not found")), id);
  }

  absl::StatusOr<std::optional<common::CreatedByRequest<StoredSurvey>>> FindSurveyByRequest(
      const std::string& request_id) override {
    return QueryByCreateRequest(*pool_, "reading survey response", kSurveys, request_id);
  }

  absl::StatusOr<common::Page<StoredSurvey>> ListSurveys(
      const common::FilterNode& filter, const std::optional<common::PageCursor>& cursor,
      int limit) override {
    KAM_ASSIGN_OR_RETURN(SqlFragment where, FilterSql(filter, SurveyComparisonToSql));
    std::vector<SqlValue> params = std::move(where.params);
    params.emplace_back(common::CursorId(cursor));
    params.emplace_back(static_cast<int64_t>(limit) + 1);
    const std::string sql =
        absl::StrCat("SELECT ", kSurveyColumns, " FROM survey_responses s WHERE ", where.sql,
                     " AND s.id > ? ORDER BY s.id LIMIT ?");
    return common::QueryPage(*pool_, "listing survey responses", limit, ReadSurvey, sql, params);
  }

  absl::StatusOr<std::vector<ScoreCount>> CountScores(const SurveyScope& scope) override {
    std::string sql = "SELECT kind, score, COUNT(*) FROM survey_responses WHERE ";
    std::vector<SqlValue> params;
    if (scope.case_id != 0) {
      sql.append("case_id = ?");
      params.emplace_back(scope.case_id);
    } else {
      sql.append("account_id = ?");
      params.emplace_back(scope.account_id);
    }
    if (scope.start.has_value()) {
      sql.append(" AND response_time >= ?");
      params.emplace_back(SqlTime(*scope.start));
    }
    if (scope.end.has_value()) {
      sql.append(" AND response_time < ?");
      params.emplace_back(SqlTime(*scope.end));
    }
    sql.append(" GROUP BY kind, score");
    return common::QueryRows(
        *pool_, "summarising surveys",
        [](sql::ResultSet& rs) {
          return ScoreCount{static_cast<v1::SurveyKind>(rs.getInt(1)), rs.getInt(2),
                            rs.getInt64(3)};
        },
        sql, params);
  }

 private:
  common::IdAllocator survey_ids_;
};

}  // namespace

std::string SurveyName(int64_t id) { return absl::StrCat("surveys/", id); }

std::unique_ptr<SatisfactionStore> NewMySqlSatisfactionStore(common::ConnectionPool* pool) {
  return std::make_unique<MySqlSatisfactionStore>(pool);
}

}  // namespace kam::interaction::satisfaction
