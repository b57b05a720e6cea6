// Service cases through the public API: creation and routing, SLA targets by
// priority and tier, the lifecycle with its audit trail, the status machine's
// refusals, pause/resume moving the due times, manual escalation to the top,
// updates and re-prioritisation, listing, the SLA policy review history, the
// routing table and its upgrade (migration 0006), and the account service
// stopped mid-run. (Breaches and the sweeper: escalation_test.cc.)
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/harness/service_process.h"
#include "tests/interaction/case_client.h"

namespace kam::testing {
namespace {

// --- creation ---------------------------------------------------------------

TEST(CreateCaseTest, StartsOpenAtTheRoutedLevelWithThePolicyTargets) {
  const av1::Account account = NewAccount("routing");
  iv1::CreateCaseRequest request =
      CaseRequest(account.name(), iv1::CASE_TYPE_COMPLAINT, iv1::CASE_PRIORITY_UNSPECIFIED,
                  "Invoice sent to the wrong address");
  request.mutable_case_()->set_description("Second time this month.\nPlease fix.");
  request.mutable_case_()->set_assignee("sc-agent-1");
  iv1::Case c;
  ASSERT_OK(Cases().CreateCase(Context("alice").get(), request, &c));
  EXPECT_TRUE(absl::StartsWith(c.name(), "cases/")) << c.name();
  EXPECT_EQ(c.account(), account.name());
  EXPECT_EQ(c.type(), iv1::CASE_TYPE_COMPLAINT);
  EXPECT_EQ(c.priority(), iv1::CASE_PRIORITY_MEDIUM);  // the default
  EXPECT_EQ(c.title(), "Invoice sent to the wrong address");
  EXPECT_EQ(c.description(), "Second time this month.\nPlease fix.");
  EXPECT_EQ(c.status(), iv1::CASE_STATUS_OPEN);
  EXPECT_EQ(c.level(), iv1::CASE_LEVEL_ACCOUNT_MANAGER);  // complaints go to the account manager
  EXPECT_EQ(c.assignee(), "sc-agent-1");
  EXPECT_EQ(c.account_tier(), av1::TIER_UNSPECIFIED);
  EXPECT_TRUE(SlaIs(c, "slaPolicies/medium-unrated", 720, 7200));
  EXPECT_FALSE(c.has_first_response_time());
  EXPECT_FALSE(c.has_resolve_time());
  EXPECT_FALSE(c.has_pause_start_time());
  EXPECT_EQ(Micros(c.paused_duration()), 0);
  EXPECT_FALSE(c.first_response_breached());
  EXPECT_FALSE(c.resolution_breached());
  EXPECT_FALSE(c.etag().empty());
  // The stored case reads back the same.
  iv1::Case read = GetCase(c.name());
  EXPECT_EQ(read.SerializeAsString(), c.SerializeAsString()) << read.DebugString();
  // The audit trail starts with the creation.
  const std::vector<iv1::CaseEvent> events = Events(c.name());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind(), iv1::CASE_EVENT_KIND_CREATED);
  EXPECT_EQ(events[0].to_value(), "OPEN");
  EXPECT_EQ(events[0].actor(), "alice");
  EXPECT_TRUE(absl::StrContains(events[0].reason(), "routed to ACCOUNT_MANAGER"))
      << events[0].reason();
  EXPECT_EQ(Micros(events[0].event_time()), Micros(c.create_time()));
}

// docs/domain.md §7: the service centre takes routine requests only;
// complaints, fault repair, collections and contract supervision start with
// the account manager.
TEST(CreateCaseTest, DefaultRoutingByType) {
  const av1::Account account = NewAccount("routing-types");
  EXPECT_EQ(NewCase(account.name(), iv1::CASE_TYPE_ROUTINE_REQUEST).level(),
            iv1::CASE_LEVEL_SERVICE_CENTRE);
  EXPECT_EQ(NewCase(account.name(), iv1::CASE_TYPE_COMPLAINT).level(),
            iv1::CASE_LEVEL_ACCOUNT_MANAGER);
  EXPECT_EQ(NewCase(account.name(), iv1::CASE_TYPE_FAULT_REPAIR).level(),
            iv1::CASE_LEVEL_ACCOUNT_MANAGER);
  EXPECT_EQ(NewCase(account.name(), iv1::CASE_TYPE_COLLECTION).level(),
            iv1::CASE_LEVEL_ACCOUNT_MANAGER);
  EXPECT_EQ(NewCase(account.name(), iv1::CASE_TYPE_CONTRACT_SUPERVISION).level(),
            iv1::CASE_LEVEL_ACCOUNT_MANAGER);
}

TEST(CreateCaseTest, TargetsDependOnPriorityAndTier) {
  struct Expected {
    av1::Tier tier;
    iv1::CasePriority priority;
    const char* policy;
    int first_response;
    int resolution;
  };
  const Expected cases[] = {
      {av1::TIER_A, iv1::CASE_PRIORITY_CRITICAL, "slaPolicies/critical-a", 15, 240},
      {av1::TIER_B, iv1::CASE_PRIORITY_CRITICAL, "slaPolicies/critical-b", 30, 480},
      {av1::TIER_A, iv1::CASE_PRIORITY_LOW, "slaPolicies/low-a", 480, 4320},
      {av1::TIER_D, iv1::CASE_PRIORITY_LOW, "slaPolicies/low-d", 1440, 14400},
      {av1::TIER_C, iv1::CASE_PRIORITY_MEDIUM, "slaPolicies/medium-c", 720, 7200},
      {av1::TIER_UNSPECIFIED, iv1::CASE_PRIORITY_CRITICAL, "slaPolicies/critical-unrated", 60,
       1440},
  };
  for (const Expected& e : cases) {
    const av1::Account account = NewAccount("tiered", e.tier);
    const iv1::Case c = NewCase(account.name(), iv1::CASE_TYPE_FAULT_REPAIR, e.priority);
    SCOPED_TRACE(e.policy);
    EXPECT_EQ(c.account_tier(), e.tier);
    EXPECT_TRUE(SlaIs(c, e.policy, e.first_response, e.resolution));
  }
}

TEST(CreateCaseTest, KeepsTheTierItWasCreatedWith) {
  const av1::Account account = NewAccount("retiered", av1::TIER_B);
  const iv1::Case before =
      NewCase(account.name(), iv1::CASE_TYPE_COMPLAINT, iv1::CASE_PRIORITY_CRITICAL);
  EXPECT_EQ(before.account_tier(), av1::TIER_B);
  // The account is re-rated A; the open case keeps B's targets, a new case
  // gets A's.
  av1::SetAccountTiersRequest tiers;
  tiers.set_rating_run(Unique("run"));
  tiers.set_policy_version("test");
  tiers.add_assignments()->set_account(account.name());
  tiers.mutable_assignments(0)->set_tier(av1::TIER_A);
  av1::SetAccountTiersResponse set;
  ASSERT_OK(Accounts().SetAccountTiers(Context().get(), tiers, &set));
  const iv1::Case after = GetCase(before.name());
  EXPECT_EQ(after.account_tier(), av1::TIER_B);
  EXPECT_EQ(after.first_response_target_minutes(), 30);
  const iv1::Case fresh =
      NewCase(account.name(), iv1::CASE_TYPE_COMPLAINT, iv1::CASE_PRIORITY_CRITICAL);
  EXPECT_EQ(fresh.account_tier(), av1::TIER_A);
  EXPECT_EQ(fresh.first_response_target_minutes(), 15);
}

TEST(CreateCaseTest, Validation) {
  const av1::Account account = NewAccount("validation");
  const av1::Account other = NewAccount("validation-other");
  const av1::Contact other_contact = NewContact(other.name());
  auto create = [](const iv1::CreateCaseRequest& request) {
    iv1::Case c;
    return Cases().CreateCase(Context().get(), request, &c);
  };
  iv1::CreateCaseRequest request = CaseRequest(account.name(), iv1::CASE_TYPE_COMPLAINT);
  EXPECT_TRUE(IsInvalidField(create(iv1::CreateCaseRequest()), "case"));
  request.mutable_case_()->clear_account();
  EXPECT_TRUE(IsInvalidField(create(request), "case.account"));
  request = CaseRequest(account.name(), iv1::CASE_TYPE_UNSPECIFIED);
  EXPECT_TRUE(IsInvalidField(create(request), "case.type"));
  request = CaseRequest(account.name(), iv1::CASE_TYPE_COMPLAINT);
  request.mutable_case_()->set_title(" ");
  EXPECT_TRUE(IsInvalidField(create(request), "case.title"));
  request = CaseRequest(account.name(), iv1::CASE_TYPE_COMPLAINT);
  request.mutable_case_()->set_title(std::string(201, 'x'));
  EXPECT_TRUE(IsInvalidField(create(request), "case.title"));
  request = CaseRequest(account.name(), iv1::CASE_TYPE_COMPLAINT);
  request.mutable_case_()->set_assignee("has space");
  EXPECT_TRUE(IsInvalidField(create(request), "case.assignee"));
  request = CaseRequest(account.name(), iv1::CASE_TYPE_COMPLAINT);
  request.mutable_case_()->set_contact(other_contact.name());
  EXPECT_TRUE(IsInvalidField(create(request), "case.contact"));
  request = CaseRequest(account.name(), iv1::CASE_TYPE_COMPLAINT);
  request.set_request_id("has space");
  EXPECT_TRUE(IsInvalidField(create(request), "request_id"));
  // Unknown account and contact: NOT_FOUND from the account service.
  EXPECT_CODE(create(CaseRequest("accounts/999999999", iv1::CASE_TYPE_COMPLAINT)), NOT_FOUND);
  request = CaseRequest(account.name(), iv1::CASE_TYPE_COMPLAINT);
  request.mutable_case_()->set_contact(absl::StrCat(account.name(), "/contacts/999999999"));
  EXPECT_CODE(create(request), NOT_FOUND);
  // A deleted account or contact: FAILED_PRECONDITION.
  const av1::Contact contact = NewContact(account.name());
  av1::DeleteContactRequest delete_contact = ByName<av1::DeleteContactRequest>(contact.name());
  av1::Contact deleted_contact;
  ASSERT_OK(Accounts().DeleteContact(Context().get(), delete_contact, &deleted_contact));
  request = CaseRequest(account.name(), iv1::CASE_TYPE_COMPLAINT);
  request.mutable_case_()->set_contact(contact.name());
  EXPECT_CODE(create(request), FAILED_PRECONDITION);
  const av1::Account gone = NewAccount("deleted");
  av1::DeleteAccountRequest delete_account = ByName<av1::DeleteAccountRequest>(gone.name());
  av1::Account deleted;
  ASSERT_OK(Accounts().DeleteAccount(Context().get(), delete_account, &deleted));
  EXPECT_CODE(create(CaseRequest(gone.name(), iv1::CASE_TYPE_COMPLAINT)), FAILED_PRECONDITION);
  // None of this wrote a case.
  EXPECT_TRUE(ListAllCases(absl::StrCat("account = \"", account.name(), "\"")).empty());
  EXPECT_TRUE(ListAllCases(absl::StrCat("account = \"", gone.name(), "\"")).empty());
}

TEST(CreateCaseTest, RequestIdMakesRetriesSafe) {
  const av1::Account account = NewAccount("idempotent");
  const iv1::CreateCaseRequest request = CaseRequest(account.name(), iv1::CASE_TYPE_FAULT_REPAIR);
  iv1::Case first;
  ASSERT_OK(Cases().CreateCase(Context().get(), request, &first));
  iv1::Case again;
  ASSERT_OK(Cases().CreateCase(Context().get(), request, &again));
  EXPECT_EQ(again.name(), first.name());
  EXPECT_EQ(again.etag(), first.etag());
  iv1::CreateCaseRequest different = request;
  different.mutable_case_()->set_title("another title");
  iv1::Case refused;
  const grpc::Status status = Cases().CreateCase(Context().get(), different, &refused);
  EXPECT_CODE(status, ALREADY_EXISTS);
  EXPECT_TRUE(absl::StrContains(status.error_message(), request.request_id()))
      << status.error_message();
  EXPECT_EQ(ListAllCases(absl::StrCat("account = \"", account.name(), "\"")).size(), 1u);
  EXPECT_EQ(Events(first.name()).size(), 1u);
}

// --- lifecycle ----------------------------------------------------------------

TEST(CaseLifecycleTest, FullLifecycleWithAuditTrailAndPausedClock) {
  const av1::Account account = NewAccount("lifecycle", av1::TIER_A);
  const av1::Contact contact = NewContact(account.name());
  iv1::CreateCaseRequest request =
      CaseRequest(account.name(), iv1::CASE_TYPE_FAULT_REPAIR, iv1::CASE_PRIORITY_HIGH);
  request.mutable_case_()->set_contact(contact.name());
  iv1::Case c;
  ASSERT_OK(Cases().CreateCase(Context("agent").get(), request, &c));
  EXPECT_EQ(c.contact(), contact.name());
  EXPECT_EQ(c.sla_policy(), "slaPolicies/high-a");

  // Assign.
  iv1::UpdateCaseRequest assign;
  assign.mutable_case_()->set_name(c.name());
  assign.mutable_case_()->set_assignee("tech-7");
  assign.mutable_case_()->set_etag(c.etag());
  assign.mutable_update_mask()->add_paths("assignee");
  ASSERT_OK(Cases().UpdateCase(Context("lead").get(), assign, &c));
  EXPECT_EQ(c.assignee(), "tech-7");

  // Start work: the first response is recorded.
  ASSERT_OK(ChangeStatus(c.name(), iv1::CASE_STATUS_IN_PROGRESS, "on it", &c, c.etag(), "tech-7"));
  ASSERT_TRUE(c.has_first_response_time());
  EXPECT_EQ(Micros(c.first_response_time()), Micros(c.update_time()));
  const int64_t due_before = Micros(c.resolution_due_time());

  // Wait on the customer: the clock pauses.
  ASSERT_OK(ChangeStatus(c.name(), iv1::CASE_STATUS_WAITING_ON_CUSTOMER, "need the serial number",
                         &c, "", "tech-7"));
  ASSERT_TRUE(c.has_pause_start_time());
  const int64_t pause_start = Micros(c.pause_start_time());
  EXPECT_EQ(Micros(c.resolution_due_time()), due_before);  // not moved yet
  absl::SleepFor(absl::Milliseconds(300));
  iv1::Case paused = GetCase(c.name());
  EXPECT_EQ(Micros(paused.resolution_due_time()), due_before);

  // The customer answers: the clock resumes; both due times moved by the pause.
  ASSERT_OK(ChangeStatus(c.name(), iv1::CASE_STATUS_IN_PROGRESS, "serial number received", &c, "",
                         "tech-7"));
  EXPECT_FALSE(c.has_pause_start_time());
  const int64_t paused_for = Micros(c.update_time()) - pause_start;
  EXPECT_GE(paused_for, 300000);
  EXPECT_EQ(Micros(c.paused_duration()), paused_for);
  EXPECT_EQ(Micros(c.resolution_due_time()), due_before + paused_for);
  EXPECT_EQ(Micros(c.resolution_due_time()),
            Micros(c.create_time()) + 1440 * kMicrosPerMinute + paused_for);
  EXPECT_EQ(Micros(c.first_response_due_time()),
            Micros(c.create_time()) + 60 * kMicrosPerMinute + paused_for);

  // Resolve, then close.
  ASSERT_OK(ChangeStatus(c.name(), iv1::CASE_STATUS_RESOLVED, "part replaced", &c, "", "tech-7"));
  EXPECT_TRUE(c.has_resolve_time());
  EXPECT_FALSE(c.resolution_breached());
  ASSERT_OK(ChangeStatus(c.name(), iv1::CASE_STATUS_CLOSED, "customer confirmed", &c, "", "lead"));
  EXPECT_EQ(c.status(), iv1::CASE_STATUS_CLOSED);
  EXPECT_TRUE(c.has_close_time());

  const std::vector<std::string> expected = {
      "CREATED ->OPEN",
      "ASSIGNMENT ->tech-7",
      "STATUS_CHANGE OPEN->IN_PROGRESS",
      absl::StrCat("FIRST_RESPONSE ->",
                   absl::FormatTime(absl::RFC3339_full,
                                    absl::FromUnixMicros(Micros(c.first_response_time())),
                                    absl::UTCTimeZone())),
      "STATUS_CHANGE IN_PROGRESS->WAITING_ON_CUSTOMER",
      "CLOCK_PAUSE",
      "STATUS_CHANGE WAITING_ON_CUSTOMER->IN_PROGRESS",
      absl::StrCat(
          "CLOCK_RESUME ",
          absl::FormatTime(absl::RFC3339_full, absl::FromUnixMicros(due_before),
                           absl::UTCTimeZone()),
          "->",
          absl::FormatTime(absl::RFC3339_full, absl::FromUnixMicros(due_before + paused_for),
                           absl::UTCTimeZone())),
      "STATUS_CHANGE IN_PROGRESS->RESOLVED",
      "STATUS_CHANGE RESOLVED->CLOSED",
  };
  EXPECT_EQ(EventLines(c.name()), expected);
  const std::vector<iv1::CaseEvent> events = Events(c.name());
  ASSERT_EQ(events.size(), expected.size());
  EXPECT_EQ(events[0].actor(), "agent");
  EXPECT_EQ(events[1].actor(), "lead");
  EXPECT_EQ(events[2].actor(), "tech-7");
  EXPECT_EQ(events[2].reason(), "on it");
  EXPECT_EQ(events[4].reason(), "need the serial number");
  EXPECT_EQ(events[9].actor(), "lead");
  for (size_t i = 1; i < events.size(); ++i) {
    EXPECT_LE(Micros(events[i - 1].event_time()), Micros(events[i].event_time()));
  }
  // Paging through the trail gives the same rows.
  const std::vector<iv1::CaseEvent> paged = Events(c.name(), 3);
  ASSERT_EQ(paged.size(), events.size());
  for (size_t i = 0; i < events.size(); ++i) EXPECT_EQ(paged[i].name(), events[i].name());
}

TEST(CaseLifecycleTest, StatusMachineRefusesMovesOutsideIt) {
  const av1::Account account = NewAccount("machine");
  iv1::Case c = NewCase(account.name(), iv1::CASE_TYPE_ROUTINE_REQUEST);
  grpc::Status status = ChangeStatus(c.name(), iv1::CASE_STATUS_CLOSED);
  EXPECT_CODE(status, FAILED_PRECONDITION);
  EXPECT_EQ(status.error_message(),
            absl::StrCat("case ", c.name(),
                         " cannot move from OPEN to CLOSED (allowed from OPEN: "
                         "IN_PROGRESS, WAITING_ON_CUSTOMER, RESOLVED)"));
  EXPECT_CODE(ChangeStatus(c.name(), iv1::CASE_STATUS_OPEN), FAILED_PRECONDITION);
  EXPECT_TRUE(IsInvalidField(ChangeStatus(c.name(), iv1::CASE_STATUS_UNSPECIFIED), "status"));
  // A routine request settled on the spot: OPEN -> RESOLVED answers the
  // customer too.
  ASSERT_OK(ChangeStatus(c.name(), iv1::CASE_STATUS_RESOLVED, "address changed", &c));
  EXPECT_TRUE(c.has_first_response_time());
  EXPECT_EQ(Micros(c.first_response_time()), Micros(c.resolve_time()));
  status = ChangeStatus(c.name(), iv1::CASE_STATUS_WAITING_ON_CUSTOMER);
  EXPECT_CODE(status, FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(status.error_message(), "RESOLVED")) << status.error_message();
  EXPECT_TRUE(absl::StrContains(status.error_message(), "WAITING_ON_CUSTOMER"));
  // Reopening needs a reason.
  EXPECT_TRUE(IsInvalidField(ChangeStatus(c.name(), iv1::CASE_STATUS_IN_PROGRESS), "reason"));
  ASSERT_OK(ChangeStatus(c.name(), iv1::CASE_STATUS_IN_PROGRESS, "still wrong on the invoice", &c));
  EXPECT_FALSE(c.has_resolve_time());
  EXPECT_GT(Micros(c.paused_duration()), 0);  // the time spent resolved
  ASSERT_OK(ChangeStatus(c.name(), iv1::CASE_STATUS_RESOLVED, "", &c));
  ASSERT_OK(ChangeStatus(c.name(), iv1::CASE_STATUS_CLOSED, "", &c));
  for (iv1::CaseStatus to :
       {iv1::CASE_STATUS_OPEN, iv1::CASE_STATUS_IN_PROGRESS, iv1::CASE_STATUS_WAITING_ON_CUSTOMER,
        iv1::CASE_STATUS_RESOLVED, iv1::CASE_STATUS_CLOSED}) {
    status = ChangeStatus(c.name(), to, "why not");
    EXPECT_CODE(status, FAILED_PRECONDITION);
    EXPECT_TRUE(absl::StrContains(status.error_message(), "from CLOSED to"))
        << status.error_message();
  }
  EXPECT_EQ(EventLines(c.name()),
            (std::vector<std::string>{
                "CREATED ->OPEN", "STATUS_CHANGE OPEN->RESOLVED",
                absl::StrCat("FIRST_RESPONSE ->",
                             absl::FormatTime(absl::RFC3339_full,
                                              absl::FromUnixMicros(Micros(c.first_response_time())),
                                              absl::UTCTimeZone())),
                "STATUS_CHANGE RESOLVED->IN_PROGRESS", "STATUS_CHANGE IN_PROGRESS->RESOLVED",
                "STATUS_CHANGE RESOLVED->CLOSED"}));
}

TEST(CaseLifecycleTest, StaleEtagAndUnknownCasesChangeNothing) {
  const av1::Account account = NewAccount("etag");
  const iv1::Case c = NewCase(account.name(), iv1::CASE_TYPE_COMPLAINT);
  iv1::Case moved;
  ASSERT_OK(ChangeStatus(c.name(), iv1::CASE_STATUS_IN_PROGRESS, "", &moved, c.etag()));
  EXPECT_NE(moved.etag(), c.etag());
  EXPECT_CODE(ChangeStatus(c.name(), iv1::CASE_STATUS_RESOLVED, "", nullptr, c.etag()), ABORTED);
  iv1::EscalateCaseRequest escalate = ByName<iv1::EscalateCaseRequest>(c.name());
  escalate.set_reason("customer angry");
  escalate.set_etag(c.etag());
  iv1::Case ignored;
  EXPECT_CODE(Cases().EscalateCase(Context().get(), escalate, &ignored), ABORTED);
  const iv1::Case after = GetCase(c.name());
  EXPECT_EQ(after.status(), iv1::CASE_STATUS_IN_PROGRESS);
  EXPECT_EQ(after.level(), iv1::CASE_LEVEL_ACCOUNT_MANAGER);
  EXPECT_EQ(after.etag(), moved.etag());
  EXPECT_EQ(Events(c.name()).size(), 3u);  // created, status, first response
  EXPECT_CODE(ChangeStatus("cases/999999999", iv1::CASE_STATUS_IN_PROGRESS), NOT_FOUND);
  EXPECT_TRUE(IsInvalidField(ChangeStatus("case/1", iv1::CASE_STATUS_IN_PROGRESS), "name"));
  iv1::GetCaseRequest get = ByName<iv1::GetCaseRequest>("cases/999999999");
  EXPECT_CODE(Cases().GetCase(Context().get(), get, &ignored), NOT_FOUND);
  iv1::ListCaseEventsRequest events;
  events.set_parent("cases/999999999");
  iv1::ListCaseEventsResponse none;
  EXPECT_CODE(Cases().ListCaseEvents(Context().get(), events, &none), NOT_FOUND);
}

TEST(CaseLifecycleTest, RecordFirstResponse) {
  const av1::Account account = NewAccount("first-response");
  const iv1::Case c = NewCase(account.name(), iv1::CASE_TYPE_COMPLAINT);
  iv1::RecordFirstResponseRequest request = ByName<iv1::RecordFirstResponseRequest>(c.name());
  request.set_note("called the customer back");
  iv1::Case answered;
  ASSERT_OK(Cases().RecordFirstResponse(Context("agent").get(), request, &answered));
  ASSERT_TRUE(answered.has_first_response_time());
  EXPECT_EQ(answered.status(), iv1::CASE_STATUS_OPEN);
  iv1::Case ignored;
  grpc::Status again = Cases().RecordFirstResponse(Context().get(), request, &ignored);
  EXPECT_CODE(again, FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(again.error_message(), "already has a first response"));
  // Starting work later does not record a second one.
  iv1::Case started;
  ASSERT_OK(ChangeStatus(c.name(), iv1::CASE_STATUS_IN_PROGRESS, "", &started));
  EXPECT_EQ(Micros(started.first_response_time()), Micros(answered.first_response_time()));
  const std::vector<iv1::CaseEvent> events = Events(c.name());
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[1].kind(), iv1::CASE_EVENT_KIND_FIRST_RESPONSE);
  EXPECT_EQ(events[1].reason(), "called the customer back");
  EXPECT_EQ(events[1].actor(), "agent");
  // Not on a resolved case.
  const iv1::Case other = NewCase(account.name(), iv1::CASE_TYPE_COMPLAINT);
  ASSERT_OK(ChangeStatus(other.name(), iv1::CASE_STATUS_RESOLVED));
  request.set_name(other.name());
  EXPECT_CODE(Cases().RecordFirstResponse(Context().get(), request, &ignored), FAILED_PRECONDITION);
}

TEST(CaseLifecycleTest, ManualEscalationUpToTheExecutive) {
  const av1::Account account = NewAccount("escalate");
  iv1::Case c = NewCase(account.name(), iv1::CASE_TYPE_COLLECTION);
  ASSERT_EQ(c.level(), iv1::CASE_LEVEL_ACCOUNT_MANAGER);
  EXPECT_TRUE(IsInvalidField(Escalate(c.name(), ""), "reason"));
  ASSERT_OK(Escalate(c.name(), "payment 90 days overdue", &c, "am-1"));
  EXPECT_EQ(c.level(), iv1::CASE_LEVEL_SENIOR_MANAGER);
  ASSERT_OK(Escalate(c.name(), "no answer from finance", &c, "sm-1"));
  EXPECT_EQ(c.level(), iv1::CASE_LEVEL_EXECUTIVE);
  const grpc::Status top = Escalate(c.name(), "higher still");
  EXPECT_CODE(top, FAILED_PRECONDITION);
  EXPECT_EQ(top.error_message(),
            absl::StrCat("case ", c.name(), " is already at EXECUTIVE, the top level"));
  EXPECT_EQ(GetCase(c.name()).level(), iv1::CASE_LEVEL_EXECUTIVE);
  const std::vector<iv1::CaseEvent> events = Events(c.name());
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(Described(events[1]),
            "LEVEL_CHANGE ACCOUNT_MANAGER->SENIOR_MANAGER by am-1: payment 90 days overdue");
  EXPECT_EQ(Described(events[2]),
            "LEVEL_CHANGE SENIOR_MANAGER->EXECUTIVE by sm-1: no answer from finance");
  // Resolved cases are not escalated.
  const iv1::Case done = NewCase(account.name(), iv1::CASE_TYPE_COMPLAINT);
  ASSERT_OK(ChangeStatus(done.name(), iv1::CASE_STATUS_RESOLVED));
  EXPECT_CODE(Escalate(done.name(), "too late"), FAILED_PRECONDITION);
}

// --- updates ------------------------------------------------------------------

TEST(UpdateCaseTest, FieldsAndMaskRules) {
  const av1::Account account = NewAccount("update");
  const av1::Contact contact = NewContact(account.name());
  const av1::Account other = NewAccount("update-other");
  const av1::Contact other_contact = NewContact(other.name());
  const iv1::Case c = NewCase(account.name(), iv1::CASE_TYPE_COMPLAINT);
  iv1::UpdateCaseRequest request;
  request.mutable_case_()->set_name(c.name());
  request.mutable_case_()->set_title("New title");
  request.mutable_case_()->set_description("More detail");
  request.mutable_case_()->set_contact(contact.name());
  iv1::Case updated;
  ASSERT_OK(Cases().UpdateCase(Context().get(), request, &updated));  // empty mask: set fields
  EXPECT_EQ(updated.title(), "New title");
  EXPECT_EQ(updated.description(), "More detail");
  EXPECT_EQ(updated.contact(), contact.name());
  EXPECT_EQ(updated.priority(), iv1::CASE_PRIORITY_MEDIUM);
  // Clearing the contact.
  request = iv1::UpdateCaseRequest();
  request.mutable_case_()->set_name(c.name());
  request.mutable_update_mask()->add_paths("contact");
  ASSERT_OK(Cases().UpdateCase(Context().get(), request, &updated));
  EXPECT_EQ(updated.contact(), "");

  auto update = [&](const std::string& path, const std::function<void(iv1::Case*)>& set) {
    iv1::UpdateCaseRequest r;
    r.mutable_case_()->set_name(c.name());
    set(r.mutable_case_());
    r.mutable_update_mask()->add_paths(path);
    iv1::Case ignored;
    return Cases().UpdateCase(Context().get(), r, &ignored);
  };
  const grpc::Status status_path =
      update("status", [](iv1::Case* x) { x->set_status(iv1::CASE_STATUS_CLOSED); });
  EXPECT_TRUE(IsInvalidField(status_path, "update_mask"));
  EXPECT_TRUE(absl::StrContains(status_path.error_message(), "ChangeCaseStatus"));
  EXPECT_TRUE(absl::StrContains(
      update("level", [](iv1::Case* x) { x->set_level(iv1::CASE_LEVEL_EXECUTIVE); })
          .error_message(),
      "EscalateCase"));
  EXPECT_TRUE(IsInvalidField(update("resolution_due_time", [](iv1::Case*) {}), "update_mask"));
  EXPECT_TRUE(IsInvalidField(update("account", [&](iv1::Case* x) { x->set_account(other.name()); }),
                             "update_mask"));
  EXPECT_TRUE(
      IsInvalidField(update("title", [](iv1::Case* x) { x->set_title(""); }), "case.title"));
  EXPECT_TRUE(IsInvalidField(update("priority", [](iv1::Case*) {}), "case.priority"));
  EXPECT_TRUE(
      IsInvalidField(update("contact", [&](iv1::Case* x) { x->set_contact(other_contact.name()); }),
                     "case.contact"));
  EXPECT_CODE(update("contact",
                     [&](iv1::Case* x) {
                       x->set_contact(absl::StrCat(account.name(), "/contacts/999999999"));
                     }),
              NOT_FOUND);
  // A stale etag changes nothing.
  request = iv1::UpdateCaseRequest();
  request.mutable_case_()->set_name(c.name());
  request.mutable_case_()->set_title("Stale");
  request.mutable_case_()->set_etag(c.etag());
  iv1::Case ignored;
  EXPECT_CODE(Cases().UpdateCase(Context().get(), request, &ignored), ABORTED);
  EXPECT_EQ(GetCase(c.name()).title(), "New title");
  // A closed case cannot change.
  ASSERT_OK(ChangeStatus(c.name(), iv1::CASE_STATUS_RESOLVED));
  ASSERT_OK(ChangeStatus(c.name(), iv1::CASE_STATUS_CLOSED));
  EXPECT_CODE(update("title", [](iv1::Case* x) { x->set_title("after closing"); }),
              FAILED_PRECONDITION);
}

TEST(UpdateCaseTest, NewPriorityRetargetsFromCreation) {
  const av1::Account account = NewAccount("priority", av1::TIER_B);
  iv1::Case c = NewCase(account.name(), iv1::CASE_TYPE_FAULT_REPAIR, iv1::CASE_PRIORITY_LOW);
  EXPECT_EQ(c.first_response_target_minutes(), 720);
  iv1::UpdateCaseRequest request;
  request.mutable_case_()->set_name(c.name());
  request.mutable_case_()->set_priority(iv1::CASE_PRIORITY_CRITICAL);
  request.mutable_update_mask()->add_paths("priority");
  ASSERT_OK(Cases().UpdateCase(Context("triage").get(), request, &c));
  EXPECT_EQ(c.priority(), iv1::CASE_PRIORITY_CRITICAL);
  EXPECT_TRUE(SlaIs(c, "slaPolicies/critical-b", 30, 480));
  const std::vector<iv1::CaseEvent> events = Events(c.name());
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].kind(), iv1::CASE_EVENT_KIND_PRIORITY_CHANGE);
  EXPECT_EQ(events[1].from_value(), "LOW");
  EXPECT_EQ(events[1].to_value(), "CRITICAL");
  EXPECT_EQ(events[1].actor(), "triage");
  // Not once resolved.
  ASSERT_OK(ChangeStatus(c.name(), iv1::CASE_STATUS_RESOLVED));
  request.mutable_case_()->set_priority(iv1::CASE_PRIORITY_LOW);
  iv1::Case ignored;
  EXPECT_CODE(Cases().UpdateCase(Context().get(), request, &ignored), FAILED_PRECONDITION);
}

// --- listing ------------------------------------------------------------------

TEST(ListCasesTest, FiltersOrderAndPages) {
  const av1::Account account = NewAccount("list", av1::TIER_A);
  const std::string mine = absl::StrCat("account = \"", account.name(), "\"");
  const iv1::Case critical =
      NewCase(account.name(), iv1::CASE_TYPE_COMPLAINT, iv1::CASE_PRIORITY_CRITICAL);
  const iv1::Case low =
      NewCase(account.name(), iv1::CASE_TYPE_ROUTINE_REQUEST, iv1::CASE_PRIORITY_LOW);
  const iv1::Case collection =
      NewCase(account.name(), iv1::CASE_TYPE_COLLECTION, iv1::CASE_PRIORITY_HIGH);
  iv1::Case medium = NewCase(account.name(), iv1::CASE_TYPE_COMPLAINT, iv1::CASE_PRIORITY_MEDIUM);
  ASSERT_OK(ChangeStatus(medium.name(), iv1::CASE_STATUS_IN_PROGRESS, "", &medium));
  iv1::UpdateCaseRequest assign;
  assign.mutable_case_()->set_name(low.name());
  assign.mutable_case_()->set_assignee("u-17");
  iv1::Case ignored;
  ASSERT_OK(Cases().UpdateCase(Context().get(), assign, &ignored));

  auto names = [](const std::vector<iv1::Case>& cases) {
    std::vector<std::string> out;
    for (const iv1::Case& c : cases) out.push_back(c.name());
    return out;
  };
  using Names = std::vector<std::string>;
  EXPECT_EQ(names(ListAllCases(mine)),
            (Names{critical.name(), low.name(), collection.name(), medium.name()}));
  EXPECT_EQ(names(ListAllCases(absl::StrCat(mine, " AND status = OPEN"))),
            (Names{critical.name(), low.name(), collection.name()}));
  EXPECT_EQ(names(ListAllCases(absl::StrCat(mine, " AND status = CASE_STATUS_IN_PROGRESS"))),
            (Names{medium.name()}));
  EXPECT_EQ(names(ListAllCases(absl::StrCat(mine, " AND level = SERVICE_CENTRE"))),
            (Names{low.name()}));
  EXPECT_EQ(names(ListAllCases(absl::StrCat(mine, " AND type = COMPLAINT"))),
            (Names{critical.name(), medium.name()}));
  EXPECT_EQ(names(ListAllCases(absl::StrCat(mine, " AND priority = critical OR priority = LOW"))),
            (Names{critical.name(), low.name()}));
  EXPECT_EQ(names(ListAllCases(absl::StrCat(mine, " AND assignee = \"u-17\""))),
            (Names{low.name()}));
  EXPECT_EQ(names(ListAllCases(absl::StrCat(mine, " AND breached = true"))), Names{});
  EXPECT_EQ(ListAllCases(absl::StrCat(mine, " AND breached = false")).size(), 4u);
  EXPECT_EQ(ListAllCases(absl::StrCat(mine, " AND resolution_breached != true")).size(), 4u);
  // Due soonest first: critical A (4 h), high A (1 d), medium A (2 d), low A (3 d).
  EXPECT_EQ(names(ListAllCases(mine, "resolution_due_time")),
            (Names{critical.name(), collection.name(), medium.name(), low.name()}));
  EXPECT_EQ(names(ListAllCases(mine, "resolution_due_time desc", 1)),
            (Names{low.name(), medium.name(), collection.name(), critical.name()}));
  EXPECT_EQ(names(ListAllCases(mine, "", 3)),
            (Names{critical.name(), low.name(), collection.name(), medium.name()}));
  EXPECT_EQ(ListAllCases(absl::StrCat(mine, " AND create_time >= \"2020-01-01T00:00:00Z\"")).size(),
            4u);

  iv1::ListCasesRequest request;
  iv1::ListCasesResponse response;
  request.set_filter("colour = red");
  EXPECT_TRUE(IsInvalidField(Cases().ListCases(Context().get(), request, &response), "filter"));
  request.set_filter("status = NOPE");
  EXPECT_TRUE(IsInvalidField(Cases().ListCases(Context().get(), request, &response), "filter"));
  request.set_filter("breached = maybe");
  EXPECT_TRUE(IsInvalidField(Cases().ListCases(Context().get(), request, &response), "filter"));
  request.set_filter("status > OPEN");
  EXPECT_TRUE(IsInvalidField(Cases().ListCases(Context().get(), request, &response), "filter"));
  request.set_filter(mine);
  request.set_order_by("title");
  EXPECT_TRUE(IsInvalidField(Cases().ListCases(Context().get(), request, &response), "order_by"));
  // A token is bound to its query.
  request.set_order_by("");
  request.set_page_size(1);
  ASSERT_OK(Cases().ListCases(Context().get(), request, &response));
  ASSERT_FALSE(response.next_page_token().empty());
  request.set_page_token(response.next_page_token());
  request.set_filter(absl::StrCat(mine, " AND status = OPEN"));
  EXPECT_TRUE(IsInvalidField(Cases().ListCases(Context().get(), request, &response), "page_token"));
}

// --- SLA policies and routing ---------------------------------------------------

TEST(SlaPolicyTest, ListsTheShippedDefaults) {
  iv1::ListSlaPoliciesResponse response;
  ASSERT_OK(Cases().ListSlaPolicies(Context().get(), iv1::ListSlaPoliciesRequest(), &response));
  ASSERT_EQ(response.policies_size(), 20);
  EXPECT_EQ(response.policies(0).name(), "slaPolicies/critical-unrated");
  EXPECT_EQ(response.policies(1).name(), "slaPolicies/critical-a");
  EXPECT_EQ(response.policies(1).first_response_minutes(), 15);
  EXPECT_EQ(response.policies(1).resolution_minutes(), 240);
  EXPECT_EQ(response.policies(1).update_actor(), "default");
  EXPECT_EQ(response.policies(19).name(), "slaPolicies/low-d");
  EXPECT_EQ(response.policies(19).first_response_minutes(), 1440);
  EXPECT_EQ(response.policies(19).resolution_minutes(), 14400);
  iv1::GetSlaPolicyRequest get = ByName<iv1::GetSlaPolicyRequest>("slaPolicies/medium-b");
  iv1::SlaPolicy policy;
  ASSERT_OK(Cases().GetSlaPolicy(Context().get(), get, &policy));
  EXPECT_EQ(policy.priority(), iv1::CASE_PRIORITY_MEDIUM);
  EXPECT_EQ(policy.tier(), av1::TIER_B);
  EXPECT_EQ(policy.first_response_minutes(), 480);
  get.set_name("slaPolicies/urgent-b");
  EXPECT_TRUE(IsInvalidField(Cases().GetSlaPolicy(Context().get(), get, &policy), "name"));
}

TEST(SlaPolicyTest, ChangesAreValidatedRecordedAndApplyToNewCasesOnly) {
  const std::string name = "slaPolicies/high-c";
  const av1::Account account = NewAccount("policy", av1::TIER_C);
  const iv1::Case old_case =
      NewCase(account.name(), iv1::CASE_TYPE_COMPLAINT, iv1::CASE_PRIORITY_HIGH);
  EXPECT_EQ(old_case.first_response_target_minutes(), 240);

  iv1::GetSlaPolicyRequest get = ByName<iv1::GetSlaPolicyRequest>(name);
  iv1::SlaPolicy before;
  ASSERT_OK(Cases().GetSlaPolicy(Context().get(), get, &before));
  auto update = [&](int first_response, int resolution, const std::string& etag,
                    const std::vector<std::string>& paths, iv1::SlaPolicy* out) {
    iv1::UpdateSlaPolicyRequest request;
    request.mutable_policy()->set_name(name);
    request.mutable_policy()->set_first_response_minutes(first_response);
    request.mutable_policy()->set_resolution_minutes(resolution);
    request.mutable_policy()->set_etag(etag);
    for (const std::string& p : paths) request.mutable_update_mask()->add_paths(p);
    request.set_reason("quarterly service review");
    return Cases().UpdateSlaPolicy(Context("svc-manager").get(), request, out);
  };
  iv1::SlaPolicy ignored;
  EXPECT_TRUE(IsInvalidField(update(300, 200, "", {"*"}, &ignored), "policy.resolution_minutes"));
  EXPECT_TRUE(
      IsInvalidField(update(-1, 200, "", {"*"}, &ignored), "policy.first_response_minutes"));
  EXPECT_TRUE(IsInvalidField(update(1, 600000, "", {"*"}, &ignored), "policy.resolution_minutes"));
  EXPECT_TRUE(IsInvalidField(update(1, 2, "", {"tier"}, &ignored), "update_mask"));
  EXPECT_TRUE(IsInvalidField(update(1, 2, "", {"update_time"}, &ignored), "update_mask"));
  EXPECT_CODE(update(200, 4000, "0000000000000000", {"*"}, &ignored), ABORTED);

  iv1::SlaPolicy after;
  ASSERT_OK(update(200, 4000, before.etag(), {"*"}, &after));
  EXPECT_EQ(after.first_response_minutes(), 200);
  EXPECT_EQ(after.resolution_minutes(), 4000);
  EXPECT_EQ(after.update_actor(), "svc-manager");
  EXPECT_NE(after.etag(), before.etag());
  // Only the resolution, with the mask.
  iv1::SlaPolicy after2;
  ASSERT_OK(update(1, 4500, after.etag(), {"resolution_minutes"}, &after2));
  EXPECT_EQ(after2.first_response_minutes(), 200);
  EXPECT_EQ(after2.resolution_minutes(), 4500);
  // The same values again change nothing and record nothing.
  iv1::SlaPolicy same;
  ASSERT_OK(update(200, 4500, "", {"*"}, &same));
  EXPECT_EQ(same.etag(), after2.etag());

  // The review history.
  iv1::ListSlaPolicyChangesRequest history;
  history.set_policy(name);
  iv1::ListSlaPolicyChangesResponse changes;
  ASSERT_OK(Cases().ListSlaPolicyChanges(Context().get(), history, &changes));
  ASSERT_EQ(changes.changes_size(), 2);
  const iv1::SlaPolicyChange& first = changes.changes(0);
  EXPECT_EQ(first.policy(), name);
  EXPECT_TRUE(absl::StartsWith(first.name(), absl::StrCat(name, "/changes/"))) << first.name();
  EXPECT_EQ(first.from_first_response_minutes(), 240);
  EXPECT_EQ(first.to_first_response_minutes(), 200);
  EXPECT_EQ(first.from_resolution_minutes(), 4320);
  EXPECT_EQ(first.to_resolution_minutes(), 4000);
  EXPECT_EQ(first.actor(), "svc-manager");
  EXPECT_EQ(first.reason(), "quarterly service review");
  EXPECT_EQ(Micros(first.change_time()), Micros(after.update_time()));
  EXPECT_EQ(changes.changes(1).from_resolution_minutes(), 4000);
  EXPECT_EQ(changes.changes(1).to_resolution_minutes(), 4500);
  // Paged, and over every policy.
  history.set_page_size(1);
  ASSERT_OK(Cases().ListSlaPolicyChanges(Context().get(), history, &changes));
  ASSERT_EQ(changes.changes_size(), 1);
  ASSERT_FALSE(changes.next_page_token().empty());
  history.set_page_token(changes.next_page_token());
  ASSERT_OK(Cases().ListSlaPolicyChanges(Context().get(), history, &changes));
  ASSERT_EQ(changes.changes_size(), 1);
  EXPECT_EQ(changes.changes(0).to_resolution_minutes(), 4500);
  EXPECT_TRUE(changes.next_page_token().empty());
  iv1::ListSlaPolicyChangesRequest all;
  ASSERT_OK(Cases().ListSlaPolicyChanges(Context().get(), all, &changes));
  EXPECT_GE(changes.changes_size(), 2);
  all.set_policy("slaPolicies/nope");
  EXPECT_TRUE(
      IsInvalidField(Cases().ListSlaPolicyChanges(Context().get(), all, &changes), "policy"));

  // The open case keeps its targets; a new one gets the new policy.
  EXPECT_EQ(GetCase(old_case.name()).first_response_target_minutes(), 240);
  const iv1::Case new_case =
      NewCase(account.name(), iv1::CASE_TYPE_COMPLAINT, iv1::CASE_PRIORITY_HIGH);
  EXPECT_EQ(new_case.first_response_target_minutes(), 200);
  EXPECT_EQ(new_case.resolution_target_minutes(), 4500);
}

TEST(CaseRouteTest, RoutingTableIsDataAndRoutineStaysFirstLine) {
  iv1::ListCaseRoutesResponse routes;
  ASSERT_OK(Cases().ListCaseRoutes(Context().get(), iv1::ListCaseRoutesRequest(), &routes));
  ASSERT_EQ(routes.routes_size(), 5);
  EXPECT_EQ(routes.routes(0).case_type(), iv1::CASE_TYPE_ROUTINE_REQUEST);
  EXPECT_EQ(routes.routes(0).level(), iv1::CASE_LEVEL_SERVICE_CENTRE);
  EXPECT_EQ(routes.routes(0).update_actor(), "default");
  for (int i = 1; i < routes.routes_size(); ++i) {
    SCOPED_TRACE(iv1::CaseType_Name(routes.routes(i).case_type()));
    EXPECT_EQ(routes.routes(i).case_type(), static_cast<iv1::CaseType>(i + 1));
    EXPECT_EQ(routes.routes(i).level(), iv1::CASE_LEVEL_ACCOUNT_MANAGER);
    EXPECT_EQ(routes.routes(i).update_actor(), "default");
  }
  const iv1::CaseRoute complaint = routes.routes(1);

  iv1::UpdateCaseRouteRequest request;
  request.mutable_route()->set_case_type(iv1::CASE_TYPE_ROUTINE_REQUEST);
  request.mutable_route()->set_level(iv1::CASE_LEVEL_ACCOUNT_MANAGER);
  iv1::CaseRoute route;
  EXPECT_TRUE(
      IsInvalidField(Cases().UpdateCaseRoute(Context().get(), request, &route), "route.level"));
  request.mutable_route()->set_case_type(iv1::CASE_TYPE_COMPLAINT);
  request.mutable_route()->set_level(iv1::CASE_LEVEL_UNSPECIFIED);
  EXPECT_TRUE(
      IsInvalidField(Cases().UpdateCaseRoute(Context().get(), request, &route), "route.level"));
  request.mutable_route()->set_level(iv1::CASE_LEVEL_SENIOR_MANAGER);
  request.mutable_route()->set_etag("0000000000000000");
  EXPECT_CODE(Cases().UpdateCaseRoute(Context().get(), request, &route), ABORTED);
  request.mutable_route()->set_etag(complaint.etag());
  ASSERT_OK(Cases().UpdateCaseRoute(Context("ops").get(), request, &route));
  EXPECT_EQ(route.level(), iv1::CASE_LEVEL_SENIOR_MANAGER);
  EXPECT_EQ(route.update_actor(), "ops");

  const av1::Account account = NewAccount("routed");
  EXPECT_EQ(NewCase(account.name(), iv1::CASE_TYPE_COMPLAINT).level(),
            iv1::CASE_LEVEL_SENIOR_MANAGER);
  EXPECT_EQ(NewCase(account.name(), iv1::CASE_TYPE_ROUTINE_REQUEST).level(),
            iv1::CASE_LEVEL_SERVICE_CENTRE);
  // Back to the default for the other tests.
  request.mutable_route()->set_level(iv1::CASE_LEVEL_ACCOUNT_MANAGER);
  request.mutable_route()->set_etag(route.etag());
  ASSERT_OK(Cases().UpdateCaseRoute(Context("ops").get(), request, &route));
  EXPECT_EQ(NewCase(account.name(), iv1::CASE_TYPE_COMPLAINT).level(),
            iv1::CASE_LEVEL_ACCOUNT_MANAGER);
}

// An upgrade from a release that routed complaints and fault repair to the
// service centre: migration 0006 moves the routes still holding that shipped
// value and keeps the one an operator chose. The schema is put back to the
// state before 0006 as root, and a second replica applies 0006 when it starts.
TEST(CaseRouteTest, UpgradeMovesShippedRoutesAndKeepsAnOperatorsChoice) {
  ASSERT_TRUE(Suite()
                  .db()
                  .ExecuteAsRoot(
                      "UPDATE kam_interaction.case_routes SET level = 1, update_actor = 'default' "
                      "WHERE case_type = 2; "
                      "UPDATE kam_interaction.case_routes SET level = 1, update_actor = 'ops' "
                      "WHERE case_type = 3; "
                      "DELETE FROM kam_interaction.kam_schema_migrations WHERE version = 6")
                  .ok());
  absl::StatusOr<std::unique_ptr<ServiceProcess>> upgraded =
      Suite().StartReplica("interaction", PickFreePort());
  ASSERT_TRUE(upgraded.ok()) << upgraded.status();
  ASSERT_TRUE((*upgraded)->Stop(absl::Seconds(60)).ok());

  iv1::ListCaseRoutesResponse routes;
  ASSERT_OK(Cases().ListCaseRoutes(Context().get(), iv1::ListCaseRoutesRequest(), &routes));
  ASSERT_EQ(routes.routes_size(), 5);
  EXPECT_EQ(routes.routes(1).level(), iv1::CASE_LEVEL_ACCOUNT_MANAGER);  // COMPLAINT, shipped
  EXPECT_EQ(routes.routes(1).update_actor(), "default");
  EXPECT_EQ(routes.routes(2).level(), iv1::CASE_LEVEL_SERVICE_CENTRE);  // FAULT_REPAIR, by ops
  EXPECT_EQ(routes.routes(2).update_actor(), "ops");
  const av1::Account account = NewAccount("upgraded-routes");
  EXPECT_EQ(NewCase(account.name(), iv1::CASE_TYPE_FAULT_REPAIR).level(),
            iv1::CASE_LEVEL_SERVICE_CENTRE);

  // Back to the shipped default for the other tests.
  ASSERT_TRUE(Suite()
                  .db()
                  .ExecuteAsRoot("UPDATE kam_interaction.case_routes SET level = 2, "
                                 "update_actor = 'default' WHERE case_type = 3")
                  .ok());
}

// --- the account service stopped mid-run ------------------------------------------

TEST(CaseOutageTest, AccountServiceDownRefusesCreatesAndWritesNothing) {
  const av1::Account account = NewAccount("outage");
  const av1::Contact contact = NewContact(account.name());
  const iv1::Case existing = NewCase(account.name(), iv1::CASE_TYPE_COMPLAINT);
  const std::string mine = absl::StrCat("account = \"", account.name(), "\"");

  ASSERT_TRUE(Suite().StopAccount().ok());
  const iv1::CreateCaseRequest request = CaseRequest(account.name(), iv1::CASE_TYPE_FAULT_REPAIR);
  iv1::Case c;
  const grpc::Status down = Cases().CreateCase(Context().get(), request, &c);
  EXPECT_CODE(down, UNAVAILABLE);
  EXPECT_TRUE(absl::StrContains(down.error_message(), "account service")) << down.error_message();
  // Setting a contact needs the account service too.
  iv1::UpdateCaseRequest set_contact;
  set_contact.mutable_case_()->set_name(existing.name());
  set_contact.mutable_case_()->set_contact(contact.name());
  set_contact.mutable_update_mask()->add_paths("contact");
  EXPECT_CODE(Cases().UpdateCase(Context().get(), set_contact, &c), UNAVAILABLE);
  // Nothing was written.
  EXPECT_EQ(ListAllCases(mine).size(), 1u);
  EXPECT_EQ(GetCase(existing.name()).contact(), "");
  EXPECT_EQ(Events(existing.name()).size(), 1u);
  // Work on an existing case goes on without the account service.
  iv1::Case worked;
  ASSERT_OK(ChangeStatus(existing.name(), iv1::CASE_STATUS_IN_PROGRESS, "", &worked));
  ASSERT_OK(Escalate(existing.name(), "account service down, customer waiting", &worked));

  ASSERT_TRUE(Suite().StartAccount().ok());
  // The same request now goes through, once.
  ASSERT_TRUE(PollUntil(
      [&] {
        iv1::Case created;
        return Cases().CreateCase(Context().get(), request, &created).ok();
      },
      absl::Seconds(15), absl::Milliseconds(20)));
  iv1::Case again;
  ASSERT_OK(Cases().CreateCase(Context().get(), request, &again));
  EXPECT_EQ(ListAllCases(mine).size(), 2u);
  ASSERT_OK(Cases().UpdateCase(Context().get(), set_contact, &c));
  EXPECT_EQ(c.contact(), contact.name());
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) {
  return kam::testing::RunTestsOnSuite(argc, argv, kam::testing::InteractionSuiteOptions());
}
