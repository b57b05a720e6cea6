// Tests of the test harness itself: the private MariaDB server and child
// processes.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/harness/mariadb_server.h"
#include "tests/harness/service_process.h"

namespace kam::testing {
namespace {

// SQL that fails (SIGNAL) unless `condition` holds. The client splits input
// at the delimiter, so the compound statement gets its own.
std::string Assertion(const std::string& condition, const std::string& message) {
  return absl::StrCat("DELIMITER //\nIF NOT (", condition,
                      ") THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '", message,
                      "'; END IF //\nDELIMITER ;\n");
}

bool TcpConnects(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return ok;
}

bool ProcessExists(pid_t pid) { return kill(pid, 0) == 0 || errno != ESRCH; }

// Runs the mariadb client over TCP as `user` and returns its wait status.
int RunClientOverTcp(int port, const std::string& user, const std::string& password,
                     const std::string& sql, const std::string& log_path) {
  std::vector<std::string> args = {"--no-defaults", "--protocol=TCP", "--host=127.0.0.1",
                                   absl::StrCat("--port=", port), absl::StrCat("--user=", user),
                                   "--batch", "-e", sql};
  if (!password.empty()) args.push_back(absl::StrCat("--password=", password));
  absl::StatusOr<std::unique_ptr<ServiceProcess>> client =
      ServiceProcess::Start({"mariadb", args, {}, log_path});
  EXPECT_TRUE(client.ok()) << client.status();
  if (!client.ok()) return -1;
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while ((*client)->Running() && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(10));
  absl::StatusOr<int> status = (*client)->Stop();
  EXPECT_TRUE(status.ok()) << status.status();
  return status.ok() ? *status : -1;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(MariaDbServerTest, StartCreateStopRestart) {
  const absl::Time before_start = absl::Now();
  absl::StatusOr<std::unique_ptr<MariaDbServer>> started = MariaDbServer::Start({});
  ASSERT_TRUE(started.ok()) << started.status();
  std::cerr << "MariaDB started in " << absl::FormatDuration(absl::Now() - before_start) << "\n";
  MariaDbServer& server = **started;
  ASSERT_TRUE(server.running());
  ASSERT_GT(server.pid(), 0);
  ASSERT_GT(server.port(), 0);
  const std::string data_dir = server.data_dir();
  const std::string log = data_dir + "/client-test.log";

  ASSERT_TRUE(server.CreateServiceDatabase("kam_t", "kam_t", "pw").ok());
  // Idempotent.
  ASSERT_TRUE(server.CreateServiceDatabase("kam_t", "kam_t", "pw").ok());

  EXPECT_TRUE(server
                  .ExecuteAsRoot(Assertion("(SELECT COUNT(*) FROM information_schema.SCHEMATA "
                                           "WHERE SCHEMA_NAME = 'kam_t' AND "
                                           "DEFAULT_CHARACTER_SET_NAME = 'utf8mb4') = 1",
                                           "schema kam_t missing"))
                  .ok());
  EXPECT_TRUE(server
                  .ExecuteAsRoot(Assertion("(SELECT COUNT(*) FROM mysql.user WHERE User = "
                                           "'kam_t' AND Host IN ('127.0.0.1', 'localhost')) = 2",
                                           "user kam_t missing"))
                  .ok());
  // A failing assertion is reported with the client's message.
  absl::Status failing = server.ExecuteAsRoot(Assertion("1 = 0", "expected failure"));
  EXPECT_FALSE(failing.ok());
  EXPECT_NE(failing.message().find("expected failure"), std::string::npos) << failing;
  EXPECT_FALSE(server.ExecuteAsRoot("SELECT * FROM no_such_schema.t").ok());

  // The service user works over TCP on its schema, and only there ('_' is
  // not a wildcard in its grant).
  EXPECT_EQ(RunClientOverTcp(server.port(), "kam_t", "pw",
                             "CREATE TABLE kam_t.t (id INT PRIMARY KEY) ENGINE=InnoDB; "
                             "INSERT INTO kam_t.t VALUES (1)",
                             log),
            0)
      << ReadFile(log);
  EXPECT_NE(RunClientOverTcp(server.port(), "kam_t", "pw", "CREATE DATABASE kamXt", log), 0);
  EXPECT_NE(RunClientOverTcp(server.port(), "kam_t", "wrong", "SELECT 1", log), 0);
  // Root over TCP without a password.
  EXPECT_EQ(RunClientOverTcp(server.port(), "root", "", "SELECT 1", log), 0) << ReadFile(log);

  const pid_t pid = server.pid();
  const int port = server.port();
  ASSERT_TRUE(server.Stop().ok());
  EXPECT_FALSE(server.running());
  EXPECT_FALSE(ProcessExists(pid));
  EXPECT_FALSE(TcpConnects(port));
  EXPECT_FALSE(server.ExecuteAsRoot("SELECT 1").ok());
  EXPECT_TRUE(server.Stop().ok());  // stopping twice is fine

  const absl::Time before_restart = absl::Now();
  ASSERT_TRUE(server.Restart().ok());
  std::cerr << "MariaDB restarted in " << absl::FormatDuration(absl::Now() - before_restart)
            << "\n";
  EXPECT_TRUE(server.running());
  EXPECT_NE(server.pid(), pid);
  EXPECT_EQ(server.port(), port);
  EXPECT_TRUE(TcpConnects(port));
  EXPECT_TRUE(server
                  .ExecuteAsRoot(Assertion("(SELECT COUNT(*) FROM kam_t.t WHERE id = 1) = 1",
                                           "row lost over the restart"))
                  .ok());
  // Restart() of a running server stops it first.
  const pid_t second_pid = server.pid();
  ASSERT_TRUE(server.Restart().ok());
  EXPECT_NE(server.pid(), second_pid);
  EXPECT_FALSE(ProcessExists(second_pid));

  const pid_t last_pid = server.pid();
  started->reset();
  EXPECT_FALSE(ProcessExists(last_pid));
  EXPECT_FALSE(std::filesystem::exists(data_dir)) << "temporary data folder left behind";
}

TEST(MariaDbServerTest, PersistentDataDirSurvivesServerObjects) {
  char pattern[] = "/tmp/kam-harness-test-XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  const std::string data_dir = std::string(pattern) + "/data";  // does not exist yet
  {
    MariaDbServer::Options options;
    options.data_dir = data_dir;
    absl::StatusOr<std::unique_ptr<MariaDbServer>> server = MariaDbServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    ASSERT_TRUE((*server)->ExecuteAsRoot("CREATE DATABASE kept; CREATE TABLE kept.t (x INT); "
                                         "INSERT INTO kept.t VALUES (42);")
                    .ok());
  }
  EXPECT_TRUE(std::filesystem::exists(data_dir + "/kept"));
  {
    MariaDbServer::Options options;
    options.data_dir = data_dir;
    options.port = PickFreePort();
    absl::StatusOr<std::unique_ptr<MariaDbServer>> server = MariaDbServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    EXPECT_EQ((*server)->port(), options.port);
    EXPECT_TRUE((*server)
                    ->ExecuteAsRoot(Assertion("(SELECT x FROM kept.t) = 42", "data lost"))
                    .ok());
  }
  std::filesystem::remove_all(pattern);
}

TEST(MariaDbServerTest, StartupFailureReportsTheErrorLog) {
  char pattern[] = "/tmp/kam-harness-test-XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  // A `mysql` folder without the system tables: taken as initialised, but
  // mariadbd cannot open its privilege tables and exits.
  ASSERT_TRUE(std::filesystem::create_directories(std::string(pattern) + "/data/mysql"));
  MariaDbServer::Options options;
  options.data_dir = std::string(pattern) + "/data";
  options.start_timeout = absl::Seconds(30);
  const absl::Time before = absl::Now();
  absl::StatusOr<std::unique_ptr<MariaDbServer>> server = MariaDbServer::Start(options);
  ASSERT_FALSE(server.ok());
  EXPECT_LT(absl::Now() - before, absl::Seconds(20)) << "early exit not noticed";
  EXPECT_NE(server.status().message().find("exited during start-up"), std::string::npos)
      << server.status();
  EXPECT_NE(server.status().message().find("[ERROR]"), std::string::npos) << server.status();
  std::filesystem::remove_all(pattern);
}

TEST(MariaDbServerTest, PortInUseIsReported) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  MariaDbServer::Options options;
  options.port = ntohs(addr.sin_port);
  absl::StatusOr<std::unique_ptr<MariaDbServer>> server = MariaDbServer::Start(options);
  close(fd);
  ASSERT_FALSE(server.ok());
  EXPECT_NE(server.status().message().find("already in use"), std::string::npos)
      << server.status();
}

TEST(MariaDbServerTest, PickFreePortGivesDistinctUsablePorts) {
  const int a = PickFreePort();
  const int b = PickFreePort();
  EXPECT_GT(a, 0);
  EXPECT_GT(b, 0);
  EXPECT_FALSE(TcpConnects(a));
}

TEST(ServiceProcessTest, StopsWithinGrace) {
  absl::StatusOr<std::unique_ptr<ServiceProcess>> process =
      ServiceProcess::Start({"/bin/sleep", {"30"}, {}, ""});
  ASSERT_TRUE(process.ok()) << process.status();
  const pid_t pid = (*process)->pid();
  EXPECT_TRUE((*process)->Running());
  EXPECT_TRUE(ProcessExists(pid));

  const absl::Time before = absl::Now();
  absl::StatusOr<int> status = (*process)->Stop(absl::Seconds(5));
  const absl::Duration took = absl::Now() - before;
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_LT(took, absl::Seconds(5));
  EXPECT_TRUE(WIFSIGNALED(*status));
  EXPECT_EQ(WTERMSIG(*status), SIGTERM);
  EXPECT_FALSE((*process)->Running());
  EXPECT_FALSE(ProcessExists(pid));
  // Stop() again reports the same status.
  absl::StatusOr<int> again = (*process)->Stop();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *status);
}

TEST(ServiceProcessTest, KillsWhenTermIsIgnored) {
  // An ignored signal stays ignored across exec: this sleep ignores SIGTERM,
  // so Stop() has to fall back to SIGKILL.
  absl::StatusOr<std::unique_ptr<ServiceProcess>> process =
      ServiceProcess::Start({"/bin/sh", {"-c", "trap '' TERM; exec sleep 30"}, {}, ""});
  ASSERT_TRUE(process.ok()) << process.status();
  absl::SleepFor(absl::Milliseconds(200));  // let the shell install the trap
  absl::StatusOr<int> status = (*process)->Stop(absl::Milliseconds(300));
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_TRUE(WIFSIGNALED(*status));
  EXPECT_EQ(WTERMSIG(*status), SIGKILL);
}

TEST(ServiceProcessTest, KillAndEnvironmentAndLog) {
  char pattern[] = "/tmp/kam-harness-test-XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  const std::string log = std::string(pattern) + "/out.log";
  absl::StatusOr<std::unique_ptr<ServiceProcess>> process = ServiceProcess::Start(
      {"sh", {"-c", "echo \"value=$KAM_HARNESS_X\"; exec sleep 30"}, {{"KAM_HARNESS_X", "42"}},
       log});
  ASSERT_TRUE(process.ok()) << process.status();
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (ReadFile(log).find("value=42") == std::string::npos && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(ReadFile(log), "value=42\n");
  EXPECT_TRUE((*process)->Kill().ok());
  EXPECT_FALSE((*process)->Running());
  absl::StatusOr<int> status = (*process)->Stop();
  ASSERT_TRUE(status.ok());
  EXPECT_TRUE(WIFSIGNALED(*status));
  EXPECT_EQ(WTERMSIG(*status), SIGKILL);
  std::filesystem::remove_all(pattern);
}

TEST(ServiceProcessTest, FailsForMissingBinary) {
  EXPECT_FALSE(ServiceProcess::Start({"/nonexistent/kam-binary", {}, {}, ""}).ok());
  EXPECT_FALSE(ServiceProcess::Start({"kam-no-such-binary-anywhere", {}, {}, ""}).ok());
  // Exists but is not executable.
  EXPECT_FALSE(ServiceProcess::Start({"/etc/hostname", {}, {}, ""}).ok());
}

TEST(ServiceProcessTest, CheckHealthOnFreePortFails) {
  const std::string address = absl::StrCat("127.0.0.1:", PickFreePort());
  const absl::Time before = absl::Now();
  absl::StatusOr<std::string> health = CheckHealth(address, "", absl::Seconds(2));
  EXPECT_FALSE(health.ok());
  EXPECT_EQ(health.status().code(), absl::StatusCode::kUnavailable) << health.status();
  EXPECT_LT(absl::Now() - before, absl::Seconds(3));
}

TEST(ServiceProcessTest, WaitForServingFailsWhenTheProcessExits) {
  absl::StatusOr<std::unique_ptr<ServiceProcess>> process =
      ServiceProcess::Start({"/bin/sh", {"-c", "exit 3"}, {}, ""});
  ASSERT_TRUE(process.ok()) << process.status();
  const std::string address = absl::StrCat("127.0.0.1:", PickFreePort());
  absl::Status serving = (*process)->WaitForServing(address, absl::Seconds(20));
  EXPECT_EQ(serving.code(), absl::StatusCode::kFailedPrecondition) << serving;
  absl::StatusOr<int> status = (*process)->Stop();
  ASSERT_TRUE(status.ok());
  EXPECT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 3);
}

// Answers Check like gRPC's default health service does.
class FakeHealthService final : public grpc::health::v1::Health::Service {
 public:
  grpc::Status Check(grpc::ServerContext* context,
                     const grpc::health::v1::HealthCheckRequest* request,
                     grpc::health::v1::HealthCheckResponse* response) override {
    if (request->service().empty()) {
      response->set_status(grpc::health::v1::HealthCheckResponse::SERVING);
    } else if (request->service() == "kam.Test") {
      response->set_status(grpc::health::v1::HealthCheckResponse::NOT_SERVING);
    } else {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown service");
    }
    return grpc::Status::OK;
  }
};

TEST(ServiceProcessTest, WaitForServingSeesAHealthServer) {
  // An in-process server stands in for a service; the child only has to be
  // alive.
  const std::string address = absl::StrCat("127.0.0.1:", PickFreePort());
  absl::StatusOr<std::unique_ptr<ServiceProcess>> process =
      ServiceProcess::Start({"/bin/sleep", {"30"}, {}, ""});
  ASSERT_TRUE(process.ok()) << process.status();

  // Nothing listens yet.
  EXPECT_EQ((*process)->WaitForServing(address, absl::Milliseconds(300)).code(),
            absl::StatusCode::kDeadlineExceeded);

  FakeHealthService health_service;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(address, grpc::InsecureServerCredentials());
  builder.RegisterService(&health_service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  EXPECT_TRUE((*process)->WaitForServing(address, absl::Seconds(10)).ok());
  absl::StatusOr<std::string> health = CheckHealth(address);
  ASSERT_TRUE(health.ok()) << health.status();
  EXPECT_EQ(*health, "SERVING");
  health = CheckHealth(address, "kam.Test");
  ASSERT_TRUE(health.ok()) << health.status();
  EXPECT_EQ(*health, "NOT_SERVING");
  EXPECT_EQ(CheckHealth(address, "kam.Unknown").status().code(), absl::StatusCode::kNotFound);
  server->Shutdown(absl::ToChronoTime(absl::Now() + absl::Seconds(1)));
}

}  // namespace
}  // namespace kam::testing
