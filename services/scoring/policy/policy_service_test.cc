// PolicyService against FakePolicyStore: idempotent creates, etags on
// update, versions frozen once used, and a database that is down.
#include "services/scoring/policy/policy_service.h"

#include <string>

#include "gtest/gtest.h"
#include "services/scoring/handler_testing.h"
#include "services/scoring/policy/fake_policy_store.h"

namespace kam::scoring::policy {
namespace {

class PolicyServiceTest : public ::testing::Test {
 protected:
  v1::CreateScoringPolicyRequest Create(const std::string& request_id,
                                        const std::string& display_name) {
    v1::CreateScoringPolicyRequest request;
    request.set_request_id(request_id);
    request.mutable_policy()->set_display_name(display_name);
    return request;
  }

  absl::StatusOr<v1::ScoringPolicy> Call(const v1::CreateScoringPolicyRequest& request) {
    return Answer(service_, &PolicyService::CreateScoringPolicy, request);
  }

  absl::StatusOr<v1::ScoringPolicy> Rename(const std::string& etag, const std::string& name) {
    v1::UpdateScoringPolicyRequest request;
    request.mutable_policy()->set_name("policies/1");
    request.mutable_policy()->set_etag(etag);
    request.mutable_policy()->set_display_name(name);
    request.mutable_update_mask()->add_paths("display_name");
    return Answer(service_, &PolicyService::UpdateScoringPolicy, request);
  }

  size_t StoredPolicies() const { return store_.Snapshot().policies.size(); }

  FakePolicyStore store_;
  PolicyService service_{&store_};
};

TEST_F(PolicyServiceTest, CreateThenRetryThenReuseTheRequestId) {
  absl::StatusOr<v1::ScoringPolicy> first = Call(Create("req-1", "Yearly"));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->name(), "policies/1");
  EXPECT_EQ(first->version(), 1);
  EXPECT_FALSE(first->used());
  EXPECT_FALSE(first->etag().empty());

  // The same request again: the first result, nothing written twice.
  absl::StatusOr<v1::ScoringPolicy> retry = Call(Create("req-1", "Yearly"));
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->SerializeAsString(), first->SerializeAsString());
  EXPECT_EQ(StoredPolicies(), 1u);

  // The same request id for another policy.
  absl::StatusOr<v1::ScoringPolicy> reused = Call(Create("req-1", "Quarterly"));
  EXPECT_EQ(reused.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(reused.status().message(),
            "request_id \"req-1\" was already used by a different CreateScoringPolicy request");
  EXPECT_EQ(StoredPolicies(), 1u);

  // Without a request id every call creates.
  ASSERT_TRUE(Call(Create("", "Yearly")).ok());
  ASSERT_TRUE(Call(Create("", "Yearly")).ok());
  EXPECT_EQ(StoredPolicies(), 3u);
}

TEST_F(PolicyServiceTest, AStaleEtagChangesNothing) {
  absl::StatusOr<v1::ScoringPolicy> created = Call(Create("req-1", "Yearly"));
  ASSERT_TRUE(created.ok());
  absl::StatusOr<v1::ScoringPolicy> renamed = Rename(created->etag(), "Yearly (2026)");
  ASSERT_TRUE(renamed.ok()) << renamed.status();
  EXPECT_EQ(renamed->display_name(), "Yearly (2026)");
  EXPECT_EQ(renamed->version(), 1);  // unused: changed in place
  EXPECT_NE(renamed->etag(), created->etag());

  const FakePolicyStore::Data before = store_.Snapshot();
  absl::StatusOr<v1::ScoringPolicy> stale = Rename(created->etag(), "Something else");
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(stale.status().message(),
            "etag does not match the current version of policies/1; read it again and retry");
  const FakePolicyStore::Data now = store_.Snapshot();
  const StoredPolicy& after = now.policies.at(1).versions.at(0);
  EXPECT_EQ(after.policy.SerializeAsString(),
            before.policies.at(1).versions.at(0).policy.SerializeAsString());
  EXPECT_EQ(after.revision, 2);
}

TEST_F(PolicyServiceTest, AnUpdateOfAUsedVersionMakesTheNextVersion) {
  absl::StatusOr<v1::ScoringPolicy> created = Call(Create("req-1", "Yearly"));
  ASSERT_TRUE(created.ok());
  ASSERT_TRUE(store_.MarkVersionUsed(1, 1).ok());
  absl::StatusOr<v1::ScoringPolicy> renamed = Rename("", "Yearly (2026)");
  ASSERT_TRUE(renamed.ok()) << renamed.status();
  EXPECT_EQ(renamed->version(), 2);
  EXPECT_FALSE(renamed->used());
  absl::StatusOr<StoredPolicy> first = store_.GetPolicy(1, 1);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->policy.display_name(), "Yearly");  // a used version never changes
}

TEST_F(PolicyServiceTest, ADatabaseThatIsDownIsUnavailableAndWritesNothing) {
  store_.SetDown(true);
  absl::StatusOr<v1::ScoringPolicy> created = Call(Create("req-1", "Yearly"));
  EXPECT_EQ(created.status().code(), absl::StatusCode::kUnavailable);
  store_.SetDown(false);
  EXPECT_EQ(StoredPolicies(), 0u);
  // Back up: the retry creates it.
  EXPECT_TRUE(Call(Create("req-1", "Yearly")).ok());
}

TEST_F(PolicyServiceTest, AnInvalidPolicyIsRefusedBeforeAnythingIsWritten) {
  v1::CreateScoringPolicyRequest request = Create("req-1", "Yearly");
  request.mutable_policy()->set_period_days(-1);
  EXPECT_EQ(Call(request).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Call(Create("bad id with spaces", "Yearly")).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(StoredPolicies(), 0u);
}

}  // namespace
}  // namespace kam::scoring::policy
