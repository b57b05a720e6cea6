#include "services/interaction/activity/activity_policy_store.h"

#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/base/log.h"
#include "common/base/proto_time.h"
#include "common/db/transaction.h"

namespace kam::interaction::activity {
namespace {

using common::SqlConnection;

std::string Str(sql::ResultSet& rs, int column) { return rs.getString(column); }

absl::Time ReadTime(sql::ResultSet& rs, int column) {
  const std::string text = Str(rs, column);
  absl::StatusOr<absl::Time> time = common::FromSqlDateTime(text);
  return time.ok() ? *time : absl::UnixEpoch();
}

absl::Status Corrupt(absl::string_view what, const absl::Status& why) {
  common::Log(common::LogLevel::kError, "stored policy is unreadable",
              {{"policy", what}, {"error", why.message()}});
  return absl::InternalError(absl::StrCat("the stored ", what, " cannot be read"));
}

std::string HolidaysText(const QuietHoursPolicy& policy) {
  std::vector<std::string> days;
  days.reserve(policy.holidays.size());
  for (absl::CivilDay day : policy.holidays) days.push_back(FormatLocalDate(day));
  return absl::StrJoin(days, ",");
}

}  // namespace

absl::StatusOr<StoredQuietHoursPolicy> ActivityPolicyStore::GetQuietHoursPolicy() {
  StoredQuietHoursPolicy stored;
  absl::Status status = common::WithConnection(
      *pool_, "reading the quiet-hours policy", [&](SqlConnection& connection) {
        auto rs = connection.Query(
            "SELECT summer_start, summer_end, midday_rest_start, midday_rest_end, "
            "winter_earliest_call_time, weekend_earliest_call_time, holidays, version, "
            "update_time, updated_by FROM quiet_hours_policy WHERE id = 1");
        if (!rs->next()) return Corrupt("quiet-hours policy", absl::NotFoundError("no row"));
        QuietHoursPolicy& p = stored.policy;
        absl::StatusOr<MonthDay> start = ParseMonthDay("summer_start", Str(*rs, 1));
        absl::StatusOr<MonthDay> end = ParseMonthDay("summer_end", Str(*rs, 2));
        absl::StatusOr<int> rest_start = ParseTimeOfDay("midday_rest_start", Str(*rs, 3), false);
        absl::StatusOr<int> rest_end = ParseTimeOfDay("midday_rest_end", Str(*rs, 4), true);
        absl::StatusOr<int> winter =
            ParseTimeOfDay("winter_earliest_call_time", Str(*rs, 5), false);
        absl::StatusOr<int> weekend =
            ParseTimeOfDay("weekend_earliest_call_time", Str(*rs, 6), false);
        for (const absl::Status& s : {start.status(), end.status(), rest_start.status(),
                                      rest_end.status(), winter.status(), weekend.status()}) {
          if (!s.ok()) return Corrupt("quiet-hours policy", s);
        }
        p.summer_start = *start;
        p.summer_end = *end;
        p.midday_rest_start_minute = *rest_start;
        p.midday_rest_end_minute = *rest_end;
        p.winter_earliest_minute = *winter;
        p.weekend_earliest_minute = *weekend;
        for (absl::string_view text : absl::StrSplit(Str(*rs, 7), ',', absl::SkipEmpty())) {
          absl::StatusOr<absl::CivilDay> day = ParseLocalDate("holidays", text);
          if (!day.ok()) return Corrupt("quiet-hours policy", day.status());
          p.holidays.insert(*day);
        }
        stored.version = rs->getInt64(8);
        stored.update_time = ReadTime(*rs, 9);
        stored.updated_by = Str(*rs, 10);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return stored;
}

absl::StatusOr<bool> ActivityPolicyStore::WriteQuietHoursPolicyIfVersion(
    const QuietHoursPolicy& policy, int64_t expected_version, absl::Time now,
    const std::string& actor) {
  bool written = false;
  absl::Status status = common::WithConnection(
      *pool_, "updating the quiet-hours policy", [&](SqlConnection& connection) {
        const std::string holidays = HolidaysText(policy);
        written =
            connection.Update(
                "UPDATE quiet_hours_policy SET summer_start = ?, summer_end = ?, "
                "midday_rest_start = ?, midday_rest_end = ?, winter_earliest_call_time = ?, "
                "weekend_earliest_call_time = ?, holidays = ?, version = ?, update_time = ?, "
                "updated_by = ? WHERE id = 1 AND version = ?",
                FormatMonthDay(policy.summer_start), FormatMonthDay(policy.summer_end),
                FormatTimeOfDay(policy.midday_rest_start_minute),
                FormatTimeOfDay(policy.midday_rest_end_minute),
                FormatTimeOfDay(policy.winter_earliest_minute),
                FormatTimeOfDay(policy.weekend_earliest_minute),
                holidays.empty() ? std::nullopt : std::optional<std::string>(holidays),
                expected_version + 1, common::ToSqlDateTime(now), actor, expected_version) == 1;
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return written;
}

absl::StatusOr<StoredVisitCadence> ActivityPolicyStore::GetVisitCadence() {
  StoredVisitCadence stored;
  absl::Status status =
      common::WithConnection(*pool_, "reading the visit cadence", [&](SqlConnection& connection) {
        auto rs = connection.Query(
            "SELECT tier_a_visit_days, tier_a_executive_days, tier_b_visit_days, "
            "tier_b_executive_days, tier_c_visit_days, tier_c_executive_days, "
            "tier_d_visit_days, tier_d_executive_days, version, update_time, updated_by "
            "FROM visit_cadence_policy WHERE id = 1");
        if (!rs->next()) return Corrupt("visit cadence", absl::NotFoundError("no row"));
        for (int tier = kFirstTier; tier <= kLastTier; ++tier) {
          const int column = 1 + (tier - kFirstTier) * 2;
          stored.cadence.by_tier[tier] = {rs->getInt(column), rs->getInt(column + 1)};
        }
        stored.version = rs->getInt64(9);
        stored.update_time = ReadTime(*rs, 10);
        stored.updated_by = Str(*rs, 11);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return stored;
}

absl::StatusOr<bool> ActivityPolicyStore::WriteVisitCadenceIfVersion(const VisitCadence& cadence,
                                                                     int64_t expected_version,
                                                                     absl::Time now,
                                                                     const std::string& actor) {
  bool written = false;
  absl::Status status =
      common::WithConnection(*pool_, "updating the visit cadence", [&](SqlConnection& connection) {
        const auto& t = cadence.by_tier;
        written =
            connection.Update(
                "UPDATE visit_cadence_policy SET tier_a_visit_days = ?, "
                "tier_a_executive_days = ?, tier_b_visit_days = ?, "
                "tier_b_executive_days = ?, tier_c_visit_days = ?, "
                "tier_c_executive_days = ?, tier_d_visit_days = ?, "
                "tier_d_executive_days = ?, version = ?, update_time = ?, updated_by = ? "
                "WHERE id = 1 AND version = ?",
                t[1].visit_interval_days, t[1].executive_visit_interval_days,
                t[2].visit_interval_days, t[2].executive_visit_interval_days,
                t[3].visit_interval_days, t[3].executive_visit_interval_days,
                t[4].visit_interval_days, t[4].executive_visit_interval_days, expected_version + 1,
                common::ToSqlDateTime(now), actor, expected_version) == 1;
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return written;
}

}  // namespace kam::interaction::activity
