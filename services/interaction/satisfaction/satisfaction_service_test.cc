// Unit tests of the satisfaction handlers on fakes (no database, no
// network): the idempotent create, the case check, and the account service
// or the database being down.
#include "services/interaction/satisfaction/satisfaction_service.h"

#include <string>

#include "gtest/gtest.h"
#include "services/interaction/cases/fake_case_store.h"
#include "services/interaction/satisfaction/fake_satisfaction_store.h"
#include "services/interaction/shared/fake_account_client.h"

namespace kam::interaction::satisfaction {
namespace {

class SatisfactionServiceTest : public ::testing::Test {
 protected:
  SatisfactionServiceTest() {
    accounts_.PutAccount(7);
    accounts_.PutAccount(8);
    cases::StoredCase followed;
    followed.id = 5;
    followed.account_id = 7;
    case_store_.PutCase(followed);
  }

  static v1::CreateSurveyResponseRequest CreateRequest(const std::string& request_id,
                                                       int score = 4) {
    v1::CreateSurveyResponseRequest request;
    request.set_request_id(request_id);
    v1::SurveyResponse* s = request.mutable_survey_response();
    s->set_account("accounts/7");
    s->set_case_("cases/5");
    s->set_kind(v1::SURVEY_KIND_CSAT);
    s->set_score(score);
    return request;
  }

  absl::Status Create(const v1::CreateSurveyResponseRequest& request, v1::SurveyResponse* out) {
    return service_.CreateSurveyResponse(ctx_, request, out);
  }

  FakeSatisfactionStore store_;
  cases::FakeCaseStore case_store_;
  CaseStoreLookup cases_{&case_store_};
  FakeAccountClient accounts_;
  SatisfactionService service_{&store_, &accounts_, &cases_};
  common::CallContext ctx_;
};

TEST_F(SatisfactionServiceTest, CreateRecordsTheResponse) {
  v1::SurveyResponse created;
  ASSERT_TRUE(Create(CreateRequest("req-1"), &created).ok());
  EXPECT_EQ(created.account(), "accounts/7");
  EXPECT_EQ(created.case_(), "cases/5");
  EXPECT_EQ(created.score(), 4);
  EXPECT_EQ(store_.survey_count(), 1);
  v1::GetSurveyResponseRequest get;
  get.set_name(created.name());
  v1::SurveyResponse read;
  ASSERT_TRUE(service_.GetSurveyResponse(ctx_, get, &read).ok());
  EXPECT_EQ(read.DebugString(), created.DebugString());
}

TEST_F(SatisfactionServiceTest, RetryWithTheSameRequestIdAnswersTheFirstResultAndWritesNothing) {
  v1::SurveyResponse first;
  ASSERT_TRUE(Create(CreateRequest("req-1"), &first).ok());
  const int calls = accounts_.calls();
  v1::SurveyResponse again;
  ASSERT_TRUE(Create(CreateRequest("req-1"), &again).ok());
  EXPECT_EQ(again.name(), first.name());
  EXPECT_EQ(again.DebugString(), first.DebugString());
  EXPECT_EQ(store_.survey_count(), 1);
  EXPECT_EQ(accounts_.calls(), calls);
}

TEST_F(SatisfactionServiceTest, SameRequestIdWithAnotherBodyIsAlreadyExists) {
  v1::SurveyResponse first;
  ASSERT_TRUE(Create(CreateRequest("req-1"), &first).ok());
  v1::SurveyResponse other;
  const absl::Status status = Create(CreateRequest("req-1", /*score=*/2), &other);
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(status.message(),
            "request_id \"req-1\" was already used by a different CreateSurveyResponse request");
  EXPECT_EQ(store_.survey_count(), 1);
}

TEST_F(SatisfactionServiceTest, TheCaseMustBelongToTheAccount) {
  v1::CreateSurveyResponseRequest request = CreateRequest("req-1");
  request.mutable_survey_response()->set_account("accounts/8");
  v1::SurveyResponse created;
  const absl::Status status = Create(request, &created);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "survey_response.case cases/5 belongs to accounts/7, not to accounts/8");
  request.mutable_survey_response()->set_case_("cases/6");
  EXPECT_EQ(Create(request, &created).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_.survey_count(), 0);
}

TEST_F(SatisfactionServiceTest, CreateWritesNothingWhileTheAccountServiceIsDown) {
  accounts_.SetDown(true);
  v1::SurveyResponse created;
  EXPECT_EQ(Create(CreateRequest("req-1"), &created).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(store_.survey_count(), 0);
}

TEST_F(SatisfactionServiceTest, CreateWritesNothingWhileTheDatabaseIsDown) {
  store_.SetDown(true);
  v1::SurveyResponse created;
  EXPECT_EQ(Create(CreateRequest("req-1"), &created).code(), absl::StatusCode::kUnavailable);
  store_.SetDown(false);
  EXPECT_EQ(store_.survey_count(), 0);
}

TEST_F(SatisfactionServiceTest, SummaryCoversOneCase) {
  v1::SurveyResponse created;
  ASSERT_TRUE(Create(CreateRequest("req-1", 5), &created).ok());
  ASSERT_TRUE(Create(CreateRequest("req-2", 2), &created).ok());
  v1::GetSatisfactionSummaryRequest request;
  request.set_case_("cases/5");
  v1::SatisfactionSummary summary;
  ASSERT_TRUE(service_.GetSatisfactionSummary(ctx_, request, &summary).ok());
  EXPECT_EQ(summary.scope(), "cases/5");
  EXPECT_EQ(summary.csat_count(), 2);
  EXPECT_EQ(summary.csat_average_hundredths(), 350);
  request.set_case_("cases/6");
  EXPECT_EQ(service_.GetSatisfactionSummary(ctx_, request, &summary).code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace kam::interaction::satisfaction
