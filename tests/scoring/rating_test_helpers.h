// Shared helpers of the scoring integration tests: one suite per binary with
// MariaDB and the account, interaction and scoring services as processes;
// stubs; policies; a book of accounts whose values differ (each account's
// value is one invoice's amount in the period); runs started and waited
// for; ratings, tiers and tier history read back through the public APIs.
//
// Each test binary's main():
//   return kam::testing::RunTestsOnSuite(argc, argv, kam::testing::ScoringSuiteOptions());
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/substitute.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "kam/scoring/v1/policy.grpc.pb.h"
#include "kam/scoring/v1/rating.grpc.pb.h"
#include "tests/interaction/billing_client.h"

namespace kam::testing {

namespace sv1 = ::kam::scoring::v1;
using PolicyStub = sv1::ScoringPolicyService::Stub;
using RatingStub = sv1::RatingService::Stub;

// The three services. The scoring service looks for work every 100ms (a
// restarted one finds a dead replica's run at once); `scoring_args` add to
// or override its flags.
inline LocalSuite::Options ScoringSuiteOptions(std::vector<std::string> scoring_args = {}) {
  LocalSuite::Options options;
  options.services = {"account", "interaction", "scoring"};
  std::vector<std::string>& args = options.args["scoring"];
  args = {"--run_poll_interval=100ms"};
  args.insert(args.end(), scoring_args.begin(), scoring_args.end());
  return options;
}

inline std::shared_ptr<grpc::Channel> ScoringChannel() {
  static std::shared_ptr<grpc::Channel>* channel = new std::shared_ptr<grpc::Channel>(
      grpc::CreateChannel(Suite().scoring_address(), grpc::InsecureChannelCredentials()));
  return *channel;
}

// One stub for a scoring gRPC service, shared by every test of the binary.
template <typename GrpcService>
typename GrpcService::Stub& ScoringApi() {
  static typename GrpcService::Stub* stub = GrpcService::NewStub(ScoringChannel()).release();
  return *stub;
}

inline PolicyStub& Policies() { return ScoringApi<sv1::ScoringPolicyService>(); }
inline RatingStub& Ratings() { return ScoringApi<sv1::RatingService>(); }

// --- policies --------------------------------------------------------------

// Tier rules by cumulative shares of accounts (basis points) and by value
// thresholds.
inline sv1::TierRule PyramidRule(int32_t a_bp, int32_t b_bp, int32_t c_bp) {
  return ParseTextProto<sv1::TierRule>(absl::Substitute(
      "pyramid { a_cumulative_bp: $0 b_cumulative_bp: $1 c_cumulative_bp: $2 }", a_bp, b_bp, c_bp));
}
inline sv1::TierRule ThresholdRule(int64_t a_min, int64_t b_min, int64_t c_min) {
  return ParseTextProto<sv1::TierRule>(
      absl::Substitute("thresholds { a_min: $0 b_min: $1 c_min: $2 }", a_min, b_min, c_min));
}

// A policy ranking by revenue (an account's invoices in the last year)
// under `rule` (the default pyramid 1% / 5% / 20% when unset).
inline sv1::ScoringPolicy RevenuePolicy(const sv1::TierRule* rule = nullptr) {
  sv1::ScoringPolicy policy;
  policy.set_display_name(Unique("policy"));
  policy.set_value_measure(sv1::VALUE_MEASURE_REVENUE);
  if (rule != nullptr) *policy.mutable_tiering()->mutable_default_rule() = *rule;
  return policy;
}

inline Reply<sv1::ScoringPolicy> CreatePolicy(const sv1::ScoringPolicy& policy,
                                              const std::string& request_id = "") {
  sv1::CreateScoringPolicyRequest request;
  *request.mutable_policy() = policy;
  request.set_request_id(request_id);
  return Call(Policies(), &PolicyStub::CreateScoringPolicy, request);
}

inline sv1::ScoringPolicy MustCreatePolicy(const sv1::ScoringPolicy& policy) {
  return OkValue(CreatePolicy(policy));
}

// --- accounts with values ----------------------------------------------------

// An account (with a credit profile, hence a currency) in `industry` and
// `region` (under `parent` when given), worth `value` minor units of revenue
// in the period: one invoice issued a day ago (none when `value` is 0).
inline std::string ValuedAccount(int64_t value, const std::string& industry = "",
                                 const std::string& region = "", const std::string& parent = "") {
  v1::CreateAccountRequest request;
  v1::Account* a = request.mutable_account();
  a->set_display_name(Unique("rated"));
  a->set_industry(industry);
  a->set_region(region);
  a->set_parent_account(parent);
  a->mutable_credit()->mutable_credit_limit()->set_currency_code("EUR");
  a->mutable_credit()->mutable_credit_limit()->set_minor_units(1'000'000'000);
  a->mutable_credit()->set_payment_terms_days(30);
  v1::Account account;
  grpc::Status status = Accounts().CreateAccount(Context().get(), request, &account);
  EXPECT_TRUE(status.ok()) << status.error_message();
  if (value != 0 && status.ok()) MustInvoice(account.name(), value, absl::Now() - absl::Hours(24));
  return account.name();
}

// Creates one account per value, four at a time (the services are the
// bottleneck, not this process). result[i] has values[i].
inline std::vector<std::string> CreateBook(const std::vector<int64_t>& values,
                                           const std::string& industry = "") {
  std::vector<std::string> names(values.size());
  std::atomic<size_t> next{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&] {
      for (size_t i = next++; i < values.size(); i = next++) {
        names[i] = ValuedAccount(values[i], industry);
      }
    });
  }
  for (std::thread& t : workers) t.join();
  return names;
}

inline v1::Account GetAccount(const std::string& name) {
  return OkValue(
      Call(Accounts(), &v1::AccountService::Stub::GetAccount, ByName<v1::GetAccountRequest>(name)));
}

inline std::vector<v1::TierChange> TierHistory(const std::string& account) {
  v1::ListTierHistoryRequest request;
  request.set_parent(account);
  request.set_page_size(1000);
  Reply<v1::ListTierHistoryResponse> reply =
      Call(Accounts(), &v1::AccountService::Stub::ListTierHistory, request);
  EXPECT_OK(reply.status);
  return {reply.value.changes().begin(), reply.value.changes().end()};
}

// Soft-deletes accounts so that later runs in the binary do not rate them.
inline void DeleteBook(const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    v1::DeleteAccountRequest request;
    request.set_name(name);
    EXPECT_OK(Call(Accounts(), &v1::AccountService::Stub::DeleteAccount, request).status);
  }
}

// --- runs ----------------------------------------------------------------------

inline Reply<sv1::RatingRun> StartRun(const std::string& policy,
                                      const std::string& request_id = "") {
  sv1::StartRatingRunRequest request;
  request.set_policy(policy);
  request.set_request_id(request_id);
  return Call(Ratings(), &RatingStub::StartRatingRun, request);
}

inline Reply<sv1::RatingRun> GetRun(const std::string& run) {
  return Call(Ratings(), &RatingStub::GetRatingRun, ByName<sv1::GetRatingRunRequest>(run));
}

inline bool Ended(const sv1::RatingRun& run) {
  return run.state() == sv1::RUN_STATE_SUCCEEDED || run.state() == sv1::RUN_STATE_FAILED ||
         run.state() == sv1::RUN_STATE_CANCELLED;
}

// Polls the run every 20ms until `done` holds (or `timeout` passes; the
// last state seen is returned either way, and the test fails on timeout).
// `seen`, when given, is called with every state read.
inline sv1::RatingRun WaitForRun(
    const std::string& run, const std::function<bool(const sv1::RatingRun&)>& done = Ended,
    absl::Duration timeout = absl::Seconds(60),
    const std::function<void(const sv1::RatingRun&)>& seen = nullptr) {
  const absl::Time deadline = absl::Now() + timeout;
  sv1::RatingRun last;
  for (;;) {
    Reply<sv1::RatingRun> reply = GetRun(run);
    if (reply.status.ok()) {
      last = reply.value;
      if (seen) seen(last);
      if (done(last)) return last;
    }
    if (absl::Now() > deadline) {
      ADD_FAILURE() << run << " did not get there in " << timeout << "; last seen "
                    << last.ShortDebugString() << "\nkam-scoring log:\n"
                    << Suite().LogTail("scoring");
      return last;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
}

// Waits until `run` is PUBLISHING with at least `accounts` published (or has
// ended); returns the state last seen.
inline sv1::RatingRun WaitForPublished(const std::string& run, int64_t accounts) {
  return WaitForRun(run, [accounts](const sv1::RatingRun& r) {
    return Ended(r) ||
           (r.state() == sv1::RUN_STATE_PUBLISHING && r.accounts_published() >= accounts);
  });
}

// Starts a run of `policy` and waits for it to end.
inline sv1::RatingRun RunToEnd(const std::string& policy) {
  Reply<sv1::RatingRun> started = StartRun(policy);
  EXPECT_OK(started.status);
  return WaitForRun(started.value.name());
}

// Every rating of a run, by account name.
inline std::map<std::string, sv1::AccountRating> AllRatings(const std::string& run,
                                                            const std::string& filter = "") {
  sv1::ListAccountRatingsRequest request;
  request.set_parent(run);
  request.set_page_size(1000);
  request.set_filter(filter);
  std::map<std::string, sv1::AccountRating> all;
  for (const sv1::AccountRating& r :
       AllPages<sv1::AccountRating>(Ratings(), &RatingStub::ListAccountRatings, request)) {
    all[r.account()] = r;
  }
  return all;
}

inline std::string TierCountsText(const sv1::TierCounts& c) {
  return absl::StrCat(c.a(), "/", c.b(), "/", c.c(), "/", c.d());
}

}  // namespace kam::testing
