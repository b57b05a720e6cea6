// A private MariaDB server for tests, benchmarks and the local suite: its own
// data folder, its own socket, a TCP port on 127.0.0.1, started and stopped by
// process id. Nothing system-wide is read or touched (--no-defaults).
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace kam::testing {

class MariaDbServer {
 public:
  struct Options {
    // Where the data lives. Empty: a fresh temporary folder under $TMPDIR (or
    // /tmp), removed when the server object is destroyed. Non-empty: kept; an
    // existing initialised folder is reused as is (the local suite's data
    // survives restarts).
    std::string data_dir;
    // TCP port on 127.0.0.1. 0 picks a free one.
    int port = 0;
    // How long Start() and Restart() wait for the server to accept
    // connections.
    absl::Duration start_timeout = absl::Seconds(60);
    // More mariadbd options, after the suite's own (a later option wins),
    // e.g. a larger buffer pool for a benchmark.
    std::vector<std::string> extra_args;
    // TLS for clients (mariadbd --ssl-cert, --ssl-key, --ssl-ca; PEM files).
    // No cert_file: the server offers no TLS (MariaDB 10.11's default).
    struct Tls {
      std::string cert_file;
      std::string key_file;
      std::string ca_file;  // client certificates must chain to it (REQUIRE X509)
    } tls;
  };

  // Initialises the data folder if needed (mariadb-install-db; a template
  // folder initialised once per machine and copied makes this fast), starts
  // mariadbd and waits until it answers. The root user has no password and is
  // reachable over the socket and over TCP from 127.0.0.1.
  static absl::StatusOr<std::unique_ptr<MariaDbServer>> Start(Options options);

  // Stops the server (if running) and removes a temporary data folder.
  ~MariaDbServer();

  MariaDbServer(const MariaDbServer&) = delete;
  MariaDbServer& operator=(const MariaDbServer&) = delete;

  // Stops the server by process id: SIGTERM, then SIGKILL after `grace`.
  // The data folder stays, so Restart() brings the same data back.
  absl::Status Stop(absl::Duration grace = absl::Seconds(20));

  // Starts the server again on the same port and data folder.
  absl::Status Restart();

  // Runs SQL text (one or more statements) as root through the `mariadb`
  // command-line client over the socket. For set-up only (schemas, users).
  absl::Status ExecuteAsRoot(absl::string_view sql);

  // The same for a query: its rows as the client prints them in batch mode
  // (one line per row, columns separated by tabs, no column names).
  absl::StatusOr<std::string> QueryAsRoot(absl::string_view sql);

  // Creates `schema` (utf8mb4) and a user `user`@'127.0.0.1' and
  // `user`@'localhost' identified by `password` with ALL PRIVILEGES on that
  // schema only. Idempotent.
  absl::Status CreateServiceDatabase(absl::string_view schema, absl::string_view user,
                                     absl::string_view password);

  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  int port() const { return port_; }
  const std::string& socket_path() const { return socket_path_; }
  const std::string& data_dir() const { return data_dir_; }

 private:
  MariaDbServer() = default;
  absl::Status Launch(absl::Duration timeout);

  std::string data_dir_;
  std::string socket_path_;
  std::string log_path_;
  bool temporary_ = false;
  int port_ = 0;
  pid_t pid_ = -1;
  absl::Duration start_timeout_;
  std::vector<std::string> extra_args_;
};

// A free TCP port on 127.0.0.1 (bind to port 0, read it back, close).
int PickFreePort();

}  // namespace kam::testing
