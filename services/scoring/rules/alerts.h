// Alert conditions between two rating runs. Pure: no I/O; the scoring
// service stores what this returns.
//
// Kinds (checked in this order for each account):
//   TIER_DROP            a key account (its previous tier is a key tier) is
//                        rated lower: CRITICAL when it falls off the key
//                        tiers (off the key-account list, docs/domain.md §1),
//                        WARNING when it stays on them (A -> B).
//   CHURN_RISK_HIGH      churn risk crosses the threshold upwards: below it
//                        in the previous run (or no previous result) and at
//                        or above it now. Any account; CRITICAL on a key
//                        account, WARNING otherwise.
//   SLA_BREACHES         a key account has at least the threshold of SLA
//                        breaches in the period.
//   OVERDUE_RECEIVABLES  a key account's overdue receivables reach the
//                        amount threshold or the share threshold (docs/domain.md
//                        §8: big customers pay late).
//   SLA_BREACHES and OVERDUE_RECEIVABLES are CRITICAL at twice a threshold,
//   WARNING below that.
//   AGREEMENT_ENDING     any account whose cooperation agreement (the one
//                        ending soonest) has its notice deadline within the
//                        window and has not ended, as the run found it
//                        (account_rating.h: AgreementNoticeOf). Once per
//                        agreement end: not when the previous run found the
//                        same agreement with the same end within it already
//                        (a renewal that moves the end raises it again).
//                        CRITICAL on a key account or once the notice
//                        deadline has passed, WARNING otherwise.
//
// "Key account": on the key-account list in the current or the previous run,
// by a key tier or by a designation (an account that has just been demoted
// still gets its breaches reported).
//
// Deduplication
//   - At most one alert per account and kind per run (by construction; an
//     account given twice in one run is INVALID_ARGUMENT).
//   - Across runs an alert fires on a change, not on a state: CHURN_RISK_HIGH
//     only when risk crosses the threshold (staying above is silent until it
//     falls below and crosses again); SLA_BREACHES and OVERDUE_RECEIVABLES
//     when the condition is new (it did not hold in the previous run) or the
//     figure grew since the previous run (breaches or overdue amount piling
//     up further). Runs can therefore be as frequent as wanted.
//   - TIER_DROP compares the two runs' tiers; an account not rated in this
//     run (TIER_UNSPECIFIED) raises none, and neither does an account missing
//     from the current run.
//
// Order: by account id, then by kind in the order above.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "kam/account/v1/account.pb.h"

namespace kam::scoring::rules {

enum class AlertKind : uint8_t {
  kTierDrop = 1,
  kChurnRiskHigh = 2,
  kSlaBreaches = 3,
  kOverdueReceivables = 4,
  // Not detected here: a run raises it for each key-account designation
  // that lapsed since the previous run (designations/designation_rules.h).
  kDesignationLapsed = 5,
  kAgreementEnding = 6,
};

// "TIER_DROP", "CHURN_RISK_HIGH", "SLA_BREACHES", "OVERDUE_RECEIVABLES",
// "DESIGNATION_LAPSED", "AGREEMENT_ENDING".
absl::string_view AlertKindName(AlertKind kind);

enum class AlertSeverity : uint8_t {
  kWarning = 1,
  kCritical = 2,
};

// "WARNING", "CRITICAL".
absl::string_view AlertSeverityName(AlertSeverity severity);

// What an alert's figure and threshold count.
enum class AlertUnit : uint8_t {
  kTier,         // account::v1::Tier numbers (1 = A ... 4 = D)
  kScore,        // churn risk 0..100
  kCount,        // SLA breaches
  kMinorUnits,   // overdue amount
  kBasisPoints,  // overdue share of receivables
  kDays,         // days to an agreement's notice deadline
};

// An account's agreement ending soonest (AGREEMENT_ENDING) as a run found
// it: its id (0 for none), its end and notice deadline (Unix microseconds),
// whether the notice deadline was within the policy's window, and the whole
// days left to it (negative once passed).
struct AgreementNotice {
  int64_t id = 0;
  int64_t end_us = 0;
  int64_t notice_us = 0;
  bool due = false;
  int32_t days_left = 0;
};

// One account's result in one rating run: the figures alerts compare.
struct AccountRunResult {
  // The account's id (its name is "accounts/{account_id}"), > 0.
  int64_t account_id = 0;
  // The tier this run gave; TIER_UNSPECIFIED when it was not rated.
  account::v1::Tier tier = account::v1::TIER_UNSPECIFIED;
  // Churn risk, 0..100 (risk.h).
  int32_t churn_risk = 0;
  // SLA breaches in the run's period, >= 0.
  int32_t sla_breach_count = 0;
  // Open receivables and the overdue part, minor units, 0 <= overdue <=
  // receivables.
  int64_t receivables_minor = 0;
  int64_t overdue_minor = 0;
  AgreementNotice agreement;
  // On the run's key-account list: by a key tier, or by a designation
  // whatever the tier (designations/designation_rules.h).
  bool on_key_list = false;
};

struct AlertPolicy {
  // The tiers whose accounts are key accounts; each A..D at most once.
  // Default A and B: the top 5% (docs/domain.md §2).
  std::vector<account::v1::Tier> key_tiers = {account::v1::TIER_A, account::v1::TIER_B};
  // Churn risk at or above this is high, 1..100.
  int32_t churn_risk_threshold = 70;
  // SLA breaches in a period that raise an alert, >= 1.
  int32_t sla_breach_threshold = 3;
  // Overdue amount that raises an alert, minor units; 0 turns it off (the
  // right amount depends on the currency and the book).
  int64_t overdue_amount_threshold_minor = 0;
  // Overdue share of receivables that raises an alert, 0..10000 basis
  // points; 0 turns it off. Default 20%.
  int32_t overdue_share_threshold_bp = 2000;
  // Days before an agreement's notice deadline from which AGREEMENT_ENDING
  // is raised, 1..365.
  int32_t agreement_notice_window_days = 60;
};

// OK, or INVALID_ARGUMENT naming the field ("key_tiers[1] ...",
// "churn_risk_threshold must be between 1 and 100 (got 0)").
absl::Status ValidateAlertPolicy(const AlertPolicy& policy);

struct Alert {
  int64_t account_id = 0;
  AlertKind kind = AlertKind::kTierDrop;
  AlertSeverity severity = AlertSeverity::kWarning;
  // One line for a person: "accounts/7 dropped from tier A to tier C, off
  // the key-account list".
  std::string message;
  // The figures behind it: "tier A in the previous run, C in this run; key
  // tiers A, B".
  std::string evidence;
  // The figure that triggered the alert and its threshold, in `unit`. For
  // TIER_DROP the figure is the new tier and the threshold the old one; for
  // OVERDUE_RECEIVABLES the amount when the amount rule holds, else the
  // share.
  AlertUnit unit = AlertUnit::kTier;
  int64_t figure = 0;
  int64_t threshold = 0;
};

// Detects alerts under one validated policy. Cheap to copy; thread-safe
// (const).
class AlertDetector {
 public:
  // INVALID_ARGUMENT as ValidateAlertPolicy.
  static absl::StatusOr<AlertDetector> Create(const AlertPolicy& policy);

  // Appends the alerts of one account, in kind order. `previous` is null
  // when the account had no result in the previous run. INVALID_ARGUMENT
  // naming "previous.<field>" or "current.<field>" for a result out of range
  // (see AccountRunResult), or when the two ids differ; nothing is appended
  // then.
  absl::Status DetectAccount(const AccountRunResult* previous, const AccountRunResult& current,
                             std::vector<Alert>* out) const;

  // The alerts of a whole run against the previous one, matched by account
  // id, sorted by account id then kind. Either span may be in any order.
  // INVALID_ARGUMENT naming "previous[i].<field>" or "current[i].<field>"
  // for a result out of range or an account id given twice in one run.
  absl::StatusOr<std::vector<Alert>> DetectRun(absl::Span<const AccountRunResult> previous,
                                               absl::Span<const AccountRunResult> current) const;

  const AlertPolicy& policy() const { return policy_; }
  // Whether accounts of `tier` are key accounts under the policy.
  bool IsKeyTier(account::v1::Tier tier) const;
  // Whether the result is a key account's: on the list, or in a key tier.
  bool IsKeyAccount(const AccountRunResult& result) const {
    return result.on_key_list || IsKeyTier(result.tier);
  }

 private:
  explicit AlertDetector(const AlertPolicy& policy);

  AlertPolicy policy_;
  uint32_t key_tier_mask_ = 0;  // bit t set for each key tier t
};

}  // namespace kam::scoring::rules
