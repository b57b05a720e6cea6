// The export on MySQL (mysql_account_database.h): accounts (with their
// parent and the live contact counts kept on them, per level too), with
// counts over team_memberships and churn_events.
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/db/row_reader.h"
#include "common/db/transaction.h"
#include "services/account/mysql_account_database.h"
#include "services/account/shared/account_names.h"
#include "services/account/shared/mysql_rows.h"

namespace kam::account {
namespace {

using common::ReadText;
using common::ReadTimestamp;

v1::AccountSnapshot ReadSnapshot(sql::ResultSet& rs) {
  v1::AccountSnapshot a;
  a.set_name(AccountName(rs.getInt64(1)));
  a.set_display_name(ReadText(rs, 2));
  a.set_industry(ReadText(rs, 3));
  a.set_region(ReadText(rs, 4));
  a.set_category(static_cast<v1::AccountCategory>(rs.getInt(5)));
  a.set_owner(ReadText(rs, 6));
  a.set_stage(static_cast<v1::RelationshipStage>(rs.getInt(7)));
  a.set_state(static_cast<v1::LifecycleState>(rs.getInt(8)));
  a.set_tier(static_cast<v1::Tier>(rs.getInt(9)));
  a.set_tier_rating_run(ReadText(rs, 10));
  a.set_currency_code(ReadText(rs, 11));
  a.set_contact_count(rs.getInt(12));
  if (auto t = ReadTimestamp(rs, 13)) *a.mutable_create_time() = *t;
  if (auto t = ReadTimestamp(rs, 14)) *a.mutable_delete_time() = *t;
  ReadLabels(rs, 15, a.mutable_labels());
  a.set_credit_risk_level(static_cast<v1::CreditRiskLevel>(rs.getInt(16)));
  a.set_executive_contact_count(rs.getInt(17));
  a.set_management_contact_count(rs.getInt(18));
  a.set_front_line_contact_count(rs.getInt(19));
  if (auto parent = common::ReadOptionalInt(rs, 20)) a.set_parent(AccountName(*parent));
  if (std::optional<int64_t> limit = common::ReadOptionalInt(rs, 21)) {
    a.mutable_group_credit_limit()->set_minor_units(*limit);
    a.mutable_group_credit_limit()->set_currency_code(ReadText(rs, 22));
  }
  return a;
}

}  // namespace

absl::StatusOr<std::vector<v1::AccountSnapshot>> MySqlAccountDatabase::ExportPage(
    int64_t after_id, int limit, bool include_deleted, absl::Time window_start,
    absl::Time window_end) {
  std::vector<v1::AccountSnapshot> page;
  absl::Status status =
      common::WithConnection(*pool_, "exporting accounts", [&](common::SqlConnection& connection) {
        auto rs = connection.Query(
            absl::StrCat("SELECT a.id, a.display_name, a.industry, a.region, a.category, "
                         "a.owner, a.stage, a.state, a.tier, a.tier_rating_run, "
                         "a.credit_currency, a.contact_count, a.create_time, a.delete_time, "
                         "a.labels_text, a.credit_risk, a.executive_contact_count, "
                         "a.management_contact_count, a.front_line_contact_count, a.parent_id, "
                         "a.group_credit_minor, a.group_credit_currency "
                         "FROM accounts a WHERE a.id > ?",
                         include_deleted ? "" : " AND a.delete_time IS NULL",
                         " ORDER BY a.id LIMIT ?"),
            after_id, int64_t{limit});
        std::map<int64_t, size_t> index;
        while (rs->next()) {
          index[rs->getInt64(1)] = page.size();
          page.push_back(ReadSnapshot(*rs));
        }
        rs.reset();
        if (page.empty()) return absl::OkStatus();
        // The page's id range bounds both counts (ids are in order).
        const int64_t first = index.begin()->first;
        const int64_t last = index.rbegin()->first;
        const std::string from = common::SqlTime(window_start);
        const std::string to = common::SqlTime(window_end);
        // Adds each account's count of the query's rows to its snapshot.
        auto add_counts = [&](std::unique_ptr<sql::ResultSet> counts,
                              void (v1::AccountSnapshot::*set)(int32_t)) {
          while (counts->next()) {
            if (auto it = index.find(counts->getInt64(1)); it != index.end()) {
              (page[it->second].*set)(counts->getInt(2));
            }
          }
        };
        add_counts(connection.Query("SELECT account_id, COUNT(*) FROM team_memberships "
                                    "WHERE account_id BETWEEN ? AND ? AND ended_by_handover = 1 "
                                    "AND end_time > ? AND end_time <= ? GROUP BY account_id",
                                    first, last, from, to),
                   &v1::AccountSnapshot::set_handovers_in_window);
        add_counts(
            connection.Query("SELECT account_id, COUNT(*) FROM churn_events "
                             "WHERE account_id BETWEEN ? AND ? AND kind = ? "
                             "AND event_time > ? AND event_time <= ? GROUP BY account_id",
                             first, last, static_cast<int>(v1::CHURN_EVENT_KIND_BUSINESS_CHURN),
                             from, to),
            &v1::AccountSnapshot::set_business_churn_events_in_window);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return page;
}

}  // namespace kam::account
