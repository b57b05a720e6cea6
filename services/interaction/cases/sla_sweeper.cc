#include "services/interaction/cases/sla_sweeper.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/base/log.h"
#include "common/base/proto_time.h"
#include "common/db/mysql_pool.h"
#include "services/interaction/cases/case_rules.h"
#include "services/interaction/cases/sla_clock.h"

namespace kam::interaction::cases {

SlaSweeper::SlaSweeper(CaseStore* store, absl::Duration interval)
    : store_(store), interval_(interval) {}

SlaSweeper::~SlaSweeper() { Stop(); }

absl::StatusOr<int> SlaSweeper::SweepBatch(SlaTarget target, absl::Time now, SweepResult* result) {
  const bool first_response = target == SlaTarget::kFirstResponse;
  const std::string reason =
      first_response ? "SLA breach: first response" : "SLA breach: resolution";
  int found = 0;
  SweepResult batch;
  absl::Status status = store_->Transact("sweeping SLA breaches", [&](CaseTx& tx) {
    batch = SweepResult();  // a retried transaction starts over
    std::vector<StoredCase> rows = tx.LockBreachedCases(target, now, kBatch);
    found = static_cast<int>(rows.size());
    // Rows are written with the time they were locked at (not `now`, which
    // may be older than a write that committed while this sweep waited), so
    // a case's audit rows carry increasing times.
    const absl::Time locked = common::NowMicros();
    for (StoredCase& row : rows) {
      const absl::Time at = std::max(locked, row.update_time);
      // The query found the breach at `now`; it still holds at `at`.
      Refresh(row.clock, at);
      CaseEventRow event;
      event.case_id = row.id;
      event.event.set_actor(kSweeperActor);
      *event.event.mutable_event_time() = common::ToProtoTimestamp(at);
      if (first_response) {
        row.clock.first_response_breached = true;
        row.first_response_escalated = true;
      } else {
        row.clock.resolution_breached = true;
        row.resolution_escalated = true;
      }
      if (std::optional<v1::CaseLevel> next = NextLevel(row.level); next.has_value()) {
        event.event.set_kind(v1::CASE_EVENT_KIND_LEVEL_CHANGE);
        event.event.set_from_value(LevelName(row.level));
        event.event.set_to_value(LevelName(*next));
        event.event.set_reason(reason);
        row.level = *next;
        ++batch.escalations;
      } else {
        event.event.set_kind(v1::CASE_EVENT_KIND_SLA_BREACH);
        event.event.set_to_value(first_response ? "FIRST_RESPONSE" : "RESOLUTION");
        event.event.set_reason(absl::StrCat(reason, "; already at EXECUTIVE, the top level"));
      }
      ++batch.breaches;
      ++row.version;
      row.update_time = at;
      tx.WriteCase(row);
      if (absl::Status s = tx.InsertEvent(&event); !s.ok()) return s;
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  result->breaches += batch.breaches;
  result->escalations += batch.escalations;
  return found;
}

absl::StatusOr<SweepResult> SlaSweeper::SweepOnce() {
  const absl::Time now = common::NowMicros();
  SweepResult result;
  for (SlaTarget target : {SlaTarget::kFirstResponse, SlaTarget::kResolution}) {
    for (;;) {
      absl::StatusOr<int> found = SweepBatch(target, now, &result);
      if (!found.ok()) return found.status();
      if (*found < kBatch || stop_requested_.load()) break;
    }
    if (stop_requested_.load()) break;
  }
  if (result.breaches > 0) {
    common::Log(common::LogLevel::kInfo, "SLA sweep",
                {{"breaches", result.breaches}, {"escalations", result.escalations}});
  }
  return result;
}

void SlaSweeper::Start() {
  absl::MutexLock lifecycle(&lifecycle_mu_);
  if (thread_.joinable()) return;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
  }
  thread_ = std::thread([this] { Run(); });
}

void SlaSweeper::Stop() {
  absl::MutexLock lifecycle(&lifecycle_mu_);
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  stop_requested_.store(true);
  if (thread_.joinable()) thread_.join();
}

void SlaSweeper::Run() {
  common::ScopedMySqlThread mysql_thread;
  for (;;) {
    absl::StatusOr<SweepResult> swept = SweepOnce();
    if (!swept.ok()) {
      common::Log(common::LogLevel::kWarning, "SLA sweep failed",
                  {{"error", swept.status().message()}});
    }
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(&stopping_), interval_);
    if (stopping_) return;
  }
}

}  // namespace kam::interaction::cases
