// Helpers for the activity area's integration tests (activity_*_test.cc):
// the activity stub, times, set-up through the account service's public API
// (accounts with a credit currency, contacts in a time zone) and short calls
// of the activity API.
#pragma once

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "kam/interaction/v1/activity.grpc.pb.h"
#include "tests/interaction/interaction_client.h"

namespace kam::testing {

namespace iv1 = ::kam::interaction::v1;
using ActivityStub = iv1::ActivityService::Stub;

inline ActivityStub& Activities() { return InteractionApi<iv1::ActivityService>(); }

inline google::protobuf::Timestamp Ts(const std::string& rfc3339) {
  absl::Time time;
  std::string error;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, rfc3339, &time, &error)) << rfc3339 << error;
  google::protobuf::Timestamp ts;
  ts.set_seconds(absl::ToUnixSeconds(time));
  ts.set_nanos(
      static_cast<int32_t>((time - absl::FromUnixSeconds(ts.seconds())) / absl::Nanoseconds(1)));
  return ts;
}

inline google::protobuf::Timestamp TsAt(absl::Time time) {
  google::protobuf::Timestamp ts;
  const int64_t micros = absl::ToUnixMicros(time);
  ts.set_seconds(micros / 1000000 - (micros % 1000000 < 0 ? 1 : 0));
  ts.set_nanos(static_cast<int32_t>(((micros % 1000000) + 1000000) % 1000000 * 1000));
  return ts;
}

inline absl::Time TimeOf(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

// "2031-03-04T10:00:00.123456Z".
inline std::string Rfc3339(const google::protobuf::Timestamp& ts) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", TimeOf(ts), absl::UTCTimeZone());
}

// --- set-up through the account service ------------------------------------

// An account with a credit profile in `currency` (none when empty) and the
// given owner (empty: none).
inline v1::Account MakeAccount(const std::string& prefix, const std::string& currency = "CNY",
                               const std::string& owner = "") {
  v1::CreateAccountRequest request;
  request.mutable_account()->set_display_name(Unique(prefix));
  if (!currency.empty()) {
    v1::CreditProfile* credit = request.mutable_account()->mutable_credit();
    credit->mutable_credit_limit()->set_currency_code(currency);
    credit->mutable_credit_limit()->set_minor_units(100000000);
    credit->set_payment_terms_days(30);
  }
  request.mutable_account()->set_owner(owner);
  return OkValue(Call(Accounts(), &AccountApi::CreateAccount, request));
}

inline v1::Contact MakeContact(const std::string& account, const std::string& time_zone = "",
                               bool do_not_call = false, const std::string& name = "Person") {
  v1::CreateContactRequest request;
  request.set_parent(account);
  request.mutable_contact()->set_display_name(name);
  request.mutable_contact()->set_time_zone(time_zone);
  request.mutable_contact()->set_do_not_call(do_not_call);
  return OkValue(Call(Accounts(), &AccountApi::CreateContact, request));
}

inline void DeleteAccount(const std::string& name) {
  EXPECT_OK(
      Call(Accounts(), &AccountApi::DeleteAccount, ByName<v1::DeleteAccountRequest>(name)).status);
}

inline void DeleteContact(const std::string& name) {
  EXPECT_OK(
      Call(Accounts(), &AccountApi::DeleteContact, ByName<v1::DeleteContactRequest>(name)).status);
}

// --- activities ------------------------------------------------------------------

inline iv1::Activity Visit(const std::string& account,
                           const std::string& planned = "2031-03-04T10:00:00Z") {
  iv1::Activity a;
  a.set_account(account);
  a.set_kind(iv1::ACTIVITY_KIND_VISIT);
  a.set_subject("Quarterly review");
  *a.mutable_planned_time() = Ts(planned);
  return a;
}

inline iv1::Activity PlannedCall(const std::string& account,
                                 const std::vector<std::string>& contacts,
                                 const std::string& planned) {
  iv1::Activity a;
  a.set_account(account);
  a.set_kind(iv1::ACTIVITY_KIND_CALL);
  a.set_subject("Check-in call");
  for (const std::string& c : contacts) a.add_contacts(c);
  *a.mutable_planned_time() = Ts(planned);
  return a;
}

inline Reply<iv1::Activity> Create(const iv1::Activity& activity,
                                   const std::string& request_id = "",
                                   const std::string& actor = "test") {
  iv1::CreateActivityRequest request;
  *request.mutable_activity() = activity;
  request.set_request_id(request_id);
  return Call(Activities(), &ActivityStub::CreateActivity, request, actor);
}

inline iv1::Activity MustCreate(const iv1::Activity& activity) { return OkValue(Create(activity)); }

inline Reply<iv1::Activity> Get(const std::string& name) {
  return Call(Activities(), &ActivityStub::GetActivity, ByName<iv1::GetActivityRequest>(name));
}

inline Reply<iv1::Activity> Update(const iv1::Activity& patch,
                                   const std::vector<std::string>& paths) {
  return Call(Activities(), &ActivityStub::UpdateActivity,
              UpdateRequest<iv1::UpdateActivityRequest>(patch, paths));
}

// Every activity matching `filter`, all pages (`page_size` each).
inline std::vector<iv1::Activity> ListAll(const std::string& filter, bool show_deleted = false,
                                          int page_size = 200) {
  iv1::ListActivitiesRequest request;
  request.set_filter(filter);
  request.set_show_deleted(show_deleted);
  request.set_page_size(page_size);
  return AllPages<iv1::Activity>(Activities(), &ActivityStub::ListActivities, request,
                                 /*max_pages=*/200);
}

inline std::vector<std::string> Names(const std::vector<iv1::Activity>& activities) {
  std::vector<std::string> names;
  for (const iv1::Activity& a : activities) names.push_back(a.name());
  return names;
}

}  // namespace kam::testing
