// ReportStore over MariaDB: aggregate queries over
// kam_scoring.account_ratings. Made by NewMySqlReportStore (mysql_stores.h).
#include <algorithm>
#include <array>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/numeric/int128.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/base/status_macros.h"
#include "common/db/queries.h"
#include "common/db/row_reader.h"
#include "common/db/transaction.h"
#include "kam/scoring/v1/rating.pb.h"
#include "services/scoring/mysql_stores.h"

namespace kam::scoring {
namespace reports {
namespace {

using common::SqlConnection;
using common::SqlValue;
using rules::kTierCount;
using rules::MovementMatrix;
using rules::Tier;
using rules::TierName;
using rules::TierTotal;

// Whether run `run_id` ranked groups (policy rank_unit GROUP): then every
// rating names its group (migration 0006), so the first one tells. The
// reports then count each group once and Pareto ranks groups by their
// summed value; a per-account run keeps its plain queries.
absl::StatusOr<bool> RanksGroups(SqlConnection& c, int64_t run_id) {
  auto rs = c.Query(
      "SELECT group_id FROM account_ratings WHERE run_id = ? ORDER BY account_id LIMIT 1", run_id);
  return rs->next() && rs->getInt64(1) != 0;
}

// SUM over BIGINT is DECIMAL in MariaDB (exact, wider than int64): read it as
// text. A roll-up adds its currency groups up in 128 bits afterwards.
absl::StatusOr<absl::int128> ReadWideSum(sql::ResultSet& rs, int column) {
  const sql::SQLString text = rs.getString(column);
  if (rs.wasNull()) return 0;
  absl::int128 value = 0;
  if (!absl::SimpleAtoi(absl::string_view(text.c_str(), text.length()), &value)) {
    return absl::OutOfRangeError("a group's sum does not fit a signed 128-bit integer");
  }
  return value;
}

// `value` as int64; OUT_OF_RANGE naming `what` when it does not fit (a
// wrapped sum of money must not look like a right one).
absl::StatusOr<int64_t> FitInt64(absl::int128 value, absl::string_view what) {
  if (value > std::numeric_limits<int64_t>::max() || value < std::numeric_limits<int64_t>::min()) {
    return absl::OutOfRangeError(absl::StrCat(what, " does not fit a signed 64-bit integer"));
  }
  return static_cast<int64_t>(value);
}

// A SUM that must fit int64 (the per-run figures).
absl::StatusOr<int64_t> ReadSum(sql::ResultSet& rs, int column, absl::string_view what) {
  absl::StatusOr<absl::int128> wide = ReadWideSum(rs, column);
  // Beyond 128 bits is beyond 64 too: the same error.
  return FitInt64(wide.ok() ? *wide : absl::Int128Max(), what);
}

// What GroupRollup sums over the subtree's ratings (each "SUM(<it>)"), in
// the order of its SELECT after the currency and the count: the int64
// figures in GroupRollup's order of them, then the value weight (a loss
// weighs 0) and the value-weighted health and churn risk, exact (DECIMAL:
// a score times a value may pass the int64 range).
constexpr const char* kRollupSums[] = {
    "r.revenue_minor",
    "r.gross_profit_minor",
    "r.cost_to_serve_minor",
    "r.clv_minor",
    "r.value_minor",
    "r.receivables_minor",
    "r.overdue_minor",
    "r.credit_exposure_minor",
    "r.open_pipeline_minor",
    "r.weighted_pipeline_minor",
    "r.open_cases",
    "r.sla_breaches",
    "r.complaints",
    "r.activity_count",
    "r.csat_count",
    "r.csat_sum",
    "r.health",
    "r.churn_risk",
    "r.overdue_1_30_minor",
    "r.overdue_31_60_minor",
    "r.overdue_61_90_minor",
    "r.overdue_90_plus_minor",
    "r.tier = 1",
    "r.tier = 2",
    "r.tier = 3",
    "r.tier = 4",
    "r.tier = 0",
    "CAST(GREATEST(r.value_minor, 0) AS DECIMAL(20, 0))",
    "CAST(GREATEST(r.value_minor, 0) AS DECIMAL(20, 0)) * r.health",
    "CAST(GREATEST(r.value_minor, 0) AS DECIMAL(20, 0)) * r.churn_risk"};
constexpr int kRollupSumCount = sizeof(kRollupSums) / sizeof(kRollupSums[0]);
constexpr int kWeightedSums = 3;  // the last three

// The statement of GroupRollup: the subtree through the run's own parent
// links (UNION, not UNION ALL: a cycle in the links, which the account
// service refuses, would still end), then one pass over its ratings.
std::string GroupRollupSql() {
  std::string sql =
      "WITH RECURSIVE subtree (account_id) AS (SELECT account_id FROM account_ratings "
      "WHERE run_id = ? AND account_id = ? UNION SELECT c.account_id FROM account_ratings c "
      "JOIN subtree s ON c.run_id = ? AND c.parent_id = s.account_id) "
      "SELECT r.currency, COUNT(*)";
  for (const char* sum : kRollupSums) absl::StrAppend(&sql, ", SUM(", sum, ")");
  absl::StrAppend(&sql,
                  " FROM subtree s JOIN account_ratings r ON r.run_id = ? AND "
                  "r.account_id = s.account_id GROUP BY r.currency");
  return sql;
}

// An account's ratings with their runs' as_of (GetAccountTrend): a run's
// rating by primary key, each run found through ix_runs_policy or by id.
constexpr const char* kTrendSelect =
    "SELECT r.id, r.as_of, a.value_minor, a.currency, a.churn_risk, a.health, a.tier "
    "FROM rating_runs r JOIN account_ratings a ON a.run_id = r.id AND a.account_id = ? ";

TrendRow ReadTrendRow(sql::ResultSet& rs) {
  TrendRow row;
  row.run_id = rs.getInt64(1);
  if (auto t = common::ReadTimestamp(rs, 2)) row.as_of = *t;
  row.value = rs.getInt64(3);
  row.currency = common::ReadText(rs, 4);
  row.churn_risk = rs.getInt(5);
  row.health = rs.getInt(6);
  row.tier = rs.getInt(7);
  return row;
}

absl::Status BadTier(int tier) {
  return absl::InternalError(absl::StrCat("a stored rating has tier ", tier));
}

class MySqlReportStore final : public ReportStore {
 public:
  explicit MySqlReportStore(common::ConnectionPool* pool) : pool_(pool) {}

  absl::StatusOr<RunTierTotals> TierTotals(int64_t run_id) override {
    RunTierTotals totals;
    absl::Status status = common::WithConnection(*pool_, "summing ratings", [&](SqlConnection& c) {
      KAM_ASSIGN_OR_RETURN(bool groups, RanksGroups(c, run_id));
      // A group's accounts share its tier: each group counts once in it.
      auto rs =
          c.Query(absl::StrCat("SELECT tier, ", groups ? "COUNT(DISTINCT group_id)" : "COUNT(*)",
                               ", SUM(value_minor), SUM(clv_minor), SUM(activity_count), "
                               "SUM(cost_to_serve_minor) FROM account_ratings "
                               "WHERE run_id = ? AND tier <> 0 GROUP BY tier"),
                  run_id);
      while (rs->next()) {
        const int tier = rs->getInt(1);
        if (tier < 1 || tier > kTierCount) return BadTier(tier);
        const std::string name(TierName(static_cast<Tier>(tier)));
        TierTotal& t = totals.value[tier - 1];
        t.count = rs->getInt64(2);
        KAM_ASSIGN_OR_RETURN(int64_t value,
                             ReadSum(*rs, 3, absl::StrCat("the total value of tier ", name)));
        t.total_value = value;
        KAM_ASSIGN_OR_RETURN(int64_t clv,
                             ReadSum(*rs, 4, absl::StrCat("the customer equity of tier ", name)));
        totals.clv[tier - 1] = clv;
        KAM_ASSIGN_OR_RETURN(totals.activities[tier - 1],
                             ReadSum(*rs, 5, absl::StrCat("the activities of tier ", name)));
        KAM_ASSIGN_OR_RETURN(totals.cost_to_serve[tier - 1],
                             ReadSum(*rs, 6, absl::StrCat("the cost to serve of tier ", name)));
      }
      rs.reset();
      auto currencies = c.Query(
          "SELECT COUNT(DISTINCT currency), MIN(currency) FROM account_ratings "
          "WHERE run_id = ? AND tier <> 0 AND currency <> ''",
          run_id);
      if (currencies->next() && currencies->getInt64(1) == 1) {
        totals.currency = currencies->getString(2);
      }
      return absl::OkStatus();
    });
    if (!status.ok()) return status;
    return totals;
  }

  absl::StatusOr<std::vector<int64_t>> TopValueSums(int64_t run_id,
                                                    const std::vector<int64_t>& counts) override {
    std::vector<int64_t> wanted;
    for (int64_t count : counts) {
      if (count > 0) wanted.push_back(count);
    }
    std::sort(wanted.begin(), wanted.end());
    wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
    absl::flat_hash_map<int64_t, int64_t> sum_at;
    if (!wanted.empty()) {
      // Ties in value are broken by account id only to make the row numbers
      // definite; equal values give equal sums whichever comes first.
      std::string in = "?";
      for (size_t i = 1; i < wanted.size(); ++i) in.append(", ?");
      std::vector<SqlValue> params = {run_id};
      for (int64_t count : wanted) params.emplace_back(count);
      absl::Status status =
          common::WithConnection(*pool_, "summing top values", [&](SqlConnection& c) {
            KAM_ASSIGN_OR_RETURN(bool groups, RanksGroups(c, run_id));
            // By group, the ranked units are the groups with their summed
            // values (account_id then names the group).
            const std::string units =
                groups ? "(SELECT group_id AS account_id, SUM(value_minor) AS value_minor FROM "
                         "account_ratings WHERE run_id = ? AND tier <> 0 GROUP BY group_id) g"
                       : "account_ratings WHERE run_id = ? AND tier <> 0";
            auto rs = c.Query(
                absl::StrCat(
                    "SELECT rn, cum FROM (SELECT ROW_NUMBER() OVER (ORDER BY value_minor "
                    "DESC, account_id) AS rn, SUM(value_minor) OVER (ORDER BY value_minor DESC, "
                    "account_id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum "
                    "FROM ",
                    units, ") ranked WHERE rn IN (", in, ")"),
                params);
            while (rs->next()) {
              const int64_t rn = rs->getInt64(1);
              KAM_ASSIGN_OR_RETURN(
                  int64_t sum,
                  ReadSum(*rs, 2, absl::StrCat("the value of the best ", rn, " accounts")));
              sum_at[rn] = sum;
            }
            return absl::OkStatus();
          });
      if (!status.ok()) return status;
    }
    std::vector<int64_t> sums;
    sums.reserve(counts.size());
    for (int64_t count : counts) {
      auto it = sum_at.find(count);
      if (count > 0 && it == sum_at.end()) {
        return absl::InternalError(absl::StrCat("the run has fewer than ", count, " ratings"));
      }
      sums.push_back(count > 0 ? it->second : 0);
    }
    return sums;
  }

  absl::StatusOr<std::vector<ManagerTotals>> ManagerTotalsPage(int64_t run_id,
                                                               int64_t previous_run_id,
                                                               const std::string& owner,
                                                               const std::string& after_owner,
                                                               int limit) override {
    // One GROUP BY owner over the run, in owner order: ix_ratings_owner
    // (run_id, owner) hands the rows out grouped, so a page reads only its
    // managers' ratings. Movement numbers are v1::Movement's: 1 NEW,
    // 2 PROMOTED, 3 DEMOTED, 5 NOT_TIERED (a churned account).
    std::string sql =
        "SELECT r.owner, COUNT(*), SUM(r.key_account), SUM(r.value_minor), SUM(r.clv_minor), "
        "SUM(r.movement = 2), SUM(r.movement = 3), SUM(r.movement = 1), "
        "SUM(r.movement = 5 AND r.previous_tier <> 0), "
        "SUM(r.movement <> 5 AND p.movement = 5), SUM(r.csat_count), SUM(r.csat_sum), "
        "SUM(r.complaints), SUM(r.disputes), SUM(r.sla_breaches), "
        "SUM(r.overdue_follow_ups), SUM(r.handovers), "
        "COUNT(DISTINCT NULLIF(r.currency, '')), MIN(NULLIF(r.currency, '')) "
        "FROM account_ratings r LEFT JOIN account_ratings p ON p.run_id = ? "
        "AND p.account_id = r.account_id WHERE r.run_id = ? AND r.owner > ?";
    std::vector<SqlValue> params = {previous_run_id, run_id, after_owner};
    if (!owner.empty()) {
      sql.append(" AND r.owner = ?");
      params.emplace_back(owner);
    }
    sql.append(" GROUP BY r.owner ORDER BY r.owner LIMIT ?");
    params.emplace_back(int64_t{limit} + 1);
    std::vector<ManagerTotals> page;
    absl::Status status =
        common::WithConnection(*pool_, "summing ratings by owner", [&](SqlConnection& c) {
          auto rs = c.Query(sql, params);
          while (rs->next()) {
            ManagerTotals t;
            t.owner = rs->getString(1);
            t.accounts = rs->getInt64(2);
            const std::string what = absl::StrCat("the sums of ", t.owner, "'s accounts");
            int64_t* sums[] = {
                &t.key_accounts, &t.value,    &t.clv,          &t.promoted,           &t.demoted,
                &t.new_accounts, &t.churned,  &t.won_back,     &t.csat_count,         &t.csat_sum,
                &t.complaints,   &t.disputes, &t.sla_breaches, &t.overdue_follow_ups, &t.handovers};
            int column = 3;
            for (int64_t* sum : sums) {
              KAM_ASSIGN_OR_RETURN(*sum, ReadSum(*rs, column++, what));
            }
            if (rs->getInt64(column) == 1) t.currency = rs->getString(column + 1);
            page.push_back(std::move(t));
          }
          return absl::OkStatus();
        });
    if (!status.ok()) return status;
    return page;
  }

  absl::StatusOr<MovementMatrix> MovementBetween(int64_t from_run, int64_t to_run) override {
    MovementMatrix matrix{};
    // Adds rows (from tier, to tier, count); a tier below its lowest or
    // beyond D is an error.
    auto add = [&](sql::ResultSet& rs, int lowest_from, int lowest_to) -> absl::Status {
      while (rs.next()) {
        const int from = rs.getInt(1);
        const int to = rs.getInt(2);
        if (from < lowest_from || from > kTierCount) return BadTier(from);
        if (to < lowest_to || to > kTierCount) return BadTier(to);
        matrix[from][to] = rs.getInt64(3);
      }
      return absl::OkStatus();
    };
    absl::Status status = common::WithConnection(*pool_, "comparing runs", [&](SqlConnection& c) {
      // MariaDB has no FULL OUTER JOIN: accounts of the earlier run (with
      // their later tier or 0), then those only the later run tiered. A
      // rating with tier 0 (a churned account, rated but not tiered) counts
      // as not rated by that run.
      auto rs = c.Query(
          "SELECT f.tier, COALESCE(t.tier, 0), COUNT(*) FROM account_ratings f "
          "LEFT JOIN account_ratings t ON t.run_id = ? AND t.account_id = f.account_id "
          "AND t.tier <> 0 WHERE f.run_id = ? AND f.tier <> 0 GROUP BY f.tier, "
          "COALESCE(t.tier, 0)",
          to_run, from_run);
      KAM_RETURN_IF_ERROR(add(*rs, 1, 0));
      rs.reset();
      auto only_later = c.Query(
          "SELECT 0, t.tier, COUNT(*) FROM account_ratings t WHERE t.run_id = ? AND t.tier <> 0 "
          "AND NOT EXISTS (SELECT 1 FROM account_ratings f WHERE f.run_id = ? AND "
          "f.account_id = t.account_id AND f.tier <> 0) GROUP BY t.tier",
          to_run, from_run);
      return add(*only_later, 0, 1);
    });
    if (!status.ok()) return status;
    return matrix;
  }

  absl::StatusOr<GroupRollupSums> GroupRollup(int64_t run_id, int64_t account_id) override {
    GroupRollupSums sums;
    std::array<absl::int128, kRollupSumCount> totals{};
    bool rated = false;
    absl::Status status = common::WithConnection(*pool_, "summing a group", [&](SqlConnection& c) {
      auto root = c.Query(
          "SELECT group_credit_limit_minor, group_credit_currency FROM account_ratings "
          "WHERE run_id = ? AND account_id = ?",
          run_id, account_id);
      if (!root->next()) return absl::OkStatus();
      rated = true;
      sums.group_credit_limit = common::ReadOptionalInt(*root, 1);
      sums.group_credit_currency = common::ReadText(*root, 2);
      root.reset();
      static const std::string sql = GroupRollupSql();
      auto rs = c.Query(sql, run_id, account_id, run_id, run_id);
      while (rs->next()) {
        const std::string currency = common::ReadText(*rs, 1);
        if (!currency.empty()) sums.currencies.push_back(currency);
        sums.member_count += rs->getInt64(2);
        for (int i = 0; i < kRollupSumCount; ++i) {
          KAM_ASSIGN_OR_RETURN(absl::int128 sum, ReadWideSum(*rs, i + 3));
          totals[i] += sum;
        }
      }
      return absl::OkStatus();
    });
    if (!status.ok()) return status;
    if (!rated) {
      return absl::NotFoundError(
          absl::StrCat("accounts/", account_id, " was not rated by ratingRuns/", run_id));
    }
    std::sort(sums.currencies.begin(), sums.currencies.end());
    // Where each int64 sum goes, in kRollupSums' order.
    int64_t* const figures[] = {&sums.revenue,
                                &sums.gross_profit,
                                &sums.cost_to_serve,
                                &sums.clv,
                                &sums.value,
                                &sums.receivables,
                                &sums.overdue,
                                &sums.credit_exposure,
                                &sums.open_pipeline,
                                &sums.weighted_pipeline,
                                &sums.open_cases,
                                &sums.sla_breaches,
                                &sums.complaints,
                                &sums.activities,
                                &sums.csat_count,
                                &sums.csat_sum,
                                &sums.health.plain_sum,
                                &sums.churn_risk.plain_sum,
                                &sums.overdue_buckets[0],
                                &sums.overdue_buckets[1],
                                &sums.overdue_buckets[2],
                                &sums.overdue_buckets[3],
                                &sums.tier_counts[0],
                                &sums.tier_counts[1],
                                &sums.tier_counts[2],
                                &sums.tier_counts[3],
                                &sums.not_tiered};
    static_assert(sizeof(figures) / sizeof(figures[0]) == kRollupSumCount - kWeightedSums);
    int next = 0;
    for (int64_t* figure : figures) {
      KAM_ASSIGN_OR_RETURN(
          *figure,
          FitInt64(totals[next],
                   absl::StrCat("the group's ", absl::StripPrefix(kRollupSums[next], "r."))));
      ++next;
    }
    sums.health.weight = sums.churn_risk.weight = totals[next++];
    sums.health.weighted = totals[next++];
    sums.churn_risk.weighted = totals[next++];
    sums.health.count = sums.churn_risk.count = sums.member_count;
    return sums;
  }

  absl::StatusOr<std::vector<TrendRow>> NewestRatingsOf(int64_t account_id, int64_t policy_id,
                                                        int limit) override {
    std::vector<TrendRow> rows;
    absl::Status status =
        common::WithConnection(*pool_, "reading an account's ratings", [&](SqlConnection& c) {
          if (!c.Query("SELECT 1 FROM policies WHERE id = ?", policy_id)->next()) {
            return absl::NotFoundError(absl::StrCat("policies/", policy_id, " not found"));
          }
          // A policy has one run per period (tens to hundreds): the sort by
          // as_of is over its runs that rated the account, never the book.
          auto rs = c.Query(absl::StrCat(kTrendSelect,
                                         "WHERE r.policy_id = ? AND r.state = ? "
                                         "ORDER BY r.as_of DESC, r.id DESC LIMIT ?"),
                            account_id, policy_id, static_cast<int>(v1::RUN_STATE_SUCCEEDED),
                            limit);
          while (rs->next()) rows.push_back(ReadTrendRow(*rs));
          return absl::OkStatus();
        });
    if (!status.ok()) return status;
    std::sort(rows.begin(), rows.end(), OlderRating);
    return rows;
  }

  absl::StatusOr<std::vector<TrendRow>> RatingsInRuns(
      int64_t account_id, const std::vector<int64_t>& run_ids) override {
    if (run_ids.empty()) return std::vector<TrendRow>{};
    std::string in;
    const std::vector<SqlValue> ids = common::PaddedIds(run_ids, &in);
    KAM_ASSIGN_OR_RETURN(
        std::vector<TrendRow> rows,
        common::QueryRows(*pool_, "reading an account's ratings", ReadTrendRow,
                          absl::StrCat(kTrendSelect, "WHERE r.id IN (", in, ")"), account_id,
                          ids));
    std::sort(rows.begin(), rows.end(), OlderRating);
    return rows;
  }

 private:
  common::ConnectionPool* pool_;
};

}  // namespace

}  // namespace reports

std::unique_ptr<reports::ReportStore> NewMySqlReportStore(common::ConnectionPool* pool) {
  return std::make_unique<reports::MySqlReportStore>(pool);
}

}  // namespace kam::scoring
