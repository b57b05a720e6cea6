// What a caller may write into an opportunity: field rules, the update-mask
// rules and the money rule against the account. Pure: no I/O.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/api/field_mask.h"
#include "kam/account/v1/account.pb.h"
#include "kam/interaction/v1/opportunity.pb.h"

namespace kam::interaction::opportunity {

inline constexpr size_t kMaxOpportunityTitle = 200;
inline constexpr size_t kMaxOpportunityOwner = 128;
// The largest amount, in minor units: 10^15 (ten trillion units of a
// two-decimal currency) keeps sums of thousands of opportunities in int64.
inline constexpr int64_t kMaxOpportunityAmountMinor = 1'000'000'000'000'000;

// "opportunities/{opportunity}" -> id; INVALID_ARGUMENT naming `field`
// (common::ParseId). Accounts are named as in shared/names.h.
absl::StatusOr<int64_t> ParseOpportunityName(absl::string_view field, absl::string_view name);
std::string OpportunityName(int64_t id);

// The caller-writable fields of `opportunity` (messages name
// "opportunity.<field>"): title (required, 1 to 200 characters, one line),
// owner (a user id of at most 128 characters without white space; empty
// allowed here, see CheckOwnerPresent), amount (an ISO 4217 code and 0 to
// 10^15 minor units), expected_close_time (a valid timestamp),
// class_override (a known class), judgements and milestone notes (at most
// 1000 characters each), renews_agreement (empty or "agreements/{id}").
absl::Status ValidateOpportunityFields(const v1::Opportunity& opportunity);

// INVALID_ARGUMENT "opportunity.owner is required ..." when `owner` is empty.
absl::Status CheckOwnerPresent(absl::string_view owner, absl::string_view why);

// The money rule: `amount` must be in the account's credit currency
// (account.credit.credit_limit.currency_code). FAILED_PRECONDITION when the
// account has no credit currency; INVALID_ARGUMENT naming
// "opportunity.amount.currency_code" when the codes differ.
absl::Status CheckAmountCurrency(const kam::type::v1::Money& amount,
                                 const kam::account::v1::Account& account);

// Update-mask rules of UpdateOpportunity.
const common::UpdateMaskRules& OpportunityMaskRules();

// Makes every optional sub-message present (all six judgements and
// milestones), so what a write returns equals what a later read returns.
void FillOpportunityShape(v1::Opportunity* opportunity);

}  // namespace kam::interaction::opportunity
