// Keeps a server's health honest: NOT_SERVING until the schema is migrated
// and the database answers, SERVING while it does, NOT_SERVING again while it
// does not. Runs on its own thread.
#pragma once

#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/db/migrator.h"
#include "common/db/mysql_pool.h"
#include "common/server/grpc_server.h"

namespace kam::common {

class ReadinessMonitor {
 public:
  // `on_ready`, when given, runs once on the monitor's thread after the
  // migrations are applied and before the server opens for calls (start
  // background work there).
  ReadinessMonitor(GrpcServer* server, ConnectionPool* pool,
                   const std::vector<Migration>* migrations,
                   std::function<void()> on_ready = nullptr,
                   absl::Duration interval = absl::Milliseconds(500));
  ~ReadinessMonitor();

  // Starts the thread: apply migrations (retrying while the database is
  // unreachable), open the server for calls, then check the database every
  // `interval` and report health.
  void Start();
  void Stop();

 private:
  void Run();
  bool CheckDatabase();

  GrpcServer* const server_;
  ConnectionPool* const pool_;
  const std::vector<Migration>* const migrations_;
  const std::function<void()> on_ready_;
  const absl::Duration interval_;
  std::unique_ptr<SqlConnection> connection_;  // used by the thread only
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace kam::common
