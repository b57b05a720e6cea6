// The service part of the demo: four cases (a critical complaint escalated by
// hand and left without a first response, so it breaches its 15-minute
// target while the suite runs and the sweeper escalates it again; a fault
// repaired and closed; a collection case waiting on the customer; a routine
// request in progress) and CSAT/NPS survey answers.
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/harness/demo/demo_book.h"

namespace kam::testing::demo {
namespace {

struct DemoCase {
  const char* id;  // the request_id's suffix: never change it once shipped
  const char* account;
  const char* contact;  // "" for none
  iv1::CaseType type;
  iv1::CasePriority priority;
  const char* title;
  const char* assignee;
  // Statuses to move through, in order. A step not beyond the case's
  // current status is skipped, so a second load moves nothing.
  std::vector<iv1::CaseStatus> path;
  // Why the case was escalated by hand; "" for none. Done only while the
  // case is still with the account manager, where complaints are routed
  // (docs/domain.md §7), so a second load escalates nothing.
  const char* escalation;
};

const std::vector<DemoCase>& Cases() {
  static const std::vector<DemoCase> cases = {
      {"hx-complaint",
       "HX-GROUP",
       "Li Wei",
       iv1::CASE_TYPE_COMPLAINT,
       iv1::CASE_PRIORITY_CRITICAL,
       "Third outage this month at the Shenzhen core site",
       "",
       {},
       "The customer's CIO called the executive hotline"},
      {"gd-fault",
       "HX-GD",
       "",
       iv1::CASE_TYPE_FAULT_REPAIR,
       iv1::CASE_PRIORITY_HIGH,
       "Fibre cut between the Tianhe and Panyu exchanges",
       "svc.xu",
       {iv1::CASE_STATUS_IN_PROGRESS, iv1::CASE_STATUS_RESOLVED, iv1::CASE_STATUS_CLOSED},
       ""},
      {"bs-collection",
       "BS-STEEL",
       "Wang Fang",
       iv1::CASE_TYPE_COLLECTION,
       iv1::CASE_PRIORITY_MEDIUM,
       "Pilot line invoice two months past due",
       "am.zhou",
       {iv1::CASE_STATUS_IN_PROGRESS, iv1::CASE_STATUS_WAITING_ON_CUSTOMER},
       ""},
      {"cm-routine",
       "CM-BANK",
       "Sun Li",
       iv1::CASE_TYPE_ROUTINE_REQUEST,
       iv1::CASE_PRIORITY_LOW,
       "Change the billing address of the Pudong branch",
       "svc.xu",
       {iv1::CASE_STATUS_IN_PROGRESS},
       ""},
  };
  return cases;
}

struct DemoSurvey {
  const char* id;
  const char* account;
  const char* contact;
  const char* case_id;  // a DemoCase id, or "" for none
  iv1::SurveyKind kind;
  int score;
  const char* comment;
  int days_ago;  // 0: answered when recorded (it follows a case opened now)
};

const std::vector<DemoSurvey>& Surveys() {
  static const std::vector<DemoSurvey> surveys = {
      {"gd-fault-csat", "HX-GD", "", "gd-fault", iv1::SURVEY_KIND_CSAT, 4,
       "Fixed overnight, but nobody told us it was done", 0},
      {"hx-nps", "HX-GROUP", "Li Wei", "", iv1::SURVEY_KIND_NPS, 9, "Reliable partner", 50},
      {"hx-nps-2", "HX-GROUP", "Zhang Min", "", iv1::SURVEY_KIND_NPS, 6, "Prices are high", 48},
      {"bs-csat", "BS-STEEL", "Wang Fang", "", iv1::SURVEY_KIND_CSAT, 2,
       "Training came late for the pilot line", 90},
      {"cm-nps", "CM-BANK", "Zhao Lei", "", iv1::SURVEY_KIND_NPS, 8, "", 30},
  };
  return surveys;
}

// Moves `c` along `path` and escalates it as DemoCase says; keeps `c` current.
void Advance(DemoClient& client, const DemoCase& demo, iv1::Case* c) {
  if (demo.escalation[0] != '\0' && c->level() == iv1::CASE_LEVEL_ACCOUNT_MANAGER) {
    iv1::EscalateCaseRequest request;
    request.set_name(c->name());
    request.set_reason(demo.escalation);
    client.Call(client.cases(), &iv1::ServiceCaseService::Stub::EscalateCase, request, c,
                absl::StrCat("escalate case ", demo.id));
  }
  for (iv1::CaseStatus status : demo.path) {
    if (!client.ok() || status <= c->status()) continue;
    iv1::ChangeCaseStatusRequest request;
    request.set_name(c->name());
    request.set_status(status);
    request.set_reason("demo history");
    client.Call(client.cases(), &iv1::ServiceCaseService::Stub::ChangeCaseStatus, request, c,
                absl::StrCat("move case ", demo.id, " to ", iv1::CaseStatus_Name(status)));
  }
}

}  // namespace

void LoadCasesAndSurveys(DemoClient& client, const DemoBook& book, const DemoClock& clock) {
  std::map<std::string, std::string> case_names;  // by DemoCase id
  for (const DemoCase& demo : Cases()) {
    iv1::CreateCaseRequest request;
    iv1::Case* c = request.mutable_case_();
    c->set_account(book.Account(demo.account));
    if (demo.contact[0] != '\0') c->set_contact(book.Contact(demo.contact));
    c->set_type(demo.type);
    c->set_priority(demo.priority);
    c->set_title(demo.title);
    c->set_assignee(demo.assignee);
    iv1::Case created;
    if (!client.CreateAndRead(client.cases(), &iv1::ServiceCaseService::Stub::CreateCase,
                              &iv1::ServiceCaseService::Stub::GetCase, "case", demo.id, request,
                              &created)) {
      return;
    }
    Advance(client, demo, &created);
    case_names[demo.id] = created.name();
  }
  for (const DemoSurvey& demo : Surveys()) {
    iv1::CreateSurveyResponseRequest request;
    iv1::SurveyResponse* s = request.mutable_survey_response();
    s->set_account(book.Account(demo.account));
    if (demo.contact[0] != '\0') s->set_contact(book.Contact(demo.contact));
    if (demo.case_id[0] != '\0') s->set_case_(case_names[demo.case_id]);
    s->set_kind(demo.kind);
    s->set_score(demo.score);
    s->set_comment(demo.comment);
    if (demo.days_ago > 0) *s->mutable_response_time() = clock.DaysAgo(demo.days_ago);
    iv1::SurveyResponse created;
    client.Create(client.surveys(), &iv1::SatisfactionService::Stub::CreateSurveyResponse, "survey",
                  demo.id, request, &created, "record");
  }
}

}  // namespace kam::testing::demo
