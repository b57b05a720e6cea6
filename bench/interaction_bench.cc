// interaction_bench: how fast the interaction service is, next to the
// database it stands on, measured in one run on this machine.
//
//   book      FillBenchBook (bench/bench_book.h) writes --accounts
//             accounts and their interaction records into the suite's
//             MariaDB with set-based SQL (not measured against anything).
//   facts     FactsService.StreamAccountFacts over the whole book for the
//             book's period, read to the end by a client (accounts/s), next
//             to the raw baseline: the same statements the store runs
//             (the MySQL facts store's Range over the same id ranges, prepared, through
//             a connection pool in this process), every row read. The two
//             must agree (account count and a checksum); ratio target >= 0.5.
//   create    CreateActivity through kam-interaction (which asks kam-account
//             for the account first) at --concurrency calls in flight, next
//             to what it is made of, measured in the same rounds: the raw
//             INSERT of the same row (activity::InsertActivitySql) through
//             Connector/C++, one connection per client slot, autocommit; and
//             GetAccount of the same accounts through kam-account. A create
//             costs at least one of each, so the cross-service limit is
//             1 / (1/raw insert + 1/GetAccount); target >= 0.6 of it.
//
// Client, server and database share the machine's cores. Create phases run
// in --rounds interleaved rounds and the median round is reported, because
// the machine is shared and noisy.
//
//   interaction_bench [--accounts=1000000] [--seconds=5] [--concurrency=16]
//                     [--rounds=3] [--page_size=1000] [--service_threads=8]
//                     [--book_connections=2] [--book_only]
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <mysql_connection.h>
#include <mysql_driver.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/bench_book.h"
#include "bench/bench_facts.h"
#include "bench/bench_loop.h"
#include "bench/bench_rates.h"
#include "common/base/proto_time.h"
#include "common/db/mysql_pool.h"
#include "grpcpp/grpcpp.h"
#include "kam/account/v1/account.grpc.pb.h"
#include "kam/interaction/v1/activity.grpc.pb.h"
#include "kam/interaction/v1/facts.grpc.pb.h"
#include "services/interaction/activity/activity_store.h"
#include "tests/harness/suite.h"

ABSL_FLAG(int64_t, accounts, 1000000, "accounts in the book (with their interaction records)");
ABSL_FLAG(int, page_size, 1000, "facts per stream message (the service's default)");
ABSL_FLAG(int, book_connections, 2, "connections writing the book side by side");
ABSL_FLAG(bool, book_only, false, "write the book, print its figures and stop");

namespace {

namespace v1 = kam::interaction::v1;

using Result = kam::testing::BenchResult;

// ---------------------------------------------------------------- create

constexpr int kClientThreads = 2;

// Two client threads and two channels (HTTP/2 connections), calls spread
// over them (bench/bench_loop.h), until `duration` ends.
template <typename Service, typename Response>
Result RunCalls(const std::string& address, int concurrency, absl::Duration duration,
                const std::function<std::unique_ptr<grpc::ClientAsyncResponseReader<Response>>(
                    typename Service::Stub&, int64_t call, grpc::ClientContext*,
                    grpc::CompletionQueue*)>& start) {
  std::vector<std::unique_ptr<typename Service::Stub>> stubs;
  for (int i = 0; i < kClientThreads; ++i) {
    grpc::ChannelArguments args;
    args.SetInt("kam.channel", i);  // distinct args: distinct connections
    stubs.push_back(Service::NewStub(
        grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args)));
  }
  return kam::testing::AsyncCallLoop<Response>::Run(
      concurrency, kClientThreads, duration, INT64_MAX, nullptr,
      [&](int64_t call, grpc::ClientContext* context, grpc::CompletionQueue* cq) {
        return start(*stubs[call % stubs.size()], call, context, cq);
      });
}

Result RunCreates(const std::string& address, int concurrency, absl::Duration duration,
                  const std::function<void(int64_t call, v1::CreateActivityRequest*)>& fill) {
  return RunCalls<v1::ActivityService, v1::Activity>(
      address, concurrency, duration,
      [&](v1::ActivityService::Stub& stub, int64_t call, grpc::ClientContext* context,
          grpc::CompletionQueue* cq) {
        v1::CreateActivityRequest request;
        fill(call, &request);
        return stub.AsyncCreateActivity(context, request, cq);
      });
}

Result RunAccountGets(const std::string& address, int concurrency, absl::Duration duration,
                      const std::function<int64_t(int64_t call)>& account_of) {
  namespace account = kam::account::v1;
  return RunCalls<account::AccountService, account::Account>(
      address, concurrency, duration,
      [&](account::AccountService::Stub& stub, int64_t call, grpc::ClientContext* context,
          grpc::CompletionQueue* cq) {
        account::GetAccountRequest request;
        request.set_name(absl::StrCat("accounts/", account_of(call)));
        return stub.AsyncGetAccount(context, request, cq);
      });
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int64_t accounts = absl::GetFlag(FLAGS_accounts);
  const int concurrency = std::max(1, absl::GetFlag(FLAGS_concurrency));
  const absl::Duration phase = absl::Seconds(absl::GetFlag(FLAGS_seconds));
  const int rounds = std::max(1, absl::GetFlag(FLAGS_rounds));
  const int page_size = absl::GetFlag(FLAGS_page_size);
  const std::string threads = absl::StrCat("--threads=", absl::GetFlag(FLAGS_service_threads));
  kam::common::InitMySqlDriver();

  kam::testing::LocalSuite::Options options;
  options.services = {"account", "interaction"};
  options.args = {{"account", {threads}}, {"interaction", {threads}}};
  auto suite = kam::testing::LocalSuite::Start(options);
  if (!suite.ok()) {
    std::fprintf(stderr, "cannot start the suite: %s\n",
                 std::string(suite.status().message()).c_str());
    return 1;
  }
  std::printf("interaction_bench: %lld accounts, %d calls in flight, %s, %d x %ds create rounds\n",
              static_cast<long long>(accounts), concurrency, threads.c_str(), rounds,
              absl::GetFlag(FLAGS_seconds));
  std::fflush(stdout);
  kam::testing::BenchBookOptions book_options;
  book_options.accounts = accounts;
  book_options.connections = absl::GetFlag(FLAGS_book_connections);
  absl::StatusOr<kam::testing::BenchBook> book = kam::testing::FillBenchBook(**suite, book_options);
  if (!book.ok()) {
    std::fprintf(stderr, "cannot fill the book: %s\n",
                 std::string(book.status().message()).c_str());
    return 1;
  }
  std::printf(
      "book: %lld rows (%lld accounts, %lld invoices, %lld payments, %lld cases, %lld "
      "surveys, %lld activities, %lld opportunities) in %.1f s\n\n",
      static_cast<long long>(book->rows.total()), static_cast<long long>(book->rows.accounts),
      static_cast<long long>(book->rows.invoices), static_cast<long long>(book->rows.payments),
      static_cast<long long>(book->rows.cases), static_cast<long long>(book->rows.surveys),
      static_cast<long long>(book->rows.activities),
      static_cast<long long>(book->rows.opportunities), absl::ToDoubleSeconds(book->elapsed));
  std::fflush(stdout);
  if (absl::GetFlag(FLAGS_book_only)) return 0;

  // Facts: the raw baseline first and then the service, each once (a stream
  // over a million accounts is long enough to average out noise).
  const kam::testing::FactsRun raw_facts = kam::testing::RawFacts(**suite, *book, page_size);
  const kam::testing::FactsRun service_facts =
      kam::testing::StreamFacts((*suite)->interaction_address(), *book, page_size);
  std::printf("  %-28s %10s %8s %12s\n", "facts for the book's period", "accounts", "seconds",
              "accounts/s");
  kam::testing::PrintFacts("raw: the store's statements", raw_facts);
  kam::testing::PrintFacts("StreamAccountFacts", service_facts);
  const bool agree =
      raw_facts.accounts == service_facts.accounts && raw_facts.checksum == service_facts.checksum;
  std::printf("  ratio %.2f (target >= 0.5); both sides %s\n\n",
              raw_facts.rate() > 0 ? service_facts.rate() / raw_facts.rate() : 0.0,
              agree ? "agree (count and checksum)" : "DISAGREE");
  std::fflush(stdout);

  // Creates against the book's accounts, spread over them.
  const std::string actual = kam::common::ToSqlDateTime(absl::Now() - absl::Hours(1));
  const google::protobuf::Timestamp actual_ts =
      kam::common::ToProtoTimestamp(absl::Now() - absl::Hours(1));
  const int64_t first = book->first_account_id;
  const int64_t span = book->last_account_id - first + 1;
  auto account_of = [&](int64_t call) { return first + (call * 7919) % span; };
  const std::string password = (*suite)->db_password("interaction");
  const int db_port = (*suite)->db().port();
  std::atomic<int64_t> raw_id{int64_t{1} << 40};  // far from the service's ids
  const kam::testing::RawSqlTarget raw_target{db_port, "kam_interaction", password,
                                              "kam_interaction"};
  std::vector<Result> raw_r, get_r, service_r;
  for (int round = 0; round < rounds; ++round) {
    get_r.push_back(RunAccountGets((*suite)->account_address(), concurrency, phase, account_of));
    raw_r.push_back(
        kam::testing::RunRawSql(raw_target, concurrency, phase, [&](sql::Connection& c, int64_t call) {
          sql::PreparedStatement& s =
              kam::testing::Prepared(c, kam::interaction::activity::InsertActivitySql());
          int i = 1;
          s.setInt64(i++, raw_id.fetch_add(1));
          s.setInt64(i++, account_of(call));
          s.setInt(i++, v1::ACTIVITY_KIND_MEETING);
          s.setString(i++, "Quarterly review");
          s.setInt(i++, v1::ACTIVITY_LEVEL_ACCOUNT_MANAGER);
          s.setInt(i++, v1::ACTIVITY_STATUS_DONE);
          s.setNull(i++, sql::DataType::TIMESTAMP);  // planned_time
          s.setString(i++, actual);                  // actual_time
          s.setString(i++, "agreed next steps");     // outcome
          s.setNull(i++, sql::DataType::TIMESTAMP);  // next_follow_up_time
          s.setNull(i++, sql::DataType::BIGINT);     // cost_minor
          s.setString(i++, "");                      // cost_currency
          s.setString(i++, "");                      // contact_ids_text
          s.setString(i++, "");                      // team_members_text
          s.setInt64(i++, 1);                        // version
          s.setString(i++, actual);                  // update_time
          s.setNull(i++, sql::DataType::TIMESTAMP);  // delete_time
          s.setString(i++, "bench");                 // creator
          s.setString(i++, actual);                  // create_time
          s.setString(i++, absl::StrCat("raw-", round, "-", call));
          s.setString(i++, "0123456789abcdef");  // create_request_hash
          s.executeUpdate();
        }));
    service_r.push_back(RunCreates((*suite)->interaction_address(), concurrency, phase,
                                   [&](int64_t call, v1::CreateActivityRequest* request) {
                                     request->set_request_id(
                                         absl::StrCat("bench-", round, "-", call));
                                     v1::Activity* a = request->mutable_activity();
                                     a->set_account(absl::StrCat("accounts/", account_of(call)));
                                     a->set_kind(v1::ACTIVITY_KIND_MEETING);
                                     a->set_subject("Quarterly review");
                                     a->set_level(v1::ACTIVITY_LEVEL_ACCOUNT_MANAGER);
                                     a->set_status(v1::ACTIVITY_STATUS_DONE);
                                     *a->mutable_actual_time() = actual_ts;
                                     a->set_outcome("agreed next steps");
                                   }));
  }
  const Result& raw_m = kam::testing::MedianRound(raw_r);
  const Result& get_m = kam::testing::MedianRound(get_r);
  const Result& service_m = kam::testing::MedianRound(service_r);
  std::printf("  %-28s %10s %9s %9s %8s\n", "create (median round)", "calls/s", "p50 us", "p99 us",
              "failed");
  kam::testing::PrintRateRow("raw insert, same row", raw_m);
  kam::testing::PrintRateRow("GetAccount (kam-account)", get_m);
  kam::testing::PrintRateRow("CreateActivity", service_m);
  // A create is one insert plus one account look-up: done one after the
  // other on the same cores, they cannot go faster than this together.
  const double limit =
      raw_m.rate() > 0 && get_m.rate() > 0 ? 1.0 / (1.0 / raw_m.rate() + 1.0 / get_m.rate()) : 0.0;
  std::printf(
      "  cross-service limit 1/(1/raw insert + 1/GetAccount) = %.0f calls/s\n"
      "  ratio %.2f (CreateActivity / limit; target >= 0.6); %.2f of the raw insert alone\n",
      limit, limit > 0 ? service_m.rate() / limit : 0.0,
      raw_m.rate() > 0 ? service_m.rate() / raw_m.rate() : 0.0);
  return agree ? 0 : 2;
}
