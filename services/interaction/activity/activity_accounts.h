// What the activity area reads from the account service's answers beyond
// "exists and is live" (shared/account_checks.h): a contact's time zone for
// the quiet hours, and an account's credit currency for costs.
#pragma once

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "kam/account/v1/account.pb.h"
#include "kam/type/v1/money.pb.h"
#include "services/interaction/activity/quiet_hours.h"

namespace kam::interaction::activity {

// The contact as the quiet-hours rules see it: its zone loaded (UTC when it
// has none). FAILED_PRECONDITION when this host's time zone database does not
// know the zone.
absl::StatusOr<CallContact> ToCallContact(const account::v1::Contact& contact,
                                          absl::string_view field);

// Money written for an account must be in its credit currency
// (credit.credit_limit.currency_code): FAILED_PRECONDITION when the account
// has none, INVALID_ARGUMENT naming `field` when `money` is in another.
absl::Status CheckAccountCurrency(const account::v1::Account& account,
                                  const kam::type::v1::Money& money, absl::string_view field);

}  // namespace kam::interaction::activity
