// Metrics as Prometheus sees them (docs/metrics.md): the three services run
// with --metrics_listen and tokens on; calls are made, including failing
// ones and one the call gate refuses; /metrics of each service is scraped
// before and after with a plain HTTP GET, and the counters and histogram
// counts must have moved by exactly the calls made, with the labels
// go-grpc-prometheus gives them, on the server and on the client side of the
// calls between services.
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/metrics/rpc_labels.h"
#include "tests/interaction/activity_test_helpers.h"
#include "tests/metrics/scrape.h"
#include "tests/scoring/rating_test_helpers.h"

namespace kam::testing {
namespace {

// The metrics port of each service, picked before the suite starts.
std::map<std::string, int>& MetricsPorts() {
  static auto* ports = new std::map<std::string, int>();
  return *ports;
}

LocalSuite::Options MetricsSuiteOptions() {
  LocalSuite::Options options = ScoringSuiteOptions();
  // Tokens on (so the gate has something to refuse), over plaintext
  // loopback so the shared stubs of the test helpers reach the services.
  options.secured = true;
  options.tls = false;
  for (const std::string& service : AllServices()) {
    MetricsPorts()[service] = PickFreePort();
    options.args[service].push_back(
        absl::StrCat("--metrics_listen=127.0.0.1:", MetricsPorts()[service]));
  }
  return options;
}

// One call with `role`'s token ("" sends none).
template <typename Stub, typename Request, typename Response>
grpc::Status CallAs(const std::string& role, Stub& stub,
                    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                    const Request& request, Response* response) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  if (!role.empty()) {
    context.AddMetadata("authorization", absl::StrCat("Bearer ", Suite().token(role)));
  }
  return (stub.*method)(&context, request, response);
}

Series ScrapeOf(const std::string& service) {
  absl::StatusOr<Series> series = Scrape(MetricsPorts()[service]);
  EXPECT_TRUE(series.ok()) << service << ": " << series.status();
  return series.ok() ? *series : Series();
}

// A series of one gRPC method as the text format writes it (labels by name;
// a histogram bucket's `le` last).
std::string Rpc(const std::string& family, const std::string& full_method,
                const std::string& code = "", const std::string& type = "unary",
                const std::string& le = "") {
  const common::metrics::MethodLabels names = common::metrics::SplitMethodName(full_method);
  return absl::StrCat(family, "{", code.empty() ? "" : absl::StrCat("grpc_code=\"", code, "\","),
                      "grpc_method=\"", names.method, "\",grpc_service=\"", names.service,
                      "\",grpc_type=\"", type, "\"",
                      le.empty() ? "" : absl::StrCat(",le=\"", le, "\""), "}");
}

double Value(const Series& series, const std::string& name) {
  auto it = series.find(name);
  return it == series.end() ? 0 : it->second;
}

// What a series gained between two scrapes.
struct Scrapes {
  Series before;
  Series after;
  double Moved(const std::string& name) const { return Value(after, name) - Value(before, name); }
};

// Every code of `method`'s handled series moved by `codes` (the others not
// at all), and started, the latency histogram's count and received moved by
// their sum.
void ExpectHandled(const Scrapes& scrapes, const std::string& side, const std::string& method,
                   const std::map<std::string, double>& codes, const std::string& type = "unary") {
  const std::string prefix = absl::StrCat("grpc_", side, "_");
  double total = 0;
  for (int code = 0; code < common::metrics::kCodeCount; ++code) {
    const std::string name(common::metrics::GoCodeName(static_cast<absl::StatusCode>(code)));
    auto expected = codes.find(name);
    const double want = expected == codes.end() ? 0 : expected->second;
    total += want;
    EXPECT_EQ(scrapes.Moved(Rpc(prefix + "handled_total", method, name, type)), want)
        << side << " " << method << " " << name;
  }
  EXPECT_EQ(scrapes.Moved(Rpc(prefix + "started_total", method, "", type)), total) << method;
  EXPECT_EQ(scrapes.Moved(Rpc(prefix + "handling_seconds_count", method, "", type)), total)
      << method;
  // Every call's latency is in the +Inf bucket.
  EXPECT_EQ(scrapes.Moved(Rpc(prefix + "handling_seconds_bucket", method, "", type, "+Inf")), total)
      << method;
}

constexpr char kGetAccount[] = "/kam.account.v1.AccountService/GetAccount";
constexpr char kBatchGetAccounts[] = "/kam.account.v1.AccountService/BatchGetAccounts";
constexpr char kCreateActivity[] = "/kam.interaction.v1.ActivityService/CreateActivity";

v1::Account NewAccount() {
  v1::CreateAccountRequest request;
  request.mutable_account()->set_display_name(Unique("metrics"));
  v1::Account account;
  EXPECT_OK(CallAs("admin", Accounts(), &AccountApi::CreateAccount, request, &account));
  return account;
}

TEST(MetricsTest, EveryAnsweredCallIsCountedByMethodAndCodeRefusalsToo) {
  const v1::Account account = NewAccount();
  Scrapes scrapes;
  scrapes.before = ScrapeOf("account");
  v1::Account got;
  EXPECT_OK(CallAs("admin", Accounts(), &AccountApi::GetAccount,
                   ByName<v1::GetAccountRequest>(account.name()), &got));
  EXPECT_EQ(CallAs("admin", Accounts(), &AccountApi::GetAccount,
                   ByName<v1::GetAccountRequest>("accounts/999999999"), &got)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(CallAs("admin", Accounts(), &AccountApi::GetAccount,
                   ByName<v1::GetAccountRequest>("customers/1"), &got)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  // No token: the gate refuses it before the handler.
  EXPECT_EQ(CallAs("", Accounts(), &AccountApi::GetAccount,
                   ByName<v1::GetAccountRequest>(account.name()), &got)
                .error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  scrapes.after = ScrapeOf("account");

  ExpectHandled(scrapes, "server", kGetAccount,
                {{"OK", 1}, {"NotFound", 1}, {"InvalidArgument", 1}, {"Unauthenticated", 1}});
  // Each call's request arrived; only the answered one sent a response.
  EXPECT_EQ(scrapes.Moved(Rpc("grpc_server_msg_received_total", kGetAccount)), 4);
  EXPECT_EQ(scrapes.Moved(Rpc("grpc_server_msg_sent_total", kGetAccount)), 1);
}

TEST(MetricsTest, CallsToAnotherServiceAreCountedOnBothSides) {
  const v1::Account account = NewAccount();
  Scrapes interaction;
  Scrapes accounts;
  interaction.before = ScrapeOf("interaction");
  accounts.before = ScrapeOf("account");
  iv1::CreateActivityRequest request;
  *request.mutable_activity() = Visit(account.name());
  iv1::Activity created;
  EXPECT_OK(CallAs("admin", Activities(), &ActivityStub::CreateActivity, request, &created));
  *request.mutable_activity() = Visit("accounts/999999999");
  EXPECT_EQ(
      CallAs("admin", Activities(), &ActivityStub::CreateActivity, request, &created).error_code(),
      grpc::StatusCode::NOT_FOUND);
  interaction.after = ScrapeOf("interaction");
  accounts.after = ScrapeOf("account");

  ExpectHandled(interaction, "server", kCreateActivity, {{"OK", 1}, {"NotFound", 1}});
  // Each create's account was fetched ahead of its handler (the prefetch's
  // BatchGetAccounts, common/client/async_batcher.h): counted by the
  // interaction service as a client, and by the account service as a server.
  ExpectHandled(interaction, "client", kBatchGetAccounts, {{"OK", 1}, {"NotFound", 1}});
  ExpectHandled(accounts, "server", kBatchGetAccounts, {{"OK", 1}, {"NotFound", 1}});
  EXPECT_EQ(interaction.Moved(Rpc("grpc_client_msg_sent_total", kBatchGetAccounts)), 2);
  EXPECT_EQ(interaction.Moved(Rpc("grpc_client_msg_received_total", kBatchGetAccounts)), 1);
  // The prefetch batches were counted (one look-up each here).
  EXPECT_EQ(interaction.Moved(R"(kam_coalesced_batch_size_count{batch="account_prefetches"})"), 2);
}

TEST(MetricsTest, ARatingRunReportsItsProgressAndItsStreams) {
  NewAccount();
  Scrapes scoring;
  scoring.before = ScrapeOf("scoring");
  sv1::CreateScoringPolicyRequest create;
  *create.mutable_policy() = RevenuePolicy();
  sv1::ScoringPolicy policy;
  ASSERT_OK(CallAs("admin", Policies(), &PolicyStub::CreateScoringPolicy, create, &policy));
  sv1::StartRatingRunRequest start;
  start.set_policy(policy.name());
  sv1::RatingRun run;
  ASSERT_OK(CallAs("admin", Ratings(), &RatingStub::StartRatingRun, start, &run));
  const absl::Time give_up = absl::Now() + absl::Seconds(60);
  while (!Ended(run) && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(50));
    EXPECT_OK(CallAs("admin", Ratings(), &RatingStub::GetRatingRun,
                     ByName<sv1::GetRatingRunRequest>(run.name()), &run));
  }
  ASSERT_EQ(run.state(), sv1::RUN_STATE_SUCCEEDED) << Suite().LogTail("scoring");
  scoring.after = ScrapeOf("scoring");

  // The run's figures, as the run reports them.
  EXPECT_EQ(Value(scoring.after, "kam_rating_run_accounts_total"), run.accounts_total());
  EXPECT_EQ(Value(scoring.after, "kam_rating_run_accounts_rated"), run.accounts_processed());
  EXPECT_EQ(Value(scoring.after, "kam_rating_run_accounts_published"), run.accounts_published());
  EXPECT_EQ(Value(scoring.after, R"(kam_rating_run_phase{phase="idle"})"), 1);
  EXPECT_EQ(scoring.Moved(R"(kam_rating_runs_total{state="SUCCEEDED"})"), 1);
  EXPECT_GE(Value(scoring.after, "kam_rating_publish_lag_seconds"), 0);
  // Both passes read the account export and the facts: two server streams
  // of each, answered OK, each with one page of accounts at least.
  ExpectHandled(scoring, "client", "/kam.account.v1.AccountExportService/ExportAccounts",
                {{"OK", 2}}, "server_stream");
  ExpectHandled(scoring, "client", "/kam.interaction.v1.FactsService/StreamAccountFacts",
                {{"OK", 2}}, "server_stream");
  EXPECT_GE(scoring.Moved(Rpc("grpc_client_msg_received_total",
                              "/kam.account.v1.AccountExportService/ExportAccounts", "",
                              "server_stream")),
            2);
  // The tiers were published back through the account API.
  EXPECT_GE(scoring.Moved(Rpc("grpc_client_handled_total",
                              "/kam.account.v1.AccountService/SetAccountTiers", "OK")),
            1);
}

TEST(MetricsTest, EveryServiceReportsItsPoolAndMigrations) {
  for (const std::string& service : AllServices()) {
    const Series series = ScrapeOf(service);
    // One connection per worker thread (--threads defaults to 8).
    EXPECT_EQ(Value(series, "kam_db_pool_size"), 8) << service;
    for (const char* name : {"kam_db_pool_connections_open", "kam_db_pool_connections_in_use",
                             "kam_db_pool_waits_total", "kam_db_pool_wait_seconds_total",
                             "kam_db_pool_timeouts_total"}) {
      EXPECT_EQ(series.count(name), 1u) << service << " " << name;
    }
    EXPECT_GE(Value(series, "kam_db_pool_connections_open"),
              Value(series, "kam_db_pool_connections_in_use"));
    EXPECT_GT(Value(series, "kam_migrations_applied"), 0) << service;
    EXPECT_GT(Value(series, "kam_schema_version"), 0) << service;
  }
  const Series interaction = ScrapeOf("interaction");
  // The sweeper sweeps once at start-up, then every --sweep_interval.
  EXPECT_GE(Value(interaction, R"(kam_sla_sweeps_total{result="ok"})"), 1);
  EXPECT_EQ(interaction.count(R"(kam_sla_sweeps_total{result="failed"})"), 1u);
  EXPECT_GT(Value(interaction, "kam_sla_last_sweep_timestamp_seconds"), 0);
  EXPECT_EQ(ScrapeOf("scoring").count("kam_alert_watchers"), 1u);
}

TEST(MetricsTest, OnlyGetMetricsIsServed) {
  absl::StatusOr<std::string> other = HttpGet(MetricsPorts()["account"], "/secrets");
  EXPECT_FALSE(other.ok());
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) {
  return kam::testing::RunTestsOnSuite(argc, argv, kam::testing::MetricsSuiteOptions());
}
