// Helpers for the activity area's integration tests (activity_*_test.cc):
// stubs, one-line calls with a fresh context, status matchers, and set-up
// through the account service's public API (accounts with a credit currency,
// contacts in a time zone, owners and tiers).
#ifndef KAM_TESTS_INTERACTION_ACTIVITY_TEST_HELPERS_H_
#define KAM_TESTS_INTERACTION_ACTIVITY_TEST_HELPERS_H_

#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "kam/interaction/v1/activity.grpc.pb.h"
#include "tests/interaction/interaction_client.h"

namespace kam::testing {

namespace iv1 = ::kam::interaction::v1;
using ActivityStub = iv1::ActivityService::Stub;
using AccountApi = v1::AccountService::Stub;

inline ActivityStub& Activities() {
  static ActivityStub* stub = InteractionStub<iv1::ActivityService>().release();
  return *stub;
}

inline AccountApi& Accounts() {
  static AccountApi* stub = AccountStub().release();
  return *stub;
}

template <typename Response>
struct Reply {
  grpc::Status status;
  Response value;
};

// One unary call with a fresh context (20 s deadline, actor `actor`).
template <typename Stub, typename Request, typename Response>
Reply<Response> Call(Stub& stub,
                     grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                     const Request& request, const std::string& actor = "test") {
  Reply<Response> reply;
  reply.status = (stub.*method)(Context(actor).get(), request, &reply.value);
  return reply;
}

inline std::string CodeName(grpc::StatusCode code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

// No error message may leak SQL or database text.
inline ::testing::AssertionResult NoSqlText(const grpc::Status& status) {
  for (const char* word : {"SQL", "SELECT", "INSERT", "UPDATE ", "syntax", "MariaDB", "mysql",
                           "Duplicate entry", "activities ", "kam_sequences"}) {
    if (absl::StrContains(status.error_message(), word)) {
      return ::testing::AssertionFailure()
             << "message leaks database text (" << word << "): " << status.error_message();
    }
  }
  return ::testing::AssertionSuccess();
}

inline ::testing::AssertionResult HasCode(const grpc::Status& status, grpc::StatusCode code) {
  if (status.error_code() != code) {
    return ::testing::AssertionFailure()
           << "expected " << CodeName(code) << ", got " << CodeName(status.error_code()) << ": "
           << status.error_message();
  }
  return NoSqlText(status);
}

// INVALID_ARGUMENT whose message starts with the field path and a space.
inline ::testing::AssertionResult IsInvalidField(const grpc::Status& status,
                                                 const std::string& field) {
  ::testing::AssertionResult code = HasCode(status, grpc::StatusCode::INVALID_ARGUMENT);
  if (!code) return code;
  if (!absl::StartsWith(status.error_message(), field + " ")) {
    return ::testing::AssertionFailure()
           << "message does not start with \"" << field << " \": " << status.error_message();
  }
  return ::testing::AssertionSuccess();
}

#define ASSERT_OK(status) ASSERT_TRUE(::kam::testing::HasCode((status), grpc::StatusCode::OK))
#define EXPECT_OK(status) EXPECT_TRUE(::kam::testing::HasCode((status), grpc::StatusCode::OK))

inline bool Same(const google::protobuf::Message& a, const google::protobuf::Message& b) {
  return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

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

// Runs `fn(i)` on `n` threads released together; returns when all are done.
template <typename Fn>
void RunTogether(int n, Fn fn) {
  absl::Notification start;
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      start.WaitForNotification();
      fn(i);
    });
  }
  start.Notify();
  for (std::thread& t : threads) t.join();
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
  Reply<v1::Account> reply = Call(Accounts(), &AccountApi::CreateAccount, request);
  EXPECT_OK(reply.status);
  return reply.value;
}

inline v1::Contact MakeContact(const std::string& account, const std::string& time_zone = "",
                               bool do_not_call = false, const std::string& name = "Person") {
  v1::CreateContactRequest request;
  request.set_parent(account);
  request.mutable_contact()->set_display_name(name);
  request.mutable_contact()->set_time_zone(time_zone);
  request.mutable_contact()->set_do_not_call(do_not_call);
  Reply<v1::Contact> reply = Call(Accounts(), &AccountApi::CreateContact, request);
  EXPECT_OK(reply.status);
  return reply.value;
}

inline void DeleteAccount(const std::string& name) {
  v1::DeleteAccountRequest request;
  request.set_name(name);
  EXPECT_OK(Call(Accounts(), &AccountApi::DeleteAccount, request).status);
}

inline void DeleteContact(const std::string& name) {
  v1::DeleteContactRequest request;
  request.set_name(name);
  EXPECT_OK(Call(Accounts(), &AccountApi::DeleteContact, request).status);
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

inline iv1::Activity MustCreate(const iv1::Activity& activity) {
  Reply<iv1::Activity> reply = Create(activity);
  EXPECT_OK(reply.status);
  return reply.value;
}

inline Reply<iv1::Activity> Get(const std::string& name) {
  iv1::GetActivityRequest request;
  request.set_name(name);
  return Call(Activities(), &ActivityStub::GetActivity, request);
}

inline Reply<iv1::Activity> Update(const iv1::Activity& patch,
                                   const std::vector<std::string>& paths) {
  iv1::UpdateActivityRequest request;
  *request.mutable_activity() = patch;
  for (const std::string& path : paths) request.mutable_update_mask()->add_paths(path);
  return Call(Activities(), &ActivityStub::UpdateActivity, request);
}

// Every activity matching `filter`, all pages (`page_size` each).
inline std::vector<iv1::Activity> ListAll(const std::string& filter, bool show_deleted = false,
                                          int page_size = 200) {
  std::vector<iv1::Activity> all;
  iv1::ListActivitiesRequest request;
  request.set_filter(filter);
  request.set_show_deleted(show_deleted);
  request.set_page_size(page_size);
  for (int page = 0; page < 200; ++page) {
    Reply<iv1::ListActivitiesResponse> reply =
        Call(Activities(), &ActivityStub::ListActivities, request);
    EXPECT_OK(reply.status);
    if (!reply.status.ok()) break;
    for (const iv1::Activity& a : reply.value.activities()) all.push_back(a);
    if (reply.value.next_page_token().empty()) break;
    request.set_page_token(reply.value.next_page_token());
  }
  return all;
}

inline std::vector<std::string> Names(const std::vector<iv1::Activity>& activities) {
  std::vector<std::string> names;
  for (const iv1::Activity& a : activities) names.push_back(a.name());
  return names;
}

}  // namespace kam::testing

#endif  // KAM_TESTS_INTERACTION_ACTIVITY_TEST_HELPERS_H_
