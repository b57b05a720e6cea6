#include "services/interaction/activity/activity_accounts.h"

#include "absl/strings/str_cat.h"
#include "common/api/validation.h"

namespace kam::interaction::activity {

absl::StatusOr<CallContact> ToCallContact(const account::v1::Contact& contact,
                                          absl::string_view field) {
  CallContact call;
  call.field = std::string(field);
  call.name = contact.name();
  call.zone_name = contact.time_zone();
  call.do_not_call = contact.do_not_call();
  if (call.zone_name.empty()) {
    call.zone = absl::UTCTimeZone();
  } else if (!common::CheckTimeZone(field, call.zone_name).ok() ||
             !absl::LoadTimeZone(call.zone_name, &call.zone)) {
    return absl::FailedPreconditionError(
        absl::StrCat(field, " ", contact.name(), " has the time zone \"", call.zone_name,
                     "\", which this service does not know; its quiet hours cannot be judged"));
  }
  return call;
}

absl::Status CheckAccountCurrency(const account::v1::Account& account,
                                  const kam::type::v1::Money& money, absl::string_view field) {
  const std::string& currency = account.credit().credit_limit().currency_code();
  if (!account.credit().has_credit_limit() || currency.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("account ", account.name(),
                     " has no credit currency (credit.credit_limit.currency_code), so it cannot "
                     "take money amounts; set its credit profile first"));
  }
  if (money.currency_code() != currency) {
    return common::InvalidField(
        field, absl::StrCat("must be ", currency, ", the credit currency of ", account.name(),
                            " (got ", money.currency_code().substr(0, 8), ")"));
  }
  return absl::OkStatus();
}

}  // namespace kam::interaction::activity
