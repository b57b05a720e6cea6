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
constexpr Effect kRead = Effect::kReads;
constexpr Effect kWrite = Effect::kWrites;

struct Row {
  const char* method;  // the method's name within its service
  RoleSet roles;       // besides admin
  Scope scope;
  Effect effect = kRead;
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
           {"CreateAccount", 0, kWide, kWrite},
           {"BatchCreateAccounts", 0, kWide, kWrite},
           // The scoring service checks a designated account exists
           // (scoring/designations/account_check.h).
           {"GetAccount", kEveryone | kInteractionService | kScoringService, kOwn},
           {"BatchGetAccounts", kEveryone | kInteractionService, kOwn},
           {"ListAccounts", kEveryone | kInteractionService, kOwn},
           {"UpdateAccount", kManager, kOwn, kWrite},
           {"DeleteAccount", 0, kOwn, kWrite},
           {"UndeleteAccount", 0, kOwn, kWrite},
           // The interaction service reads a member's groups and their
           // members for a group credit limit (billing/group_credit.h).
           {"ListAccountAncestors", kReaders | kInteractionService, kOwn},
           {"ListAccountDescendants", kReaders | kInteractionService, kOwn},
           {"GetGroupSummary", kReaders, kOwn},
           {"CreateContact", kManager, kOwn, kWrite},
           {"BatchCreateContacts", kManager, kOwn, kWrite},
           {"GetContact", kEveryone | kInteractionService, kOwn},
           {"ListContacts", kEveryone | kInteractionService, kOwn},
           {"UpdateContact", kManager, kOwn, kWrite},
           {"DeleteContact", kManager, kOwn, kWrite},
           {"UndeleteContact", kManager, kOwn, kWrite},
           {"AddTeamMember", 0, kOwn, kWrite},
           {"EndTeamMembership", 0, kOwn, kWrite},
           {"ListTeamMemberships", kReaders, kOwn},
           {"TransitionStage", kManager, kOwn, kWrite},
           {"ListStageHistory", kReaders, kOwn},
           {"GetStagePlaybook", kEveryone, kWide},
           {"GetStageSettings", kReaders, kWide},
           {"UpdateStageSettings", 0, kWide, kWrite},
           {"MarkChurned", kManager, kOwn, kWrite},
           {"RecordWinBack", kManager, kOwn, kWrite},
           {"ListChurnHistory", kReaders, kOwn},
           {"SetAccountTiers", kScoringService, kWide, kWrite, /*admin=*/false},
           {"ListTierHistory", kReaders, kOwn},
           // A manager's account set, for the services that narrow their calls.
           {"ListTeamAccounts", kInteractionService | kScoringService, kWide},
       }},
      {"kam.account.v1.AccountExportService",
       {
           {"ExportAccounts", kScoringService | kAnalyst, kWide},
       }},
      {"kam.interaction.v1.ActivityService",
       {
           {"CreateActivity", kManager, kOwn, kWrite},
           {"GetActivity", kReaders, kOwn},
           {"ListActivities", kReaders, kOwn},
           {"UpdateActivity", kManager, kOwn, kWrite},
           {"DeleteActivity", kManager, kOwn, kWrite},
           {"UndeleteActivity", kManager, kOwn, kWrite},
           {"CheckCallTime", kEveryone, kOwn},
           {"GetQuietHoursPolicy", kEveryone, kWide},
           {"UpdateQuietHoursPolicy", 0, kWide, kWrite},
           {"AppendContactRecordEntry", kManager | kAgent, kOwn, kWrite},
           {"GetContactRecord", kEveryone, kOwn},
           {"ListContactRecordEntries", kEveryone, kOwn},
           {"GetVisitCadencePolicy", kReaders, kWide},
           {"UpdateVisitCadencePolicy", 0, kWide, kWrite},
           {"ListOverdueFollowUps", kReaders, kOwn},
       }},
      {"kam.interaction.v1.ServiceCaseService",
       {
           {"CreateCase", kManager | kAgent, kOwn, kWrite},
           {"GetCase", kEveryone, kOwn},
           {"ListCases", kEveryone, kOwn},
           {"UpdateCase", kManager | kAgent, kOwn, kWrite},
           {"ChangeCaseStatus", kManager | kAgent, kOwn, kWrite},
           {"RecordFirstResponse", kManager | kAgent, kOwn, kWrite},
           {"EscalateCase", kManager | kAgent, kOwn, kWrite},
           {"ListCaseEvents", kEveryone, kOwn},
           {"ListSlaPolicies", kEveryone, kWide},
           {"GetSlaPolicy", kEveryone, kWide},
           {"UpdateSlaPolicy", 0, kWide, kWrite},
           {"ListSlaPolicyChanges", kEveryone, kWide},
           {"ListCaseRoutes", kEveryone, kWide},
           {"UpdateCaseRoute", 0, kWide, kWrite},
           {"RunSlaSweep", 0, kWide, kWrite},
       }},
      {"kam.interaction.v1.SatisfactionService",
       {
           {"CreateSurveyResponse", kManager | kAgent, kOwn, kWrite},
           {"GetSurveyResponse", kEveryone, kOwn},
           {"ListSurveyResponses", kEveryone, kOwn},
           {"GetSatisfactionSummary", kEveryone, kOwn},
       }},
      {"kam.interaction.v1.BillingService",
       {
           {"CreateOrder", kManager, kOwn, kWrite},
           {"GetOrder", kReaders, kOwn},
           {"ListOrders", kReaders, kOwn},
           {"UpdateOrder", kManager, kOwn, kWrite},
           {"CancelOrder", kManager, kOwn, kWrite},
           {"CreateInvoice", 0, kOwn, kWrite},
           {"GetInvoice", kReaders, kOwn},
           {"ListInvoices", kReaders, kOwn},
           {"VoidInvoice", 0, kOwn, kWrite},
           {"RecordPayment", 0, kOwn, kWrite},
           {"GetPayment", kReaders, kOwn},
           {"ListPayments", kReaders, kOwn},
           {"GetCreditExposure", kReaders, kOwn},
           {"GetReceivablesAging", kReaders, kOwn},
           {"GetCollectionStats", kReaders, kOwn},
       }},
      // A credit hold is read like the exposure; it is lifted by whoever may
      // change the account's credit limit (UpdateAccount: admin and the
      // account's managers).
      {"kam.interaction.v1.CreditHoldService",
       {
           {"GetCreditHold", kReaders, kOwn},
           {"LiftCreditHold", kManager, kOwn, kWrite},
           {"GetCreditHoldPolicy", kReaders, kWide},
           {"UpdateCreditHoldPolicy", 0, kWide, kWrite},
       }},
      {"kam.interaction.v1.OpportunityService",
       {
           {"CreateOpportunity", kManager, kOwn, kWrite},
           {"GetOpportunity", kReaders, kOwn},
           {"ListOpportunities", kReaders, kOwn},
           {"UpdateOpportunity", kManager, kOwn, kWrite},
           {"DeleteOpportunity", kManager, kOwn, kWrite},
           {"UndeleteOpportunity", kManager, kOwn, kWrite},
           {"MoveOpportunityStage", kManager, kOwn, kWrite},
           {"CloseOpportunity", kManager, kOwn, kWrite},
           {"ReopenOpportunity", kManager, kOwn, kWrite},
           {"ListOpportunityStageHistory", kReaders, kOwn},
           {"GetStageProbabilities", kReaders, kWide},
           {"UpdateStageProbabilities", 0, kWide, kWrite},
           {"GetWeightedPipeline", kReaders, kOwn},
       }},
      {"kam.interaction.v1.AgreementService",
       {
           {"CreateAgreement", kManager, kOwn, kWrite},
           {"GetAgreement", kReaders, kOwn},
           {"ListAgreements", kReaders, kOwn},
           {"UpdateAgreement", kManager, kOwn, kWrite},
           {"TerminateAgreement", kManager, kOwn, kWrite},
       }},
      {"kam.interaction.v1.FactsService",
       {
           {"StreamAccountFacts", kScoringService, kWide},
       }},
      {"kam.scoring.v1.ScoringPolicyService",
       {
           {"CreateScoringPolicy", 0, kWide, kWrite},
           {"GetScoringPolicy", kReaders, kWide},
           {"ListScoringPolicies", kReaders, kWide},
           {"UpdateScoringPolicy", 0, kWide, kWrite},
           {"ListScoringPolicyVersions", kReaders, kWide},
       }},
      {"kam.scoring.v1.RatingService",
       {
           {"StartRatingRun", 0, kWide, kWrite},
           {"GetRatingRun", kReaders, kWide},
           {"ListRatingRuns", kReaders, kWide},
           {"CancelRatingRun", 0, kWide, kWrite},
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
           {"GetEffortReport", kAnalyst, kWide},
           {"ListManagerAppraisals", kAnalyst, kWide},
           {"GetGroupRollup", kAnalyst, kWide},
           // One account across runs: its managers see it, narrowed to theirs.
           {"GetAccountTrend", kReaders, kOwn},
       }},
      {"kam.scoring.v1.DesignationService",
       {
           // Who may put an account on the key list besides its tier: the
           // managers of its account (narrowed to theirs), and admin.
           {"CreateDesignation", kManager, kOwn, kWrite},
           {"GetDesignation", kReaders, kOwn},
           {"ListDesignations", kReaders, kOwn},
           {"EndDesignation", kManager, kOwn, kWrite},
       }},
      {"kam.scoring.v1.AlertService",
       {
           {"ListAlerts", kReaders, kOwn},
           {"AcknowledgeAlert", kManager, kOwn, kWrite},
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
                                   row.scope, row.admin, row.effect});
    }
  }
  return table;
}

absl::StatusOr<AccessPolicy> KamAccessPolicy() { return AccessPolicy::Create(KamAccessTable()); }

}  // namespace kam::auth
