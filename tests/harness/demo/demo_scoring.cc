// The scoring part of the demo: the default pyramid policy on profit (A 1%,
// B 4%, C 15%, D 80% of accounts) and one rating run, waited for until it
// SUCCEEDED so its tiers are published and the reports have a run to show.
#include "absl/strings/str_cat.h"
#include "tests/harness/demo/demo_book.h"

namespace kam::testing::demo {

void LoadScoring(DemoClient& client) {
  sv1::CreateScoringPolicyRequest create;
  create.set_request_id("demo-policy-default");
  sv1::ScoringPolicy* policy = create.mutable_policy();
  policy->set_display_name("Default pyramid on profit");
  policy->set_period_days(365);
  policy->set_value_measure(sv1::VALUE_MEASURE_PROFIT);
  policy->set_rank_by(sv1::RANK_BY_VALUE);
  sv1::PyramidShares* pyramid =
      policy->mutable_tiering()->mutable_default_rule()->mutable_pyramid();
  pyramid->set_a_cumulative_bp(100);
  pyramid->set_b_cumulative_bp(500);
  pyramid->set_c_cumulative_bp(2000);
  sv1::ScoringPolicy created;
  if (!client.Call(client.policies(), &sv1::ScoringPolicyService::Stub::CreateScoringPolicy, create,
                   &created, "create the scoring policy")) {
    return;
  }

  // Rated as of the time the run starts (as_of unset): a second load gets
  // the first run back, as the request is the same.
  sv1::StartRatingRunRequest start;
  start.set_request_id("demo-rating-run-1");
  start.set_policy(created.name());
  sv1::RatingRun run;
  if (!client.Call(client.ratings(), &sv1::RatingService::Stub::StartRatingRun, start, &run,
                   "start the rating run")) {
    return;
  }
  const absl::Time deadline = absl::Now() + absl::Minutes(2);
  while (run.state() != sv1::RUN_STATE_SUCCEEDED) {
    if (run.state() == sv1::RUN_STATE_FAILED || run.state() == sv1::RUN_STATE_CANCELLED) {
      client.Fail(absl::StrCat("rating run ", run.name(), " ended ",
                               sv1::RunState_Name(run.state()), ": ", run.error()));
      return;
    }
    if (absl::Now() > deadline) {
      client.Fail(absl::StrCat("rating run ", run.name(), " still ",
                               sv1::RunState_Name(run.state()), " after 2 minutes"));
      return;
    }
    absl::SleepFor(absl::Milliseconds(50));
    sv1::GetRatingRunRequest get;
    get.set_name(run.name());
    if (!client.Call(client.ratings(), &sv1::RatingService::Stub::GetRatingRun, get, &run,
                     "read the rating run")) {
      return;
    }
  }
}

}  // namespace kam::testing::demo
