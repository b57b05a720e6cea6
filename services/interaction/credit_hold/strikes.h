// Payment discipline, three strikes (docs/domain.md §8): the pure rules.
// No I/O: the store reads the invoices and the last lift, these decide.
//
// A strike is an invoice left unpaid more than `strike_days` past its due
// time: at a time t it is a strike when it is not void, t > due + N days
// and it was not paid in full by due + N days (still open, or settled
// after that point). Each invoice counts once. An account with at least
// `strike_threshold` strikes is on hold unless a lift covers them: a lift
// at time L covers the strikes the account had at L (invoices created by L
// that were strikes at L). One strike not covered puts it back on hold.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace kam::interaction::credit_hold {

inline constexpr int kDefaultStrikeDays = 30;
inline constexpr int kDefaultStrikeThreshold = 3;
// The most strikes a read lists (the count is exact).
inline constexpr int kMaxListedStrikes = 100;

struct StrikeSettings {
  int strike_days = kDefaultStrikeDays;            // N: 0..3650
  int strike_threshold = kDefaultStrikeThreshold;  // K: 1..100
};

// What the rules need of an invoice that is not void.
struct InvoiceDates {
  int64_t invoice_id = 0;
  absl::Time due_time;
  absl::Time create_time;                // when the service learnt of it
  std::optional<absl::Time> settle_time;  // set when paid in full
};

struct Lift {
  absl::Time lift_time;
  int strike_count = 0;
  std::string actor;
  std::string reason;
};

struct Strike {
  int64_t invoice_id = 0;
  absl::Time due_time;
  int64_t days_past_due = 0;  // at `now`, or at the settle time when paid
  bool paid = false;
  bool after_last_lift = false;
};

struct HoldDecision {
  std::vector<Strike> strikes;  // most recent due time first (then higher id)
  int strike_count = 0;
  int strikes_after_last_lift = 0;
  bool on_hold = false;
};

// The time after which an invoice due at `due_time` is a strike if unpaid.
absl::Time StrikeTime(absl::Time due_time, const StrikeSettings& settings);

// Whether `invoice` is a strike at `t` (known by then: created at or before t).
bool IsStrikeAt(const InvoiceDates& invoice, const StrikeSettings& settings, absl::Time t);

// The account's strikes and hold at `now` from its invoices (any order,
// void ones left out by the caller) and its last lift.
HoldDecision DecideHold(const std::vector<InvoiceDates>& invoices, const StrikeSettings& settings,
                        const std::optional<Lift>& last_lift, absl::Time now);

// FAILED_PRECONDITION naming the hold for an order on credit of `account`
// ("accounts/7") when `decision.on_hold`; OK otherwise.
absl::Status RefuseOnHold(absl::string_view account, const HoldDecision& decision,
                          const StrikeSettings& settings);

// INVALID_ARGUMENT naming the field (policy.strike_days,
// policy.strike_threshold of UpdateCreditHoldPolicy) and the rule unless
// the settings are in range (strike_days 0..3650, strike_threshold 1..100).
absl::Status CheckSettings(const StrikeSettings& settings);

}  // namespace kam::interaction::credit_hold
