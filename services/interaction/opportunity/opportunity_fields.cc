#include "services/interaction/opportunity/opportunity_fields.h"

#include "absl/strings/str_cat.h"
#include "common/api/resource_name.h"
#include "common/api/validation.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"
#include "services/interaction/opportunity/opportunity_qualification.h"
#include "services/interaction/opportunity/opportunity_stages.h"

namespace kam::interaction::opportunity {

absl::StatusOr<int64_t> ParseOpportunityName(absl::string_view field, absl::string_view name) {
  return common::ParseId(field, name, "opportunities");
}

std::string OpportunityName(int64_t id) { return absl::StrCat("opportunities/", id); }

absl::Status ValidateOpportunityFields(const v1::Opportunity& o) {
  KAM_RETURN_IF_ERROR(
      common::CheckRequiredText("opportunity.title", o.title(), kMaxOpportunityTitle));
  KAM_RETURN_IF_ERROR(common::CheckIdentifier("opportunity.owner", o.owner(), kMaxOpportunityOwner,
                                              /*required=*/false));
  if (o.has_amount()) {
    KAM_RETURN_IF_ERROR(
        common::CheckCurrencyCode("opportunity.amount.currency_code", o.amount().currency_code()));
    KAM_RETURN_IF_ERROR(common::CheckRange(
        "opportunity.amount.minor_units", o.amount().minor_units(), 0, kMaxOpportunityAmountMinor));
  }
  if (o.has_expected_close_time()) {
    KAM_RETURN_IF_ERROR(
        common::CheckTimestamp("opportunity.expected_close_time", o.expected_close_time()));
  }
  if (!v1::OpportunityClass_IsValid(o.class_override())) {
    return common::InvalidField(
        "opportunity.class_override",
        absl::StrCat("must be A, B, C, D or UNSPECIFIED to follow the judgements (got ",
                     static_cast<int>(o.class_override()), ")"));
  }
  if (!o.renews_agreement().empty()) {
    KAM_RETURN_IF_ERROR(
        common::ParseId("opportunity.renews_agreement", o.renews_agreement(), "agreements")
            .status());
  }
  KAM_RETURN_IF_ERROR(ValidateJudgements("opportunity.judgements", o.judgements()));
  for (v1::OpportunityStage stage : OpportunityStagesInOrder()) {
    KAM_RETURN_IF_ERROR(common::CheckText(
        absl::StrCat("opportunity.milestones.", MilestoneField(stage), ".note"),
        MilestoneOf(o.milestones(), stage).note(), kMaxOpportunityNote, /*multiline=*/true));
  }
  return absl::OkStatus();
}

absl::Status CheckOwnerPresent(absl::string_view owner, absl::string_view why) {
  if (!owner.empty()) return absl::OkStatus();
  return common::InvalidField("opportunity.owner", absl::StrCat("is required", why));
}

absl::Status CheckAmountCurrency(const kam::type::v1::Money& amount,
                                 const kam::account::v1::Account& account) {
  const std::string& currency = account.credit().credit_limit().currency_code();
  if (!account.credit().has_credit_limit() || currency.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "account ", account.name(), " has no credit currency "
        "(credit.credit_limit.currency_code), so its opportunities cannot have an amount; set "
        "the account's credit profile first"));
  }
  if (amount.currency_code() != currency) {
    return common::InvalidField(
        "opportunity.amount.currency_code",
        absl::StrCat("must be ", currency, ", the credit currency of account ", account.name(),
                     " (got ", amount.currency_code(), ")"));
  }
  return absl::OkStatus();
}

const common::UpdateMaskRules& OpportunityMaskRules() {
  static const common::UpdateMaskRules* rules = [] {
    auto* r = new common::UpdateMaskRules;
    r->updatable = {"title", "owner", "amount", "expected_close_time", "class_override",
                    "judgements", "milestones", "renews_agreement"};
    for (const std::string& field : JudgementFields()) {
      r->updatable.push_back(absl::StrCat("judgements.", field));
      r->updatable.push_back(absl::StrCat("judgements.", field, ".assessment"));
      r->updatable.push_back(absl::StrCat("judgements.", field, ".note"));
    }
    for (v1::OpportunityStage stage : OpportunityStagesInOrder()) {
      const std::string path = absl::StrCat("milestones.", MilestoneField(stage));
      r->updatable.push_back(path);
      r->updatable.push_back(absl::StrCat(path, ".achieved"));
      r->updatable.push_back(absl::StrCat(path, ".note"));
      r->output_only.push_back(absl::StrCat(path, ".description"));
      r->output_only.push_back(absl::StrCat(path, ".achieve_time"));
    }
    for (const char* path : {"name", "account", "stage_update_time", "derived_class",
                             "opportunity_class", "create_time", "update_time", "delete_time",
                             "etag"}) {
      r->output_only.push_back(path);
    }
    r->use_method = {{"stage", "MoveOpportunityStage"},
                     {"state", "CloseOpportunity or ReopenOpportunity"},
                     {"won_reason", "CloseOpportunity"},
                     {"lost_reason", "CloseOpportunity"},
                     {"lost_reason_detail", "CloseOpportunity"},
                     {"lost_to", "CloseOpportunity"},
                     {"close_time", "CloseOpportunity"}};
    return r;
  }();
  return *rules;
}

void FillOpportunityShape(v1::Opportunity* o) {
  v1::OpportunityJudgements* judgements = o->mutable_judgements();
  for (const std::string& field : JudgementFields()) MutableJudgementOf(judgements, field);
  v1::OpportunityMilestones* milestones = o->mutable_milestones();
  for (v1::OpportunityStage stage : OpportunityStagesInOrder()) {
    MutableMilestoneOf(milestones, stage);
  }
}

}  // namespace kam::interaction::opportunity
