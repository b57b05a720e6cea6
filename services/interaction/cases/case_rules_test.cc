#include "services/interaction/cases/case_rules.h"

#include <set>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace kam::interaction::cases {
namespace {

constexpr v1::CaseStatus kOpen = v1::CASE_STATUS_OPEN;
constexpr v1::CaseStatus kInProgress = v1::CASE_STATUS_IN_PROGRESS;
constexpr v1::CaseStatus kWaiting = v1::CASE_STATUS_WAITING_ON_CUSTOMER;
constexpr v1::CaseStatus kResolved = v1::CASE_STATUS_RESOLVED;
constexpr v1::CaseStatus kClosed = v1::CASE_STATUS_CLOSED;
const v1::CaseStatus kAll[] = {kOpen, kInProgress, kWaiting, kResolved, kClosed};

TEST(CaseStatusMachineTest, AllowsExactlyTheDocumentedMoves) {
  const std::set<std::pair<v1::CaseStatus, v1::CaseStatus>> allowed = {
      {kOpen, kInProgress},    {kOpen, kWaiting},        {kOpen, kResolved},
      {kInProgress, kWaiting}, {kInProgress, kResolved}, {kWaiting, kInProgress},
      {kWaiting, kResolved},   {kResolved, kClosed},     {kResolved, kInProgress},
  };
  for (v1::CaseStatus from : kAll) {
    for (v1::CaseStatus to : kAll) {
      const absl::Status s = CheckStatusChange("cases/1", from, to, /*has_reason=*/true);
      if (allowed.count({from, to}) > 0) {
        EXPECT_TRUE(s.ok()) << StatusName(from) << "->" << StatusName(to) << ": " << s;
      } else {
        EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition)
            << StatusName(from) << "->" << StatusName(to);
        EXPECT_TRUE(absl::StrContains(s.message(), StatusName(from))) << s;
        EXPECT_TRUE(absl::StrContains(s.message(), StatusName(to))) << s;
      }
    }
  }
}

TEST(CaseStatusMachineTest, RefusalNamesBothStatusesAndTheAllowedOnes) {
  EXPECT_EQ(CheckStatusChange("cases/7", kClosed, kInProgress, true).message(),
            "case cases/7 cannot move from CLOSED to IN_PROGRESS (allowed from CLOSED: none)");
  EXPECT_EQ(CheckStatusChange("cases/7", kOpen, kClosed, false).message(),
            "case cases/7 cannot move from OPEN to CLOSED (allowed from OPEN: IN_PROGRESS, "
            "WAITING_ON_CUSTOMER, RESOLVED)");
  EXPECT_EQ(CheckStatusChange("cases/7", kOpen, kOpen, false).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(CaseStatusMachineTest, ReopenNeedsAReason) {
  const absl::Status s = CheckStatusChange("cases/1", kResolved, kInProgress, false);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "reason is required to reopen a RESOLVED case");
  EXPECT_TRUE(CheckStatusChange("cases/1", kResolved, kClosed, false).ok());
  EXPECT_TRUE(CheckStatusChange("cases/1", kWaiting, kInProgress, false).ok());
}

TEST(CaseStatusMachineTest, TargetStatusMustBeKnown) {
  EXPECT_EQ(CheckStatusChange("cases/1", kOpen, v1::CASE_STATUS_UNSPECIFIED, true).message(),
            "status is required");
  EXPECT_EQ(CheckStatusChange("cases/1", kOpen, static_cast<v1::CaseStatus>(42), true).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CaseStatusTest, OpenStatuses) {
  const std::pair<v1::CaseStatus, bool> kOpenness[] = {
      {kOpen, true}, {kInProgress, true}, {kWaiting, true}, {kResolved, false}, {kClosed, false}};
  for (const auto& [status, open] : kOpenness) {
    EXPECT_EQ(IsOpenStatus(status), open) << StatusName(status);
  }
}

TEST(CaseLevelTest, LadderGoesOneStepUpToTheExecutive) {
  EXPECT_EQ(NextLevel(v1::CASE_LEVEL_SERVICE_CENTRE), v1::CASE_LEVEL_ACCOUNT_MANAGER);
  EXPECT_EQ(NextLevel(v1::CASE_LEVEL_ACCOUNT_MANAGER), v1::CASE_LEVEL_SENIOR_MANAGER);
  EXPECT_EQ(NextLevel(v1::CASE_LEVEL_SENIOR_MANAGER), v1::CASE_LEVEL_EXECUTIVE);
  EXPECT_EQ(NextLevel(v1::CASE_LEVEL_EXECUTIVE), std::nullopt);
}

TEST(CaseRoutingTest, DefaultsFollowDomainSection7) {
  const RoutingTable& table = DefaultRoutingTable();
  EXPECT_EQ(StartingLevel(table, v1::CASE_TYPE_ROUTINE_REQUEST), v1::CASE_LEVEL_SERVICE_CENTRE);
  EXPECT_EQ(StartingLevel(table, v1::CASE_TYPE_COMPLAINT), v1::CASE_LEVEL_ACCOUNT_MANAGER);
  EXPECT_EQ(StartingLevel(table, v1::CASE_TYPE_FAULT_REPAIR), v1::CASE_LEVEL_ACCOUNT_MANAGER);
  EXPECT_EQ(StartingLevel(table, v1::CASE_TYPE_COLLECTION), v1::CASE_LEVEL_ACCOUNT_MANAGER);
  EXPECT_EQ(StartingLevel(table, v1::CASE_TYPE_CONTRACT_SUPERVISION),
            v1::CASE_LEVEL_ACCOUNT_MANAGER);
}

TEST(CaseRoutingTest, RoutineRequestsAlwaysStartAtTheServiceCentre) {
  RoutingTable table = DefaultRoutingTable();
  table[v1::CASE_TYPE_ROUTINE_REQUEST] = v1::CASE_LEVEL_EXECUTIVE;  // a corrupt row
  table[v1::CASE_TYPE_COMPLAINT] = v1::CASE_LEVEL_SENIOR_MANAGER;
  EXPECT_EQ(StartingLevel(table, v1::CASE_TYPE_ROUTINE_REQUEST), v1::CASE_LEVEL_SERVICE_CENTRE);
  EXPECT_EQ(StartingLevel(table, v1::CASE_TYPE_COMPLAINT), v1::CASE_LEVEL_SENIOR_MANAGER);
  EXPECT_EQ(StartingLevel({}, v1::CASE_TYPE_COLLECTION), v1::CASE_LEVEL_SERVICE_CENTRE);
}

TEST(CaseRoutingTest, RouteValidation) {
  EXPECT_TRUE(ValidateRoute(v1::CASE_TYPE_COMPLAINT, v1::CASE_LEVEL_EXECUTIVE).ok());
  EXPECT_TRUE(ValidateRoute(v1::CASE_TYPE_ROUTINE_REQUEST, v1::CASE_LEVEL_SERVICE_CENTRE).ok());
  const absl::Status routine =
      ValidateRoute(v1::CASE_TYPE_ROUTINE_REQUEST, v1::CASE_LEVEL_ACCOUNT_MANAGER);
  EXPECT_EQ(routine.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(routine.message(), "route.level must be SERVICE_CENTRE")) << routine;
  EXPECT_TRUE(
      absl::StartsWith(ValidateRoute(v1::CASE_TYPE_UNSPECIFIED, v1::CASE_LEVEL_EXECUTIVE).message(),
                       "route.case_type"));
  EXPECT_TRUE(absl::StartsWith(
      ValidateRoute(v1::CASE_TYPE_COMPLAINT, v1::CASE_LEVEL_UNSPECIFIED).message(), "route.level"));
}

v1::Case ValidCase() {
  v1::Case c;
  c.set_account("accounts/1");
  c.set_type(v1::CASE_TYPE_COMPLAINT);
  c.set_title("Invoice sent to the wrong address");
  return c;
}

TEST(CaseFieldsTest, ValidCasePasses) {
  EXPECT_TRUE(ValidateCaseFields(ValidCase(), true).ok());
  v1::Case c = ValidCase();
  c.set_contact("accounts/1/contacts/2");
  c.set_assignee("u42");
  c.set_description("line one\nline two");
  c.set_priority(v1::CASE_PRIORITY_LOW);
  EXPECT_TRUE(ValidateCaseFields(c, true).ok());
}

TEST(CaseFieldsTest, EachRuleNamesItsField) {
  auto message = [](v1::Case c, bool check_type = true) {
    return std::string(ValidateCaseFields(c, check_type).message());
  };
  v1::Case c = ValidCase();
  c.set_title("  ");
  EXPECT_TRUE(absl::StartsWith(message(c), "case.title")) << message(c);
  c = ValidCase();
  c.set_title(std::string(201, 'x'));
  EXPECT_TRUE(absl::StartsWith(message(c), "case.title")) << message(c);
  c = ValidCase();
  c.set_description(std::string(4001, 'x'));
  EXPECT_TRUE(absl::StartsWith(message(c), "case.description")) << message(c);
  c = ValidCase();
  c.set_assignee("two words");
  EXPECT_TRUE(absl::StartsWith(message(c), "case.assignee")) << message(c);
  c = ValidCase();
  c.clear_type();
  EXPECT_EQ(message(c), "case.type is required");
  EXPECT_EQ(message(c, /*check_type=*/false), "");
  c = ValidCase();
  c.set_priority(static_cast<v1::CasePriority>(9));
  EXPECT_TRUE(absl::StartsWith(message(c), "case.priority")) << message(c);
  c = ValidCase();
  c.set_contact("contacts/2");
  EXPECT_TRUE(absl::StartsWith(message(c), "case.contact must look like")) << message(c);
}

TEST(CaseFieldsTest, ReasonRules) {
  EXPECT_TRUE(CheckReason("reason", "", false).ok());
  EXPECT_EQ(CheckReason("reason", "", true).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckReason("reason", std::string(1001, 'x'), false).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CaseOrderTest, ParsesTheSupportedColumns) {
  EXPECT_EQ(ParseCaseOrder("")->field, "");
  EXPECT_EQ(ParseCaseOrder("resolution_due_time")->field, "resolution_due_time");
  EXPECT_FALSE(ParseCaseOrder("resolution_due_time")->descending);
  EXPECT_TRUE(ParseCaseOrder("create_time desc")->descending);
  EXPECT_FALSE(ParseCaseOrder("update_time ASC")->descending);
  EXPECT_EQ(ParseCaseOrder("title").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseCaseOrder("create_time up").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(ParseCaseOrder("a b c").status().message(), "order_by"));
}

TEST(CaseNamesTest, ShortNames) {
  EXPECT_EQ(StatusName(kWaiting), "WAITING_ON_CUSTOMER");
  EXPECT_EQ(LevelName(v1::CASE_LEVEL_SENIOR_MANAGER), "SENIOR_MANAGER");
  EXPECT_EQ(TypeName(v1::CASE_TYPE_FAULT_REPAIR), "FAULT_REPAIR");
  EXPECT_EQ(PriorityName(v1::CASE_PRIORITY_CRITICAL), "CRITICAL");
  EXPECT_EQ(StatusName(static_cast<v1::CaseStatus>(77)), "77");
}

}  // namespace
}  // namespace kam::interaction::cases
