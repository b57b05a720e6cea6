// Lifecycle of the kam-account process: schema migrations (replicas that
// start together on a fresh schema, --migrate_only and its idempotence),
// configuration errors, and stopping a process that waits for the
// migration lock.
//
// The schema is inspected through the `mariadb` command-line client as root
// over the suite's socket (helpers below); everything else goes through the
// public API.
#include <sys/wait.h>

#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tests/account/account_process.h"
#include "tests/harness/child_process.h"

namespace kam::testing {
namespace {

// --- helpers ----------------------------------------------------------------

// A fresh log file name in the suite's folder.
std::string NewLogPath(const std::string& what) {
  static int counter = 0;
  return absl::StrCat(Suite().data_dir(), "/lifecycle-", what, "-", ++counter, ".log");
}

struct Finished {
  int wait_status = 0;
  std::string output;  // stdout and stderr
  absl::Duration took;
};

// Runs a program to its end (at most `timeout`, then it is killed and that
// is an error) and returns how it ended and what it printed.
absl::StatusOr<Finished> RunToExit(const std::string& binary, std::vector<std::string> args,
                                   std::map<std::string, std::string> env,
                                   absl::Duration timeout = absl::Seconds(30)) {
  ServiceProcess::Options options;
  options.binary = binary;
  options.args = std::move(args);
  options.env = std::move(env);
  options.log_path = NewLogPath("run");
  const absl::Time start = absl::Now();
  absl::StatusOr<std::unique_ptr<ServiceProcess>> process = ServiceProcess::Start(options);
  if (!process.ok()) return process.status();
  const absl::Time deadline = start + timeout;
  while ((*process)->Running() && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(10));
  const bool timed_out = (*process)->Running();
  absl::StatusOr<int> status = (*process)->Stop(absl::Seconds(2));  // reaps (or kills)
  Finished finished;
  finished.took = absl::Now() - start;
  finished.output = ReadWholeFile(options.log_path);
  if (timed_out) {
    return absl::DeadlineExceededError(absl::StrCat(binary, " did not exit within ",
                                                    absl::FormatDuration(timeout), ":\n",
                                                    finished.output));
  }
  if (!status.ok()) return status.status();
  finished.wait_status = *status;
  return finished;
}

// The rows of kam_schema_migrations of `schema`: version -> "name checksum
// applied_at".
absl::StatusOr<std::map<int, std::string>> MigrationRows(const std::string& schema) {
  absl::StatusOr<std::string> out = RootQuery(absl::StrCat(
      "SELECT version, name, checksum, applied_at FROM ", schema,
      ".kam_schema_migrations ORDER BY version"));
  if (!out.ok()) return out.status();
  std::map<int, std::string> rows;
  for (absl::string_view line : absl::StrSplit(*out, '\n', absl::SkipEmpty())) {
    std::vector<std::string> fields = absl::StrSplit(line, '\t');
    int version = 0;
    if (fields.size() != 4 || !absl::SimpleAtoi(fields[0], &version)) {
      return absl::InternalError(absl::StrCat("unexpected row: ", line));
    }
    if (rows.count(version) != 0) {
      return absl::InternalError(absl::StrCat("version ", version, " recorded twice"));
    }
    rows[version] = absl::StrCat(fields[1], " ", fields[2], " ", fields[3]);
  }
  return rows;
}

// One row per migration, versions 1..N with no gap.
void ExpectCompleteMigrations(const std::map<int, std::string>& rows) {
  ASSERT_FALSE(rows.empty()) << "no migration recorded";
  int expected = 1;
  for (const auto& [version, row] : rows) {
    EXPECT_EQ(version, expected) << "versions are not 1..N: " << row;
    ++expected;
  }
}

int CountOccurrences(const std::string& text, const std::string& needle) {
  int count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

std::vector<std::string> DbArgs(const std::string& schema) {
  return {absl::StrCat("--db_port=", Suite().db().port()), "--db_host=127.0.0.1",
          absl::StrCat("--db_name=", schema), absl::StrCat("--db_user=", schema)};
}

struct Replica {
  std::unique_ptr<ServiceProcess> process;
  std::string address;
  std::string log_path;
};

absl::StatusOr<Replica> StartReplica(const std::string& schema, const std::string& password) {
  Replica replica;
  replica.address = absl::StrCat("127.0.0.1:", PickFreePort());
  replica.log_path = NewLogPath(schema);
  ServiceProcess::Options options;
  options.binary = KamAccountBinary();
  options.args = DbArgs(schema);
  options.args.push_back(absl::StrCat("--listen=", replica.address));
  options.env["KAM_ACCOUNT_DB_PASSWORD"] = password;
  options.log_path = replica.log_path;
  absl::StatusOr<std::unique_ptr<ServiceProcess>> process = ServiceProcess::Start(options);
  if (!process.ok()) return process.status();
  replica.process = *std::move(process);
  return replica;
}

// --- 4. migrations ------------------------------------------------------------

// Two replicas started at the same moment on an empty schema: both become
// SERVING, each migration is applied (and recorded) exactly once, and both
// work on the one schema without id collisions.
TEST(Lifecycle, ReplicasStartingTogetherOnAFreshSchemaMigrateOnce) {
  const std::string schema = "kam_account2";
  const std::string password = "pw-two";
  ASSERT_TRUE(Suite().db().CreateServiceDatabase(schema, schema, password).ok());
  absl::StatusOr<Replica> a = StartReplica(schema, password);
  absl::StatusOr<Replica> b = StartReplica(schema, password);
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  absl::Status a_serving = a->process->WaitForServing(a->address, absl::Seconds(30));
  absl::Status b_serving = b->process->WaitForServing(b->address, absl::Seconds(30));
  ASSERT_TRUE(a_serving.ok()) << a_serving << "\n" << ReadWholeFile(a->log_path);
  ASSERT_TRUE(b_serving.ok()) << b_serving << "\n" << ReadWholeFile(b->log_path);

  absl::StatusOr<std::map<int, std::string>> rows = MigrationRows(schema);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ExpectCompleteMigrations(*rows);

  // Both serve the same schema, from threads at once, without id collisions.
  std::vector<std::string> names[2];
  std::thread writers[2];
  for (int r = 0; r < 2; ++r) {
    writers[r] = std::thread([&, r] {
      auto stub = StubFor(r == 0 ? a->address : b->address);
      for (int i = 0; i < 25; ++i) {
        v1::CreateAccountRequest request;
        request.mutable_account()->set_display_name(absl::StrCat("Replica ", r, " #", i));
        (*request.mutable_account()->mutable_labels())["replica"] = absl::StrCat("r", r);
        v1::Account account;
        grpc::Status status = stub->CreateAccount(Context().get(), request, &account);
        EXPECT_TRUE(status.ok()) << status.error_message();
        if (status.ok()) names[r].push_back(account.name());
      }
    });
  }
  for (std::thread& writer : writers) writer.join();
  std::set<std::string> distinct(names[0].begin(), names[0].end());
  distinct.insert(names[1].begin(), names[1].end());
  EXPECT_EQ(distinct.size(), names[0].size() + names[1].size()) << "two replicas issued one id";
  ASSERT_FALSE(names[0].empty());
  {
    // Written through A, read through B, and listed by label on B.
    auto stub_b = StubFor(b->address);
    v1::GetAccountRequest get = ByName<v1::GetAccountRequest>(names[0].front());
    v1::Account read;
    grpc::Status status = stub_b->GetAccount(Context().get(), get, &read);
    EXPECT_TRUE(status.ok()) << status.error_message();
    v1::ListAccountsRequest list;
    list.set_filter("labels.replica = \"r0\"");
    list.set_page_size(1000);
    v1::ListAccountsResponse listed;
    status = stub_b->ListAccounts(Context().get(), list, &listed);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(listed.accounts_size(), static_cast<int>(names[0].size()));
  }

  for (Replica* replica : {&*a, &*b}) {
    absl::StatusOr<int> exit_status = replica->process->Stop(absl::Seconds(15));
    ASSERT_TRUE(exit_status.ok()) << exit_status.status();
    EXPECT_TRUE(WIFEXITED(*exit_status) && WEXITSTATUS(*exit_status) == 0)
        << DescribeWaitStatus(*exit_status);
  }
  // Read once both have exited: the log is flushed every 200 ms and at exit.
  const std::string logs = ReadWholeFile(a->log_path) + ReadWholeFile(b->log_path);
  EXPECT_EQ(CountOccurrences(logs, "\"migration applied\""), static_cast<int>(rows->size()))
      << "each migration should be applied by exactly one replica:\n" << logs;

  // --migrate_only on the migrated schema: exit 0, nothing recorded again.
  absl::StatusOr<Finished> again =
      RunToExit(KamAccountBinary(), [&] {
        std::vector<std::string> args = DbArgs(schema);
        args.push_back("--migrate_only");
        return args;
      }(), {{"KAM_ACCOUNT_DB_PASSWORD", password}});
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(WIFEXITED(again->wait_status) && WEXITSTATUS(again->wait_status) == 0)
      << DescribeWaitStatus(again->wait_status) << ": " << again->output;
  absl::StatusOr<std::map<int, std::string>> rows_after = MigrationRows(schema);
  ASSERT_TRUE(rows_after.ok()) << rows_after.status();
  EXPECT_EQ(*rows_after, *rows);
}

// --migrate_only on a fresh schema applies every migration and exits 0; run
// again it changes nothing and exits 0; a service started afterwards
// serves at once on that schema.
TEST(Lifecycle, MigrateOnlyExitsZeroAndIsIdempotent) {
  const std::string schema = "kam_account3";
  const std::string password = "pw-three";
  ASSERT_TRUE(Suite().db().CreateServiceDatabase(schema, schema, password).ok());
  std::vector<std::string> args = DbArgs(schema);
  args.push_back("--migrate_only");
  const std::map<std::string, std::string> env = {{"KAM_ACCOUNT_DB_PASSWORD", password}};

  absl::StatusOr<Finished> first = RunToExit(KamAccountBinary(), args, env);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(WIFEXITED(first->wait_status) && WEXITSTATUS(first->wait_status) == 0)
      << DescribeWaitStatus(first->wait_status) << ": " << first->output;
  absl::StatusOr<std::map<int, std::string>> rows = MigrationRows(schema);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ExpectCompleteMigrations(*rows);
  EXPECT_EQ(CountOccurrences(first->output, "\"migration applied\""),
            static_cast<int>(rows->size()))
      << first->output;

  for (int run = 0; run < 2; ++run) {
    absl::StatusOr<Finished> again = RunToExit(KamAccountBinary(), args, env);
    ASSERT_TRUE(again.ok()) << again.status();
    EXPECT_TRUE(WIFEXITED(again->wait_status) && WEXITSTATUS(again->wait_status) == 0)
        << DescribeWaitStatus(again->wait_status) << ": " << again->output;
    EXPECT_EQ(CountOccurrences(again->output, "\"migration applied\""), 0) << again->output;
    absl::StatusOr<std::map<int, std::string>> rows_again = MigrationRows(schema);
    ASSERT_TRUE(rows_again.ok()) << rows_again.status();
    EXPECT_EQ(*rows_again, *rows);
  }
  std::cout << "[ timing   ] --migrate_only on a fresh schema took "
            << absl::FormatDuration(first->took) << "\n";

  absl::StatusOr<Replica> replica = StartReplica(schema, password);
  ASSERT_TRUE(replica.ok()) << replica.status();
  absl::Status serving = replica->process->WaitForServing(replica->address, absl::Seconds(30));
  ASSERT_TRUE(serving.ok()) << serving << "\n" << ReadWholeFile(replica->log_path);
  EXPECT_EQ(CountOccurrences(ReadWholeFile(replica->log_path), "\"migration applied\""), 0);
  auto stub = StubFor(replica->address);
  v1::Account created = CreateAccount(*stub, "On a schema migrated by --migrate_only");
  v1::GetAccountRequest get = ByName<v1::GetAccountRequest>(created.name());
  v1::Account read;
  grpc::Status status = stub->GetAccount(Context().get(), get, &read);
  EXPECT_TRUE(status.ok()) << status.error_message();
  // Close our connection first: gRPC's server shutdown waits (up to 5 s, or
  // the grace period) for idle client connections to go away.
  stub.reset();
  absl::StatusOr<int> exit_status = replica->process->Stop(absl::Seconds(15));
  ASSERT_TRUE(exit_status.ok()) << exit_status.status();
  EXPECT_TRUE(WIFEXITED(*exit_status) && WEXITSTATUS(*exit_status) == 0)
      << DescribeWaitStatus(*exit_status);
}

// --migrate_only when the database refuses the user: a non-zero exit, fast,
// no retry loop.
TEST(Lifecycle, MigrateOnlyWithAWrongPasswordExitsNonZero) {
  std::vector<std::string> args = DbArgs("kam_account");
  args.push_back("--migrate_only");
  absl::StatusOr<Finished> run =
      RunToExit(KamAccountBinary(), args, {{"KAM_ACCOUNT_DB_PASSWORD", "wrong"}},
                absl::Seconds(20));
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_TRUE(WIFEXITED(run->wait_status) && WEXITSTATUS(run->wait_status) != 0)
      << DescribeWaitStatus(run->wait_status) << ": " << run->output;
  EXPECT_TRUE(absl::StrContains(run->output, "migrations failed")) << run->output;
  EXPECT_FALSE(absl::StrContains(run->output, "wrong")) << "the password was logged";
}

// --- configuration errors --------------------------------------------------------

struct BadConfig {
  std::vector<std::string> args;
  std::map<std::string, std::string> env;
  std::string must_name;  // the flag or variable the message must name
};

TEST(Lifecycle, BadConfigurationExitsNonZeroNamingTheFlagOrVariable) {
  const std::string listen = absl::StrCat("--listen=127.0.0.1:", PickFreePort());
  const std::vector<BadConfig> cases = {
      {{"--threads=0"}, {}, "--threads"},
      {{"--threads=257"}, {}, "--threads"},
      {{}, {{"KAM_ACCOUNT_DB_PORT", "abc"}}, "KAM_ACCOUNT_DB_PORT"},
      {{}, {{"KAM_ACCOUNT_THREADS", "many"}}, "KAM_ACCOUNT_THREADS"},
      {{}, {{"KAM_ACCOUNT_SHUTDOWN_GRACE", "soon"}}, "KAM_ACCOUNT_SHUTDOWN_GRACE"},
      {{"--db_port=70000"}, {}, "--db_port"},
      {{"--db_port=abc"}, {}, "db_port"},
      {{"--listen=nowhere"}, {}, "--listen"},
      {{"--shutdown_grace=-1s"}, {}, "--shutdown_grace"},
      {{"--db_pool_size=5000"}, {}, "--db_pool_size"},
      {{"--db_name="}, {}, "--db_name"},
      {{"--no_such_flag=1"}, {}, "no_such_flag"},
  };
  for (const BadConfig& bad : cases) {
    // Everything else is valid and given through the environment (a flag on
    // the command line would win over a bad variable). Should a bad value be
    // accepted, the process would serve and never exit: a failure below.
    std::vector<std::string> args = {listen};
    for (const std::string& arg : bad.args) args.push_back(arg);
    std::map<std::string, std::string> env = bad.env;
    env.emplace("KAM_ACCOUNT_DB_PORT", absl::StrCat(Suite().db().port()));
    env.emplace("KAM_ACCOUNT_DB_HOST", "127.0.0.1");
    env["KAM_ACCOUNT_DB_PASSWORD"] = Suite().account_db_password();
    const std::string what =
        absl::StrCat(absl::StrJoin(bad.args, " "), " ",
                     absl::StrJoin(bad.env, " ", absl::PairFormatter("=")));
    absl::StatusOr<Finished> run = RunToExit(KamAccountBinary(), args, env, absl::Seconds(10));
    ASSERT_TRUE(run.ok()) << what << ": " << run.status();
    EXPECT_TRUE(WIFEXITED(run->wait_status) && WEXITSTATUS(run->wait_status) != 0)
        << what << ": " << DescribeWaitStatus(run->wait_status) << "\n"
        << run->output;
    EXPECT_TRUE(absl::StrContains(run->output, bad.must_name))
        << what << ": the message does not name " << bad.must_name << ":\n" << run->output;
    EXPECT_LT(run->took, absl::Seconds(5)) << what;
  }
}

// SIGTERM while the service waits for the migration lock (another replica,
// here a root session, holds it): the process stops promptly rather than
// waiting for the lock. Meanwhile it is NOT_SERVING and answers UNAVAILABLE.

TEST(Lifecycle, SigtermWhileWaitingForTheMigrationLockExitsPromptly) {
  const std::string schema = "kam_account4";
  const std::string password = "pw-four";
  ASSERT_TRUE(Suite().db().CreateServiceDatabase(schema, schema, password).ok());
  constexpr int kHoldSeconds = 6;
  std::thread holder([&] {
    absl::Status s = Suite().db().ExecuteAsRoot(absl::StrCat(
        "SELECT GET_LOCK('kam_migrate.", schema, "', 10);\nSELECT SLEEP(", kHoldSeconds,
        ");\nSELECT RELEASE_LOCK('kam_migrate.", schema, "');\n"));
    EXPECT_TRUE(s.ok()) << s;
  });
  // Joined however the test ends (an ASSERT returns early).
  struct Joiner {
    std::thread& thread;
    ~Joiner() {
      if (thread.joinable()) thread.join();
    }
  } joiner{holder};
  absl::Status held =
      WaitForRootCount(absl::StrCat("SELECT IS_USED_LOCK('kam_migrate.", schema, "') IS NOT NULL"),
                       absl::Seconds(5), absl::Milliseconds(20));
  ASSERT_TRUE(held.ok()) << held;
  const absl::Time lock_taken = absl::Now();
  absl::StatusOr<Replica> replica = StartReplica(schema, password);
  ASSERT_TRUE(replica.ok()) << replica.status();
  // It listens, but is not ready: its migration waits for the lock (which
  // the root session holds for seconds more).
  absl::Time deadline = absl::Now() + absl::Seconds(5);
  absl::StatusOr<std::string> health = CheckHealth(replica->address);
  while (!health.ok() && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(50));
    health = CheckHealth(replica->address);
  }
  ASSERT_TRUE(health.ok()) << health.status();
  EXPECT_EQ(*health, "NOT_SERVING");
  absl::SleepFor(absl::Milliseconds(500));
  {
    auto stub = StubFor(replica->address);
    v1::GetAccountRequest get = ByName<v1::GetAccountRequest>("accounts/1");
    v1::Account read;
    grpc::Status status = stub->GetAccount(Context().get(), get, &read);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  }

  const absl::Time sigterm = absl::Now();
  absl::StatusOr<int> exit_status = replica->process->Stop(absl::Seconds(20));
  const absl::Duration took = absl::Now() - sigterm;
  ASSERT_TRUE(exit_status.ok()) << exit_status.status();
  std::cout << "[ timing   ] SIGTERM " << absl::FormatDuration(sigterm - lock_taken)
            << " into a " << kHoldSeconds << " s lock hold: exit after "
            << absl::FormatDuration(took) << "\n";
  EXPECT_TRUE(WIFEXITED(*exit_status) && WEXITSTATUS(*exit_status) == 0)
      << DescribeWaitStatus(*exit_status);
  const std::string log = ReadWholeFile(replica->log_path);
  EXPECT_LT(took, absl::Seconds(2)) << "SIGTERM waited for the migration lock:\n" << log;
  const size_t signal_at = log.find("shutdown signal received");
  ASSERT_NE(signal_at, std::string::npos) << log;
  EXPECT_EQ(log.find("SERVING\"", signal_at), std::string::npos)
      << "health went to SERVING after the shutdown signal:\n" << log;
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) { return kam::testing::RunTestsOnSuite(argc, argv); }
