// What the activity area's writes need from the account service, and the
// status each caller gets. Asked before any transaction starts and never
// cached across calls (the account service owns these facts): a missing
// account or contact is NOT_FOUND, a soft-deleted one FAILED_PRECONDITION,
// and while the account service is down UNAVAILABLE, with nothing written.
#ifndef KAM_SERVICES_INTERACTION_ACTIVITY_ACTIVITY_ACCOUNTS_H_
#define KAM_SERVICES_INTERACTION_ACTIVITY_ACTIVITY_ACCOUNTS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/server/grpc_server.h"
#include "kam/account/v1/account.pb.h"
#include "kam/type/money.pb.h"
#include "services/interaction/shared/account_client.h"
#include "services/interaction/activity/quiet_hours.h"

namespace kam::interaction::activity {

// The account `name` ("accounts/7"), which must exist and be live. Messages
// start with `field` ("activity.account accounts/7 not found").
absl::StatusOr<account::v1::Account> FetchLiveAccount(AccountClient& accounts,
                                                      const common::CallContext& caller,
                                                      absl::string_view field,
                                                      const std::string& name);

// The contact `name` ("accounts/7/contacts/3"), which must exist and, when
// `must_be_live`, not be soft-deleted.
absl::StatusOr<account::v1::Contact> FetchContact(AccountClient& accounts,
                                                  const common::CallContext& caller,
                                                  absl::string_view field, const std::string& name,
                                                  bool must_be_live);

// The contact as the quiet-hours rules see it: its zone loaded (UTC when it
// has none). FAILED_PRECONDITION when this host's time zone database does not
// know the zone.
absl::StatusOr<CallContact> ToCallContact(const account::v1::Contact& contact,
                                          absl::string_view field);

// Money written for an account must be in its credit currency
// (credit.credit_limit.currency_code): FAILED_PRECONDITION when the account
// has none, INVALID_ARGUMENT naming `field` when `money` is in another.
absl::Status CheckAccountCurrency(const account::v1::Account& account,
                                  const kam::type::Money& money, absl::string_view field);

}  // namespace kam::interaction::activity

#endif  // KAM_SERVICES_INTERACTION_ACTIVITY_ACTIVITY_ACCOUNTS_H_
