#include "common/server/readiness.h"

#include "common/base/log.h"
#include "common/metrics/migrations.h"

namespace kam::common {

ReadinessMonitor::ReadinessMonitor(GrpcServer* server, ConnectionPool* pool,
                                   const std::vector<Migration>* migrations,
                                   std::function<void()> on_ready, absl::Duration interval)
    : server_(server),
      pool_(pool),
      migrations_(migrations),
      on_ready_(std::move(on_ready)),
      interval_(interval) {}

ReadinessMonitor::~ReadinessMonitor() { Stop(); }

void ReadinessMonitor::Start() {
  thread_ = std::thread([this] {
    ScopedMySqlThread mysql_thread;
    Run();
    connection_.reset();
  });
}

void ReadinessMonitor::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

bool ReadinessMonitor::CheckDatabase() {
  if (connection_ == nullptr) {
    // A short I/O timeout: a hung database must turn health NOT_SERVING
    // within seconds, and Stop() must not wait on it for long.
    absl::StatusOr<std::unique_ptr<SqlConnection>> opened = pool_->OpenDedicated(absl::Seconds(2));
    if (!opened.ok()) return false;
    connection_ = *std::move(opened);
  }
  if (connection_->Ping()) return true;
  connection_.reset();
  return false;
}

void ReadinessMonitor::Run() {
  bool migrated = false;
  bool serving = false;
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      auto stopping = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_; };
      // The first pass runs at once; later ones wait for the interval.
      if (migrated && mu_.AwaitWithTimeout(absl::Condition(&stopping), interval_)) return;
      if (stopping_) return;
    }
    if (!migrated) {
      absl::Status status = ApplyMigrations(*pool_, *migrations_, [this] {
        absl::MutexLock lock(&mu_);
        return stopping_;
      });
      if (status.code() == absl::StatusCode::kCancelled) return;
      if (!status.ok()) {
        Log(LogLevel::kWarning, "schema not ready; retrying", {{"error", status.message()}});
        absl::MutexLock lock(&mu_);
        auto stopping = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_; };
        if (mu_.AwaitWithTimeout(absl::Condition(&stopping), absl::Seconds(1))) return;
        continue;
      }
      migrated = true;
      metrics::ReportMigrations(*migrations_);
      if (on_ready_) on_ready_();
      server_->MarkReady();
    }
    const bool ok = CheckDatabase();
    if (!ok) pool_->MarkSuspect();
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;  // never report SERVING after shutdown began
    }
    if (ok != serving) {
      serving = ok;
      server_->SetServing(serving);
      Log(serving ? LogLevel::kInfo : LogLevel::kWarning,
          serving ? "database reachable: SERVING" : "database unreachable: NOT_SERVING");
    }
  }
}

}  // namespace kam::common
