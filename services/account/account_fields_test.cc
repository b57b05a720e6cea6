#include "services/account/account_fields.h"

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/api/field_mask.h"
#include "google/protobuf/field_mask.pb.h"
#include "gtest/gtest.h"
#include "kam/account/v1/account.pb.h"

namespace kam::account {
namespace {

// U+4E2D (中): three bytes, one character.
constexpr char kHan[] = "\xe4\xb8\xad";

std::string Repeat(absl::string_view unit, size_t times) {
  std::string out;
  for (size_t i = 0; i < times; ++i) out.append(unit.data(), unit.size());
  return out;
}

v1::Account ValidAccount() {
  v1::Account a;
  a.set_display_name("Acme Group");
  return a;
}

v1::Contact ValidContact() {
  v1::Contact c;
  c.set_display_name("Zhang Wei");
  return c;
}

// One rule: a change to a valid resource, and the field path the error must
// start with (empty: the change is valid).
template <typename Message>
struct Case {
  std::string name;
  std::function<void(Message*)> change;
  std::string field;          // "" when valid
  std::string rule_fragment;  // part of the rule text, when invalid
};

template <typename Message>
void RunCases(const std::vector<Case<Message>>& cases, Message (*valid)(),
              absl::Status (*validate)(const Message&)) {
  for (const Case<Message>& c : cases) {
    Message m = valid();
    c.change(&m);
    const absl::Status status = validate(m);
    if (c.field.empty()) {
      EXPECT_TRUE(status.ok()) << c.name << ": " << status;
      continue;
    }
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.name << ": " << status;
    EXPECT_TRUE(absl::StartsWith(status.message(), absl::StrCat(c.field, " ")))
        << c.name << ": " << status << " (want field " << c.field << ")";
    EXPECT_TRUE(absl::StrContains(status.message(), c.rule_fragment))
        << c.name << ": " << status << " (want \"" << c.rule_fragment << "\")";
  }
}

// ---------------------------------------------------------------- accounts

using AccountCase = Case<v1::Account>;

TEST(ValidateAccountFieldsTest, MinimalAccountIsValid) {
  EXPECT_TRUE(ValidateAccountFields(ValidAccount()).ok());
}

TEST(ValidateAccountFieldsTest, FullyPopulatedAccountIsValid) {
  v1::Account a = ValidAccount();
  a.set_external_id("CRM-000123");
  a.set_industry("Telecommunications");
  a.set_region("East China");
  a.set_category(v1::ACCOUNT_CATEGORY_REGIONAL);
  a.set_owner("li.na@example.com");
  (*a.mutable_labels())["segment"] = "telecom";
  (*a.mutable_labels())["priority"] = "";
  a.mutable_credit()->mutable_credit_limit()->set_currency_code("CNY");
  a.mutable_credit()->mutable_credit_limit()->set_minor_units(500000000);
  a.mutable_credit()->set_payment_terms_days(90);
  a.mutable_credit()->set_risk_level(v1::CREDIT_RISK_LEVEL_MEDIUM);
  EXPECT_TRUE(ValidateAccountFields(a).ok()) << ValidateAccountFields(a);
}

TEST(ValidateAccountFieldsTest, DisplayName) {
  RunCases<v1::Account>(
      {
          {"200 chars", [](v1::Account* a) { a->set_display_name(std::string(200, 'a')); }, "",
           ""},
          {"200 CJK chars", [](v1::Account* a) { a->set_display_name(Repeat(kHan, 200)); }, "",
           ""},
          {"empty", [](v1::Account* a) { a->clear_display_name(); }, "account.display_name",
           "is required"},
          {"blank", [](v1::Account* a) { a->set_display_name("   "); }, "account.display_name",
           "must not be only white space"},
          {"ideographic spaces",
           [](v1::Account* a) { a->set_display_name("\xe3\x80\x80\xe3\x80\x80"); },
           "account.display_name", "must not be only white space"},
          {"201 chars", [](v1::Account* a) { a->set_display_name(std::string(201, 'a')); },
           "account.display_name", "must be at most 200 characters (got 201)"},
          {"201 CJK chars", [](v1::Account* a) { a->set_display_name(Repeat(kHan, 201)); },
           "account.display_name", "must be at most 200 characters (got 201)"},
          {"control char", [](v1::Account* a) { a->set_display_name("Acme\nGroup"); },
           "account.display_name", "control characters"},
          {"invalid utf8", [](v1::Account* a) { a->set_display_name("Acme\xff"); },
           "account.display_name", "valid UTF-8"},
      },
      ValidAccount, ValidateAccountFields);
}

TEST(ValidateAccountFieldsTest, ExternalIdAndOwner) {
  RunCases<v1::Account>(
      {
          {"external id empty", [](v1::Account* a) { a->clear_external_id(); }, "", ""},
          {"external id 128", [](v1::Account* a) { a->set_external_id(std::string(128, 'x')); },
           "", ""},
          {"external id 129", [](v1::Account* a) { a->set_external_id(std::string(129, 'x')); },
           "account.external_id", "must be at most 128 characters (got 129)"},
          {"external id space", [](v1::Account* a) { a->set_external_id("CRM 1"); },
           "account.external_id", "must not contain white space"},
          {"external id control", [](v1::Account* a) { a->set_external_id("CRM\x01"); },
           "account.external_id", "control characters"},
          {"owner empty", [](v1::Account* a) { a->clear_owner(); }, "", ""},
          {"owner 128", [](v1::Account* a) { a->set_owner(std::string(128, 'u')); }, "", ""},
          {"owner 129", [](v1::Account* a) { a->set_owner(std::string(129, 'u')); },
           "account.owner", "must be at most 128 characters (got 129)"},
          {"owner space", [](v1::Account* a) { a->set_owner("li na"); }, "account.owner",
           "must not contain white space"},
          {"owner tab", [](v1::Account* a) { a->set_owner("li\tna"); }, "account.owner",
           "must not contain white space"},
      },
      ValidAccount, ValidateAccountFields);
}

TEST(ValidateAccountFieldsTest, IndustryAndRegion) {
  RunCases<v1::Account>(
      {
          {"industry 100", [](v1::Account* a) { a->set_industry(std::string(100, 'i')); }, "",
           ""},
          {"industry with spaces", [](v1::Account* a) { a->set_industry("Oil and gas"); }, "",
           ""},
          {"industry 101", [](v1::Account* a) { a->set_industry(std::string(101, 'i')); },
           "account.industry", "must be at most 100 characters (got 101)"},
          {"industry control", [](v1::Account* a) { a->set_industry("Oil\x7f"); },
           "account.industry", "control characters"},
          {"region 100", [](v1::Account* a) { a->set_region(Repeat(kHan, 100)); }, "", ""},
          {"region 101", [](v1::Account* a) { a->set_region(std::string(101, 'r')); },
           "account.region", "must be at most 100 characters (got 101)"},
          {"region invalid utf8", [](v1::Account* a) { a->set_region("\xc0\xaf"); },
           "account.region", "valid UTF-8"},
      },
      ValidAccount, ValidateAccountFields);
}

TEST(ValidateAccountFieldsTest, CategoryAndLabels) {
  RunCases<v1::Account>(
      {
          {"category potential",
           [](v1::Account* a) { a->set_category(v1::ACCOUNT_CATEGORY_POTENTIAL); }, "", ""},
          {"category unknown",
           [](v1::Account* a) { a->set_category(static_cast<v1::AccountCategory>(9)); },
           "account.category", "must be a known AccountCategory"},
          {"label ok", [](v1::Account* a) { (*a->mutable_labels())["tier-2_x"] = "a-b_1"; }, "",
           ""},
          {"label key upper", [](v1::Account* a) { (*a->mutable_labels())["Bad"] = "x"; },
           "account.labels[\"Bad\"]", "must start with a lower-case letter"},
          {"label value space", [](v1::Account* a) { (*a->mutable_labels())["k"] = "a b"; },
           "account.labels[\"k\"]", "value must contain only"},
          {"65 labels",
           [](v1::Account* a) {
             for (int i = 0; i < 65; ++i) (*a->mutable_labels())[absl::StrCat("k", i)] = "v";
           },
           "account.labels", "at most 64 entries (got 65)"},
      },
      ValidAccount, ValidateAccountFields);
}

TEST(ValidateAccountFieldsTest, Credit) {
  RunCases<v1::Account>(
      {
          {"no limit, terms 0", [](v1::Account* a) { a->mutable_credit(); }, "", ""},
          {"limit zero",
           [](v1::Account* a) {
             a->mutable_credit()->mutable_credit_limit()->set_currency_code("USD");
           },
           "", ""},
          {"limit without currency",
           [](v1::Account* a) {
             a->mutable_credit()->mutable_credit_limit()->set_minor_units(100);
           },
           "account.credit.credit_limit.currency_code", "ISO 4217"},
          {"limit lower-case currency",
           [](v1::Account* a) {
             a->mutable_credit()->mutable_credit_limit()->set_currency_code("cny");
           },
           "account.credit.credit_limit.currency_code", "ISO 4217"},
          {"limit negative",
           [](v1::Account* a) {
             auto* limit = a->mutable_credit()->mutable_credit_limit();
             limit->set_currency_code("CNY");
             limit->set_minor_units(-1);
           },
           "account.credit.credit_limit.minor_units", "must not be negative (got -1)"},
          {"terms 365", [](v1::Account* a) { a->mutable_credit()->set_payment_terms_days(365); },
           "", ""},
          {"terms 366", [](v1::Account* a) { a->mutable_credit()->set_payment_terms_days(366); },
           "account.credit.payment_terms_days", "must be between 0 and 365 (got 366)"},
          {"terms -1", [](v1::Account* a) { a->mutable_credit()->set_payment_terms_days(-1); },
           "account.credit.payment_terms_days", "must be between 0 and 365 (got -1)"},
          {"risk high",
           [](v1::Account* a) { a->mutable_credit()->set_risk_level(v1::CREDIT_RISK_LEVEL_HIGH); },
           "", ""},
          {"risk unknown",
           [](v1::Account* a) {
             a->mutable_credit()->set_risk_level(static_cast<v1::CreditRiskLevel>(7));
           },
           "account.credit.risk_level", "must be a known CreditRiskLevel"},
      },
      ValidAccount, ValidateAccountFields);
}

TEST(ValidateAccountFieldsTest, StageParentAndShareAreCheckedElsewhere) {
  v1::Account a = ValidAccount();
  a.set_stage(v1::RELATIONSHIP_STAGE_INTERRUPTED);
  a.set_share_of_wallet_percent(500);
  a.set_parent_account("not a name");
  EXPECT_TRUE(ValidateAccountFields(a).ok()) << ValidateAccountFields(a);
}

TEST(ValidateAccountFieldsTest, FirstBrokenFieldIsReported) {
  v1::Account a;
  a.set_owner("has space");
  a.set_industry(std::string(101, 'i'));
  EXPECT_TRUE(absl::StartsWith(ValidateAccountFields(a).message(), "account.display_name "))
      << ValidateAccountFields(a);
  a.set_display_name("Acme");
  EXPECT_TRUE(absl::StartsWith(ValidateAccountFields(a).message(), "account.industry "))
      << ValidateAccountFields(a);
}

// ---------------------------------------------------------------- contacts

TEST(ValidateContactFieldsTest, MinimalAndFullContactsAreValid) {
  EXPECT_TRUE(ValidateContactFields(ValidContact()).ok());
  v1::Contact c = ValidContact();
  c.set_title("CIO");
  c.set_department("IT");
  c.set_buying_role(v1::BUYING_ROLE_DECISION_MAKER);
  c.set_influence_weight(80);
  c.set_preferred_channel(v1::CONTACT_CHANNEL_VISIT);
  c.set_phone("+8613800138000");
  c.set_email("zhang.wei@example.com");
  c.set_do_not_call(true);
  c.set_time_zone("Asia/Shanghai");
  EXPECT_TRUE(ValidateContactFields(c).ok()) << ValidateContactFields(c);
}

TEST(ValidateContactFieldsTest, EachRule) {
  RunCases<v1::Contact>(
      {
          {"name 200", [](v1::Contact* c) { c->set_display_name(std::string(200, 'n')); }, "",
           ""},
          {"name empty", [](v1::Contact* c) { c->clear_display_name(); }, "contact.display_name",
           "is required"},
          {"name blank", [](v1::Contact* c) { c->set_display_name(" \t "); },
           "contact.display_name", ""},
          {"name 201", [](v1::Contact* c) { c->set_display_name(std::string(201, 'n')); },
           "contact.display_name", "must be at most 200 characters (got 201)"},
          {"title 200", [](v1::Contact* c) { c->set_title(std::string(200, 't')); }, "", ""},
          {"title 201", [](v1::Contact* c) { c->set_title(std::string(201, 't')); },
           "contact.title", "must be at most 200 characters (got 201)"},
          {"title control", [](v1::Contact* c) { c->set_title("C\x1bO"); }, "contact.title",
           "control characters"},
          {"department 200", [](v1::Contact* c) { c->set_department(Repeat(kHan, 200)); }, "",
           ""},
          {"department 201", [](v1::Contact* c) { c->set_department(Repeat(kHan, 201)); },
           "contact.department", "must be at most 200 characters (got 201)"},
          {"influence 0", [](v1::Contact* c) { c->set_influence_weight(0); }, "", ""},
          {"influence 100", [](v1::Contact* c) { c->set_influence_weight(100); }, "", ""},
          {"influence 101", [](v1::Contact* c) { c->set_influence_weight(101); },
           "contact.influence_weight", "must be between 0 and 100 (got 101)"},
          {"influence -1", [](v1::Contact* c) { c->set_influence_weight(-1); },
           "contact.influence_weight", "must be between 0 and 100 (got -1)"},
          {"phone ok", [](v1::Contact* c) { c->set_phone("+12025550123"); }, "", ""},
          {"phone without plus", [](v1::Contact* c) { c->set_phone("13800138000"); },
           "contact.phone", "E.164"},
          {"phone with spaces", [](v1::Contact* c) { c->set_phone("+86 138 0013 8000"); },
           "contact.phone", "E.164"},
          {"phone leading zero", [](v1::Contact* c) { c->set_phone("+0123456789"); },
           "contact.phone", "E.164"},
          {"email ok", [](v1::Contact* c) { c->set_email("a.b+c@mail.example.cn"); }, "", ""},
          {"email no at", [](v1::Contact* c) { c->set_email("zhang.example.com"); },
           "contact.email", "must be an email address"},
          {"email two ats", [](v1::Contact* c) { c->set_email("a@b@example.com"); },
           "contact.email", "must be an email address"},
          {"email no tld", [](v1::Contact* c) { c->set_email("a@localhost"); }, "contact.email",
           "must be an email address"},
          {"time zone UTC", [](v1::Contact* c) { c->set_time_zone("UTC"); }, "", ""},
          {"time zone unknown", [](v1::Contact* c) { c->set_time_zone("Mars/Olympus_Mons"); },
           "contact.time_zone", "IANA time zone"},
          {"time zone path", [](v1::Contact* c) { c->set_time_zone("../../etc/passwd"); },
           "contact.time_zone", "IANA time zone"},
          {"time zone localtime", [](v1::Contact* c) { c->set_time_zone("localtime"); },
           "contact.time_zone", "IANA time zone"},
          {"buying role gatekeeper",
           [](v1::Contact* c) { c->set_buying_role(v1::BUYING_ROLE_GATEKEEPER); }, "", ""},
          {"buying role unknown",
           [](v1::Contact* c) { c->set_buying_role(static_cast<v1::BuyingRole>(70)); },
           "contact.buying_role", "must be a known BuyingRole"},
          {"channel message",
           [](v1::Contact* c) { c->set_preferred_channel(v1::CONTACT_CHANNEL_MESSAGE); }, "",
           ""},
          {"channel unknown",
           [](v1::Contact* c) { c->set_preferred_channel(static_cast<v1::ContactChannel>(5)); },
           "contact.preferred_channel", "must be a known ContactChannel"},
      },
      ValidContact, ValidateContactFields);
}

// ---------------------------------------------------------------- order_by

struct OrderCase {
  std::string order_by;
  AccountOrder::Key key;
  bool descending;
};

TEST(ParseAccountOrderTest, AcceptedForms) {
  const OrderCase cases[] = {
      {"", AccountOrder::Key::kId, false},
      {"   ", AccountOrder::Key::kId, false},
      {"display_name", AccountOrder::Key::kDisplayName, false},
      {"create_time", AccountOrder::Key::kCreateTime, false},
      {"update_time", AccountOrder::Key::kUpdateTime, false},
      {"tier", AccountOrder::Key::kTier, false},
      {"display_name desc", AccountOrder::Key::kDisplayName, true},
      {"create_time asc", AccountOrder::Key::kCreateTime, false},
      {"update_time DESC", AccountOrder::Key::kUpdateTime, true},
      {"tier Asc", AccountOrder::Key::kTier, false},
      {"  tier   desc  ", AccountOrder::Key::kTier, true},
      {"tier\tdesc", AccountOrder::Key::kTier, true},
  };
  for (const OrderCase& c : cases) {
    const absl::StatusOr<AccountOrder> order = ParseAccountOrder(c.order_by);
    ASSERT_TRUE(order.ok()) << "\"" << c.order_by << "\": " << order.status();
    EXPECT_EQ(order->key, c.key) << "\"" << c.order_by << "\"";
    EXPECT_EQ(order->descending, c.descending) << "\"" << c.order_by << "\"";
  }
}

TEST(ParseAccountOrderTest, RefusedForms) {
  const std::string cases[] = {
      "name",           "display_name descending", "desc",     "Display_Name",
      "tier desc asc",  "tier,create_time",        "tier  x",  "create_time desc extra",
      "-create_time",
  };
  for (const std::string& c : cases) {
    const absl::StatusOr<AccountOrder> order = ParseAccountOrder(c);
    ASSERT_FALSE(order.ok()) << "\"" << c << "\"";
    EXPECT_EQ(order.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StartsWith(order.status().message(), "order_by must be one of "))
        << order.status();
    EXPECT_TRUE(absl::StrContains(order.status().message(), absl::StrCat("(got \"", c, "\")")))
        << order.status();
  }
}

TEST(ParseAccountOrderTest, EchoOfALongValueIsCut) {
  const std::string huge(10000, 'z');
  const absl::StatusOr<AccountOrder> order = ParseAccountOrder(huge);
  ASSERT_FALSE(order.ok());
  EXPECT_TRUE(absl::StrContains(order.status().message(),
                                absl::StrCat("(got \"", std::string(64, 'z'), "\")")))
      << order.status();
  EXPECT_LT(order.status().message().size(), 300u);
}

// external_id may be NULL, which keyset pagination cannot order by; the proto
// lists the four keys below and nothing else.
TEST(ParseAccountOrderTest, ExternalIdIsRefused) {
  absl::StatusOr<AccountOrder> order = ParseAccountOrder("external_id");
  ASSERT_FALSE(order.ok());
  EXPECT_EQ(order.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(order.status().message(), "order_by ")) << order.status();
}

// ---------------------------------------------------------------- update masks

google::protobuf::FieldMask Mask(std::vector<std::string> paths) {
  google::protobuf::FieldMask mask;
  for (const std::string& p : paths) mask.add_paths(p);
  return mask;
}

TEST(AccountMaskRulesTest, EveryDocumentedPathIsUpdatable) {
  const v1::Account patch;
  for (const char* path :
       {"display_name", "external_id", "industry", "region", "category", "parent_account",
        "owner", "labels", "credit", "credit.credit_limit", "credit.payment_terms_days",
        "credit.risk_level"}) {
    const absl::StatusOr<std::vector<std::string>> paths =
        common::ResolveUpdateMask(Mask({path}), patch, AccountMaskRules());
    ASSERT_TRUE(paths.ok()) << path << ": " << paths.status();
    EXPECT_EQ(*paths, std::vector<std::string>{path});
  }
}

TEST(AccountMaskRulesTest, OutputOnlyPathsAreInvalid) {
  const v1::Account patch;
  for (const char* path :
       {"name", "stage_update_time", "tier", "tier_rating_run", "tier_policy_version",
        "tier_update_time", "state", "contact_count", "single_contact_risk",
        "account_manager_handover_count", "create_time", "update_time", "delete_time",
        "etag"}) {
    const absl::Status status =
        common::ResolveUpdateMask(Mask({path}), patch, AccountMaskRules()).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << path;
    EXPECT_EQ(status.message(),
              absl::StrCat("update_mask path \"", path, "\" names an output-only field"));
  }
}

TEST(AccountMaskRulesTest, StageAndShareNeedTransitionStage) {
  const v1::Account patch;
  for (const char* path : {"stage", "share_of_wallet_percent"}) {
    const absl::Status status =
        common::ResolveUpdateMask(Mask({"display_name", path}), patch, AccountMaskRules())
            .status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << path;
    EXPECT_EQ(status.message(), absl::StrCat("update_mask path \"", path,
                                             "\" cannot be updated here; use TransitionStage"));
  }
}

TEST(AccountMaskRulesTest, UnknownPathsAreInvalid) {
  const v1::Account patch;
  for (const char* path : {"colour", "credit.currency", "labels.segment", "Display_Name",
                                  "display_name.x", ""}) {
    const absl::Status status =
        common::ResolveUpdateMask(Mask({path}), patch, AccountMaskRules()).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << path;
    EXPECT_TRUE(absl::StartsWith(status.message(), absl::StrCat("update_mask path \"", path,
                                                                "\" is not an updatable field")))
        << status;
    EXPECT_TRUE(absl::StrContains(status.message(), "display_name")) << status;
  }
}

TEST(AccountMaskRulesTest, EmptyMaskTakesTheSetUpdatableFields) {
  v1::Account patch;
  patch.set_name("accounts/7");  // identifies the account; not an update
  patch.set_etag("abc");
  patch.set_industry("Energy");
  patch.set_owner("u1");
  patch.mutable_credit()->set_payment_terms_days(30);
  patch.set_stage(v1::RELATIONSHIP_STAGE_STABLE);  // not updatable here: ignored
  const absl::StatusOr<std::vector<std::string>> paths =
      common::ResolveUpdateMask(Mask({}), patch, AccountMaskRules());
  ASSERT_TRUE(paths.ok()) << paths.status();
  EXPECT_EQ(*paths, (std::vector<std::string>{"industry", "owner", "credit"}));
}

TEST(AccountMaskRulesTest, EmptyMaskWithNothingSetIsInvalid) {
  v1::Account patch;
  patch.set_name("accounts/7");
  const absl::Status status =
      common::ResolveUpdateMask(Mask({}), patch, AccountMaskRules()).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(status.message(), "update_mask ")) << status;
}

TEST(AccountMaskRulesTest, StarMeansEveryTopLevelUpdatableField) {
  const absl::StatusOr<std::vector<std::string>> paths =
      common::ResolveUpdateMask(Mask({"*"}), v1::Account(), AccountMaskRules());
  ASSERT_TRUE(paths.ok()) << paths.status();
  EXPECT_EQ(*paths, (std::vector<std::string>{"display_name", "external_id", "industry",
                                              "region", "category", "parent_account", "owner",
                                              "labels", "credit"}));
}

TEST(AccountMaskRulesTest, ApplyCopiesOnlyMaskedFields) {
  v1::Account target;
  target.set_name("accounts/7");
  target.set_display_name("Old");
  target.set_industry("Old industry");
  target.set_region("North");
  target.set_tier(v1::TIER_A);
  target.mutable_credit()->set_payment_terms_days(60);
  target.mutable_credit()->set_risk_level(v1::CREDIT_RISK_LEVEL_LOW);
  (*target.mutable_labels())["a"] = "1";

  v1::Account patch;
  patch.set_display_name("New");
  patch.set_region("ignored: not in the mask");
  patch.set_tier(v1::TIER_D);
  patch.mutable_credit()->set_risk_level(v1::CREDIT_RISK_LEVEL_HIGH);
  (*patch.mutable_labels())["b"] = "2";

  const absl::StatusOr<std::vector<std::string>> paths = common::ResolveUpdateMask(
      Mask({"display_name", "industry", "credit.risk_level", "labels"}), patch,
      AccountMaskRules());
  ASSERT_TRUE(paths.ok()) << paths.status();
  common::ApplyUpdateMask(*paths, patch, &target);

  EXPECT_EQ(target.name(), "accounts/7");
  EXPECT_EQ(target.display_name(), "New");
  EXPECT_EQ(target.industry(), "");  // in the mask, empty in the patch: cleared
  EXPECT_EQ(target.region(), "North");
  EXPECT_EQ(target.tier(), v1::TIER_A);
  EXPECT_EQ(target.credit().payment_terms_days(), 60);  // sub-path: rest of credit kept
  EXPECT_EQ(target.credit().risk_level(), v1::CREDIT_RISK_LEVEL_HIGH);
  ASSERT_EQ(target.labels_size(), 1);  // replaced, not merged
  EXPECT_EQ(target.labels().at("b"), "2");
}

TEST(AccountMaskRulesTest, ApplyReplacesTheWholeCredit) {
  v1::Account target;
  target.mutable_credit()->set_payment_terms_days(60);
  target.mutable_credit()->mutable_credit_limit()->set_currency_code("CNY");
  target.mutable_credit()->mutable_credit_limit()->set_minor_units(100);
  v1::Account patch;
  patch.mutable_credit()->set_risk_level(v1::CREDIT_RISK_LEVEL_MEDIUM);
  common::ApplyUpdateMask({"credit"}, patch, &target);
  EXPECT_EQ(target.credit().payment_terms_days(), 0);
  EXPECT_FALSE(target.credit().has_credit_limit());
  EXPECT_EQ(target.credit().risk_level(), v1::CREDIT_RISK_LEVEL_MEDIUM);
}

TEST(ContactMaskRulesTest, UpdatableOutputOnlyAndUnknown) {
  const v1::Contact patch;
  for (const char* path :
       {"display_name", "title", "department", "buying_role", "influence_weight",
        "preferred_channel", "phone", "email", "do_not_call", "time_zone"}) {
    const absl::StatusOr<std::vector<std::string>> paths =
        common::ResolveUpdateMask(Mask({path}), patch, ContactMaskRules());
    ASSERT_TRUE(paths.ok()) << path << ": " << paths.status();
    EXPECT_EQ(*paths, std::vector<std::string>{path});
  }
  for (const char* path : {"name", "create_time", "update_time", "delete_time", "etag"}) {
    const absl::Status status =
        common::ResolveUpdateMask(Mask({path}), patch, ContactMaskRules()).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << path;
    EXPECT_TRUE(absl::StrContains(status.message(), "output-only")) << status;
  }
  const absl::Status unknown =
      common::ResolveUpdateMask(Mask({"stage"}), patch, ContactMaskRules()).status();
  EXPECT_EQ(unknown.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(unknown.message(), "is not an updatable field")) << unknown;
}

TEST(ContactMaskRulesTest, EmptyMaskAndStar) {
  v1::Contact patch;
  patch.set_name("accounts/1/contacts/2");
  patch.set_email("a@example.com");
  patch.set_do_not_call(true);
  const absl::StatusOr<std::vector<std::string>> set =
      common::ResolveUpdateMask(Mask({}), patch, ContactMaskRules());
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(*set, (std::vector<std::string>{"email", "do_not_call"}));

  const absl::StatusOr<std::vector<std::string>> all =
      common::ResolveUpdateMask(Mask({"*"}), patch, ContactMaskRules());
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->size(), 10u);
}

}  // namespace
}  // namespace kam::account
