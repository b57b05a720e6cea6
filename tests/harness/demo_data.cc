#include "tests/harness/demo_data.h"

#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "grpcpp/grpcpp.h"
#include "kam/account/v1/account.grpc.pb.h"

namespace kam::testing {
namespace {

namespace v1 = ::kam::account::v1;

class Loader {
 public:
  explicit Loader(const std::string& address)
      : stub_(v1::AccountService::NewStub(
            grpc::CreateChannel(address, grpc::InsecureChannelCredentials()))) {}

  // The calls below stop at the first error and keep it.
  absl::Status status() const { return status_; }

  template <typename Request, typename Response>
  bool Call(grpc::Status (v1::AccountService::Stub::*method)(grpc::ClientContext*,
                                                             const Request&, Response*),
            const Request& request, Response* response) {
    if (!status_.ok()) return false;
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    context.AddMetadata("x-kam-actor", "demo-loader");
    grpc::Status status = (stub_.get()->*method)(&context, request, response);
    if (!status.ok()) {
      status_ = absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                             absl::StrCat("demo data: ", status.error_message()));
      return false;
    }
    return true;
  }

  bool AlreadyLoaded() {
    v1::ListAccountsRequest request;
    request.set_filter("labels.demo = true");
    request.set_page_size(1);
    v1::ListAccountsResponse response;
    return Call(&v1::AccountService::Stub::ListAccounts, request, &response) &&
           response.accounts_size() > 0;
  }

  v1::Account Account(const std::string& key, const std::string& name, const std::string& industry,
                      const std::string& region, v1::AccountCategory category,
                      const std::string& parent, int64_t credit_limit_yuan) {
    v1::CreateAccountRequest request;
    request.set_request_id(absl::StrCat("demo-account-", key));
    v1::Account* a = request.mutable_account();
    a->set_display_name(name);
    a->set_external_id(absl::StrCat("CRM-", key));
    a->set_industry(industry);
    a->set_region(region);
    a->set_category(category);
    a->set_parent_account(parent);
    (*a->mutable_labels())["demo"] = "true";
    a->mutable_credit()->mutable_credit_limit()->set_currency_code("CNY");
    a->mutable_credit()->mutable_credit_limit()->set_minor_units(credit_limit_yuan * 100);
    a->mutable_credit()->set_payment_terms_days(60);
    a->mutable_credit()->set_risk_level(v1::CREDIT_RISK_LEVEL_LOW);
    v1::Account created;
    Call(&v1::AccountService::Stub::CreateAccount, request, &created);
    return created;
  }

  void Contact(const v1::Account& account, const std::string& name, const std::string& title,
               v1::BuyingRole role, int weight, const std::string& phone,
               const std::string& email) {
    v1::CreateContactRequest request;
    request.set_parent(account.name());
    request.set_request_id(
        absl::StrReplaceAll(absl::StrCat("demo-contact-", account.name(), "-", name), {{" ", "_"}}));
    v1::Contact* c = request.mutable_contact();
    c->set_display_name(name);
    c->set_title(title);
    c->set_buying_role(role);
    c->set_influence_weight(weight);
    c->set_phone(phone);
    c->set_email(email);
    c->set_time_zone("Asia/Shanghai");
    c->set_preferred_channel(v1::CONTACT_CHANNEL_PHONE);
    v1::Contact created;
    Call(&v1::AccountService::Stub::CreateContact, request, &created);
  }

  void Member(const v1::Account& account, const std::string& user, v1::TeamRole role) {
    v1::AddTeamMemberRequest request;
    request.set_parent(account.name());
    request.set_request_id(absl::StrCat("demo-team-", account.name(), "-", user));
    request.mutable_membership()->set_user(user);
    request.mutable_membership()->set_role(role);
    v1::TeamMembership created;
    Call(&v1::AccountService::Stub::AddTeamMember, request, &created);
  }

  void Stage(const v1::Account& account, v1::RelationshipStage stage, int share,
             const std::string& reason) {
    v1::TransitionStageRequest request;
    request.set_name(account.name());
    request.set_to_stage(stage);
    request.set_share_of_wallet_percent(share);
    request.set_reason(reason);
    v1::TransitionStageResponse response;
    Call(&v1::AccountService::Stub::TransitionStage, request, &response);
  }

  void Tiers(const std::vector<std::pair<v1::Account, v1::Tier>>& tiers) {
    v1::SetAccountTiersRequest request;
    request.set_rating_run("demo-run-1");
    request.set_policy_version("demo-policy-1");
    for (const auto& [account, tier] : tiers) {
      v1::TierAssignment* assignment = request.add_assignments();
      assignment->set_account(account.name());
      assignment->set_tier(tier);
      assignment->set_reason("demo rating");
    }
    v1::SetAccountTiersResponse response;
    Call(&v1::AccountService::Stub::SetAccountTiers, request, &response);
  }

 private:
  std::unique_ptr<v1::AccountService::Stub> stub_;
  absl::Status status_;
};

}  // namespace

absl::Status LoadDemoData(const std::string& account_address) {
  Loader load(account_address);
  if (load.AlreadyLoaded()) return absl::OkStatus();
  if (!load.status().ok()) return load.status();

  // A group customer with provincial and city branches (domain.md §1).
  v1::Account group = load.Account("HX-GROUP", "Huaxin Telecom Group", "telecom", "national",
                                   v1::ACCOUNT_CATEGORY_INDUSTRY, "", 50000000);
  v1::Account gd = load.Account("HX-GD", "Huaxin Guangdong Branch", "telecom", "south",
                                v1::ACCOUNT_CATEGORY_REGIONAL, group.name(), 8000000);
  v1::Account sz = load.Account("HX-GD-SZ", "Huaxin Shenzhen City Branch", "telecom", "south",
                                v1::ACCOUNT_CATEGORY_REGIONAL, gd.name(), 2000000);
  v1::Account zj = load.Account("HX-ZJ", "Huaxin Zhejiang Branch", "telecom", "east",
                                v1::ACCOUNT_CATEGORY_REGIONAL, group.name(), 6000000);
  v1::Account steel = load.Account("BS-STEEL", "Baoshan Steel", "manufacturing", "east",
                                   v1::ACCOUNT_CATEGORY_INDUSTRY, "", 20000000);
  v1::Account bank = load.Account("CM-BANK", "Merchants Bank Shanghai", "finance", "east",
                                  v1::ACCOUNT_CATEGORY_REGIONAL, "", 10000000);
  v1::Account robot = load.Account("NX-ROBOT", "Nexa Robotics", "technology", "south",
                                   v1::ACCOUNT_CATEGORY_POTENTIAL, "", 1000000);
  v1::Account retail = load.Account("YH-RETAIL", "Yonghe Retail Chain", "retail", "north",
                                    v1::ACCOUNT_CATEGORY_REGIONAL, "", 3000000);

  load.Contact(group, "Li Wei", "CIO", v1::BUYING_ROLE_DECISION_MAKER, 60, "+8613800138000",
               "li.wei@huaxin.example.com");
  load.Contact(group, "Zhang Min", "Procurement Director", v1::BUYING_ROLE_PURCHASER, 25,
               "+8613800138001", "zhang.min@huaxin.example.com");
  load.Contact(group, "Chen Jie", "Network Architect", v1::BUYING_ROLE_TECHNICAL_EVALUATOR, 15,
               "+8613800138002", "chen.jie@huaxin.example.com");
  load.Contact(steel, "Wang Fang", "Plant Manager", v1::BUYING_ROLE_DECISION_MAKER, 70,
               "+8613900139000", "wang.fang@baoshan.example.com");  // a single-contact risk
  load.Contact(bank, "Zhao Lei", "Head of IT", v1::BUYING_ROLE_DECISION_MAKER, 50,
               "+8613700137000", "zhao.lei@cmbank.example.com");
  load.Contact(bank, "Sun Li", "Assistant to the Head of IT", v1::BUYING_ROLE_GATEKEEPER, 10,
               "+8613700137001", "sun.li@cmbank.example.com");

  load.Member(group, "am.liu", v1::TEAM_ROLE_ACCOUNT_MANAGER);
  load.Member(group, "tech.huang", v1::TEAM_ROLE_TECHNICAL);
  load.Member(group, "svc.xu", v1::TEAM_ROLE_SERVICE);
  load.Member(steel, "am.zhou", v1::TEAM_ROLE_ACCOUNT_MANAGER);
  load.Member(bank, "am.liu", v1::TEAM_ROLE_ACCOUNT_MANAGER);
  load.Member(bank, "am.qian", v1::TEAM_ROLE_ACCOUNT_MANAGER);  // a handover on record

  load.Stage(group, v1::RELATIONSHIP_STAGE_INITIAL, 30, "won the 2025 core network tender");
  load.Stage(group, v1::RELATIONSHIP_STAGE_STABLE, 60, "main supplier after the annual review");
  load.Stage(group, v1::RELATIONSHIP_STAGE_STRATEGIC, 85, "joint 5G programme signed");
  load.Stage(steel, v1::RELATIONSHIP_STAGE_INITIAL, 20, "pilot line order");
  load.Stage(bank, v1::RELATIONSHIP_STAGE_INITIAL, 40, "branch refit contract");
  load.Stage(bank, v1::RELATIONSHIP_STAGE_STABLE, 55, "framework agreement");

  v1::MarkChurnedRequest churn;
  churn.set_name(retail.name());
  churn.set_kind(v1::CHURN_EVENT_KIND_CUSTOMER_CHURN);
  churn.set_reason(v1::CHURN_REASON_PRICE);
  churn.set_note("moved to a cheaper supplier");
  v1::MarkChurnedResponse churned;
  load.Call(&v1::AccountService::Stub::MarkChurned, churn, &churned);

  load.Tiers({{group, v1::TIER_A}, {steel, v1::TIER_B}, {bank, v1::TIER_B}, {gd, v1::TIER_C},
              {zj, v1::TIER_C}, {sz, v1::TIER_D}, {robot, v1::TIER_D}, {retail, v1::TIER_D}});
  return load.status();
}

}  // namespace kam::testing
