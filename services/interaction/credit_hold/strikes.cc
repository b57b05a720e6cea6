#include "services/interaction/credit_hold/strikes.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/api/validation.h"
#include "services/interaction/billing/receivables_aging.h"

namespace kam::interaction::credit_hold {

absl::Time StrikeTime(absl::Time due_time, const StrikeSettings& settings) {
  return billing::DueTime(due_time, settings.strike_days);  // due + N x 24 h
}

bool IsStrikeAt(const InvoiceDates& invoice, const StrikeSettings& settings, absl::Time t) {
  const absl::Time strike_time = StrikeTime(invoice.due_time, settings);
  if (invoice.create_time > t || t <= strike_time) return false;
  // Paid in full by the strike time: paid late perhaps, but not that late.
  return !invoice.settle_time.has_value() || *invoice.settle_time > strike_time;
}

HoldDecision DecideHold(const std::vector<InvoiceDates>& invoices, const StrikeSettings& settings,
                        const std::optional<Lift>& last_lift, absl::Time now) {
  HoldDecision decision;
  for (const InvoiceDates& invoice : invoices) {
    if (!IsStrikeAt(invoice, settings, now)) continue;
    Strike strike;
    strike.invoice_id = invoice.invoice_id;
    strike.due_time = invoice.due_time;
    strike.paid = invoice.settle_time.has_value() && *invoice.settle_time <= now;
    strike.days_past_due =
        billing::DaysPastDue(invoice.due_time, strike.paid ? *invoice.settle_time : now);
    strike.after_last_lift =
        !last_lift.has_value() || !IsStrikeAt(invoice, settings, last_lift->lift_time);
    decision.strike_count += 1;
    if (strike.after_last_lift) decision.strikes_after_last_lift += 1;
    decision.strikes.push_back(strike);
  }
  std::sort(decision.strikes.begin(), decision.strikes.end(),
            [](const Strike& a, const Strike& b) {
              if (a.due_time != b.due_time) return a.due_time > b.due_time;
              return a.invoice_id > b.invoice_id;
            });
  decision.on_hold = decision.strike_count >= settings.strike_threshold &&
                     decision.strikes_after_last_lift > 0;
  return decision;
}

absl::Status RefuseOnHold(absl::string_view account, const HoldDecision& decision,
                          const StrikeSettings& settings) {
  if (!decision.on_hold) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "account ", account, " is on credit hold: ", decision.strike_count,
      decision.strike_count == 1 ? " invoice" : " invoices", " unpaid more than ",
      settings.strike_days, " days past due (hold from ", settings.strike_threshold,
      "); an order on credit needs the hold lifted (LiftCreditHold) or a prepaid order"));
}

absl::Status CheckSettings(const StrikeSettings& settings) {
  if (settings.strike_days < 0 || settings.strike_days > 3650) {
    return common::InvalidField("policy.strike_days", absl::StrCat("must be from 0 to 3650 (got ",
                                                            settings.strike_days, ")"));
  }
  if (settings.strike_threshold < 1 || settings.strike_threshold > 100) {
    return common::InvalidField("policy.strike_threshold", absl::StrCat("must be from 1 to 100 (got ",
                                                                 settings.strike_threshold, ")"));
  }
  return absl::OkStatus();
}

}  // namespace kam::interaction::credit_hold
