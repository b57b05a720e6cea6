// DesignationService against FakeDesignationStore: an idempotent create
// records who decided, one designation of a kind at a time, the account
// check's answer reaches the caller and writes nothing, the actor is
// required, and ending one early keeps it.
#include "services/scoring/designations/designation_service.h"

#include <string>

#include "absl/strings/match.h"
#include "common/base/proto_time.h"
#include "common/testing/fake_team_accounts.h"
#include "common/testing/handler_checks.h"
#include "gtest/gtest.h"
#include "services/scoring/designations/fake_designation_store.h"

namespace kam::scoring::designations {
namespace {

using common::testing::Answer;
using common::testing::Bind;

class DesignationServiceTest : public ::testing::Test {
 protected:
  v1::CreateDesignationRequest Create(const std::string& account, const std::string& request_id) {
    v1::CreateDesignationRequest request;
    v1::Designation* d = request.mutable_designation();
    d->set_account(account);
    d->set_kind(v1::DESIGNATION_KIND_STRATEGIC);
    d->set_reason("reference customer");
    *d->mutable_end_time() = common::ToProtoTimestamp(absl::Now() + absl::Hours(24 * 90));
    request.set_request_id(request_id);
    return request;
  }

  FakeDesignationStore store_;
  common::testing::FakeTeamAccounts teams_;
  // Account 404 does not exist, 410 is deleted.
  DesignationService service_{&store_,
                              [](int64_t account, const common::CallContext&) {
                                if (account == 404) return absl::NotFoundError("account accounts/404 not found");
                                if (account == 410) return absl::FailedPreconditionError("deleted");
                                return absl::OkStatus();
                              },
                              &teams_};
};

TEST_F(DesignationServiceTest, CreateIsIdempotentAndRecordsWhoDecided) {
  v1::CreateDesignationRequest other = Create("accounts/8", "r1");
  const v1::Designation first = common::testing::ExpectIdempotentCreate(
      Bind(&service_, &DesignationService::CreateDesignation, "alice"), Create("accounts/7", "r1"),
      other, [&] { return store_.size(); });
  EXPECT_EQ(first.decided_by(), "alice");
  EXPECT_TRUE(first.active());
  EXPECT_EQ(first.account(), "accounts/7");
}

TEST_F(DesignationServiceTest, OneOfAKindAtATime) {
  ASSERT_TRUE(Answer(service_, &DesignationService::CreateDesignation, Create("accounts/7", "")).ok());
  absl::StatusOr<v1::Designation> again =
      Answer(service_, &DesignationService::CreateDesignation, Create("accounts/7", ""));
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(absl::StrContains(again.status().message(), "designations/1")) << again.status();
  // Another kind is fine.
  v1::CreateDesignationRequest potential = Create("accounts/7", "");
  potential.mutable_designation()->set_kind(v1::DESIGNATION_KIND_POTENTIAL);
  EXPECT_TRUE(Answer(service_, &DesignationService::CreateDesignation, potential).ok());
  EXPECT_EQ(store_.size(), 2u);
}

TEST_F(DesignationServiceTest, RefusedCreatesWriteNothing) {
  EXPECT_EQ(Answer(service_, &DesignationService::CreateDesignation, Create("accounts/404", ""))
                .status()
                .code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Answer(service_, &DesignationService::CreateDesignation, Create("accounts/410", ""))
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
  absl::StatusOr<v1::Designation> anonymous = Answer(
      service_, &DesignationService::CreateDesignation, Create("accounts/7", ""), "anonymous");
  EXPECT_EQ(anonymous.status().code(), absl::StatusCode::kInvalidArgument);
  v1::CreateDesignationRequest no_account = Create("", "");
  absl::StatusOr<v1::Designation> bad =
      Answer(service_, &DesignationService::CreateDesignation, no_account);
  EXPECT_TRUE(absl::StartsWith(bad.status().message(), "designation.account")) << bad.status();
  EXPECT_EQ(store_.size(), 0u);
}

TEST_F(DesignationServiceTest, EndingEarlyKeepsItWithWhoAndWhy) {
  const v1::Designation made =
      *Answer(service_, &DesignationService::CreateDesignation, Create("accounts/7", ""));
  v1::EndDesignationRequest end;
  end.set_name(made.name());
  end.set_reason("contract cancelled");
  absl::StatusOr<v1::Designation> ended =
      Answer(service_, &DesignationService::EndDesignation, end, "bob");
  ASSERT_TRUE(ended.ok()) << ended.status();
  EXPECT_FALSE(ended->active());
  EXPECT_EQ(ended->ended_by(), "bob");
  EXPECT_EQ(ended->end_reason(), "contract cancelled");
  EXPECT_EQ(Answer(service_, &DesignationService::EndDesignation, end).status().code(),
            absl::StatusCode::kFailedPrecondition);
  end.set_reason("");
  EXPECT_TRUE(absl::StartsWith(
      Answer(service_, &DesignationService::EndDesignation, end).status().message(), "reason"));
  v1::GetDesignationRequest get;
  get.set_name(made.name());
  EXPECT_EQ(Answer(service_, &DesignationService::GetDesignation, get)->ended_by(), "bob");
}

}  // namespace
}  // namespace kam::scoring::designations
