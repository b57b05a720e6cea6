// MySqlActivityStore: the quiet_hours_policy row (one row, id 1).
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/base/log.h"
#include "common/base/proto_time.h"
#include "common/db/row_reader.h"
#include "common/db/transaction.h"
#include "services/interaction/activity/mysql_activity_store.h"

namespace kam::interaction::activity {
namespace {

using common::ReadText;
using common::SqlConnection;

absl::Status Corrupt(const absl::Status& why) {
  common::Log(common::LogLevel::kError, "stored policy is unreadable",
              {{"policy", "quiet-hours policy"}, {"error", why.message()}});
  return absl::InternalError("the stored quiet-hours policy cannot be read");
}

std::string HolidaysText(const QuietHoursPolicy& policy) {
  std::vector<std::string> days;
  days.reserve(policy.holidays.size());
  for (absl::CivilDay day : policy.holidays) days.push_back(FormatLocalDate(day));
  return absl::StrJoin(days, ",");
}

// The policy's columns, in the order of the SELECT below.
absl::StatusOr<StoredQuietHoursPolicy> ReadPolicy(sql::ResultSet& rs) {
  StoredQuietHoursPolicy stored;
  QuietHoursPolicy& p = stored.policy;
  std::string times[6];
  for (int i = 0; i < 6; ++i) times[i] = ReadText(rs, i + 1);
  if (absl::Status s = ParseQuietHoursTimes(
          {times[0], times[1], times[2], times[3], times[4], times[5]}, "", &p);
      !s.ok()) {
    return Corrupt(s);
  }
  for (absl::string_view text : absl::StrSplit(ReadText(rs, 7), ',', absl::SkipEmpty())) {
    absl::StatusOr<absl::CivilDay> day = ParseLocalDate("holidays", text);
    if (!day.ok()) return Corrupt(day.status());
    p.holidays.insert(*day);
  }
  stored.version = rs.getInt64(8);
  stored.update_time = common::ReadTime(rs, 9);
  stored.updated_by = ReadText(rs, 10);
  return stored;
}

}  // namespace

absl::StatusOr<StoredQuietHoursPolicy> MySqlActivityStore::GetQuietHoursPolicy() {
  return common::ReadWithConnection<StoredQuietHoursPolicy>(
      *pool_, "reading the quiet-hours policy",
      [&](SqlConnection& connection) -> absl::StatusOr<StoredQuietHoursPolicy> {
        auto rs = connection.Query(
            "SELECT summer_start, summer_end, midday_rest_start, midday_rest_end, "
            "winter_earliest_call_time, weekend_earliest_call_time, holidays, version, "
            "update_time, updated_by FROM quiet_hours_policy WHERE id = 1");
        if (!rs->next()) return Corrupt(absl::NotFoundError("no row"));
        return ReadPolicy(*rs);
      });
}

absl::StatusOr<bool> MySqlActivityStore::WriteQuietHoursPolicyIfVersion(
    const QuietHoursPolicy& policy, int64_t expected_version, absl::Time now,
    const std::string& actor) {
  return common::ReadWithConnection<bool>(
      *pool_, "updating the quiet-hours policy",
      [&](SqlConnection& connection) -> absl::StatusOr<bool> {
        return connection.Update(
                   "UPDATE quiet_hours_policy SET summer_start = ?, summer_end = ?, "
                   "midday_rest_start = ?, midday_rest_end = ?, winter_earliest_call_time = ?, "
                   "weekend_earliest_call_time = ?, holidays = ?, version = ?, update_time = ?, "
                   "updated_by = ? WHERE id = 1 AND version = ?",
                   FormatMonthDay(policy.summer_start), FormatMonthDay(policy.summer_end),
                   FormatTimeOfDay(policy.midday_rest_start_minute),
                   FormatTimeOfDay(policy.midday_rest_end_minute),
                   FormatTimeOfDay(policy.winter_earliest_minute),
                   FormatTimeOfDay(policy.weekend_earliest_minute),
                   common::TextOrNull(HolidaysText(policy)), expected_version + 1,
                   common::SqlTime(now), actor, expected_version) == 1;
      });
}

}  // namespace kam::interaction::activity
