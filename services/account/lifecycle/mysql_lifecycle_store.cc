// The lifecycle area on MySQL (mysql_account_database.h): tables
// stage_changes, churn_events and stage_settings.
#include <optional>
#include <string>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/base/status_macros.h"
#include "common/db/row_reader.h"
#include "services/account/mysql_account_database.h"
#include "services/account/shared/account_names.h"
#include "services/account/shared/mysql_rows.h"

namespace kam::account {
namespace {

using lifecycle::ChurnEventRow;
using lifecycle::StageChangeRow;

using common::ReadText;
using common::ReadTimestamp;

StageChangeRow ReadStageChange(sql::ResultSet& rs) {
  StageChangeRow row = ReadRecordKey<v1::StageChange>(rs, "stageChanges");
  v1::StageChange& c = row.resource;
  c.set_from_stage(static_cast<v1::RelationshipStage>(rs.getInt(3)));
  c.set_to_stage(static_cast<v1::RelationshipStage>(rs.getInt(4)));
  c.set_share_of_wallet_percent(rs.getInt(5));
  c.set_interruption_cause(static_cast<v1::InterruptionCause>(rs.getInt(6)));
  c.set_reason(ReadText(rs, 7));
  c.set_actor(ReadText(rs, 8));
  if (auto t = ReadTimestamp(rs, 9)) *c.mutable_change_time() = *t;
  if (std::optional<int64_t> share = common::ReadOptionalInt(rs, 10)) {
    v1::ShareOfWalletMeasurement& m = *c.mutable_measurement();
    m.set_share_percent(static_cast<int32_t>(*share));
    m.set_source(ReadText(rs, 11));
    if (auto t = ReadTimestamp(rs, 12)) *m.mutable_measure_time() = *t;
  }
  return row;
}

ChurnEventRow ReadChurnEvent(sql::ResultSet& rs) {
  ChurnEventRow row = ReadRecordKey<v1::ChurnEvent>(rs, "churnEvents");
  v1::ChurnEvent& e = row.resource;
  e.set_kind(static_cast<v1::ChurnEventKind>(rs.getInt(3)));
  e.set_reason(static_cast<v1::ChurnReason>(rs.getInt(4)));
  for (absl::string_view line : absl::StrSplit(ReadText(rs, 5), '\n', absl::SkipEmpty())) {
    e.add_lost_product_lines(std::string(line));
  }
  e.set_note(ReadText(rs, 6));
  e.set_actor(ReadText(rs, 7));
  if (auto t = ReadTimestamp(rs, 8)) *e.mutable_event_time() = *t;
  return row;
}

}  // namespace

absl::Status MySqlTransaction::InsertStageChange(StageChangeRow* row) {
  KAM_ASSIGN_OR_RETURN(int64_t id, ids_->stage_changes.Next());
  SetRecordId(*row, id, "stageChanges");
  const v1::StageChange& c = row->resource;
  const bool measured = c.has_measurement();
  std::optional<int64_t> measured_share;
  if (measured) measured_share = c.measurement().share_percent();
  return Step([&] {
    connection_.Update(
        "INSERT INTO stage_changes (id, account_id, from_stage, to_stage, share_of_wallet, "
        "interruption_cause, reason, actor, change_time, measured_share, measurement_source, "
        "measure_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        row->id, row->account_id, static_cast<int>(c.from_stage()), static_cast<int>(c.to_stage()),
        c.share_of_wallet_percent(), static_cast<int>(c.interruption_cause()), c.reason(),
        c.actor(), common::SqlTime(c.change_time()), measured_share, c.measurement().source(),
        common::SqlTimeIf(measured && c.measurement().has_measure_time(),
                          c.measurement().measure_time()));
    return absl::OkStatus();
  });
}

absl::StatusOr<lifecycle::StoredStageSettings> MySqlTransaction::ReadStageSettings(
    bool for_update) {
  return Step([&]() -> absl::StatusOr<lifecycle::StoredStageSettings> {
    auto rs = connection_.Query(
        for_update ? "SELECT band_version, version, update_actor, update_time FROM "
                     "stage_settings WHERE id = 1 FOR UPDATE"
                   : "SELECT band_version, version, update_actor, update_time FROM "
                     "stage_settings WHERE id = 1");
    if (!rs->next()) return absl::InternalError("the stage_settings row is missing");
    lifecycle::StoredStageSettings settings;
    settings.band_version = static_cast<v1::StageBandVersion>(rs->getInt(1));
    settings.version = rs->getInt64(2);
    settings.update_actor = ReadText(*rs, 3);
    settings.update_time = common::ReadOptionalTime(*rs, 4);
    return settings;
  });
}

absl::Status MySqlTransaction::WriteStageSettings(const lifecycle::StoredStageSettings& settings) {
  return Step([&] {
    connection_.Update(
        "UPDATE stage_settings SET band_version = ?, version = ?, update_actor = ?, "
        "update_time = ? WHERE id = 1",
        static_cast<int>(settings.band_version), settings.version, settings.update_actor,
        common::SqlTime(settings.update_time));
    return absl::OkStatus();
  });
}

absl::Status MySqlTransaction::InsertChurnEvent(ChurnEventRow* row) {
  KAM_ASSIGN_OR_RETURN(int64_t id, ids_->churn_events.Next());
  SetRecordId(*row, id, "churnEvents");
  const v1::ChurnEvent& e = row->resource;
  std::optional<std::string> lines;
  if (e.lost_product_lines_size() > 0) lines = absl::StrJoin(e.lost_product_lines(), "\n");
  return Step([&] {
    connection_.Update(
        "INSERT INTO churn_events (id, account_id, kind, reason, lost_product_lines, note, "
        "actor, event_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        row->id, row->account_id, static_cast<int>(e.kind()), static_cast<int>(e.reason()), lines,
        e.note(), e.actor(), common::SqlTime(e.event_time()));
    return absl::OkStatus();
  });
}

absl::StatusOr<common::Page<StageChangeRow>> MySqlAccountDatabase::ListStageChanges(
    int64_t account_id, const std::optional<common::PageCursor>& cursor, int limit) {
  return SelectPageUnderAccount(
      *pool_, "listing stage history",
      "SELECT id, account_id, from_stage, to_stage, share_of_wallet, interruption_cause, "
      "reason, actor, change_time, measured_share, measurement_source, measure_time "
      "FROM stage_changes WHERE account_id = ? AND id > ? ORDER BY id LIMIT ?",
      account_id, cursor, limit, ReadStageChange);
}

absl::StatusOr<common::Page<ChurnEventRow>> MySqlAccountDatabase::ListChurnEvents(
    int64_t account_id, const std::optional<common::PageCursor>& cursor, int limit) {
  return SelectPageUnderAccount(
      *pool_, "listing churn history",
      "SELECT id, account_id, kind, reason, lost_product_lines, note, actor, event_time "
      "FROM churn_events WHERE account_id = ? AND id > ? ORDER BY id LIMIT ?",
      account_id, cursor, limit, ReadChurnEvent);
}

}  // namespace kam::account
