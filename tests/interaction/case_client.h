// Helpers shared by the service-case and survey integration tests
// (case_test, escalation_test, survey_test): stubs, status assertions, and
// accounts, contacts and cases made through the public APIs.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "gtest/gtest.h"
#include "kam/interaction/v1/satisfaction.grpc.pb.h"
#include "kam/interaction/v1/service_case.grpc.pb.h"
#include "tests/interaction/interaction_client.h"

namespace kam::testing {

namespace av1 = ::kam::account::v1;
namespace iv1 = ::kam::interaction::v1;
using CaseStub = iv1::ServiceCaseService::Stub;
using SurveyStub = iv1::SatisfactionService::Stub;

inline CaseStub& Cases() { return InteractionApi<iv1::ServiceCaseService>(); }

inline SurveyStub& Surveys() { return InteractionApi<iv1::SatisfactionService>(); }

inline int64_t Micros(const google::protobuf::Timestamp& ts) {
  return ts.seconds() * 1000000 + ts.nanos() / 1000;
}

inline int64_t Micros(const google::protobuf::Duration& d) {
  return d.seconds() * 1000000 + d.nanos() / 1000;
}

inline constexpr int64_t kMicrosPerMinute = 60 * 1000000LL;

// The SLA a case runs under: its policy, both targets, and the due times
// they give counted from the case's creation.
inline ::testing::AssertionResult SlaIs(const iv1::Case& c, const std::string& policy,
                                        int first_response_minutes, int resolution_minutes) {
  const int64_t created = Micros(c.create_time());
  if (c.sla_policy() != policy || c.first_response_target_minutes() != first_response_minutes ||
      c.resolution_target_minutes() != resolution_minutes ||
      Micros(c.first_response_due_time()) != created + first_response_minutes * kMicrosPerMinute ||
      Micros(c.resolution_due_time()) != created + resolution_minutes * kMicrosPerMinute) {
    return ::testing::AssertionFailure()
           << "expected " << policy << " (" << first_response_minutes << " / " << resolution_minutes
           << " minutes from creation), got " << c.sla_policy() << " ("
           << c.first_response_target_minutes() << " / " << c.resolution_target_minutes()
           << " minutes), due "
           << (Micros(c.first_response_due_time()) - created) / kMicrosPerMinute << " / "
           << (Micros(c.resolution_due_time()) - created) / kMicrosPerMinute
           << " minutes after creation";
  }
  return ::testing::AssertionSuccess();
}

// A new live account; `tier` published through SetAccountTiers unless
// TIER_UNSPECIFIED.
inline av1::Account NewAccount(const std::string& prefix, av1::Tier tier = av1::TIER_UNSPECIFIED) {
  av1::Account account = CreateAccount(Accounts(), Unique(prefix));
  if (tier != av1::TIER_UNSPECIFIED) {
    av1::SetAccountTiersRequest request;
    request.set_rating_run(Unique("run"));
    request.set_policy_version("test");
    av1::TierAssignment* a = request.add_assignments();
    a->set_account(account.name());
    a->set_tier(tier);
    av1::SetAccountTiersResponse response;
    grpc::Status status = Accounts().SetAccountTiers(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    account.set_tier(tier);
  }
  return account;
}

inline av1::Contact NewContact(const std::string& account) {
  av1::CreateContactRequest request;
  request.set_parent(account);
  request.mutable_contact()->set_display_name(Unique("contact"));
  av1::Contact contact;
  grpc::Status status = Accounts().CreateContact(Context().get(), request, &contact);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return contact;
}

inline iv1::CreateCaseRequest CaseRequest(const std::string& account, iv1::CaseType type,
                                          iv1::CasePriority priority = iv1::CASE_PRIORITY_MEDIUM,
                                          const std::string& title = "") {
  iv1::Case c;
  c.set_account(account);
  c.set_type(type);
  c.set_priority(priority);
  c.set_title(title.empty() ? Unique("case") : title);
  return CreateRequest<iv1::CreateCaseRequest>(c, "req");
}

// Creates a case; fails the test when the call fails.
inline iv1::Case NewCase(const std::string& account, iv1::CaseType type,
                         iv1::CasePriority priority = iv1::CASE_PRIORITY_MEDIUM,
                         const std::string& actor = "test") {
  iv1::Case c;
  grpc::Status status =
      Cases().CreateCase(Context(actor).get(), CaseRequest(account, type, priority), &c);
  EXPECT_TRUE(status.ok()) << CodeName(status.error_code()) << " " << status.error_message();
  return c;
}

inline iv1::Case GetCase(const std::string& name) {
  return OkValue(Call(Cases(), &CaseStub::GetCase, ByName<iv1::GetCaseRequest>(name)));
}

// Every event of a case, oldest first, read `page_size` at a time.
inline std::vector<iv1::CaseEvent> Events(const std::string& name, int page_size = 100) {
  iv1::ListCaseEventsRequest request;
  request.set_parent(name);
  request.set_page_size(page_size);
  return AllPages<iv1::CaseEvent>(Cases(), &CaseStub::ListCaseEvents, request);
}

// "KIND from->to" (or "KIND" alone when it has neither), for readable
// comparisons.
inline std::string EventLine(const iv1::CaseEvent& e) {
  const std::string kind(absl::StripPrefix(iv1::CaseEventKind_Name(e.kind()), "CASE_EVENT_KIND_"));
  return e.from_value().empty() && e.to_value().empty()
             ? kind
             : absl::StrCat(kind, " ", e.from_value(), "->", e.to_value());
}

// The EventLine of every event of a case's audit trail.
inline std::vector<std::string> EventLines(const std::string& name) {
  std::vector<std::string> lines;
  for (const iv1::CaseEvent& e : Events(name)) lines.push_back(EventLine(e));
  return lines;
}

// One event in full, "KIND from->to by actor: reason", for comparisons that
// also check who made a change and why.
inline std::string Described(const iv1::CaseEvent& e) {
  return absl::StrCat(EventLine(e), " by ", e.actor(), ": ", e.reason());
}

// Every case matching `filter`, all pages.
inline std::vector<iv1::Case> ListAllCases(const std::string& filter,
                                           const std::string& order_by = "", int page_size = 1000) {
  iv1::ListCasesRequest request;
  request.set_filter(filter);
  request.set_order_by(order_by);
  request.set_page_size(page_size);
  return AllPages<iv1::Case>(Cases(), &CaseStub::ListCases, request, /*max_pages=*/1000);
}

// Sets an SLA policy's targets; returns the policy after the change.
inline iv1::SlaPolicy SetPolicy(const std::string& name, int first_response_minutes,
                                int resolution_minutes, const std::string& reason = "test",
                                const std::string& actor = "test") {
  iv1::UpdateSlaPolicyRequest request;
  request.mutable_policy()->set_name(name);
  request.mutable_policy()->set_first_response_minutes(first_response_minutes);
  request.mutable_policy()->set_resolution_minutes(resolution_minutes);
  request.mutable_update_mask()->add_paths("*");
  request.set_reason(reason);
  iv1::SlaPolicy policy;
  grpc::Status status = Cases().UpdateSlaPolicy(Context(actor).get(), request, &policy);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return policy;
}

inline grpc::Status ChangeStatus(const std::string& name, iv1::CaseStatus to,
                                 const std::string& reason = "", iv1::Case* out = nullptr,
                                 const std::string& etag = "", const std::string& actor = "test") {
  iv1::ChangeCaseStatusRequest request;
  request.set_name(name);
  request.set_status(to);
  request.set_reason(reason);
  request.set_etag(etag);
  iv1::Case ignored;
  return Cases().ChangeCaseStatus(Context(actor).get(), request, out != nullptr ? out : &ignored);
}

inline grpc::Status Escalate(const std::string& name, const std::string& reason,
                             iv1::Case* out = nullptr, const std::string& actor = "test") {
  iv1::EscalateCaseRequest request;
  request.set_name(name);
  request.set_reason(reason);
  iv1::Case ignored;
  return Cases().EscalateCase(Context(actor).get(), request, out != nullptr ? out : &ignored);
}

}  // namespace kam::testing
