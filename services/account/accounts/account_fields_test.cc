#include "services/account/accounts/account_fields.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/api/field_mask.h"
#include "gtest/gtest.h"
#include "kam/account/v1/account.pb.h"
#include "services/account/shared/field_rule_cases.h"

namespace kam::account::accounts {
namespace {

using testing::kHan;
using testing::Mask;

v1::Account ValidAccount() { return testing::Named<v1::Account>("Acme Group"); }

// ---------------------------------------------------------------- accounts

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

// Each rule on one field: the value, and what the error must say ("": valid).
TEST(ValidateAccountFieldsTest, EachFieldRule) {
  std::vector<testing::FieldCase> cases = {
      {"display_name", "", "is required"},
      {"display_name", "   ", "must not be only white space"},
      {"display_name", "\xe3\x80\x80\xe3\x80\x80", "must not be only white space"},
      {"display_name", "Acme\nGroup", "control characters"},
      {"display_name", "Acme\xff", "valid UTF-8"},
      {"external_id", "", ""},
      {"external_id", "CRM 1", "must not contain white space"},
      {"external_id", "CRM\x01", "control characters"},
      {"owner", "", ""},
      {"owner", "li na", "must not contain white space"},
      {"owner", "li\tna", "must not contain white space"},
      {"industry", "Oil and gas", ""},
      {"industry", "Oil\x7f", "control characters"},
      {"region", "\xc0\xaf", "valid UTF-8"},
      {"category", v1::ACCOUNT_CATEGORY_POTENTIAL, ""},
      {"category", 9, "must be a known AccountCategory"},
      {"credit.credit_limit.currency_code", "USD", ""},
      {"credit.credit_limit.currency_code", "cny", "ISO 4217"},
      {"credit.credit_limit.minor_units", 100, "ISO 4217", "credit.credit_limit.currency_code"},
      {"credit.risk_level", v1::CREDIT_RISK_LEVEL_HIGH, ""},
      {"credit.risk_level", 7, "must be a known CreditRiskLevel"},
  };
  testing::AddLengthCases(cases, "display_name", 200, "a");
  testing::AddLengthCases(cases, "display_name", 200, kHan);
  testing::AddLengthCases(cases, "external_id", 128, "x");
  testing::AddLengthCases(cases, "owner", 128, "u");
  testing::AddLengthCases(cases, "industry", 100, "i");
  testing::AddLengthCases(cases, "region", 100, kHan);
  testing::AddRangeCases(cases, "credit.payment_terms_days", 0, 365);
  testing::RunFieldCases(cases, ValidAccount(), "account.", ValidateAccountFields);
}

// The rules on labels (a map) and on a credit limit's amount.
TEST(ValidateAccountFieldsTest, LabelAndCreditLimitRules) {
  testing::RunCases<v1::Account>(
      {
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
          {"limit negative",
           [](v1::Account* a) {
             auto* limit = a->mutable_credit()->mutable_credit_limit();
             limit->set_currency_code("CNY");
             limit->set_minor_units(-1);
           },
           "account.credit.credit_limit.minor_units", "must not be negative (got -1)"},
      },
      ValidAccount(), ValidateAccountFields);
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

// ---------------------------------------------------------------- order_by

// Each order with the spellings that ask for it.
TEST(ParseAccountOrderTest, AcceptedForms) {
  struct Form {
    AccountOrder::Key key;
    bool descending;
    std::vector<std::string> spellings;
  };
  const Form forms[] = {
      {AccountOrder::Key::kId, false, {"", "   "}},
      {AccountOrder::Key::kDisplayName, false, {"display_name"}},
      {AccountOrder::Key::kDisplayName, true, {"display_name desc"}},
      {AccountOrder::Key::kCreateTime, false, {"create_time", "create_time asc"}},
      {AccountOrder::Key::kUpdateTime, false, {"update_time"}},
      {AccountOrder::Key::kUpdateTime, true, {"update_time DESC"}},
      {AccountOrder::Key::kTier, false, {"tier", "tier Asc"}},
      {AccountOrder::Key::kTier, true, {"  tier   desc  ", "tier\tdesc"}},
  };
  for (const Form& form : forms) {
    for (const std::string& order_by : form.spellings) {
      const absl::StatusOr<AccountOrder> order = ParseAccountOrder(order_by);
      ASSERT_TRUE(order.ok()) << "\"" << order_by << "\": " << order.status();
      EXPECT_EQ(order->key, form.key) << "\"" << order_by << "\"";
      EXPECT_EQ(order->descending, form.descending) << "\"" << order_by << "\"";
    }
  }
}

TEST(ParseAccountOrderTest, RefusedForms) {
  const std::string cases[] = {
      "name",         "display_name descending", "desc",
      "Display_Name", "tier desc asc",           "tier,create_time",
      "tier  x",      "create_time desc extra",  "-create_time",
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

TEST(AccountMaskRulesTest, EveryDocumentedPathIsUpdatable) {
  testing::ExpectUpdatable<v1::Account>(
      AccountMaskRules(), {"display_name", "external_id", "industry", "region", "category",
                           "parent_account", "owner", "labels", "credit", "credit.credit_limit",
                           "credit.payment_terms_days", "credit.risk_level"});
}

TEST(AccountMaskRulesTest, OutputOnlyPathsAreInvalid) {
  testing::ExpectOutputOnly<v1::Account>(
      AccountMaskRules(),
      {"name", "stage_update_time", "tier", "tier_rating_run", "tier_policy_version",
       "tier_update_time", "state", "contact_count", "single_contact_risk",
       "account_manager_handover_count", "create_time", "update_time", "delete_time", "etag"});
}

TEST(AccountMaskRulesTest, StageAndShareNeedTransitionStage) {
  const v1::Account patch;
  for (const char* path : {"stage", "share_of_wallet_percent"}) {
    const absl::Status status =
        common::ResolveUpdateMask(Mask({"display_name", path}), patch, AccountMaskRules()).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << path;
    EXPECT_EQ(status.message(), absl::StrCat("update_mask path \"", path,
                                             "\" cannot be updated here; use TransitionStage"));
  }
}

TEST(AccountMaskRulesTest, UnknownPathsAreInvalid) {
  const v1::Account patch;
  for (const char* path :
       {"colour", "credit.currency", "labels.segment", "Display_Name", "display_name.x", ""}) {
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
  EXPECT_EQ(*paths,
            (std::vector<std::string>{"display_name", "external_id", "industry", "region",
                                      "category", "parent_account", "owner", "labels", "credit"}));
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
      Mask({"display_name", "industry", "credit.risk_level", "labels"}), patch, AccountMaskRules());
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

}  // namespace
}  // namespace kam::account::accounts
