// MySqlRatingStore: the ratings of a run (kam_scoring.account_ratings).
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/db/filter_sql.h"
#include "common/db/row_reader.h"
#include "common/db/transaction.h"
#include "services/scoring/rating/mysql_rating_store.h"

namespace kam::scoring::rating {
namespace {

using common::SqlConnection;
using common::SqlValue;

constexpr int kRatingsPerInsert = 250;

constexpr char kRatingColumns[] =
    "account_id, currency, value_minor, value_score, segment, seg_rank, tier, previous_tier, "
    "movement, key_account, clv_minor, churn_risk, health, sla_breaches, receivables_minor, "
    "overdue_minor, details";

RatingRow ReadRating(sql::ResultSet& rs) {
  RatingRow row;
  row.account_id = rs.getInt64(1);
  row.currency = rs.getString(2);
  row.value_minor = rs.getInt64(3);
  row.value_score = rs.getInt(4);
  row.segment = rs.getString(5);
  row.rank = rs.getInt64(6);
  row.tier = rs.getInt(7);
  row.previous_tier = rs.getInt(8);
  row.movement = rs.getInt(9);
  row.key_account = rs.getInt(10) != 0;
  row.clv_minor = rs.getInt64(11);
  row.churn_risk = rs.getInt(12);
  row.health = rs.getInt(13);
  row.sla_breaches = rs.getInt(14);
  row.receivables_minor = rs.getInt64(15);
  row.overdue_minor = rs.getInt64(16);
  row.details = common::ReadText(rs, 17);
  return row;
}

// The parameters of one row of an INSERT of kRatingColumns.
void AppendRow(int64_t run_id, const RatingRow& r, std::vector<SqlValue>* values) {
  values->emplace_back(run_id);
  values->emplace_back(r.account_id);
  values->emplace_back(r.currency);
  values->emplace_back(r.value_minor);
  values->emplace_back(int64_t{r.value_score});
  values->emplace_back(r.segment);
  values->emplace_back(r.rank);
  values->emplace_back(int64_t{r.tier});
  values->emplace_back(int64_t{r.previous_tier});
  values->emplace_back(int64_t{r.movement});
  values->emplace_back(int64_t{r.key_account ? 1 : 0});
  values->emplace_back(r.clv_minor);
  values->emplace_back(int64_t{r.churn_risk});
  values->emplace_back(int64_t{r.health});
  values->emplace_back(int64_t{r.sla_breaches});
  values->emplace_back(r.receivables_minor);
  values->emplace_back(r.overdue_minor);
  values->emplace_back(r.details);
}

template <typename Enum>
absl::StatusOr<int64_t> EnumValue(absl::string_view field, const std::string& value,
                                  absl::string_view prefix,
                                  bool (*parse)(const std::string&, Enum*)) {
  const std::string upper = absl::AsciiStrToUpper(value);
  Enum parsed;
  if (parse(upper, &parsed) || parse(absl::StrCat(prefix, upper), &parsed)) {
    return static_cast<int64_t>(parsed);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("filter value \"", value.substr(0, 64), "\" is not a valid ", field));
}

using common::SqlOp;

absl::Status RatingComparison(const common::FilterComparison& c, common::SqlFragment* out) {
  auto column = [&](const char* name, absl::StatusOr<int64_t> value) -> absl::Status {
    if (!value.ok()) return value.status();
    absl::StrAppend(&out->sql, name, SqlOp(c.op), "?");
    out->params.emplace_back(*value);
    return absl::OkStatus();
  };
  if (c.field == "tier" || c.field == "movement" || c.field == "key_account" ||
      c.field == "segment") {
    if (absl::Status s = common::OnlyEquality(c); !s.ok()) return s;
  }
  if (c.field == "tier") {
    return column("tier", EnumValue<account::v1::Tier>("tier", c.value, "TIER_",
                                                       account::v1::Tier_Parse));
  }
  if (c.field == "movement") {
    return column("movement",
                  EnumValue<v1::Movement>("movement", c.value, "MOVEMENT_", v1::Movement_Parse));
  }
  if (c.field == "key_account") {
    const std::string v = absl::AsciiStrToLower(c.value);
    if (v != "true" && v != "false") {
      return absl::InvalidArgumentError("filter value for key_account must be true or false");
    }
    return column("key_account", int64_t{v == "true" ? 1 : 0});
  }
  if (c.field == "segment") {
    absl::StrAppend(&out->sql, "segment", SqlOp(c.op), "?");
    out->params.emplace_back(c.value);
    return absl::OkStatus();
  }
  if (c.field == "churn_risk" || c.field == "health") {
    int64_t value = 0;
    if (!absl::SimpleAtoi(c.value, &value)) {
      return absl::InvalidArgumentError(
          absl::StrCat("filter value for ", c.field, " must be a number from 0 to 100"));
    }
    return column(c.field == "health" ? "health" : "churn_risk", value);
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "filter field \"", c.field.substr(0, 64),
      "\" is not supported; use tier, movement, key_account, segment, churn_risk or health"));
}

}  // namespace

absl::StatusOr<std::vector<RatingRow>> MySqlRatingStore::ReadRatings(
    absl::string_view context, const std::string& select, const std::vector<SqlValue>& params) {
  return common::ReadWithConnection<std::vector<RatingRow>>(*pool_, context,
                                                            [&](SqlConnection& c) {
                                                              std::vector<RatingRow> rows;
                                                              auto rs = c.Query(select, params);
                                                              while (rs->next()) {
                                                                rows.push_back(ReadRating(*rs));
                                                              }
                                                              return rows;
                                                            });
}

absl::Status MySqlRatingStore::DeleteRatings(int64_t run_id) {
  return common::WithConnection(*pool_, "removing ratings", [&](SqlConnection& c) {
    // In slices, so no statement holds locks on a million rows at once.
    while (c.Update("DELETE FROM account_ratings WHERE run_id = ? LIMIT 10000", run_id) > 0) {
    }
    return absl::OkStatus();
  });
}

absl::Status MySqlRatingStore::InsertRatings(int64_t run_id, const std::vector<RatingRow>& rows) {
  return common::WithConnection(*pool_, "writing ratings", [&](SqlConnection& c) {
    size_t done = 0;
    while (done < rows.size()) {
      // Full statements of kRatingsPerInsert rows, then single rows: two
      // statement shapes, each prepared once per connection.
      const size_t chunk = rows.size() - done >= kRatingsPerInsert ? kRatingsPerInsert : 1;
      std::string sql = absl::StrCat("INSERT INTO account_ratings (run_id, ", kRatingColumns,
                                     ") VALUES ");
      std::vector<SqlValue> values;
      values.reserve(chunk * 18);
      for (size_t i = 0; i < chunk; ++i) {
        sql.append(i == 0 ? "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
                          : ",(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
        AppendRow(run_id, rows[done + i], &values);
      }
      c.Update(sql, values);
      done += chunk;
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<RatingRow>> MySqlRatingStore::RatingsPage(int64_t run_id,
                                                                     int64_t after_account,
                                                                     int limit) {
  return ReadRatings("reading ratings",
                     absl::StrCat("SELECT ", kRatingColumns,
                                  " FROM account_ratings WHERE run_id = ? AND account_id > ? "
                                  "ORDER BY account_id LIMIT ?"),
                     {run_id, after_account, static_cast<int64_t>(limit)});
}

absl::StatusOr<RatingRow> MySqlRatingStore::GetRating(int64_t run_id, int64_t account_id) {
  absl::StatusOr<std::vector<RatingRow>> rows = ReadRatings(
      "reading rating",
      absl::StrCat("SELECT ", kRatingColumns,
                   " FROM account_ratings WHERE run_id = ? AND account_id = ?"),
      {run_id, account_id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) {
    return RatingNotFound(run_id, account_id);
  }
  return std::move(rows->front());
}

absl::StatusOr<std::vector<RatingRow>> MySqlRatingStore::ListRatings(
    int64_t run_id, const common::FilterNode& filter, int64_t after_account, int limit) {
  common::SqlFragment where;
  if (absl::Status s = common::FilterToSql(filter, RatingComparison, &where); !s.ok()) return s;
  std::vector<SqlValue> params = {run_id, after_account};
  for (SqlValue& v : where.params) params.push_back(std::move(v));
  params.emplace_back(static_cast<int64_t>(limit) + 1);
  return ReadRatings("listing ratings",
                     absl::StrCat("SELECT ", kRatingColumns,
                                  " FROM account_ratings WHERE run_id = ? AND account_id > ? AND ",
                                  where.sql, " ORDER BY account_id LIMIT ?"),
                     params);
}

absl::StatusOr<std::vector<RatingRow>> MySqlRatingStore::KeyChanges(
    int64_t run_id, const std::vector<int>& key_tiers, bool came_on, int64_t after_account,
    int limit) {
  // The key tiers as a bit mask: previous_tier in the list <=> its bit set.
  int64_t mask = 0;
  for (int tier : key_tiers) mask |= int64_t{1} << tier;
  std::vector<SqlValue> params;
  for (int64_t value : {run_id, after_account, int64_t{came_on ? 1 : 0}, mask,
                        int64_t{came_on ? 0 : 1}, static_cast<int64_t>(limit) + 1}) {
    params.emplace_back(value);
  }
  return ReadRatings("listing changes",
                     absl::StrCat("SELECT ", kRatingColumns,
                                  " FROM account_ratings WHERE run_id = ? AND account_id > ? AND "
                                  "key_account = ? AND ((? >> previous_tier) & 1) = ? "
                                  "ORDER BY account_id LIMIT ?"),
                     params);
}

}  // namespace kam::scoring::rating
