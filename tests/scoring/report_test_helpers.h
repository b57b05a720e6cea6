// Shared set-up for the report and alert integration tests
// (tests/scoring/report_test.cc, alert_test.cc), on top of the rating
// helpers (suite, stubs, policies, runs): accounts whose
// value is invoiced revenue, created through the account and billing APIs; a
// threshold policy (so each account's tier follows from its own revenue and
// the expected figures can be worked out by hand); and runs driven to their
// end through RatingService.
#pragma once

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "kam/scoring/v1/alert.grpc.pb.h"
#include "kam/scoring/v1/policy.grpc.pb.h"
#include "kam/scoring/v1/rating.grpc.pb.h"
#include "kam/scoring/v1/report.grpc.pb.h"
#include "tests/scoring/rating_test_helpers.h"

namespace kam::testing {

inline sv1::ReportService::Stub& Reports() { return ScoringApi<sv1::ReportService>(); }
inline sv1::AlertService::Stub& Alerts() { return ScoringApi<sv1::AlertService>(); }

// A report of `run` (`request` with its run set), which must succeed.
template <typename Request, typename Response>
Response ReportOf(grpc::Status (sv1::ReportService::Stub::*method)(grpc::ClientContext*,
                                                                   const Request&, Response*),
                  const std::string& run, Request request = {}) {
  request.set_run(run);
  Reply<Response> reply = Call(Reports(), method, request);
  EXPECT_OK(reply.status);
  return reply.value;
}

// An account (EUR) whose revenue in the rated period is `revenue` minor
// units: one invoice issued now (none for 0).
inline std::string AccountWithRevenue(int64_t revenue) {
  const std::string account = CreditAccount(1'000'000'000);
  if (revenue > 0) MustInvoice(account, revenue);
  return account;
}

// A policy that values accounts by revenue and tiers them by thresholds:
// A from a_min, B from b_min, C from c_min, D below. Churn-risk alerts only
// at 100 (so only the tier alerts the tests cause are raised).
inline sv1::ScoringPolicy ThresholdPolicy(int64_t a_min, int64_t b_min, int64_t c_min) {
  sv1::ScoringPolicy policy;
  policy.set_display_name(Unique("report policy"));
  policy.set_value_measure(sv1::VALUE_MEASURE_REVENUE);
  policy.set_rank_by(sv1::RANK_BY_VALUE);
  sv1::Thresholds* t = policy.mutable_tiering()->mutable_default_rule()->mutable_thresholds();
  t->set_a_min(a_min);
  t->set_b_min(b_min);
  t->set_c_min(c_min);
  policy.mutable_alerts()->set_churn_risk_threshold(100);
  return policy;
}

// Replaces a policy's tiering (a new version once a run has used it).
inline void SetThresholds(const std::string& policy, int64_t a_min, int64_t b_min,
                          int64_t c_min) {
  sv1::UpdateScoringPolicyRequest request;
  *request.mutable_policy() = ThresholdPolicy(a_min, b_min, c_min);
  request.mutable_policy()->set_name(policy);
  request.mutable_update_mask()->add_paths("tiering");
  Reply<sv1::ScoringPolicy> reply =
      Call(Policies(), &sv1::ScoringPolicyService::Stub::UpdateScoringPolicy, request);
  EXPECT_OK(reply.status);
}

// Polls the run until it is in `state` (or any end state); returns it.
inline sv1::RatingRun AwaitRun(const std::string& run, sv1::RunState state,
                               absl::Duration timeout = absl::Seconds(90)) {
  const absl::Time deadline = absl::Now() + timeout;
  sv1::RatingRun current;
  for (;;) {
    current = GetRun(run).value;
    const sv1::RunState s = current.state();
    if (s == state || s == sv1::RUN_STATE_SUCCEEDED || s == sv1::RUN_STATE_FAILED ||
        s == sv1::RUN_STATE_CANCELLED || absl::Now() > deadline) {
      break;
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_EQ(sv1::RunState_Name(current.state()), sv1::RunState_Name(state))
      << run << ": " << current.error();
  return current;
}

// Starts a run of the policy's latest version and waits for it to succeed.
inline std::string RunToSuccess(const std::string& policy) {
  const Reply<sv1::RatingRun> started = StartRun(policy);
  EXPECT_OK(started.status);
  const sv1::RatingRun& run = started.value;
  AwaitRun(run.name(), sv1::RUN_STATE_SUCCEEDED);
  return run.name();
}

}  // namespace kam::testing
