// Who may call what, through the real services (docs/security.md): every
// method of every service, called by every role of the suite and with no
// token, an expired token, a token for another audience and a token signed by
// a key the services do not trust. What each call must answer comes from the
// access table (common/auth/access_table.h): allowed, the answer is neither
// UNAUTHENTICATED nor PERMISSION_DENIED (an empty request is usually
// INVALID_ARGUMENT); refused, PERMISSION_DENIED; a bad token, UNAUTHENTICATED
// naming the reason. A refused call writes nothing.
#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/auth/access_table.h"
#include "common/auth/auth_testing.h"
#include "common/auth/token_signer.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "kam/account/v1/account.grpc.pb.h"
#include "kam/interaction/v1/activity.grpc.pb.h"
#include "kam/interaction/v1/billing.grpc.pb.h"
#include "kam/scoring/v1/alert.grpc.pb.h"
#include "tests/harness/api_test_util.h"
#include "tests/harness/suite_environment.h"
#include "tests/security/method_walk.h"

namespace kam::testing {
namespace {

namespace av1 = ::kam::account::v1;
namespace iv1 = ::kam::interaction::v1;
namespace sv1 = ::kam::scoring::v1;
using google::protobuf::MethodDescriptor;

// A caller of the walk: its token and, for a token the services accept, who
// holds it and which services it is for; for a bad token, what the refusal
// says.
struct Caller {
  std::string name;
  std::string token;
  std::optional<auth::Principal> principal;
  std::vector<std::string> audiences;
  std::string refusal;
};

std::string Mint(const auth::TokenSigner& signer, std::vector<std::string> audiences,
                 absl::Time issued, absl::Time expires) {
  absl::StatusOr<std::string> token =
      signer.Sign({kLocalIssuer, std::move(audiences), "admin", {"admin"}, "", issued, expires});
  EXPECT_TRUE(token.ok()) << token.status();
  return token.value_or("");
}

std::vector<Caller> Callers() {
  std::vector<Caller> callers;
  for (const TokenSpec& spec : LocalTokens()) {
    callers.push_back({spec.role, Suite().token(spec.role),
                       auth::Principal{spec.subject, spec.roles, spec.account_manager},
                       spec.audiences, ""});
  }
  const std::vector<std::string> all = {"kam-account", "kam-interaction", "kam-scoring"};
  absl::StatusOr<auth::TokenSigner> ours =
      auth::TokenSigner::FromPemFile(Suite().security()->signing_key_file, "signing");
  absl::StatusOr<auth::TokenSigner> stranger =
      auth::TokenSigner::Create(auth::testing::NewEcKey(), "stranger");
  EXPECT_TRUE(ours.ok() && stranger.ok());
  const absl::Time now = absl::Now();
  callers.push_back({"no token", "", std::nullopt, {}, "missing bearer token"});
  callers.push_back({"expired token",
                     Mint(*ours, all, now - absl::Hours(2), now - absl::Hours(1)),
                     std::nullopt,
                     {},
                     "token expired"});
  callers.push_back({"another audience",
                     Mint(*ours, {"kam-billing"}, now, now + absl::Hours(1)),
                     std::nullopt,
                     {},
                     "wrong audience"});
  callers.push_back({"unknown key",
                     Mint(*stranger, all, now, now + absl::Hours(1)),
                     std::nullopt,
                     {},
                     "unknown key id"});
  return callers;
}

// What `caller` calling `method` must get: nullopt when allowed (anything but
// UNAUTHENTICATED and PERMISSION_DENIED), else the code and a text of its
// message.
std::optional<std::pair<grpc::StatusCode, std::string>> Refusal(const Caller& caller,
                                                                const MethodDescriptor& method,
                                                                const auth::AccessPolicy& policy) {
  if (!caller.principal.has_value()) {
    return std::make_pair(grpc::StatusCode::UNAUTHENTICATED, caller.refusal);
  }
  const std::string audience = absl::StrCat("kam-", ServiceOf(method));
  if (std::find(caller.audiences.begin(), caller.audiences.end(), audience) ==
      caller.audiences.end()) {
    return std::make_pair(grpc::StatusCode::UNAUTHENTICATED, std::string("wrong audience"));
  }
  if (policy.Authorize(PathOf(method), *caller.principal).ok()) return std::nullopt;
  return std::make_pair(grpc::StatusCode::PERMISSION_DENIED, std::string("may not call"));
}

TEST(AccessTest, EveryMethodAgainstEveryCaller) {
  const absl::StatusOr<auth::AccessPolicy> policy = auth::KamAccessPolicy();
  ASSERT_TRUE(policy.ok());
  const std::vector<const MethodDescriptor*> methods = AllMethods();
  ASSERT_GT(methods.size(), 100u);
  const std::vector<Caller> callers = Callers();
  // The refused calls first, all of them: then nothing may have been written.
  const std::string before = RowCounts();
  int refused = 0;
  for (const Caller& caller : callers) {
    for (const MethodDescriptor* method : methods) {
      const auto refusal = Refusal(caller, *method, *policy);
      if (!refusal.has_value()) continue;
      ++refused;
      EXPECT_TRUE(HasCodeMentioning(CallGeneric(*method, "", caller.token), refusal->first,
                                    refusal->second))
          << caller.name << " calling " << PathOf(*method);
    }
  }
  EXPECT_EQ(RowCounts(), before) << "a refused call wrote";
  int allowed = 0;
  for (const Caller& caller : callers) {
    for (const MethodDescriptor* method : methods) {
      if (Refusal(caller, *method, *policy).has_value()) continue;
      ++allowed;
      const grpc::Status status = CallGeneric(*method, "", caller.token);
      EXPECT_NE(status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
          << caller.name << " calling " << PathOf(*method) << ": " << status.error_message();
      EXPECT_NE(status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
          << caller.name << " calling " << PathOf(*method) << ": " << status.error_message();
    }
  }
  // Every role is refused something and allowed something.
  EXPECT_GT(refused, 0);
  EXPECT_GT(allowed, 0);
}

std::unique_ptr<av1::AccountService::Stub> AccountsAs() {
  return av1::AccountService::NewStub(Suite().Channel("account"));
}

TEST(AccessTest, TheActorOfAHistoryRowIsTheTokenSubjectNotXKamActor) {
  auto accounts = AccountsAs();
  av1::CreateAccountRequest create;
  create.mutable_account()->set_display_name(Unique("actor"));
  av1::Account account;
  ASSERT_OK(accounts->CreateAccount(TokenContext(Suite().token("admin"), "mallory").get(), create,
                                    &account));
  av1::AddTeamMemberRequest add;
  add.set_parent(account.name());
  add.set_request_id(Unique("member"));
  add.mutable_membership()->set_user("am.zhou");
  add.mutable_membership()->set_role(av1::TEAM_ROLE_ACCOUNT_MANAGER);
  av1::TeamMembership member;
  ASSERT_OK(
      accounts->AddTeamMember(TokenContext(Suite().token("admin"), "mallory").get(), add, &member));
  EXPECT_EQ(member.actor(), "admin");
}

TEST(AccessTest, OnlyTheScoringServicePublishesTiers) {
  auto accounts = AccountsAs();
  av1::CreateAccountRequest create;
  create.mutable_account()->set_display_name(Unique("tiers"));
  av1::Account account;
  ASSERT_OK(accounts->CreateAccount(TokenContext(Suite().token("admin")).get(), create, &account));
  av1::SetAccountTiersRequest publish;
  publish.set_rating_run(Unique("forged-run"));
  publish.set_policy_version("p1");
  av1::TierAssignment* assignment = publish.add_assignments();
  assignment->set_account(account.name());
  assignment->set_tier(av1::TIER_A);
  const std::string before = RowCounts();
  for (const TokenSpec& spec : LocalTokens()) {
    if (spec.role == "service_scoring") continue;
    av1::SetAccountTiersResponse response;
    const grpc::Status status =
        accounts->SetAccountTiers(TokenContext(Suite().token(spec.role)).get(), publish, &response);
    EXPECT_TRUE(HasCode(status, grpc::StatusCode::PERMISSION_DENIED)) << spec.role;
  }
  EXPECT_EQ(RowCounts(), before) << "a refused SetAccountTiers wrote";
  av1::SetAccountTiersResponse response;
  ASSERT_OK(accounts->SetAccountTiers(TokenContext(Suite().token("service_scoring")).get(), publish,
                                      &response));
  EXPECT_EQ(response.changed_count(), 1);
}

// As `token`, `get` of `own` answers and `get` of `other` answers exactly as
// `get` of `missing` (a resource that does not exist), name for name.
template <typename Stub, typename Request, typename Response>
void ExpectOthersReadAsMissing(Stub& stub,
                               grpc::Status (Stub::*get)(grpc::ClientContext*, const Request&,
                                                         Response*),
                               const std::string& token, const std::string& own,
                               const std::string& other, const std::string& missing) {
  auto read = [&](const std::string& name) {
    Response response;
    return (stub.*get)(TokenContext(token).get(), ByName<Request>(name), &response);
  };
  EXPECT_OK(read(own));
  const grpc::Status theirs = read(other);
  const grpc::Status absent = read(missing);
  EXPECT_EQ(theirs.error_code(), grpc::StatusCode::NOT_FOUND) << theirs.error_message();
  EXPECT_EQ(theirs.error_code(), absent.error_code());
  EXPECT_EQ(absl::StrReplaceAll(theirs.error_message(), {{other, missing}}),
            absent.error_message());
}

// An account manager through the interaction and scoring services
// (docs/security.md, "Narrowing and masking"): their listing holds only the
// accounts they are on the team of, and another's activity or invoice
// answers exactly as one that does not exist.
TEST(AccessTest, AManagerSeesOnlyTheirAccountsInInteractionAndScoring) {
  const std::string admin = Suite().token("admin");
  // A manager of their own, minted here: the services keep a manager's
  // accounts a few seconds, and the suite's account_manager token may have
  // been used (by the walk) before their team changes below.
  const std::string user = Unique("am.narrow");
  absl::StatusOr<auth::TokenSigner> signer =
      auth::TokenSigner::FromPemFile(Suite().security()->signing_key_file, "signing");
  ASSERT_TRUE(signer.ok()) << signer.status();
  absl::StatusOr<std::string> minted =
      signer->Sign({kLocalIssuer,
                    {"kam-account", "kam-interaction", "kam-scoring"},
                    user,
                    {"account_manager"},
                    user,
                    absl::Now(),
                    absl::Now() + absl::Hours(1)});
  ASSERT_TRUE(minted.ok()) << minted.status();
  const std::string manager = *minted;
  auto accounts = AccountsAs();
  auto activities = iv1::ActivityService::NewStub(Suite().Channel("interaction"));
  auto billing = iv1::BillingService::NewStub(Suite().Channel("interaction"));
  // Two accounts billed in EUR; the manager is on the first's team only.
  std::vector<std::string> names;
  for (const char* which : {"theirs", "another's"}) {
    av1::CreateAccountRequest create;
    create.mutable_account()->set_display_name(Unique(which));
    av1::CreditProfile* credit = create.mutable_account()->mutable_credit();
    credit->mutable_credit_limit()->set_currency_code("EUR");
    credit->mutable_credit_limit()->set_minor_units(1'000'000);
    credit->set_payment_terms_days(30);
    av1::Account account;
    ASSERT_OK(accounts->CreateAccount(TokenContext(admin).get(), create, &account));
    names.push_back(account.name());
  }
  av1::AddTeamMemberRequest add;
  add.set_parent(names[0]);
  add.mutable_membership()->set_user(user);
  add.mutable_membership()->set_role(av1::TEAM_ROLE_SALES);
  av1::TeamMembership member;
  ASSERT_OK(accounts->AddTeamMember(TokenContext(admin).get(), add, &member));

  // An activity and an invoice on each.
  std::vector<std::string> activity, invoice;
  for (const std::string& account : names) {
    iv1::CreateActivityRequest create;
    create.mutable_activity()->set_account(account);
    create.mutable_activity()->set_kind(iv1::ACTIVITY_KIND_VISIT);
    create.mutable_activity()->set_subject("Quarterly review");
    create.mutable_activity()->mutable_planned_time()->set_seconds(
        absl::ToUnixSeconds(absl::Now() + absl::Hours(24)));
    iv1::Activity a;
    ASSERT_OK(activities->CreateActivity(TokenContext(admin).get(), create, &a));
    activity.push_back(a.name());
    iv1::CreateInvoiceRequest bill;
    bill.mutable_invoice()->set_account(account);
    bill.mutable_invoice()->mutable_amount()->set_currency_code("EUR");
    bill.mutable_invoice()->mutable_amount()->set_minor_units(10'000);
    iv1::Invoice i;
    ASSERT_OK(billing->CreateInvoice(TokenContext(admin).get(), bill, &i));
    invoice.push_back(i.name());
  }

  // The manager's accounts, as the interaction and scoring services learn
  // them (admin may call ListTeamAccounts too).
  av1::ListTeamAccountsRequest team;
  team.set_user(user);
  team.set_page_size(1000);
  av1::ListTeamAccountsResponse theirs;
  ASSERT_OK(accounts->ListTeamAccounts(TokenContext(admin).get(), team, &theirs));
  const std::vector<std::string> own(theirs.accounts().begin(), theirs.accounts().end());
  EXPECT_NE(std::find(own.begin(), own.end(), names[0]), own.end());
  EXPECT_EQ(std::find(own.begin(), own.end(), names[1]), own.end());

  // Their listing: theirs only, in full pages.
  iv1::ListActivitiesRequest list;
  list.set_page_size(1000);
  iv1::ListActivitiesResponse listed;
  ASSERT_OK(activities->ListActivities(TokenContext(manager).get(), list, &listed));
  std::vector<std::string> seen;
  for (const iv1::Activity& a : listed.activities()) {
    EXPECT_NE(std::find(own.begin(), own.end(), a.account()), own.end()) << a.name();
    seen.push_back(a.name());
  }
  EXPECT_NE(std::find(seen.begin(), seen.end(), activity[0]), seen.end());
  EXPECT_EQ(std::find(seen.begin(), seen.end(), activity[1]), seen.end());

  // Another's activity and invoice read as missing ones; theirs read.
  ExpectOthersReadAsMissing(*activities, &iv1::ActivityService::Stub::GetActivity, manager,
                            activity[0], activity[1], "activities/999999999");
  ExpectOthersReadAsMissing(*billing, &iv1::BillingService::Stub::GetInvoice, manager, invoice[0],
                            invoice[1], "invoices/999999999");

  // Scoring: their alerts only (the scoring service asks the account
  // service with its own token).
  auto alerts = sv1::AlertService::NewStub(Suite().Channel("scoring"));
  sv1::ListAlertsRequest list_alerts;
  sv1::ListAlertsResponse listed_alerts;
  ASSERT_OK(alerts->ListAlerts(TokenContext(manager).get(), list_alerts, &listed_alerts));
  for (const sv1::Alert& alert : listed_alerts.alerts()) {
    EXPECT_NE(std::find(own.begin(), own.end(), alert.account()), own.end()) << alert.name();
  }
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) {
  return kam::testing::RunTestsOnSuite(argc, argv, kam::testing::WalkSuiteOptions());
}
