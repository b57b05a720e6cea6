// The account part of the demo: a telecom group with provincial and city
// branches, four other customers (one churned), their contacts and account
// teams, relationship stages and last year's tiers.
#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "tests/harness/demo/demo_book.h"

namespace kam::testing::demo {
namespace {

class AccountLoader {
 public:
  AccountLoader(DemoClient& client, DemoBook* book) : client_(client), book_(book) {}

  // The request ids and fields are those of the first demo loader, so a data
  // folder it filled is completed rather than duplicated.
  const av1::Account& Account(const std::string& key, const std::string& name,
                              const std::string& industry, const std::string& region,
                              av1::AccountCategory category, const std::string& parent_key,
                              int64_t credit_limit_yuan) {
    av1::CreateAccountRequest request;
    request.set_request_id(absl::StrCat("demo-account-", key));
    av1::Account* a = request.mutable_account();
    a->set_display_name(name);
    a->set_external_id(absl::StrCat("CRM-", key));
    a->set_industry(industry);
    a->set_region(region);
    a->set_category(category);
    if (!parent_key.empty() && client_.ok()) a->set_parent_account(book_->Account(parent_key));
    (*a->mutable_labels())["demo"] = "true";
    *a->mutable_credit()->mutable_credit_limit() = Yuan(credit_limit_yuan);
    a->mutable_credit()->set_payment_terms_days(60);
    a->mutable_credit()->set_risk_level(av1::CREDIT_RISK_LEVEL_LOW);
    av1::Account& created = book_->accounts[key];
    client_.Call(client_.accounts(), &av1::AccountService::Stub::CreateAccount, request, &created,
                 absl::StrCat("create account ", key));
    return created;
  }

  // The create is the first loader's; the level and the reporting line
  // (docs/domain.md §4) come after it as a move, made while the contact has
  // no level yet, so a data folder loaded before levels existed gets them
  // too. `manager`: the display name of a contact loaded before, or "".
  void Contact(const std::string& key, const std::string& name, const std::string& title,
               av1::BuyingRole role, int weight, const std::string& phone, const std::string& email,
               av1::ContactLevel level, const std::string& manager = "") {
    if (!client_.ok()) return;
    const std::string& account = book_->Account(key);
    av1::CreateContactRequest request;
    request.set_parent(account);
    request.set_request_id(
        absl::StrReplaceAll(absl::StrCat("demo-contact-", account, "-", name), {{" ", "_"}}));
    av1::Contact* c = request.mutable_contact();
    c->set_display_name(name);
    c->set_title(title);
    c->set_buying_role(role);
    c->set_influence_weight(weight);
    c->set_phone(phone);
    c->set_email(email);
    c->set_time_zone("Asia/Shanghai");
    c->set_preferred_channel(av1::CONTACT_CHANNEL_PHONE);
    av1::Contact created;
    if (!client_.Call(client_.accounts(), &av1::AccountService::Stub::CreateContact, request,
                      &created, absl::StrCat("create contact ", name))) {
      return;
    }
    book_->contacts[name] = created.name();
    if (created.org_level() != av1::CONTACT_LEVEL_UNSPECIFIED) return;
    av1::UpdateContactRequest place;
    place.mutable_contact()->set_name(created.name());
    place.mutable_contact()->set_org_level(level);
    if (!manager.empty()) place.mutable_contact()->set_reports_to(book_->Contact(manager));
    place.mutable_update_mask()->add_paths("org_level");
    place.mutable_update_mask()->add_paths("reports_to");
    client_.Call(client_.accounts(), &av1::AccountService::Stub::UpdateContact, place, &created,
                 absl::StrCat("place contact ", name, " in the org chart"));
  }

  void Member(const std::string& key, const std::string& user, av1::TeamRole role) {
    if (!client_.ok()) return;
    const std::string& account = book_->Account(key);
    av1::AddTeamMemberRequest request;
    request.set_parent(account);
    request.set_request_id(absl::StrCat("demo-team-", account, "-", user));
    request.mutable_membership()->set_user(user);
    request.mutable_membership()->set_role(role);
    av1::TeamMembership created;
    client_.Call(client_.accounts(), &av1::AccountService::Stub::AddTeamMember, request, &created,
                 absl::StrCat("add team member ", user));
  }

  // A create retried returns the account as it was created; the moves below
  // need it as it is now.
  void Refresh() {
    for (auto& [key, account] : book_->accounts) {
      av1::GetAccountRequest request;
      request.set_name(account.name());
      client_.Call(client_.accounts(), &av1::AccountService::Stub::GetAccount, request, &account,
                   absl::StrCat("read account ", key));
    }
  }

  // Moves are not idempotent: only a stage later than the account's current
  // one is moved to (the demo's stages only go forward).
  void Stage(const std::string& key, av1::RelationshipStage stage, int share,
             const std::string& reason) {
    if (!client_.ok()) return;
    av1::Account& account = book_->accounts[key];
    if (account.stage() >= stage) return;
    av1::TransitionStageRequest request;
    request.set_name(account.name());
    request.set_to_stage(stage);
    request.set_share_of_wallet_percent(share);
    request.set_reason(reason);
    av1::TransitionStageResponse response;
    if (client_.Call(
            client_.accounts(), &av1::AccountService::Stub::TransitionStage, request, &response,
            absl::StrCat("move ", key, " to stage ", av1::RelationshipStage_Name(stage)))) {
      account = response.account();
    }
  }

  void Churn(const std::string& key) {
    if (!client_.ok()) return;
    const av1::Account& account = book_->accounts[key];
    if (account.state() == av1::LIFECYCLE_STATE_CHURNED) return;
    av1::MarkChurnedRequest churn;
    churn.set_name(account.name());
    churn.set_kind(av1::CHURN_EVENT_KIND_CUSTOMER_CHURN);
    churn.set_reason(av1::CHURN_REASON_PRICE);
    churn.set_note("moved to a cheaper supplier");
    av1::MarkChurnedResponse churned;
    client_.Call(client_.accounts(), &av1::AccountService::Stub::MarkChurned, churn, &churned,
                 absl::StrCat("mark ", key, " churned"));
  }

  // Only into an unrated book: publishing "demo-run-1" again would change
  // nothing if it were still the latest run, but once the demo's rating run
  // has published, it would put last year's tiers back.
  void Tiers(const std::vector<std::pair<std::string, av1::Tier>>& tiers) {
    if (!client_.ok()) return;
    for (const auto& [key, account] : book_->accounts) {
      if (!account.tier_rating_run().empty()) return;
    }
    av1::SetAccountTiersRequest request;
    request.set_rating_run("demo-run-1");
    request.set_policy_version("demo-policy-1");
    for (const auto& [key, tier] : tiers) {
      av1::TierAssignment* assignment = request.add_assignments();
      assignment->set_account(book_->Account(key));
      assignment->set_tier(tier);
      assignment->set_reason("demo rating");
    }
    av1::SetAccountTiersResponse response;
    client_.PublishTiers(request, &response, "publish last year's tiers");
  }

 private:
  DemoClient& client_;
  DemoBook* book_;
};

}  // namespace

void LoadAccountBook(DemoClient& client, DemoBook* book) {
  AccountLoader load(client, book);
  // A group customer with provincial and city branches (docs/domain.md §1).
  load.Account("HX-GROUP", "Huaxin Telecom Group", "telecom", "national",
               av1::ACCOUNT_CATEGORY_INDUSTRY, "", 50000000);
  load.Account("HX-GD", "Huaxin Guangdong Branch", "telecom", "south",
               av1::ACCOUNT_CATEGORY_REGIONAL, "HX-GROUP", 8000000);
  load.Account("HX-GD-SZ", "Huaxin Shenzhen City Branch", "telecom", "south",
               av1::ACCOUNT_CATEGORY_REGIONAL, "HX-GD", 2000000);
  load.Account("HX-ZJ", "Huaxin Zhejiang Branch", "telecom", "east", av1::ACCOUNT_CATEGORY_REGIONAL,
               "HX-GROUP", 6000000);
  load.Account("BS-STEEL", "Baoshan Steel", "manufacturing", "east", av1::ACCOUNT_CATEGORY_INDUSTRY,
               "", 20000000);
  load.Account("CM-BANK", "Merchants Bank Shanghai", "finance", "east",
               av1::ACCOUNT_CATEGORY_REGIONAL, "", 10000000);
  load.Account("NX-ROBOT", "Nexa Robotics", "technology", "south", av1::ACCOUNT_CATEGORY_POTENTIAL,
               "", 1000000);
  load.Account("YH-RETAIL", "Yonghe Retail Chain", "retail", "north",
               av1::ACCOUNT_CATEGORY_REGIONAL, "", 3000000);

  // Huaxin: all three levels (the CIO, a director, an architect under the
  // CIO); Merchants Bank: two; Baoshan: one person at one level.
  load.Contact("HX-GROUP", "Li Wei", "CIO", av1::BUYING_ROLE_DECISION_MAKER, 60, "+8613800138000",
               "li.wei@huaxin.example.com", av1::CONTACT_LEVEL_EXECUTIVE);
  load.Contact("HX-GROUP", "Zhang Min", "Procurement Director", av1::BUYING_ROLE_PURCHASER, 25,
               "+8613800138001", "zhang.min@huaxin.example.com", av1::CONTACT_LEVEL_MANAGEMENT);
  load.Contact("HX-GROUP", "Chen Jie", "Network Architect", av1::BUYING_ROLE_TECHNICAL_EVALUATOR,
               15, "+8613800138002", "chen.jie@huaxin.example.com", av1::CONTACT_LEVEL_FRONT_LINE,
               "Li Wei");
  load.Contact("BS-STEEL", "Wang Fang", "Plant Manager", av1::BUYING_ROLE_DECISION_MAKER, 70,
               "+8613900139000", "wang.fang@baoshan.example.com",  // a single-contact risk
               av1::CONTACT_LEVEL_MANAGEMENT);
  load.Contact("CM-BANK", "Zhao Lei", "Head of IT", av1::BUYING_ROLE_DECISION_MAKER, 50,
               "+8613700137000", "zhao.lei@cmbank.example.com", av1::CONTACT_LEVEL_MANAGEMENT);
  load.Contact("CM-BANK", "Sun Li", "Assistant to the Head of IT", av1::BUYING_ROLE_GATEKEEPER, 10,
               "+8613700137001", "sun.li@cmbank.example.com", av1::CONTACT_LEVEL_FRONT_LINE,
               "Zhao Lei");

  load.Member("HX-GROUP", "am.liu", av1::TEAM_ROLE_ACCOUNT_MANAGER);
  load.Member("HX-GROUP", "tech.huang", av1::TEAM_ROLE_TECHNICAL);
  load.Member("HX-GROUP", "svc.xu", av1::TEAM_ROLE_SERVICE);
  load.Member("BS-STEEL", "am.zhou", av1::TEAM_ROLE_ACCOUNT_MANAGER);
  load.Member("CM-BANK", "am.liu", av1::TEAM_ROLE_ACCOUNT_MANAGER);
  load.Member("CM-BANK", "am.qian", av1::TEAM_ROLE_ACCOUNT_MANAGER);  // a handover on record

  load.Refresh();
  load.Stage("HX-GROUP", av1::RELATIONSHIP_STAGE_INITIAL, 30, "won the 2025 core network tender");
  load.Stage("HX-GROUP", av1::RELATIONSHIP_STAGE_STABLE, 60,
             "main supplier after the annual review");
  load.Stage("HX-GROUP", av1::RELATIONSHIP_STAGE_STRATEGIC, 85, "joint 5G programme signed");
  load.Stage("BS-STEEL", av1::RELATIONSHIP_STAGE_INITIAL, 20, "pilot line order");
  load.Stage("CM-BANK", av1::RELATIONSHIP_STAGE_INITIAL, 40, "branch refit contract");
  load.Stage("CM-BANK", av1::RELATIONSHIP_STAGE_STABLE, 55, "framework agreement");
  load.Churn("YH-RETAIL");

  load.Tiers({{"HX-GROUP", av1::TIER_A},
              {"BS-STEEL", av1::TIER_B},
              {"CM-BANK", av1::TIER_B},
              {"HX-GD", av1::TIER_C},
              {"HX-ZJ", av1::TIER_C},
              {"HX-GD-SZ", av1::TIER_D},
              {"NX-ROBOT", av1::TIER_D},
              {"YH-RETAIL", av1::TIER_D}});
}

const std::string& DemoBook::Account(const std::string& key) const {
  static const std::string kMissing;
  const auto it = accounts.find(key);
  return it == accounts.end() ? kMissing : it->second.name();
}

const std::string& DemoBook::Contact(const std::string& display_name) const {
  static const std::string kMissing;
  const auto it = contacts.find(display_name);
  return it == contacts.end() ? kMissing : it->second;
}

absl::Time DemoBook::LatestCreateTime() const {
  absl::Time latest = absl::InfinitePast();
  for (const auto& [key, account] : accounts) {
    latest = std::max(latest, FromTimestamp(account.create_time()));
  }
  return latest;
}

}  // namespace kam::testing::demo
