#include "services/interaction/opportunity/opportunity_fields.h"

#include <string>

#include "absl/strings/match.h"
#include "common/api/field_mask.h"
#include "gtest/gtest.h"
#include "services/interaction/shared/mask_testing.h"

namespace kam::interaction::opportunity {
namespace {

v1::Opportunity Valid() {
  v1::Opportunity o;
  o.set_title("Core network upgrade");
  o.set_owner("u42");
  o.mutable_amount()->set_currency_code("CNY");
  o.mutable_amount()->set_minor_units(120'000'00);
  o.mutable_expected_close_time()->set_seconds(1'800'000'000);
  return o;
}

// INVALID_ARGUMENT whose message starts with `field` and a space.
::testing::AssertionResult RefusedNaming(const absl::Status& status, const std::string& field) {
  if (status.code() != absl::StatusCode::kInvalidArgument) {
    return ::testing::AssertionFailure() << "expected INVALID_ARGUMENT, got " << status;
  }
  if (!absl::StartsWith(status.message(), field + " ")) {
    return ::testing::AssertionFailure()
           << "message does not start with " << field << ": " << status;
  }
  return ::testing::AssertionSuccess();
}

TEST(OpportunityFieldsTest, Names) {
  EXPECT_EQ(*ParseOpportunityName("name", "opportunities/12"), 12);
  EXPECT_EQ(OpportunityName(12), "opportunities/12");
  EXPECT_TRUE(RefusedNaming(ParseOpportunityName("name", "accounts/12").status(), "name"));
  EXPECT_TRUE(RefusedNaming(ParseOpportunityName("name", "").status(), "name"));
}

TEST(OpportunityFieldsTest, ValidOpportunity) {
  EXPECT_TRUE(ValidateOpportunityFields(Valid()).ok());
  v1::Opportunity no_amount = Valid();
  no_amount.clear_amount();
  no_amount.clear_owner();
  no_amount.clear_expected_close_time();
  EXPECT_TRUE(ValidateOpportunityFields(no_amount).ok());
}

TEST(OpportunityFieldsTest, Refusals) {
  v1::Opportunity o = Valid();
  o.set_title("");
  EXPECT_TRUE(RefusedNaming(ValidateOpportunityFields(o), "opportunity.title"));
  o = Valid();
  o.set_title(std::string(201, 't'));
  EXPECT_TRUE(RefusedNaming(ValidateOpportunityFields(o), "opportunity.title"));
  o = Valid();
  o.set_owner("two words");
  EXPECT_TRUE(RefusedNaming(ValidateOpportunityFields(o), "opportunity.owner"));
  o = Valid();
  o.mutable_amount()->set_currency_code("cny");
  EXPECT_TRUE(RefusedNaming(ValidateOpportunityFields(o), "opportunity.amount.currency_code"));
  o = Valid();
  o.mutable_amount()->set_minor_units(-1);
  EXPECT_TRUE(RefusedNaming(ValidateOpportunityFields(o), "opportunity.amount.minor_units"));
  o.mutable_amount()->set_minor_units(kMaxOpportunityAmountMinor + 1);
  EXPECT_TRUE(RefusedNaming(ValidateOpportunityFields(o), "opportunity.amount.minor_units"));
  o.mutable_amount()->set_minor_units(kMaxOpportunityAmountMinor);
  EXPECT_TRUE(ValidateOpportunityFields(o).ok());
  o = Valid();
  o.mutable_expected_close_time()->set_nanos(-1);
  EXPECT_TRUE(RefusedNaming(ValidateOpportunityFields(o), "opportunity.expected_close_time"));
  o = Valid();
  o.set_class_override(static_cast<v1::OpportunityClass>(5));
  EXPECT_TRUE(RefusedNaming(ValidateOpportunityFields(o), "opportunity.class_override"));
  o = Valid();
  o.mutable_judgements()->mutable_need()->set_assessment(
      static_cast<v1::QualificationAssessment>(-1));
  EXPECT_TRUE(
      RefusedNaming(ValidateOpportunityFields(o), "opportunity.judgements.need.assessment"));
  o = Valid();
  o.mutable_milestones()->mutable_bidding()->set_note(std::string(1001, 'n'));
  EXPECT_TRUE(RefusedNaming(ValidateOpportunityFields(o), "opportunity.milestones.bidding.note"));
  EXPECT_TRUE(RefusedNaming(CheckOwnerPresent("", ": why"), "opportunity.owner"));
  EXPECT_TRUE(CheckOwnerPresent("u1", ": why").ok());
}

TEST(OpportunityFieldsTest, AmountMustBeInTheAccountsCreditCurrency) {
  kam::account::v1::Account account;
  account.set_name("accounts/9");
  kam::type::v1::Money amount;
  amount.set_currency_code("CNY");
  amount.set_minor_units(5);
  absl::Status s = CheckAmountCurrency(amount, account);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(s.message(), "accounts/9 has no credit currency")) << s;
  account.mutable_credit()->mutable_credit_limit()->set_currency_code("EUR");
  s = CheckAmountCurrency(amount, account);
  EXPECT_TRUE(RefusedNaming(s, "opportunity.amount.currency_code"));
  EXPECT_TRUE(absl::StrContains(s.message(), "must be EUR")) << s;
  amount.set_currency_code("EUR");
  EXPECT_TRUE(CheckAmountCurrency(amount, account).ok());
}

TEST(OpportunityFieldsTest, MaskRules) {
  using Opportunity = v1::Opportunity;
  EXPECT_TRUE(
      ResolvePaths<Opportunity>(OpportunityMaskRules(),
                                {"title", "judgements.budget", "milestones.proposal.achieved",
                                 "milestones.bidding.note", "class_override", "amount"})
          .ok());
  for (const char* path : {"stage", "state", "lost_to", "close_time"}) {
    absl::StatusOr<std::vector<std::string>> r =
        ResolvePaths<Opportunity>(OpportunityMaskRules(), {path});
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << path;
    EXPECT_TRUE(absl::StrContains(r.status().message(), "Opportunity")) << r.status();
  }
  for (const char* path : {"name", "account", "etag", "opportunity_class", "derived_class",
                           "milestones.proposal.achieve_time", "milestones.proposal.description"}) {
    absl::StatusOr<std::vector<std::string>> r =
        ResolvePaths<Opportunity>(OpportunityMaskRules(), {path});
    EXPECT_TRUE(absl::StrContains(r.status().message(), "output-only")) << path << r.status();
  }
  // "*" is every top-level updatable field.
  absl::StatusOr<std::vector<std::string>> r =
      ResolvePaths<Opportunity>(OpportunityMaskRules(), {"*"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, (std::vector<std::string>{"title", "owner", "amount", "expected_close_time",
                                          "class_override", "judgements", "milestones",
                                          "renews_agreement"}));
}

TEST(OpportunityFieldsTest, NestedMaskPathsApplyToOneStageOnly) {
  v1::Opportunity target = Valid();
  target.mutable_milestones()->mutable_bidding()->set_note("keep");
  target.mutable_judgements()->mutable_need()->set_assessment(v1::QUALIFICATION_ASSESSMENT_WEAK);
  v1::Opportunity patch;
  patch.mutable_milestones()->mutable_proposal()->set_achieved(true);
  patch.mutable_judgements()->mutable_budget()->set_assessment(v1::QUALIFICATION_ASSESSMENT_STRONG);
  common::ApplyUpdateMask({"milestones.proposal.achieved", "judgements.budget"}, patch, &target);
  EXPECT_TRUE(target.milestones().proposal().achieved());
  EXPECT_EQ(target.milestones().bidding().note(), "keep");
  EXPECT_EQ(target.judgements().budget().assessment(), v1::QUALIFICATION_ASSESSMENT_STRONG);
  EXPECT_EQ(target.judgements().need().assessment(), v1::QUALIFICATION_ASSESSMENT_WEAK);
}

TEST(OpportunityFieldsTest, ShapeHasAllSixOfEach) {
  v1::Opportunity o;
  FillOpportunityShape(&o);
  EXPECT_TRUE(o.judgements().has_need());
  EXPECT_TRUE(o.judgements().has_evaluation_priorities());
  EXPECT_TRUE(o.milestones().has_customer_development());
  EXPECT_TRUE(o.milestones().has_implementation());
}

}  // namespace
}  // namespace kam::interaction::opportunity
