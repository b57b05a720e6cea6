#include "services/scoring/alert_store.h"

#include "absl/strings/str_cat.h"
#include "common/proto_time.h"
#include "common/transaction.h"

namespace kam::scoring {

absl::Status AlertStore::InsertAlerts(int64_t run_id, const std::vector<Alert>& alerts,
                                      absl::Time now) {
  constexpr size_t kPerStatement = 100;
  const std::string time = common::ToSqlDateTime(now);
  return common::WithConnection(*pool_, "storing alerts", [&](common::SqlConnection& c) {
    size_t done = 0;
    while (done < alerts.size()) {
      const size_t chunk = alerts.size() - done >= kPerStatement ? kPerStatement : 1;
      std::string sql =
          "INSERT INTO alerts (id, run_id, account_id, kind, severity, message, evidence, "
          "create_time) VALUES ";
      std::vector<common::SqlValue> values;
      for (size_t i = 0; i < chunk; ++i) {
        const Alert& alert = alerts[done + i];
        absl::StatusOr<int64_t> id = ids_.Next();
        if (!id.ok()) return id.status();
        sql.append(i == 0 ? "(?, ?, ?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?, ?, ?)");
        for (common::SqlValue v :
             {common::SqlValue(*id), common::SqlValue(run_id), common::SqlValue(alert.account_id),
              common::SqlValue(int64_t{static_cast<int>(alert.kind)}),
              common::SqlValue(int64_t{static_cast<int>(alert.severity)}),
              common::SqlValue(alert.message.substr(0, 1000)),
              common::SqlValue(alert.evidence.substr(0, 1000)), common::SqlValue(time)}) {
          values.push_back(std::move(v));
        }
      }
      c.Update(sql, values);
      done += chunk;
    }
    return absl::OkStatus();
  });
}

}  // namespace kam::scoring
