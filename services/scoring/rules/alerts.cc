#include "services/scoring/rules/alerts.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/numeric/int128.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "common/api/validation.h"
#include "common/base/status_macros.h"
#include "services/scoring/rules/checks.h"
#include "services/scoring/rules/evidence_text.h"

namespace kam::scoring::rules {
namespace {

namespace v1 = ::kam::account::v1;

constexpr int64_t kBasisPoints = 10000;
constexpr int32_t kMaxSlaBreachThreshold = 1000000;
constexpr int32_t kMaxAgreementNoticeWindowDays = 365;

// "A" for TIER_A; "unrated" for TIER_UNSPECIFIED.
absl::string_view TierLetter(v1::Tier tier) {
  switch (tier) {
    case v1::TIER_A: return "A";
    case v1::TIER_B: return "B";
    case v1::TIER_C: return "C";
    case v1::TIER_D: return "D";
    default: return "unrated";
  }
}

std::string AccountName(int64_t account_id) { return absl::StrCat("accounts/", account_id); }

// "tier C (previously A)" or "tier A".
std::string TierContext(const AccountRunResult* previous, const AccountRunResult& current) {
  if (previous != nullptr && previous->tier != current.tier) {
    return absl::StrCat("tier ", TierLetter(current.tier), " (previously ",
                        TierLetter(previous->tier), ")");
  }
  return absl::StrCat("tier ", TierLetter(current.tier));
}

// floor(overdue x 10000 / receivables); 0 without receivables.
int64_t OverdueShareBp(const AccountRunResult& result) {
  if (result.receivables_minor <= 0) return 0;
  return static_cast<int64_t>(absl::int128(result.overdue_minor) * kBasisPoints /
                              result.receivables_minor);
}

// `value` reaches twice `threshold` (both >= 0), without overflowing.
bool AtLeastTwice(int64_t value, int64_t threshold) { return value - threshold >= threshold; }

absl::Status CheckResult(absl::string_view prefix, const AccountRunResult& result) {
  const auto field = [prefix](absl::string_view name) { return absl::StrCat(prefix, ".", name); };
  if (result.account_id <= 0) {
    return common::InvalidField(field("account_id"),
                                absl::StrCat("must be > 0 (got ", result.account_id, ")"));
  }
  if (!v1::Tier_IsValid(result.tier)) {
    return common::InvalidField(field("tier"), absl::StrCat("must be a known Tier (got ",
                                                            static_cast<int>(result.tier), ")"));
  }
  KAM_RETURN_IF_ERROR(common::CheckRange(field("churn_risk"), result.churn_risk, 0, 100));
  if (result.sla_breach_count < 0) {
    return common::InvalidField(field("sla_breach_count"),
                                absl::StrCat("must be >= 0 (got ", result.sla_breach_count, ")"));
  }
  if (result.receivables_minor < 0) {
    return common::InvalidField(field("receivables_minor"),
                                absl::StrCat("must be >= 0 (got ", result.receivables_minor, ")"));
  }
  return common::CheckRange(field("overdue_minor"), result.overdue_minor, 0,
                            result.receivables_minor);
}

Alert& NewAlert(std::vector<Alert>* out, int64_t account_id, AlertKind kind, AlertSeverity severity,
                AlertUnit unit, int64_t figure, int64_t threshold) {
  return out->emplace_back(Alert{account_id, kind, severity, "", "", unit, figure, threshold});
}

}  // namespace

absl::string_view AlertKindName(AlertKind kind) {
  switch (kind) {
    case AlertKind::kTierDrop: return "TIER_DROP";
    case AlertKind::kChurnRiskHigh: return "CHURN_RISK_HIGH";
    case AlertKind::kSlaBreaches: return "SLA_BREACHES";
    case AlertKind::kOverdueReceivables: return "OVERDUE_RECEIVABLES";
    case AlertKind::kDesignationLapsed: return "DESIGNATION_LAPSED";
    case AlertKind::kAgreementEnding: return "AGREEMENT_ENDING";
  }
  return "UNKNOWN";
}

absl::string_view AlertSeverityName(AlertSeverity severity) {
  switch (severity) {
    case AlertSeverity::kWarning: return "WARNING";
    case AlertSeverity::kCritical: return "CRITICAL";
  }
  return "UNKNOWN";
}

absl::Status ValidateAlertPolicy(const AlertPolicy& policy) {
  uint32_t seen = 0;
  for (size_t i = 0; i < policy.key_tiers.size(); ++i) {
    const v1::Tier tier = policy.key_tiers[i];
    const std::string field = absl::StrCat("key_tiers[", i, "]");
    if (tier < v1::TIER_A || tier > v1::TIER_D) {
      return common::InvalidField(field,
                                  absl::StrCat("must be TIER_A, TIER_B, TIER_C or TIER_D (got ",
                                               static_cast<int>(tier), ")"));
    }
    const uint32_t bit = 1u << tier;
    if ((seen & bit) != 0) {
      return common::InvalidField(field, absl::StrCat("repeats TIER_", TierLetter(tier)));
    }
    seen |= bit;
  }
  return FirstError({
      common::CheckRange("churn_risk_threshold", policy.churn_risk_threshold, 1, 100),
      common::CheckRange("sla_breach_threshold", policy.sla_breach_threshold, 1,
                         kMaxSlaBreachThreshold),
      CheckNonNegative("overdue_amount_threshold_minor", policy.overdue_amount_threshold_minor),
      common::CheckRange("overdue_share_threshold_bp", policy.overdue_share_threshold_bp, 0,
                         kBasisPoints),
      common::CheckRange("agreement_notice_window_days", policy.agreement_notice_window_days, 1,
                         kMaxAgreementNoticeWindowDays),
  });
}

AlertDetector::AlertDetector(const AlertPolicy& policy) : policy_(policy) {
  for (v1::Tier tier : policy_.key_tiers) key_tier_mask_ |= 1u << tier;
}

absl::StatusOr<AlertDetector> AlertDetector::Create(const AlertPolicy& policy) {
  KAM_RETURN_IF_ERROR(ValidateAlertPolicy(policy));
  return AlertDetector(policy);
}

bool AlertDetector::IsKeyTier(v1::Tier tier) const {
  return tier >= v1::TIER_A && tier <= v1::TIER_D && (key_tier_mask_ & (1u << tier)) != 0;
}

namespace {

// The checks of one account; the results are valid and `previous` (when
// set) is the same account.
class AccountAlerts {
 public:
  AccountAlerts(const AlertDetector& detector, const AccountRunResult* previous,
                const AccountRunResult& current, std::vector<Alert>* out)
      : detector_(detector),
        policy_(detector.policy()),
        previous_(previous),
        current_(current),
        out_(out),
        key_account_(detector.IsKeyAccount(current) ||
                     (previous != nullptr && detector.IsKeyAccount(*previous))) {}

  void DetectAll() {
    TierDrop();
    ChurnRiskHigh();
    if (key_account_) {  // these two are for key accounts only
      SlaBreaches();
      OverdueReceivables();
    }
    AgreementEnding();
  }

 private:
  // A key account rated lower than before (docs/domain.md §1: accounts are
  // promoted onto or dropped off the key-account list between ratings).
  void TierDrop() {
    if (previous_ == nullptr || !detector_.IsKeyAccount(*previous_)) return;
    if (current_.tier == v1::TIER_UNSPECIFIED || current_.tier <= previous_->tier) return;
    const bool off_the_list = !detector_.IsKeyAccount(current_);
    Alert& alert = NewAlert(out_, current_.account_id, AlertKind::kTierDrop,
                            off_the_list ? AlertSeverity::kCritical : AlertSeverity::kWarning,
                            AlertUnit::kTier, current_.tier, previous_->tier);
    alert.message = absl::StrCat(
        AccountName(current_.account_id), " dropped from tier ", TierLetter(previous_->tier),
        " to tier ", TierLetter(current_.tier), off_the_list ? ", off the key-account list" : "");
    alert.evidence =
        absl::StrCat("tier ", TierLetter(previous_->tier), " in the previous run, ",
                     TierLetter(current_.tier), " in this run; key tiers ", KeyTiersText());
  }

  // Crossing upwards only: staying above the threshold is silent.
  void ChurnRiskHigh() {
    const int32_t threshold = policy_.churn_risk_threshold;
    if (current_.churn_risk < threshold) return;
    if (previous_ != nullptr && previous_->churn_risk >= threshold) return;
    Alert& alert = NewAlert(out_, current_.account_id, AlertKind::kChurnRiskHigh,
                            key_account_ ? AlertSeverity::kCritical : AlertSeverity::kWarning,
                            AlertUnit::kScore, current_.churn_risk, threshold);
    alert.message = absl::StrCat(AccountName(current_.account_id), " churn risk reached ",
                                 current_.churn_risk, " (threshold ", threshold, ")");
    const std::string before = previous_ == nullptr
                                   ? std::string("no previous result")
                                   : absl::StrCat(previous_->churn_risk, " in the previous run");
    alert.evidence =
        absl::StrCat("churn risk ", current_.churn_risk, " in this run, ", before, "; threshold ",
                     threshold, "; ", KeyContext());
  }

  // New, or more breaches than in the previous run.
  void SlaBreaches() {
    const int32_t threshold = policy_.sla_breach_threshold;
    const auto holds = [threshold](const AccountRunResult& r) {
      return r.sla_breach_count >= threshold;
    };
    if (!holds(current_)) return;
    if (previous_ != nullptr && holds(*previous_) &&
        current_.sla_breach_count <= previous_->sla_breach_count) {
      return;
    }
    const int32_t count = current_.sla_breach_count;
    Alert& alert = NewAlert(
        out_, current_.account_id, AlertKind::kSlaBreaches,
        AtLeastTwice(count, threshold) ? AlertSeverity::kCritical : AlertSeverity::kWarning,
        AlertUnit::kCount, count, threshold);
    alert.message = absl::StrCat(AccountName(current_.account_id), " had ", count,
                                 " SLA breaches in the period (threshold ", threshold, ")");
    alert.evidence = absl::StrCat(
        count, " SLA breaches in this run's period, ",
        previous_ == nullptr ? std::string("no previous result")
                             : absl::StrCat(previous_->sla_breach_count, " in the previous run's"),
        "; threshold ", threshold, "; ", KeyContext());
  }

  bool AmountHolds(const AccountRunResult& r) const {
    return policy_.overdue_amount_threshold_minor > 0 &&
           r.overdue_minor >= policy_.overdue_amount_threshold_minor;
  }
  bool ShareHolds(const AccountRunResult& r) const {
    return policy_.overdue_share_threshold_bp > 0 && r.receivables_minor > 0 &&
           OverdueShareBp(r) >= policy_.overdue_share_threshold_bp;
  }

  // New, or a larger overdue amount than in the previous run.
  void OverdueReceivables() {
    const bool amount = AmountHolds(current_);
    const bool share = ShareHolds(current_);
    if (!amount && !share) return;
    if (previous_ != nullptr && (AmountHolds(*previous_) || ShareHolds(*previous_)) &&
        current_.overdue_minor <= previous_->overdue_minor) {
      return;
    }
    const int64_t share_bp = OverdueShareBp(current_);
    const int64_t amount_threshold = policy_.overdue_amount_threshold_minor;
    const int64_t share_threshold = policy_.overdue_share_threshold_bp;
    const bool critical = (amount && AtLeastTwice(current_.overdue_minor, amount_threshold)) ||
                          (share && AtLeastTwice(share_bp, share_threshold));
    // The amount when its rule holds, else the share.
    const AlertUnit unit = amount ? AlertUnit::kMinorUnits : AlertUnit::kBasisPoints;
    const int64_t figure = amount ? current_.overdue_minor : share_bp;
    const int64_t threshold = amount ? amount_threshold : share_threshold;
    Alert& alert = NewAlert(out_, current_.account_id, AlertKind::kOverdueReceivables,
                            critical ? AlertSeverity::kCritical : AlertSeverity::kWarning, unit,
                            figure, threshold);
    alert.message = absl::StrCat(AccountName(current_.account_id), " has ",
                                 GroupThousands(current_.overdue_minor), " minor units overdue (",
                                 PercentFromBasisPoints(share_bp), " of receivables)");
    alert.evidence = absl::StrCat(
        "overdue ", GroupThousands(current_.overdue_minor), " of ",
        GroupThousands(current_.receivables_minor), " minor units receivable (",
        PercentFromBasisPoints(share_bp), "), ",
        previous_ == nullptr
            ? std::string("no previous result")
            : absl::StrCat(GroupThousands(previous_->overdue_minor), " in the previous run"),
        "; thresholds: amount ",
        amount_threshold > 0 ? absl::StrCat(GroupThousands(amount_threshold), " minor units")
                             : std::string("off"),
        ", share ",
        share_threshold > 0 ? PercentFromBasisPoints(share_threshold) : std::string("off"), "; ",
        KeyContext());
  }

  // Within the notice window, once per agreement end: not when the previous
  // run found the same agreement, with the same end, within it already.
  void AgreementEnding() {
    if (current_.agreement.id == 0 || !current_.agreement.due) return;
    if (previous_ != nullptr && previous_->agreement.due &&
        previous_->agreement.id == current_.agreement.id &&
        previous_->agreement.end_us == current_.agreement.end_us) {
      return;
    }
    const int32_t days = current_.agreement.days_left;
    const int32_t window = policy_.agreement_notice_window_days;
    Alert& alert = NewAlert(out_, current_.account_id, AlertKind::kAgreementEnding,
                            days < 0 || key_account_ ? AlertSeverity::kCritical
                                                     : AlertSeverity::kWarning,
                            AlertUnit::kDays, days, window);
    alert.message = absl::StrCat(
        AccountName(current_.account_id), ": agreement agreements/", current_.agreement.id,
        " ends ", Day(current_.agreement.end_us), "; notice deadline ",
        Day(current_.agreement.notice_us),
        days < 0 ? absl::StrCat(" passed ", -days, " days ago") : absl::StrCat(" in ", days, " days"));
    alert.evidence = absl::StrCat(
        "notice deadline ", Day(current_.agreement.notice_us), ", ", days,
        " days after this run; window ", window, " days; ",
        previous_ == nullptr || !previous_->agreement.due
            ? std::string("not within it in the previous run")
            : absl::StrCat("the previous run's was agreements/", previous_->agreement.id, " ending ",
                           Day(previous_->agreement.end_us)),
        "; ", KeyContext());
  }

  // "2027-02-01" (UTC) of Unix microseconds.
  static std::string Day(int64_t micros) {
    return absl::FormatTime("%Y-%m-%d", absl::FromUnixMicros(micros), absl::UTCTimeZone());
  }

  // TierContext, and why the account is a key account when its tier does
  // not say so.
  std::string KeyContext() const {
    std::string text = TierContext(previous_, current_);
    if (current_.on_key_list && !detector_.IsKeyTier(current_.tier)) {
      text.append(", designated a key account");
    }
    return text;
  }

  // "A, B" or "none".
  std::string KeyTiersText() const {
    std::string text;
    for (v1::Tier tier : {v1::TIER_A, v1::TIER_B, v1::TIER_C, v1::TIER_D}) {
      if (!detector_.IsKeyTier(tier)) continue;
      absl::StrAppend(&text, text.empty() ? "" : ", ", TierLetter(tier));
    }
    return text.empty() ? "none" : text;
  }

  const AlertDetector& detector_;
  const AlertPolicy& policy_;
  const AccountRunResult* previous_;
  const AccountRunResult& current_;
  std::vector<Alert>* out_;
  const bool key_account_;
};

// (account id, index in its run), sorted, so both runs can be walked in
// account order; INVALID_ARGUMENT naming the later of two equal ids.
absl::StatusOr<std::vector<std::pair<int64_t, size_t>>> SortedIds(
    absl::string_view run, absl::Span<const AccountRunResult> results) {
  std::vector<std::pair<int64_t, size_t>> ids;
  ids.reserve(results.size());
  for (size_t i = 0; i < results.size(); ++i) {
    KAM_RETURN_IF_ERROR(CheckResult(absl::StrCat(run, "[", i, "]"), results[i]));
    ids.emplace_back(results[i].account_id, i);
  }
  std::sort(ids.begin(), ids.end());
  for (size_t k = 1; k < ids.size(); ++k) {
    if (ids[k].first == ids[k - 1].first) {
      return common::InvalidField(
          absl::StrCat(run, "[", ids[k].second, "].account_id"),
          absl::StrCat("repeats account ", ids[k].first, " (also ", run, "[", ids[k - 1].second,
                       "]): one result per account and run"));
    }
  }
  return ids;
}

}  // namespace

absl::Status AlertDetector::DetectAccount(const AccountRunResult* previous,
                                          const AccountRunResult& current,
                                          std::vector<Alert>* out) const {
  KAM_RETURN_IF_ERROR(CheckResult("current", current));
  if (previous != nullptr) {
    KAM_RETURN_IF_ERROR(CheckResult("previous", *previous));
    if (previous->account_id != current.account_id) {
      return common::InvalidField(
          "previous.account_id", absl::StrCat("must equal current.account_id (", current.account_id,
                                              ") (got ", previous->account_id, ")"));
    }
  }
  AccountAlerts(*this, previous, current, out).DetectAll();
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Alert>> AlertDetector::DetectRun(
    absl::Span<const AccountRunResult> previous, absl::Span<const AccountRunResult> current) const {
  absl::StatusOr<std::vector<std::pair<int64_t, size_t>>> previous_ids =
      SortedIds("previous", previous);
  if (!previous_ids.ok()) return previous_ids.status();
  absl::StatusOr<std::vector<std::pair<int64_t, size_t>>> current_ids =
      SortedIds("current", current);
  if (!current_ids.ok()) return current_ids.status();

  std::vector<Alert> alerts;
  size_t p = 0;
  for (const auto& [account_id, index] : *current_ids) {
    while (p < previous_ids->size() && (*previous_ids)[p].first < account_id) ++p;
    const AccountRunResult* before = nullptr;
    if (p < previous_ids->size() && (*previous_ids)[p].first == account_id) {
      before = &previous[(*previous_ids)[p].second];
    }
    AccountAlerts(*this, before, current[index], &alerts).DetectAll();
  }
  return alerts;
}

}  // namespace kam::scoring::rules
