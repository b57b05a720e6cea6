// What an agreement is allowed to hold and what follows from it: field
// rules, the update-mask rules, the notice deadline, the renewal term's end
// and the state at a given time. Pure: no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/api/field_mask.h"
#include "kam/interaction/v1/agreement.pb.h"

namespace kam::interaction::agreements {

inline constexpr size_t kMaxAgreementTitle = 200;
inline constexpr size_t kMaxAgreementOwner = 128;
inline constexpr size_t kMaxServices = 50;
inline constexpr size_t kMaxServiceChars = 200;
inline constexpr size_t kMaxAgreementText = 1000;
// Ten years: key-account agreements run one to a few years (docs/domain.md
// §6a); a longer term is a typo more often than a contract.
inline constexpr absl::Duration kMaxTerm = absl::Hours(24 * 3653);
inline constexpr int32_t kMaxNoticeDays = 365;
inline constexpr int32_t kMaxRenewalMonths = 120;
inline constexpr int32_t kMaxDiscountBp = 10000;

// "agreements/{agreement}" -> id; INVALID_ARGUMENT naming `field`.
absl::StatusOr<int64_t> ParseAgreementName(absl::string_view field, absl::string_view name);
std::string AgreementName(int64_t id);

// The caller-writable fields of `agreement`; messages name
// "agreement.<field>" and the rule: title (required, one line, 1 to 200),
// start_time and end_time (required, valid, end after start, a term of at
// most kMaxTerm), services_covered (at most 50, each 1 to 200 characters
// on one line, no repeats), price_policy (discount 0 to 10000 bp,
// description at most 1000 characters), cooperation_model (required, a
// known model), owner (an identifier of at most 128 characters; empty
// allowed here), renewal (renewal_term_months 1 to 120 when auto_renew, 0
// otherwise), notice_period_days (0 to 365, and not longer than the term).
absl::Status ValidateAgreementFields(const v1::Agreement& agreement);

// end_time minus `notice_days` whole days.
absl::Time NoticeDeadline(absl::Time end_time, int32_t notice_days);

// `end_time` plus `months` calendar months (UTC), the same day of the month
// clamped to the month's last day (31 January + 1 month = 28 or 29
// February), the same time of day.
absl::Time AddMonths(absl::Time end_time, int32_t months);

// The state at `now`: TERMINATED when `terminated`, else SCHEDULED before
// start_time, ENDED from end_time on, ACTIVE between.
v1::AgreementState AgreementStateAt(bool terminated, absl::Time start_time, absl::Time end_time,
                                    absl::Time now);

// Fills the output fields that follow from the terms and `now`:
// notice_deadline, renewal_end_time (auto_renew only) and state. Expects
// start_time and end_time set (a stored agreement).
void FillComputed(v1::Agreement* agreement, absl::Time now);

// Update-mask rules of UpdateAgreement.
const common::UpdateMaskRules& AgreementMaskRules();

// services_covered as one text column (one per line) and back.
std::string JoinServices(const v1::Agreement& agreement);
std::vector<std::string> SplitServices(absl::string_view text);

}  // namespace kam::interaction::agreements
