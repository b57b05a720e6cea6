// The scoring policy API on a real suite: create, get and list policies;
// updates in place until a rating run uses a version, then a new version
// with the used one kept as it was (policy.proto); validation errors that
// name the API field; request_id idempotency.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "tests/scoring/rating_test_helpers.h"

namespace kam::testing {
namespace {

using google::protobuf::util::MessageDifferencer;

Reply<sv1::ScoringPolicy> GetPolicy(const std::string& name) {
  return Call(Policies(), &PolicyStub::GetScoringPolicy,
              ByName<sv1::GetScoringPolicyRequest>(name));
}

Reply<sv1::ScoringPolicy> UpdatePolicy(const sv1::ScoringPolicy& policy,
                                       const std::vector<std::string>& paths) {
  return Call(Policies(), &PolicyStub::UpdateScoringPolicy,
              UpdateRequest<sv1::UpdateScoringPolicyRequest>(policy, paths));
}

std::vector<sv1::ScoringPolicy> Versions(const std::string& name, int page_size = 0) {
  sv1::ListScoringPolicyVersionsRequest request =
      ByName<sv1::ListScoringPolicyVersionsRequest>(name);
  request.set_page_size(page_size);
  return AllPages<sv1::ScoringPolicy>(Policies(), &PolicyStub::ListScoringPolicyVersions, request,
                                      /*max_pages=*/20);
}

TEST(Policies, CreateAndGet) {
  sv1::ScoringPolicy policy = RevenuePolicy();
  policy.set_period_days(180);
  *policy.mutable_tiering()->mutable_default_rule() = PyramidRule(200, 1000, 3000);
  policy.add_key_tiers(account::v1::TIER_A);
  Reply<sv1::ScoringPolicy> created = CreatePolicy(policy);
  ASSERT_OK(created.status);
  const sv1::ScoringPolicy& p = created.value;
  EXPECT_TRUE(absl::StartsWith(p.name(), "policies/")) << p.name();
  EXPECT_EQ(p.version(), 1);
  EXPECT_EQ(p.display_name(), policy.display_name());
  EXPECT_EQ(p.period_days(), 180);
  EXPECT_EQ(p.value_measure(), sv1::VALUE_MEASURE_REVENUE);
  EXPECT_EQ(p.tiering().default_rule().pyramid().b_cumulative_bp(), 1000);
  ASSERT_EQ(p.key_tiers_size(), 1);
  EXPECT_FALSE(p.used());
  EXPECT_FALSE(p.etag().empty());
  EXPECT_TRUE(p.has_create_time());

  // The latest version and version 1 by name are the same.
  Reply<sv1::ScoringPolicy> latest = GetPolicy(p.name());
  ASSERT_OK(latest.status);
  EXPECT_TRUE(MessageDifferencer::Equals(latest.value, p)) << latest.value.ShortDebugString();
  Reply<sv1::ScoringPolicy> v1 = GetPolicy(absl::StrCat(p.name(), "/versions/1"));
  ASSERT_OK(v1.status);
  EXPECT_TRUE(MessageDifferencer::Equals(v1.value, p));

  EXPECT_TRUE(HasCode(GetPolicy(absl::StrCat(p.name(), "/versions/2")).status,
                      grpc::StatusCode::NOT_FOUND));
  EXPECT_TRUE(HasCode(GetPolicy("policies/999999").status, grpc::StatusCode::NOT_FOUND));
  EXPECT_TRUE(IsInvalidField(GetPolicy("policy/1").status, "name"));
  EXPECT_TRUE(IsInvalidField(GetPolicy("").status, "name"));
}

TEST(Policies, ListInCreationOrderWithPages) {
  std::vector<std::string> mine;
  for (int i = 0; i < 3; ++i) mine.push_back(MustCreatePolicy(RevenuePolicy()).name());
  std::vector<std::string> listed;
  sv1::ListScoringPoliciesRequest request;
  request.set_page_size(2);
  const int pages = ForEachPage(Policies(), &PolicyStub::ListScoringPolicies, request,
                                [&](const sv1::ListScoringPoliciesResponse& page, int) {
                                  EXPECT_LE(page.policies_size(), 2);
                                  for (const sv1::ScoringPolicy& p : page.policies()) {
                                    listed.push_back(p.name());
                                  }
                                });
  EXPECT_GE(pages, 2);
  // Mine appear once each, in creation order.
  std::vector<std::string> seen;
  for (const std::string& name : listed) {
    if (std::find(mine.begin(), mine.end(), name) != mine.end()) seen.push_back(name);
  }
  EXPECT_EQ(seen, mine);

  request.set_page_token("not a token");
  EXPECT_TRUE(IsInvalidField(Call(Policies(), &PolicyStub::ListScoringPolicies, request).status,
                             "page_token"));
  request.clear_page_token();
  request.set_page_size(-1);  // above 1000 is clamped (account.proto's convention)
  EXPECT_TRUE(IsInvalidField(Call(Policies(), &PolicyStub::ListScoringPolicies, request).status,
                             "page_size"));
}

TEST(Policies, AnUnusedVersionChangesInPlace) {
  const sv1::ScoringPolicy created = MustCreatePolicy(RevenuePolicy());
  sv1::ScoringPolicy patch = Patch<sv1::ScoringPolicy>(created.name());
  patch.set_display_name("renamed");
  patch.set_period_days(30);  // not in the mask: unchanged
  Reply<sv1::ScoringPolicy> updated = UpdatePolicy(patch, {"display_name"});
  ASSERT_OK(updated.status);
  EXPECT_EQ(updated.value.version(), 1);
  EXPECT_EQ(updated.value.display_name(), "renamed");
  EXPECT_EQ(updated.value.period_days(), 0);
  EXPECT_NE(updated.value.etag(), created.etag());
  EXPECT_EQ(Versions(created.name()).size(), 1u);

  // A stale etag is refused; the current one is accepted.
  patch.set_etag(created.etag());
  EXPECT_TRUE(HasCode(UpdatePolicy(patch, {"display_name"}).status, grpc::StatusCode::ABORTED));
  patch.set_etag(updated.value.etag());
  patch.set_display_name("renamed again");
  ASSERT_OK(UpdatePolicy(patch, {"display_name"}).status);

  // Output-only fields and unknown paths cannot be updated.
  patch.clear_etag();
  EXPECT_TRUE(HasCode(UpdatePolicy(patch, {"version"}).status,
                      grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_TRUE(HasCode(UpdatePolicy(patch, {"no_such_field"}).status,
                      grpc::StatusCode::INVALID_ARGUMENT));
  patch.set_name("policies/999999");
  EXPECT_TRUE(HasCode(UpdatePolicy(patch, {"display_name"}).status, grpc::StatusCode::NOT_FOUND));
}

TEST(Policies, AVersionUsedByARunNeverChanges) {
  const sv1::ScoringPolicy created = MustCreatePolicy(RevenuePolicy());
  Reply<sv1::RatingRun> run = StartRun(created.name());
  ASSERT_OK(run.status);
  EXPECT_EQ(run.value.policy(), created.name());
  EXPECT_EQ(run.value.policy_version(), 1);
  // Used from the moment the run is accepted, not only once it is picked up.
  Reply<sv1::ScoringPolicy> used = GetPolicy(created.name());
  ASSERT_OK(used.status);
  EXPECT_TRUE(used.value.used());

  // The update becomes version 2; version 1 stays as the run used it.
  sv1::ScoringPolicy patch = Patch<sv1::ScoringPolicy>(created.name());
  *patch.mutable_tiering()->mutable_default_rule() = ThresholdRule(300, 200, 100);
  Reply<sv1::ScoringPolicy> v2 = UpdatePolicy(patch, {"tiering"});
  ASSERT_OK(v2.status);
  EXPECT_EQ(v2.value.version(), 2);
  EXPECT_FALSE(v2.value.used());
  EXPECT_TRUE(v2.value.tiering().default_rule().has_thresholds());
  Reply<sv1::ScoringPolicy> v1 = GetPolicy(absl::StrCat(created.name(), "/versions/1"));
  ASSERT_OK(v1.status);
  EXPECT_TRUE(v1.value.used());
  EXPECT_FALSE(v1.value.tiering().has_default_rule());
  EXPECT_EQ(v1.value.display_name(), created.display_name());

  // Version 2 changes in place until it is used in turn.
  patch.set_display_name("v2 renamed");
  Reply<sv1::ScoringPolicy> still2 = UpdatePolicy(patch, {"display_name"});
  ASSERT_OK(still2.status);
  EXPECT_EQ(still2.value.version(), 2);

  // A run of a named old version uses that version.
  Reply<sv1::RatingRun> old = StartRun(absl::StrCat(created.name(), "/versions/1"));
  ASSERT_OK(old.status);
  EXPECT_EQ(old.value.policy_version(), 1);

  const std::vector<sv1::ScoringPolicy> versions = Versions(created.name(), 1);
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0].version(), 2);  // newest first
  EXPECT_EQ(versions[1].version(), 1);
  // Both runs end (on an empty book: this binary creates no accounts).
  EXPECT_EQ(WaitForRun(run.value.name()).state(), sv1::RUN_STATE_SUCCEEDED);
  EXPECT_EQ(WaitForRun(old.value.name()).state(), sv1::RUN_STATE_SUCCEEDED);
}

// A retried StartRatingRun returns the first run and touches no policy
// version: after an update made version 2, the retry must not mark it used.
TEST(Policies, ARetriedStartLeavesNewerVersionsUnused) {
  const sv1::ScoringPolicy created = MustCreatePolicy(RevenuePolicy());
  const std::string request_id = Unique("start");
  Reply<sv1::RatingRun> run = StartRun(created.name(), request_id);
  ASSERT_OK(run.status);
  sv1::ScoringPolicy patch = Patch<sv1::ScoringPolicy>(created.name());
  patch.set_period_days(30);
  Reply<sv1::ScoringPolicy> v2 = UpdatePolicy(patch, {"period_days"});
  ASSERT_OK(v2.status);
  ASSERT_EQ(v2.value.version(), 2);

  Reply<sv1::RatingRun> retry = StartRun(created.name(), request_id);
  ASSERT_OK(retry.status);
  EXPECT_EQ(retry.value.name(), run.value.name());
  EXPECT_EQ(retry.value.policy_version(), 1);
  Reply<sv1::ScoringPolicy> latest = GetPolicy(created.name());
  ASSERT_OK(latest.status);
  EXPECT_EQ(latest.value.version(), 2);
  EXPECT_FALSE(latest.value.used());
  EXPECT_EQ(WaitForRun(run.value.name()).state(), sv1::RUN_STATE_SUCCEEDED);
}

TEST(Policies, ValidationErrorsNameTheApiField) {
  sv1::ScoringPolicy policy = RevenuePolicy();
  *policy.mutable_tiering()->mutable_default_rule() = PyramidRule(500, 400, 2000);
  Reply<sv1::ScoringPolicy> reply = CreatePolicy(policy);
  EXPECT_TRUE(IsInvalidField(reply.status, "policy.tiering.default_rule.pyramid.b_cumulative_bp"));
  EXPECT_EQ(reply.status.error_message(),
            "policy.tiering.default_rule.pyramid.b_cumulative_bp must be at least "
            "a_cumulative_bp (400 < 500)");

  policy = RevenuePolicy();
  policy.mutable_tiering()->set_segment_by(sv1::SEGMENT_BY_INDUSTRY);
  (*policy.mutable_tiering()->mutable_segment_rules())["energy"] = ThresholdRule(1, 5, 0);
  EXPECT_TRUE(IsInvalidField(CreatePolicy(policy).status,
                             "policy.tiering.segment_rules[\"energy\"].thresholds.b_min"));

  policy = RevenuePolicy();
  sv1::RuleSetting& drop = (*policy.mutable_risk()->mutable_risk_rules())["REVENUE_DROP"];
  drop.set_weight(20);
  drop.set_start(3000);
  drop.set_full(1000);
  EXPECT_TRUE(
      IsInvalidField(CreatePolicy(policy).status, "policy.risk.risk_rules[\"REVENUE_DROP\"].full"));

  policy = RevenuePolicy();
  policy.add_key_tiers(account::v1::TIER_B);
  policy.add_key_tiers(account::v1::TIER_B);
  EXPECT_TRUE(IsInvalidField(CreatePolicy(policy).status, "policy.key_tiers[1]"));

  policy = RevenuePolicy();
  policy.mutable_alerts()->set_churn_risk_threshold(150);
  EXPECT_TRUE(IsInvalidField(CreatePolicy(policy).status, "policy.alerts.churn_risk_threshold"));

  policy = RevenuePolicy();
  policy.clear_display_name();
  EXPECT_TRUE(IsInvalidField(CreatePolicy(policy).status, "policy.display_name"));
  sv1::CreateScoringPolicyRequest empty;
  EXPECT_TRUE(
      IsInvalidField(Call(Policies(), &PolicyStub::CreateScoringPolicy, empty).status, "policy"));

  // An update that would make the policy invalid changes nothing.
  const sv1::ScoringPolicy created = MustCreatePolicy(RevenuePolicy());
  sv1::ScoringPolicy patch = Patch<sv1::ScoringPolicy>(created.name());
  patch.set_period_days(5000);
  EXPECT_TRUE(IsInvalidField(UpdatePolicy(patch, {"period_days"}).status, "policy.period_days"));
  Reply<sv1::ScoringPolicy> unchanged = GetPolicy(created.name());
  ASSERT_OK(unchanged.status);
  EXPECT_EQ(unchanged.value.etag(), created.etag());
  EXPECT_TRUE(IsInvalidField(StartRun("policies/x").status, "policy"));
  EXPECT_TRUE(HasCode(StartRun("policies/999999").status, grpc::StatusCode::NOT_FOUND));
}

TEST(Policies, CreateIsIdempotentByRequestId) {
  const std::string request_id = Unique("create");
  const sv1::ScoringPolicy policy = RevenuePolicy();
  Reply<sv1::ScoringPolicy> first = CreatePolicy(policy, request_id);
  ASSERT_OK(first.status);
  Reply<sv1::ScoringPolicy> again = CreatePolicy(policy, request_id);
  ASSERT_OK(again.status);
  EXPECT_EQ(again.value.name(), first.value.name());
  EXPECT_EQ(again.value.version(), 1);

  // The first result stays the answer after the policy changed.
  sv1::ScoringPolicy patch = Patch<sv1::ScoringPolicy>(first.value.name());
  patch.set_display_name("changed since");
  ASSERT_OK(UpdatePolicy(patch, {"display_name"}).status);
  Reply<sv1::ScoringPolicy> later = CreatePolicy(policy, request_id);
  ASSERT_OK(later.status);
  EXPECT_EQ(later.value.name(), first.value.name());

  // The same request_id with a different policy is refused.
  sv1::ScoringPolicy other = policy;
  other.set_period_days(30);
  Reply<sv1::ScoringPolicy> clash = CreatePolicy(other, request_id);
  EXPECT_TRUE(HasCode(clash.status, grpc::StatusCode::ALREADY_EXISTS));
  EXPECT_TRUE(absl::StrContains(clash.status.error_message(), request_id))
      << clash.status.error_message();

  // One policy was made.
  int count = 0;
  sv1::ListScoringPoliciesRequest request;
  request.set_page_size(1000);
  Reply<sv1::ListScoringPoliciesResponse> list =
      Call(Policies(), &PolicyStub::ListScoringPolicies, request);
  ASSERT_OK(list.status);
  for (const sv1::ScoringPolicy& p : list.value.policies()) {
    if (p.display_name() == policy.display_name() || p.name() == first.value.name()) ++count;
  }
  EXPECT_EQ(count, 1);
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) {
  return kam::testing::RunTestsOnSuite(argc, argv, kam::testing::ScoringSuiteOptions());
}
