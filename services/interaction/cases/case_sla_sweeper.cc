#include "services/interaction/cases/case_sla_sweeper.h"

#include <vector>

#include "common/base/log.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"
#include "common/db/mysql_pool.h"
#include "services/interaction/cases/case_sla_breach.h"
#include "services/interaction/cases/sla_metrics.h"

namespace kam::interaction::cases {

SlaSweeper::SlaSweeper(CaseStore* store, absl::Duration interval)
    : store_(store), interval_(interval) {}

SlaSweeper::~SlaSweeper() { Stop(); }

absl::StatusOr<int> SlaSweeper::SweepBatch(SlaTarget target, absl::Time now, SweepResult* result) {
  int found = 0;
  SweepResult batch;
  absl::Status status = store_->Transact("sweeping SLA breaches", [&](CaseTx& tx) {
    batch = SweepResult();  // a retried transaction starts over
    KAM_ASSIGN_OR_RETURN(std::vector<StoredCase> rows, tx.LockBreachedCases(target, now, kBatch));
    found = static_cast<int>(rows.size());
    // Rows are written with the time they were locked at (not `now`, which
    // may be older than a write that committed while this sweep waited).
    const absl::Time locked = common::NowMicros();
    for (StoredCase& row : rows) {
      BreachEscalation escalation = EscalateBreach(row, target, locked);
      ++batch.breaches;
      if (escalation.raised_level) ++batch.escalations;
      KAM_RETURN_IF_ERROR(tx.WriteCase(row));
      KAM_RETURN_IF_ERROR(tx.InsertEvent(&escalation.event));
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
      KAM_ASSIGN_OR_RETURN(int found, SweepBatch(target, now, &result));
      if (found < kBatch || stop_requested_.load()) break;
    }
    if (stop_requested_.load()) break;
  }
  RecordSweep(&result);
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
      RecordSweep(nullptr);
      common::Log(common::LogLevel::kWarning, "SLA sweep failed",
                  {{"error", swept.status().message()}});
    }
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(&stopping_), interval_);
    if (stopping_) return;
  }
}

}  // namespace kam::interaction::cases
