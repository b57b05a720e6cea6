// PolicyService against FakePolicyStore: idempotent creates, etags on
// update, versions frozen once used, and a database that is down.
#include "services/scoring/policy/policy_service.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/testing/handler_checks.h"
#include "gtest/gtest.h"
#include "services/scoring/policy/fake_policy_store.h"

namespace kam::scoring::policy {
namespace {

using common::testing::Answer;
using common::testing::Bind;
using common::testing::ExpectIdempotentCreate;
using common::testing::ExpectRefused;

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
    return Answer(create_, request);
  }

  static v1::UpdateScoringPolicyRequest RenameRequest(const std::string& etag,
                                                      const std::string& name) {
    v1::UpdateScoringPolicyRequest request;
    request.mutable_policy()->set_name("policies/1");
    request.mutable_policy()->set_etag(etag);
    request.mutable_policy()->set_display_name(name);
    request.mutable_update_mask()->add_paths("display_name");
    return request;
  }

  absl::StatusOr<v1::ScoringPolicy> Rename(const std::string& etag, const std::string& name) {
    return Answer(update_, RenameRequest(etag, name));
  }

  size_t StoredPolicies() const { return store_.Snapshot().policies.size(); }

  // Every stored version with its revision: what a refused call must leave.
  std::string Stored() const {
    std::string stored;
    for (const auto& [id, policy] : store_.Snapshot().policies) {
      absl::StrAppend(&stored, id, ":", policy.latest, "\n");
      for (const StoredPolicy& version : policy.versions) {
        absl::StrAppend(&stored, version.revision, " ", version.policy.ShortDebugString(), "\n");
      }
    }
    return stored;
  }

  FakePolicyStore store_;
  PolicyService service_{&store_};
  const common::testing::Call<v1::CreateScoringPolicyRequest, v1::ScoringPolicy> create_ =
      Bind(&service_, &PolicyService::CreateScoringPolicy);
  const common::testing::Call<v1::UpdateScoringPolicyRequest, v1::ScoringPolicy> update_ =
      Bind(&service_, &PolicyService::UpdateScoringPolicy);
};

TEST_F(PolicyServiceTest, CreateThenRetryThenReuseTheRequestId) {
  const v1::ScoringPolicy first =
      ExpectIdempotentCreate(create_, Create("req-1", "Yearly"), Create("req-1", "Quarterly"),
                             [this] { return StoredPolicies(); });
  EXPECT_EQ(first.name(), "policies/1");
  EXPECT_EQ(first.version(), 1);
  EXPECT_FALSE(first.used());
  EXPECT_FALSE(first.etag().empty());

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

  ExpectRefused(update_, RenameRequest(created->etag(), "Something else"),
                absl::StatusCode::kAborted, [this] { return Stored(); });
  EXPECT_EQ(Rename(created->etag(), "Something else").status().message(),
            "etag does not match the current version of policies/1; read it again and retry");
  EXPECT_EQ(store_.Snapshot().policies.at(1).versions.at(0).revision, 2);
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
  ExpectRefused(create_, Create("req-1", "Yearly"), absl::StatusCode::kUnavailable,
                [this] { return Stored(); });
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
