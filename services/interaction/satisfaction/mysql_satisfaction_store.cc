// The SQL of survey responses (MySqlSatisfactionStore).
#include "services/interaction/satisfaction/mysql_satisfaction_store.h"

#include <cppconn/exception.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/api/resource_name.h"
#include "common/db/filter_sql.h"
#include "common/db/queries.h"
#include "common/db/row_reader.h"
#include "common/db/sql_error.h"
#include "common/db/transaction.h"

namespace kam::interaction::satisfaction {
namespace {

using common::FilterEnum;
using common::FilterTime;
using common::FilterToSql;
using common::OnlyEquality;
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

std::optional<int64_t> IdOrNull(int64_t id) {
  if (id == 0) return std::nullopt;
  return id;
}

absl::Status SurveyComparisonToSql(const common::FilterComparison& c, SqlFragment* out) {
  const std::string& f = c.field;
  auto id_column = [&](const char* column, absl::StatusOr<std::vector<int64_t>> ids,
                       size_t index) -> absl::Status {
    if (!ids.ok()) return ids.status();
    absl::StrAppend(&out->sql, c.op == common::FilterOp::kEq ? "" : "NOT ", "(", column, " <=> ?)");
    out->params.emplace_back((*ids)[index]);
    return absl::OkStatus();
  };
  auto null_column = [&](const char* column) {
    absl::StrAppend(&out->sql, column, c.op == common::FilterOp::kEq ? " IS NULL" : " IS NOT NULL");
    return absl::OkStatus();
  };
  if (f == "account") {
    if (absl::Status s = OnlyEquality(c); !s.ok()) return s;
    return id_column("s.account_id",
                     common::ParseResourceName("filter value for account", c.value, {"accounts"}),
                     0);
  }
  if (f == "case") {
    if (absl::Status s = OnlyEquality(c); !s.ok()) return s;
    if (c.value.empty()) return null_column("s.case_id");
    return id_column("s.case_id",
                     common::ParseResourceName("filter value for case", c.value, {"cases"}), 0);
  }
  if (f == "contact") {
    if (absl::Status s = OnlyEquality(c); !s.ok()) return s;
    if (c.value.empty()) return null_column("s.contact_id");
    absl::StatusOr<std::vector<int64_t>> ids =
        common::ParseResourceName("filter value for contact", c.value, {"accounts", "contacts"});
    if (!ids.ok()) return ids.status();
    absl::StrAppend(&out->sql, c.op == common::FilterOp::kEq ? "" : "NOT ",
                    "(s.contact_id <=> ? AND s.account_id = ?)");
    out->params.emplace_back((*ids)[1]);
    out->params.emplace_back((*ids)[0]);
    return absl::OkStatus();
  }
  if (f == "kind") {
    if (absl::Status s = OnlyEquality(c); !s.ok()) return s;
    absl::StatusOr<int64_t> kind =
        FilterEnum<v1::SurveyKind>(c, "SURVEY_KIND_", v1::SurveyKind_Parse);
    if (!kind.ok()) return kind.status();
    absl::StrAppend(&out->sql, "s.kind", SqlOp(c.op), "?");
    out->params.emplace_back(*kind);
    return absl::OkStatus();
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
    absl::StatusOr<std::string> time = FilterTime(c);
    if (!time.ok()) return time.status();
    absl::StrAppend(&out->sql, "s.", f, SqlOp(c.op), "CAST(? AS DATETIME(6))");
    out->params.emplace_back(*time);
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("filter field \"", f.substr(0, 64),
                   "\" is not supported; use account, case, contact, kind, score, response_time or "
                   "create_time"));
}

}  // namespace

std::string SurveyName(int64_t id) { return absl::StrCat("surveys/", id); }

MySqlSatisfactionStore::MySqlSatisfactionStore(common::ConnectionPool* pool)
    : pool_(pool), survey_ids_(pool, "survey_responses") {}

absl::StatusOr<common::InsertOutcome> MySqlSatisfactionStore::InsertSurvey(
    const StoredSurvey& row, const common::RequestKey& key) {
  return common::ReadWithConnection<common::InsertOutcome>(
      *pool_, "recording survey response",
      [&](SqlConnection& c) -> absl::StatusOr<common::InsertOutcome> {
        try {
          c.Update(
              "INSERT INTO survey_responses (id, account_id, case_id, contact_id, kind, score, "
              "comment, response_time, create_time, create_request_id, create_request_hash) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              row.id, row.account_id, IdOrNull(row.case_id), IdOrNull(row.contact_id),
              static_cast<int>(row.kind), row.score, row.comment, SqlTime(row.response_time),
              SqlTime(row.create_time), common::TextOrNull(key.id),
              key.id.empty() ? std::nullopt : std::optional<std::string>(key.hash));
        } catch (const sql::SQLException& e) {
          if (e.getErrorCode() != common::kErDupEntry) throw;
          return common::InsertOutcome::kDuplicateRequest;
        }
        return common::InsertOutcome::kInserted;
      });
}

absl::StatusOr<StoredSurvey> MySqlSatisfactionStore::GetSurvey(int64_t id) {
  return common::ReadWithConnection<StoredSurvey>(
      *pool_, "reading survey response", [&](SqlConnection& c) -> absl::StatusOr<StoredSurvey> {
        auto rs = c.Query(
            absl::StrCat("SELECT ", kSurveyColumns, " FROM survey_responses s WHERE s.id = ?"), id);
        if (!rs->next()) {
          return absl::NotFoundError(
              absl::StrCat("survey response ", SurveyName(id), " not found"));
        }
        return ReadSurvey(*rs);
      });
}

absl::StatusOr<std::optional<common::CreatedByRequest<StoredSurvey>>>
MySqlSatisfactionStore::FindSurveyByRequest(const std::string& request_id) {
  return common::FindCreatedByRequest(*pool_, "reading survey response",
                                      absl::StrCat("SELECT ", kSurveyColumns,
                                                   ", s.create_request_hash FROM survey_responses "
                                                   "s WHERE s.create_request_id = ?"),
                                      request_id, ReadSurvey);
}

absl::StatusOr<common::Page<StoredSurvey>> MySqlSatisfactionStore::ListSurveys(
    const common::FilterNode& filter, const std::optional<common::PageCursor>& cursor, int limit) {
  SqlFragment where;
  if (absl::Status s = FilterToSql(filter, SurveyComparisonToSql, &where); !s.ok()) return s;
  std::vector<SqlValue> params = std::move(where.params);
  params.emplace_back(common::CursorId(cursor));
  params.emplace_back(static_cast<int64_t>(limit) + 1);
  const std::string sql = absl::StrCat("SELECT ", kSurveyColumns, " FROM survey_responses s WHERE ",
                                       where.sql, " AND s.id > ? ORDER BY s.id LIMIT ?");
  return common::QueryPage(*pool_, "listing survey responses", limit, ReadSurvey, sql, params);
}

absl::StatusOr<std::vector<ScoreCount>> MySqlSatisfactionStore::CountScores(
    const SurveyScope& scope) {
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
        return ScoreCount{static_cast<v1::SurveyKind>(rs.getInt(1)), rs.getInt(2), rs.getInt64(3)};
      },
      sql, params);
}

}  // namespace kam::interaction::satisfaction
