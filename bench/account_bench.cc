// account_bench: how fast the account service is, next to the limits of what
// it stands on, all measured in one run on this machine.
//
//   echo        a no-op unary call (GetAccount answered from memory with a
//               canned account of the same size) served by the same server
//               framework in its own process: the transport's limit.
//   raw         the same prepared statement the store runs, through
//               Connector/C++ on a pool of connections (one per client slot):
//               the database's limit.
//   service     GetAccount / CreateAccount through kam-account, and
//               BatchCreateAccounts of 500 accounts per call (what
//               `kamctl import` sends), as accounts/s beside CreateAccount's.
//   secured     GetAccount with bearer tokens on, each mode in its own suite
//               loaded the same way (an admin token, rate limit off), as a
//               ratio to the GetAccount of the same rounds without:
//                 token        tokens over plaintext, as behind a mesh that
//                              gives mTLS (--plaintext_behind_mesh): what
//                              authentication costs (target >= 0.9);
//                 TLS + token  the same with TLS on both ends: what
//                              encryption adds on top.
//               --secured=false skips both.
//
// Client, server and database share the machine's cores, so their costs add:
// the limit a service call can reach is 1 / (1/echo + 1/raw). The ratio
// printed is service / that combined limit. Only calls that returned OK
// count. Phases run in interleaved rounds and the median round is reported,
// because the machine is shared and noisy.
//
//   account_bench [--accounts=100000] [--concurrency=16] [--seconds=5]
//                 [--rounds=3] [--service_threads=8] [--secured=true]
//                 [--batch_concurrency=2]
#include <cppconn/exception.h>
#include <mysql_connection.h>
#include <mysql_driver.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/bench_loop.h"
#include "bench/bench_rates.h"
#include "common/base/proto_time.h"
#include "common/server/grpc_server.h"
#include "common/server/service_methods.h"
#include "google/protobuf/text_format.h"
#include "grpcpp/grpcpp.h"
#include "kam/account/v1/account.grpc.pb.h"
#include "services/account/accounts/mysql_account_sql.h"
#include "tests/harness/service_process.h"
#include "tests/harness/suite.h"

ABSL_FLAG(int, accounts, 100000, "accounts to load (through CreateAccount) before reading");
ABSL_FLAG(int, serve_echo, 0, "internal: run as the echo server on this port");
ABSL_FLAG(std::string, echo_server, "framework",
          "echo server: framework (common/grpc_server, as kam-account) or callback (gRPC's "
          "callback API, no framework)");
ABSL_FLAG(std::string, target, "",
          "drive GetAccount at this address for --seconds (accounts/1..--accounts) and print "
          "the rate, e.g. to profile a server started by hand; nothing else runs");
ABSL_FLAG(std::string, target_method, "GetAccount", "with --target: GetAccount or CreateAccount");
ABSL_FLAG(int, batch_concurrency, 2,
          "BatchCreateAccounts calls in flight, each of kBatchSize accounts (an import "
          "sends one batch after another, or a few at once)");
ABSL_FLAG(int, channels, 2, "client channels (HTTP/2 connections) per target");
ABSL_FLAG(bool, secured, true,
          "also measure GetAccount with tokens on, over plaintext and over TLS (a suite "
          "each), beside the same without");

namespace {

namespace v1 = kam::account::v1;

using kam::testing::BenchResult;
using Result = BenchResult;
using kam::testing::MedianRound;
using kam::testing::Prepared;
using kam::testing::RunRawSql;

// ---------------------------------------------------------------- clients

using QueueLoop = kam::testing::AsyncCallLoop<v1::Account>;

// Channels (HTTP/2 connections), calls spread over them. Over TLS trusting
// `ca_file` and with `token` as every call's bearer token when given.
class Client {
 public:
  explicit Client(const std::string& address, int channels = 2, const std::string& ca_file = "",
                  const std::string& token = "")
      : authorization_(token.empty() ? "" : absl::StrCat("Bearer ", token)) {
    for (int i = 0; i < channels; ++i) {
      grpc::ChannelArguments args;
      args.SetInt("kam.channel", i);  // distinct args: distinct connections
      stubs_.push_back(v1::AccountService::NewStub(grpc::CreateCustomChannel(
          address, kam::testing::ClientCredentials(ca_file), args)));
    }
  }
  // The stub for call number `call`, with `context` made ready for it.
  v1::AccountService::Stub& stub(int64_t call, grpc::ClientContext* context) {
    if (!authorization_.empty()) context->AddMetadata("authorization", authorization_);
    return *stubs_[call % stubs_.size()];
  }

 private:
  std::string authorization_;
  std::vector<std::unique_ptr<v1::AccountService::Stub>> stubs_;
};

constexpr int kClientThreads = 2;

Result RunGets(Client& client, int concurrency, absl::Duration duration,
               const std::vector<std::string>& names) {
  return QueueLoop::Run(concurrency, kClientThreads, duration, INT64_MAX, nullptr,
                        [&](int64_t call, grpc::ClientContext* context, grpc::CompletionQueue* cq) {
                          thread_local std::minstd_rand random(std::random_device{}());
                          v1::GetAccountRequest request;
                          request.set_name(names[random() % names.size()]);
                          return client.stub(call, context).AsyncGetAccount(context, request, cq);
                        });
}

// Create number `call` of a run named `prefix`: its own request id and
// name, as a real client's would be.
v1::CreateAccountRequest NewAccountRequest(const std::string& prefix, const std::string& call) {
  v1::CreateAccountRequest request;
  request.set_request_id(absl::StrCat(prefix, "-", call));
  v1::Account* a = request.mutable_account();
  a->set_display_name(absl::StrCat("Bench Account ", prefix, " ", call));
  a->set_industry("manufacturing");
  a->set_region("east");
  return request;
}

Result RunCreates(Client& client, int concurrency, absl::Duration duration, int64_t max_calls,
                  const std::string& prefix, std::vector<std::string>* names) {
  std::mutex names_mu;
  QueueLoop::OnOk collect = nullptr;
  if (names != nullptr) {
    collect = [&](const v1::Account& account) {
      std::lock_guard<std::mutex> lock(names_mu);
      names->push_back(account.name());
    };
  }
  return QueueLoop::Run(concurrency, kClientThreads, duration, max_calls, collect,
                        [&](int64_t call, grpc::ClientContext* context, grpc::CompletionQueue* cq) {
                          const v1::CreateAccountRequest request =
                              NewAccountRequest(prefix, absl::StrCat(call));
                          return client.stub(call, context).AsyncCreateAccount(context, request,
                                                                               cq);
                        });
}

// Accounts per BatchCreateAccounts call: the most the method takes.
constexpr int kBatchSize = 500;

// BatchCreateAccounts calls of kBatchSize creates each (shaped as
// RunCreates' ones): the result counts calls, so accounts/s is its rate
// times kBatchSize.
Result RunBatchCreates(Client& client, int concurrency, absl::Duration duration,
                       const std::string& prefix) {
  return kam::testing::AsyncCallLoop<v1::BatchCreateAccountsResponse>::Run(
      concurrency, std::min(concurrency, kClientThreads), duration, INT64_MAX, nullptr,
      [&](int64_t call, grpc::ClientContext* context, grpc::CompletionQueue* cq) {
        v1::BatchCreateAccountsRequest request;
        for (int i = 0; i < kBatchSize; ++i) {
          *request.add_requests() = NewAccountRequest(prefix, absl::StrCat(call, "-", i));
        }
        return client.stub(call, context).AsyncBatchCreateAccounts(context, request, cq);
      });
}

// ---------------------------------------------------------------- echo

// The echo server: the same server framework and thread count as
// kam-account, answering GetAccount with a canned account of real size.
// gRPC's callback API with the default reactor: the leanest server gRPC
// offers, for comparison with the framework.
class CallbackEcho final : public v1::AccountService::CallbackService {
 public:
  explicit CallbackEcho(const v1::Account& canned) : canned_(canned) {}
  grpc::ServerUnaryReactor* GetAccount(grpc::CallbackServerContext* context,
                                       const v1::GetAccountRequest*,
                                       v1::Account* response) override {
    *response = canned_;
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

 private:
  const v1::Account& canned_;
};

// Answers GetAccount with one canned account: the framework's cost alone.
struct CannedAccounts {
  absl::Status GetAccount(const kam::common::CallContext&, const v1::GetAccountRequest&,
                          v1::Account* response) {
    *response = canned;
    return absl::OkStatus();
  }
  const v1::Account& canned;
};

// What the echo server answers to every GetAccount (its times are set at
// start): a typical account.
constexpr char kCannedAccount[] = R"pb(
  name: "accounts/123456"
  display_name: "Bench Account canned 123456"
  industry: "manufacturing"
  region: "east"
  stage: RELATIONSHIP_STAGE_DEVELOPMENT
  state: LIFECYCLE_STATE_ACTIVE
  etag: "0123456789abcdef"
)pb";

int ServeEcho(int port) {
  kam::common::BlockShutdownSignals();
  v1::AccountService::Service service;
  v1::Account canned;
  if (!google::protobuf::TextFormat::ParseFromString(kCannedAccount, &canned)) return 1;
  *canned.mutable_create_time() = kam::common::ToProtoTimestamp(absl::Now());
  *canned.mutable_update_time() = canned.create_time();
  *canned.mutable_stage_update_time() = canned.create_time();
  if (absl::GetFlag(FLAGS_echo_server) == "callback") {
    grpc::EnableDefaultHealthCheckService(true);
    CallbackEcho echo(canned);
    grpc::ServerBuilder builder;
    builder.AddListeningPort(absl::StrCat("127.0.0.1:", port), grpc::InsecureServerCredentials());
    builder.RegisterService(&echo);
    std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
    if (server == nullptr) return 1;
    kam::common::GrpcServer::WaitForShutdownSignal();
    server->Shutdown();
    return 0;
  }
  kam::common::GrpcServer::Options options;
  options.listen = absl::StrCat("127.0.0.1:", port);
  options.threads = absl::GetFlag(FLAGS_service_threads);
  options.log_requests = false;
  kam::common::GrpcServer server(options);
  CannedAccounts handler{canned};
  kam::common::ServeMethods(server, &service, &handler, &CannedAccounts::GetAccount);
  if (!server.Start().ok()) return 1;
  server.MarkReady();
  server.SetServing(true);
  kam::common::GrpcServer::WaitForShutdownSignal();
  server.Shutdown();
  return 0;
}

void PrintRow(const char* name, const Result& r) { kam::testing::PrintRateRow(name, r, 26); }

double Combined(double echo, double raw) { return 1.0 / (1.0 / echo + 1.0 / raw); }

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  // The client's locks are the bench's cost, not the service's: without
  // Abseil's lock-graph bookkeeping (off in the servers too, grpc_server.cc)
  // more of the machine goes to what is measured.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  if (absl::GetFlag(FLAGS_serve_echo) != 0) return ServeEcho(absl::GetFlag(FLAGS_serve_echo));

  const int concurrency = absl::GetFlag(FLAGS_concurrency);
  if (const std::string target = absl::GetFlag(FLAGS_target); !target.empty()) {
    std::vector<std::string> names;
    for (int i = 1; i <= absl::GetFlag(FLAGS_accounts); ++i) names.push_back(absl::StrCat("accounts/", i));
    Client client(target, absl::GetFlag(FLAGS_channels));
    const absl::Duration duration = absl::Seconds(absl::GetFlag(FLAGS_seconds));
    if (absl::GetFlag(FLAGS_target_method) == "CreateAccount") {
      PrintRow("CreateAccount", RunCreates(client, concurrency, duration, INT64_MAX,
                                           absl::StrCat("target-", absl::ToUnixMicros(absl::Now())),
                                           nullptr));
    } else {
      PrintRow("GetAccount", RunGets(client, concurrency, duration, names));
    }
    return 0;
  }
  const absl::Duration phase = absl::Seconds(absl::GetFlag(FLAGS_seconds));
  const int rounds = std::max(1, absl::GetFlag(FLAGS_rounds));
  const int threads = absl::GetFlag(FLAGS_service_threads);
  sql::mysql::get_mysql_driver_instance();

  kam::testing::LocalSuite::Options options;
  options.account_args = {absl::StrCat("--threads=", threads)};
  auto suite = kam::testing::LocalSuite::Start(options);
  if (!suite.ok()) {
    std::fprintf(stderr, "cannot start the suite: %s\n", std::string(suite.status().message()).c_str());
    return 1;
  }
  // Request logs go to the suite's log file, as they would in production.
  // Two echo servers: gRPC's callback API (the leanest server gRPC offers:
  // the transport's limit) and this project's server framework (what the
  // framework itself costs). Ratios use the faster of the two.
  char self[4096];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
  self[n > 0 ? n : 0] = '\0';
  std::vector<std::unique_ptr<kam::testing::ServiceProcess>> echo_servers;
  std::vector<std::unique_ptr<Client>> echo_clients;
  for (const char* kind : {"callback", "framework"}) {
    const int port = kam::testing::PickFreePort();
    kam::testing::ServiceProcess::Options echo_options;
    echo_options.binary = self;
    echo_options.args = {absl::StrCat("--serve_echo=", port), absl::StrCat("--echo_server=", kind),
                         absl::StrCat("--service_threads=", threads)};
    auto echo = kam::testing::ServiceProcess::Start(echo_options);
    if (!echo.ok() || !(*echo)->WaitForServing(absl::StrCat("127.0.0.1:", port)).ok()) {
      std::fprintf(stderr, "cannot start the %s echo server\n", kind);
      return 1;
    }
    echo_servers.push_back(*std::move(echo));
    echo_clients.push_back(
        std::make_unique<Client>(absl::StrCat("127.0.0.1:", port), absl::GetFlag(FLAGS_channels)));
  }

  Client service((*suite)->account_address(), absl::GetFlag(FLAGS_channels));
  // The secured twins: a suite each, so every service reads the same kind
  // of book from an equally warm database.
  struct SecuredMode {
    const char* label = "";
    bool tls = false;
    std::unique_ptr<kam::testing::LocalSuite> suite;
    std::unique_ptr<Client> client;
    std::vector<std::string> names;
    std::vector<Result> rounds;
  };
  std::vector<SecuredMode> secured_modes;
  if (absl::GetFlag(FLAGS_secured)) {
    secured_modes.resize(2);
    secured_modes[0].label = "GetAccount, token";
    secured_modes[1].label = "GetAccount, TLS + token";
    secured_modes[1].tls = true;
  }
  for (SecuredMode& mode : secured_modes) {
    kam::testing::LocalSuite::Options secured_options = options;
    secured_options.secured = true;
    secured_options.tls = mode.tls;
    secured_options.account_args.push_back("--rate_limits=admin=0");
    // The twin measures what TLS and tokens on calls cost a read (issue 11's
    // target); the secured suite's database TLS would add its own cost (about
    // a tenth of GetAccount here, docs/security.md), so it stays off.
    secured_options.account_args.push_back("--db_tls_ca_file=");
    auto started = kam::testing::LocalSuite::Start(secured_options);
    if (!started.ok()) {
      std::fprintf(stderr, "cannot start the suite for %s: %s\n", mode.label,
                   std::string(started.status().message()).c_str());
      return 1;
    }
    mode.suite = *std::move(started);
    mode.client =
        std::make_unique<Client>(mode.suite->account_address(), absl::GetFlag(FLAGS_channels),
                                 mode.suite->ca_file(), mode.suite->token("admin"));
  }
  const std::string password = (*suite)->account_db_password();
  const int db_port = (*suite)->db().port();

  std::printf("account_bench: %d accounts, %d calls in flight, %d service threads, %d x %ds rounds\n",
              absl::GetFlag(FLAGS_accounts), concurrency, threads, rounds,
              absl::GetFlag(FLAGS_seconds));
  std::vector<std::string> names;
  names.reserve(absl::GetFlag(FLAGS_accounts));
  const Result load = RunCreates(service, concurrency, absl::Hours(1), absl::GetFlag(FLAGS_accounts),
                                 "load", &names);
  std::printf("loaded %lld accounts through CreateAccount in %.1f s (%.0f/s, %lld failed)\n\n",
              static_cast<long long>(load.ok), load.seconds, load.rate(),
              static_cast<long long>(load.failed));
  if (names.empty()) return 1;
  for (SecuredMode& mode : secured_modes) {
    const Result secured_load = RunCreates(*mode.client, concurrency, absl::Hours(1),
                                           absl::GetFlag(FLAGS_accounts), "load", &mode.names);
    std::printf("loaded %lld accounts into the suite for %s in %.1f s (%lld failed)\n\n",
                static_cast<long long>(secured_load.ok), mode.label, secured_load.seconds,
                static_cast<long long>(secured_load.failed));
    if (mode.names.empty()) return 1;
  }
  std::vector<int64_t> ids;
  for (const std::string& name : names) ids.push_back(std::stoll(name.substr(9)));

  std::vector<Result> echo_callback_r, echo_framework_r, raw_select_r, get_r, raw_insert_r,
      create_r, batch_create_r;
  const int batch_concurrency = std::max(1, absl::GetFlag(FLAGS_batch_concurrency));
  std::atomic<int64_t> raw_insert_id{int64_t{1} << 40};  // far from service ids
  const kam::testing::RawSqlTarget raw_target{db_port, "kam_account", password, "kam_account"};
  const std::string now = kam::common::ToSqlDateTime(kam::common::NowMicros());
  for (int round = 0; round < rounds; ++round) {
    echo_callback_r.push_back(RunGets(*echo_clients[0], concurrency, phase, names));
    echo_framework_r.push_back(RunGets(*echo_clients[1], concurrency, phase, names));
    raw_select_r.push_back(RunRawSql(raw_target, concurrency, phase,
                                  [&](sql::Connection& c, int64_t call) {
                                    sql::PreparedStatement& s =
                                        Prepared(c, kam::account::accounts::GetAccountSql());
                                    s.setInt64(1, ids[(call * 7919) % ids.size()]);
                                    std::unique_ptr<sql::ResultSet> rs(s.executeQuery());
                                    if (!rs->next()) throw sql::SQLException("no row");
                                  }));
    get_r.push_back(RunGets(service, concurrency, phase, names));
    for (SecuredMode& mode : secured_modes) {
      mode.rounds.push_back(RunGets(*mode.client, concurrency, phase, mode.names));
    }
    raw_insert_r.push_back(RunRawSql(
        raw_target, concurrency, phase, [&](sql::Connection& c, int64_t call) {
          sql::PreparedStatement& s = Prepared(c, kam::account::accounts::InsertAccountSql());
          const int64_t id = raw_insert_id.fetch_add(1);
          const std::string key = absl::StrCat("raw-", round, "-", call);
          int i = 1;
          s.setInt64(i++, id);
          s.setString(i++, absl::StrCat("Bench Account ", key));
          s.setNull(i++, sql::DataType::VARCHAR);  // external_id
          s.setString(i++, "manufacturing");
          s.setString(i++, "east");
          s.setInt(i++, 0);                         // category
          s.setNull(i++, sql::DataType::BIGINT);    // parent_id
          s.setString(i++, "");                     // owner
          s.setInt(i++, 1);                         // stage DEVELOPMENT
          s.setInt(i++, 0);                         // share of wallet
          s.setString(i++, now);                    // stage_update_time
          s.setNull(i++, sql::DataType::BIGINT);    // credit_limit_minor
          s.setString(i++, "");                     // credit_currency
          s.setInt(i++, 0);                         // payment_terms_days
          s.setInt(i++, 0);                         // credit_risk
          s.setInt(i++, 1);                         // state ACTIVE
          s.setNull(i++, sql::DataType::VARCHAR);   // labels_text
          s.setInt64(i++, 1);                       // version
          s.setString(i++, now);                    // create_time
          s.setString(i++, now);                    // update_time
          s.setString(i++, key);                    // create_request_id
          s.setString(i++, "0123456789abcdef");     // create_request_hash
          s.executeUpdate();
        }));
    create_r.push_back(RunCreates(service, concurrency, phase, INT64_MAX,
                                  absl::StrCat("round", round), nullptr));
    batch_create_r.push_back(
        RunBatchCreates(service, batch_concurrency, phase, absl::StrCat("batch", round)));
  }

  const Result& echo_callback_m = MedianRound(echo_callback_r);
  const Result& echo_framework_m = MedianRound(echo_framework_r);
  const Result& raw_select_m = MedianRound(raw_select_r);
  const Result& get_m = MedianRound(get_r);
  const Result& raw_insert_m = MedianRound(raw_insert_r);
  const Result& create_m = MedianRound(create_r);
  const Result& batch_create_m = MedianRound(batch_create_r);
  std::printf("  %-26s %10s %9s %9s %8s\n", "phase (median round)", "calls/s", "p50 us",
              "p99 us", "failed");
  PrintRow("echo, gRPC callback API", echo_callback_m);
  PrintRow("echo, kam server framework", echo_framework_m);
  PrintRow("raw point select", raw_select_m);
  PrintRow("GetAccount", get_m);
  for (SecuredMode& mode : secured_modes) PrintRow(mode.label, MedianRound(mode.rounds));
  PrintRow("raw insert", raw_insert_m);
  PrintRow("CreateAccount", create_m);
  PrintRow("BatchCreateAccounts x500", batch_create_m);
  const double echo = std::max(echo_callback_m.rate(), echo_framework_m.rate());
  const double get_limit = Combined(echo, raw_select_m.rate());
  const double create_limit = Combined(echo, raw_insert_m.rate());
  std::printf("\n  GetAccount    %6.0f/s = %.2f of the combined limit %6.0f/s (target >= 0.75)\n",
              get_m.rate(), get_m.rate() / get_limit, get_limit);
  std::printf("  CreateAccount %6.0f/s = %.2f of the combined limit %6.0f/s (target >= 0.60)\n",
              create_m.rate(), create_m.rate() / create_limit, create_limit);
  const double batch_accounts = batch_create_m.rate() * kBatchSize;
  std::printf("  BatchCreateAccounts %6.0f accounts/s = %.2f x CreateAccount's %6.0f/s (%d per call, "
              "%d calls in flight; kamctl import's target >= 0.5)\n",
              batch_accounts, batch_accounts / create_m.rate(), create_m.rate(), kBatchSize,
              batch_concurrency);
  for (SecuredMode& mode : secured_modes) {
    const double secured_rate = MedianRound(mode.rounds).rate();
    std::printf("  %-23s %6.0f/s = %.2f of %6.0f/s without%s\n", mode.label, secured_rate,
                secured_rate / get_m.rate(), get_m.rate(), mode.tls ? "" : " (target >= 0.9)");
  }
  std::printf("  combined limit = 1 / (1/echo + 1/raw), echo = the faster echo; client, server and\n"
              "  database share this machine's %u cores, so their costs add\n",
              std::thread::hardware_concurrency());
  for (auto& server : echo_servers) (void)server->Stop();
  return 0;
}
