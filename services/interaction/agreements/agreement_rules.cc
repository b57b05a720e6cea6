#include "services/interaction/agreements/agreement_rules.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/api/resource_name.h"
#include "common/api/validation.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"

namespace kam::interaction::agreements {

absl::StatusOr<int64_t> ParseAgreementName(absl::string_view field, absl::string_view name) {
  return common::ParseId(field, name, "agreements");
}

std::string AgreementName(int64_t id) { return absl::StrCat("agreements/", id); }

namespace {

absl::Status ValidateTerm(const v1::Agreement& a) {
  KAM_RETURN_IF_ERROR(common::CheckPresent("agreement.start_time", a.has_start_time()));
  KAM_RETURN_IF_ERROR(common::CheckTimestamp("agreement.start_time", a.start_time()));
  KAM_RETURN_IF_ERROR(common::CheckPresent("agreement.end_time", a.has_end_time()));
  KAM_RETURN_IF_ERROR(common::CheckTimestamp("agreement.end_time", a.end_time()));
  const absl::Time start = common::FromProtoTimestamp(a.start_time());
  const absl::Time end = common::FromProtoTimestamp(a.end_time());
  if (end <= start) {
    return common::InvalidField("agreement.end_time",
                                absl::StrCat("must be after agreement.start_time (got ",
                                             absl::FormatTime(end), ", start ",
                                             absl::FormatTime(start), ")"));
  }
  if (end - start > kMaxTerm) {
    return common::InvalidField("agreement.end_time",
                                "must be at most 10 years (3653 days) after agreement.start_time");
  }
  KAM_RETURN_IF_ERROR(common::CheckRange("agreement.notice_period_days", a.notice_period_days(), 0,
                                         kMaxNoticeDays));
  if (absl::Hours(24) * a.notice_period_days() > end - start) {
    return common::InvalidField(
        "agreement.notice_period_days",
        absl::StrCat("must not be longer than the term (got ", a.notice_period_days(), " days)"));
  }
  return absl::OkStatus();
}

absl::Status ValidateServices(const v1::Agreement& a) {
  if (static_cast<size_t>(a.services_covered_size()) > kMaxServices) {
    return common::InvalidField(
        "agreement.services_covered",
        absl::StrCat("must list at most ", kMaxServices, " services (got ",
                     a.services_covered_size(), ")"));
  }
  std::set<std::string> seen;
  for (int i = 0; i < a.services_covered_size(); ++i) {
    const std::string field = absl::StrCat("agreement.services_covered[", i, "]");
    KAM_RETURN_IF_ERROR(
        common::CheckRequiredText(field, a.services_covered(i), kMaxServiceChars));
    if (!seen.insert(a.services_covered(i)).second) {
      return common::InvalidField(field,
                                  absl::StrCat("repeats \"", a.services_covered(i), "\""));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateAgreementFields(const v1::Agreement& a) {
  KAM_RETURN_IF_ERROR(common::CheckRequiredText("agreement.title", a.title(), kMaxAgreementTitle));
  KAM_RETURN_IF_ERROR(ValidateTerm(a));
  KAM_RETURN_IF_ERROR(ValidateServices(a));
  KAM_RETURN_IF_ERROR(common::CheckRange("agreement.price_policy.discount_bp",
                                         a.price_policy().discount_bp(), 0, kMaxDiscountBp));
  KAM_RETURN_IF_ERROR(common::CheckText("agreement.price_policy.description",
                                        a.price_policy().description(), kMaxAgreementText,
                                        /*multiline=*/true));
  if (a.cooperation_model() == v1::COOPERATION_MODEL_UNSPECIFIED ||
      !v1::CooperationModel_IsValid(a.cooperation_model())) {
    return common::InvalidField(
        "agreement.cooperation_model",
        absl::StrCat("must be STRATEGIC_PARTNERSHIP, FRAMEWORK, PROJECT or EXCLUSIVE_SUPPLY (got ",
                     static_cast<int>(a.cooperation_model()), ")"));
  }
  KAM_RETURN_IF_ERROR(common::CheckIdentifier("agreement.owner", a.owner(), kMaxAgreementOwner,
                                              /*required=*/false));
  if (a.auto_renew()) {
    KAM_RETURN_IF_ERROR(common::CheckRange("agreement.renewal_term_months",
                                           a.renewal_term_months(), 1, kMaxRenewalMonths));
  } else if (a.renewal_term_months() != 0) {
    return common::InvalidField(
        "agreement.renewal_term_months",
        absl::StrCat("must be 0 unless agreement.auto_renew (got ", a.renewal_term_months(), ")"));
  }
  return absl::OkStatus();
}

absl::Time NoticeDeadline(absl::Time end_time, int32_t notice_days) {
  return end_time - absl::Hours(24) * notice_days;
}

absl::Time AddMonths(absl::Time end_time, int32_t months) {
  const absl::CivilSecond at = absl::ToCivilSecond(end_time, absl::UTCTimeZone());
  const absl::CivilMonth month = absl::CivilMonth(at) + months;
  // The last day of the target month: the day before the next month's first.
  const int last_day = (absl::CivilDay(month + 1) - 1).day();
  const absl::CivilSecond moved(month.year(), month.month(), std::min(at.day(), last_day),
                                at.hour(), at.minute(), at.second());
  const absl::Duration subsecond = end_time - absl::FromCivil(at, absl::UTCTimeZone());
  return absl::FromCivil(moved, absl::UTCTimeZone()) + subsecond;
}

v1::AgreementState AgreementStateAt(bool terminated, absl::Time start_time, absl::Time end_time,
                                    absl::Time now) {
  if (terminated) return v1::AGREEMENT_STATE_TERMINATED;
  if (now < start_time) return v1::AGREEMENT_STATE_SCHEDULED;
  if (now >= end_time) return v1::AGREEMENT_STATE_ENDED;
  return v1::AGREEMENT_STATE_ACTIVE;
}

void FillComputed(v1::Agreement* a, absl::Time now) {
  const absl::Time end = common::FromProtoTimestamp(a->end_time());
  *a->mutable_notice_deadline() =
      common::ToProtoTimestamp(NoticeDeadline(end, a->notice_period_days()));
  if (a->auto_renew()) {
    *a->mutable_renewal_end_time() =
        common::ToProtoTimestamp(AddMonths(end, a->renewal_term_months()));
  } else {
    a->clear_renewal_end_time();
  }
  a->set_state(AgreementStateAt(a->has_terminate_time(),
                                common::FromProtoTimestamp(a->start_time()), end, now));
}

const common::UpdateMaskRules& AgreementMaskRules() {
  static const common::UpdateMaskRules* rules = [] {
    auto* r = new common::UpdateMaskRules;
    r->updatable = {"title",         "start_time",         "end_time",
                    "services_covered", "price_policy",    "price_policy.discount_bp",
                    "price_policy.description", "cooperation_model", "owner",
                    "auto_renew",    "renewal_term_months", "notice_period_days"};
    r->output_only = {"name",  "account",     "notice_deadline", "renewal_end_time",
                      "state", "create_time", "update_time",     "etag"};
    r->use_method = {{"terminate_time", "TerminateAgreement"},
                     {"termination_reason", "TerminateAgreement"},
                     {"terminated_by", "TerminateAgreement"}};
    return r;
  }();
  return *rules;
}

std::string JoinServices(const v1::Agreement& a) { return absl::StrJoin(a.services_covered(), "\n"); }

std::vector<std::string> SplitServices(absl::string_view text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

}  // namespace kam::interaction::agreements
