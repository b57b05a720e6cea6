#include "common/auth/access_table.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace kam::auth {
namespace {

// The shorthands rows are written in.
constexpr RoleSet kManager = kAccountManager;
constexpr RoleSet kAgent = kServiceAgent;
constexpr RoleSet kReaders = kAccountManager | kAnalyst;  // data of accounts
constexpr RoleSet kEveryone = kAccountManager | kServiceAgent | kAnalyst;
constexpr Scope kOwn = Scope::kAccountScoped;
constexpr Scope kWide = Scope::kSuiteWide;

struct Row {
  const char* method;  // the method's name within its service
  RoleSet roles;       // besides admin
  Scope scope;
  bool admin = true;
};

struct Service {
  const char* name;  // the service's full name
  std::vector<Row> rows;
};

std::vector<Service> Services() {
  return {
      {"kam.account.v1.AccountService",
       {
           {"CreateAccount", 0, kWide},
           {"GetAccount", kEveryone | kInteractionService, kOwn},
           {"BatchGetAccounts", kEveryone | kInteractionService, kOwn},
           {"ListAccounts", kEveryone | kInteractionService, kOwn},
           {"UpdateAccount", kManager, kOwn},
           {"DeleteAccount", 0, kOwn},
           {"UndeleteAccount", 0, kOwn},
           {"ListAccountAncestors", kReaders, kOwn},
           {"ListAccountDescendants", kReaders, kOwn},
           {"GetGroupSummary", kReaders, kOwn},
           {"CreateContact", kManager, kOwn},
           {"GetContact", kEveryone | kInteractionService, kOwn},
           {"ListContacts", kEveryone | kInteractionService, kOwn},
           {"UpdateContact", kManager, kOwn},
           {"DeleteContact", kManager, kOwn},
           {"UndeleteContact", kManager, kOwn},
           {"AddTeamMember", 0, kOwn},
           {"EndTeamMembership", 0, kOwn},
           {"ListTeamMemberships", kReaders, kOwn},
           {"TransitionStage", kManager, kOwn},
           {"ListStageHistory", kReaders, kOwn},
           {"GetStagePlaybook", kEveryone, kWide},
           {"MarkChurned", kManager, kOwn},
           {"RecordWinBack", kManager, kOwn},
           {"ListChurnHistory", kReaders, kOwn},
           {"SetAccountTiers", kScoringService, kWide, /*admin=*/false},
           {"ListTierHistory", kReaders, kOwn},
       }},
      {"kam.account.v1.AccountExportService",
       {
           {"ExportAccounts", kScoringService | kAnalyst, kWide},
       }},
      {"kam.interaction.v1.ActivityService",
       {
           {"CreateActivity", kManager, kOwn},
           {"GetActivity", kReaders, kOwn},
           {"ListActivities", kReaders, kOwn},
           {"UpdateActivity", kManager, kOwn},
           {"DeleteActivity", kManager, kOwn},
           {"UndeleteActivity", kManager, kOwn},
           {"CheckCallTime", kEveryone, kOwn},
           {"GetQuietHoursPolicy", kEveryone, kWide},
           {"UpdateQuietHoursPolicy", 0, kWide},
           {"AppendContactRecordEntry", kManager | kAgent, kOwn},
           {"GetContactRecord", kEveryone, kOwn},
           {"ListContactRecordEntries", kEveryone, kOwn},
           {"GetVisitCadencePolicy", kReaders, kWide},
           {"UpdateVisitCadencePolicy", 0, kWide},
           {"ListOverdueFollowUps", kReaders, kOwn},
       }},
      {"kam.interaction.v1.ServiceCaseService",
       {
           {"CreateCase", kManager | kAgent, kOwn},
           {"GetCase", kEveryone, kOwn},
           {"ListCases", kEveryone, kOwn},
           {"UpdateCase", kManager | kAgent, kOwn},
           {"ChangeCaseStatus", kManager | kAgent, kOwn},
           {"RecordFirstResponse", kManager | kAgent, kOwn},
           {"EscalateCase", kManager | kAgent, kOwn},
           {"ListCaseEvents", kEveryone, kOwn},
           {"ListSlaPolicies", kEveryone, kWide},
           {"GetSlaPolicy", kEveryone, kWide},
           {"UpdateSlaPolicy", 0, kWide},
           {"ListSlaPolicyChanges", kEveryone, kWide},
           {"ListCaseRoutes", kEveryone, kWide},
           {"UpdateCaseRoute", 0, kWide},
           {"RunSlaSweep", 0, kWide},
       }},
      {"kam.interaction.v1.SatisfactionService",
       {
           {"CreateSurveyResponse", kManager | kAgent, kOwn},
           {"GetSurveyResponse", kEveryone, kOwn},
           {"ListSurveyResponses", kEveryone, kOwn},
           {"GetSatisfactionSummary", kEveryone, kOwn},
       }},
      {"kam.interaction.v1.BillingService",
       {
           {"CreateOrder", kManager, kOwn},
           {"GetOrder", kReaders, kOwn},
           {"ListOrders", kReaders, kOwn},
           {"UpdateOrder", kManager, kOwn},
           {"CancelOrder", kManager, kOwn},
           {"CreateInvoice", 0, kOwn},
           {"GetInvoice", kReaders, kOwn},
           {"ListInvoices", kReaders, kOwn},
           {"VoidInvoice", 0, kOwn},
           {"RecordPayment", 0, kOwn},
           {"GetPayment", kReaders, kOwn},
           {"ListPayments", kReaders, kOwn},
           {"GetCreditExposure", kReaders, kOwn},
           {"GetReceivablesAging", kReaders, kOwn},
           {"GetCollectionStats", kReaders, kOwn},
       }},
      {"kam.interaction.v1.OpportunityService",
       {
           {"CreateOpportunity", kManager, kOwn},
           {"GetOpportunity", kReaders, kOwn},
           {"ListOpportunities", kReaders, kOwn},
           {"UpdateOpportunity", kManager, kOwn},
           {"DeleteOpportunity", kManager, kOwn},
           {"UndeleteOpportunity", kManager, kOwn},
           {"MoveOpportunityStage", kManager, kOwn},
           {"CloseOpportunity", kManager, kOwn},
           {"ReopenOpportunity", kManager, kOwn},
           {"ListOpportunityStageHistory", kReaders, kOwn},
           {"GetStageProbabilities", kReaders, kWide},
           {"UpdateStageProbabilities", 0, kWide},
           {"GetWeightedPipeline", kReaders, kOwn},
       }},
      {"kam.interaction.v1.FactsService",
       {
           {"StreamAccountFacts", kScoringService, kWide},
       }},
      {"kam.scoring.v1.ScoringPolicyService",
       {
           {"CreateScoringPolicy", 0, kWide},
           {"GetScoringPolicy", kReaders, kWide},
           {"ListScoringPolicies", kReaders, kWide},
           {"UpdateScoringPolicy", 0, kWide},
           {"ListScoringPolicyVersions", kReaders, kWide},
       }},
      {"kam.scoring.v1.RatingService",
       {
           {"StartRatingRun", 0, kWide},
           {"GetRatingRun", kReaders, kWide},
           {"ListRatingRuns", kReaders, kWide},
           {"CancelRatingRun", 0, kWide},
           {"GetAccountRating", kReaders, kOwn},
           {"ListAccountRatings", kReaders, kOwn},
           {"ListKeyAccountChanges", kReaders, kOwn},
       }},
      {"kam.scoring.v1.ReportService",
       {
           {"GetPyramidReport", kAnalyst, kWide},
           {"GetParetoReport", kAnalyst, kWide},
           {"GetCustomerEquity", kAnalyst, kWide},
           {"CompareRatingRuns", kAnalyst, kWide},
       }},
      {"kam.scoring.v1.AlertService",
       {
           {"ListAlerts", kReaders, kOwn},
           {"AcknowledgeAlert", kManager, kOwn},
           {"WatchAlerts", kReaders, kOwn},
       }},
  };
}

}  // namespace

std::vector<MethodAccess> KamAccessTable() {
  std::vector<MethodAccess> table;
  for (const Service& service : Services()) {
    for (const Row& row : service.rows) {
      table.push_back(MethodAccess{absl::StrCat("/", service.name, "/", row.method), row.roles,
                                   row.scope, row.admin});
    }
  }
  return table;
}

absl::StatusOr<AccessPolicy> KamAccessPolicy() { return AccessPolicy::Create(KamAccessTable()); }

}  // namespace kam::auth
