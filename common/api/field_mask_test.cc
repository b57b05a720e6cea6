#include "common/api/field_mask.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "kam/account/v1/account.pb.h"

namespace kam::common {
namespace {

using kam::account::v1::Account;
using Paths = std::vector<std::string>;

google::protobuf::FieldMask Mask(const Paths& paths) {
  google::protobuf::FieldMask mask;
  for (const std::string& p : paths) mask.add_paths(p);
  return mask;
}

// Rules in an order different from the descriptor's, with a nested path.
const UpdateMaskRules& Rules() {
  static const UpdateMaskRules* rules = new UpdateMaskRules{
      /*updatable=*/{"owner", "display_name", "category", "labels", "credit", "credit.risk_level",
                     "single_contact_risk"},
      /*output_only=*/{"name", "etag", "create_time"},
      /*use_method=*/{{"stage", "TransitionStage"}, {"tier", "SetAccountTiers"}}};
  return *rules;
}

absl::StatusOr<Paths> Resolve(const Paths& paths, const Account& patch = Account()) {
  return ResolveUpdateMask(Mask(paths), patch, Rules());
}

// ---------------------------------------------------------------- explicit paths

TEST(ResolveUpdateMaskTest, ExplicitPathsKeepRequestOrderAndDropDuplicates) {
  const absl::StatusOr<Paths> paths =
      Resolve({"labels", "owner", "credit.risk_level", "owner", "labels"});
  ASSERT_TRUE(paths.ok()) << paths.status();
  EXPECT_EQ(*paths, (Paths{"labels", "owner", "credit.risk_level"}));
}

TEST(ResolveUpdateMaskTest, ExplicitPathsNeedNotBeSetInThePatch) {
  // Naming a field and leaving it empty is how a caller clears it.
  const absl::StatusOr<Paths> paths = Resolve({"display_name", "category"});
  ASSERT_TRUE(paths.ok()) << paths.status();
  EXPECT_EQ(*paths, (Paths{"display_name", "category"}));
}

TEST(ResolveUpdateMaskTest, OutputOnlyPathIsInvalid) {
  for (const char* path : {"name", "etag", "create_time"}) {
    const absl::Status status = Resolve({"owner", path}).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << path;
    EXPECT_EQ(status.message(),
              absl::StrCat("update_mask path \"", path, "\" names an output-only field"));
  }
}

TEST(ResolveUpdateMaskTest, PathWithItsOwnMethodNamesTheMethod) {
  EXPECT_EQ(Resolve({"stage"}).status().message(),
            "update_mask path \"stage\" cannot be updated here; use TransitionStage");
  EXPECT_EQ(Resolve({"tier"}).status().message(),
            "update_mask path \"tier\" cannot be updated here; use SetAccountTiers");
  EXPECT_EQ(Resolve({"tier"}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ResolveUpdateMaskTest, UnknownPathListsTheUpdatableOnes) {
  const absl::Status status = Resolve({"owner", "nonsense"}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "update_mask path \"nonsense\" is not an updatable field; use one of: owner, "
            "display_name, category, labels, credit, credit.risk_level, single_contact_risk");
}

TEST(ResolveUpdateMaskTest, RealFieldsOutsideTheRulesAreNotUpdatable) {
  // industry exists on Account but is not in these rules; credit.payment_terms_days
  // is a real sub-field but only credit.risk_level is allowed.
  for (const char* path : {"industry", "credit.payment_terms_days", "labels.x", "Owner"}) {
    const absl::Status status = Resolve({path}).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << path;
    EXPECT_TRUE(
        absl::StartsWith(status.message(), absl::StrCat("update_mask path \"", path, "\" is not")))
        << status;
  }
}

TEST(ResolveUpdateMaskTest, HugeUnknownPathIsCutInTheMessage) {
  const std::string huge(100000, 'p');
  const absl::Status status = Resolve({huge}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(
      absl::StrContains(status.message(), absl::StrCat("\"", std::string(64, 'p'), "\" is not")))
      << status.message().substr(0, 200);
  EXPECT_LT(status.message().size(), 400u);
}

TEST(ResolveUpdateMaskTest, FirstBadPathIsReported) {
  const absl::Status status = Resolve({"owner", "etag", "stage", "nonsense"}).status();
  EXPECT_TRUE(absl::StrContains(status.message(), "\"etag\"")) << status;
}

// ---------------------------------------------------------------- "*"

TEST(ResolveUpdateMaskTest, StarMeansEveryTopLevelUpdatablePath) {
  const absl::StatusOr<Paths> paths = Resolve({"*"});
  ASSERT_TRUE(paths.ok()) << paths.status();
  EXPECT_EQ(*paths, (Paths{"owner", "display_name", "category", "labels", "credit",
                           "single_contact_risk"}));
}

TEST(ResolveUpdateMaskTest, StarMustBeAlone) {
  for (const Paths& mask : {Paths{"*", "owner"}, Paths{"owner", "*"}, Paths{"*", "*"}}) {
    const absl::Status status = Resolve(mask).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(status.message(), "update_mask \"*\" must be the only path");
  }
}

// ---------------------------------------------------------------- empty mask

TEST(ResolveUpdateMaskTest, EmptyMaskTakesSetTopLevelFieldsInRuleOrder) {
  Account patch;
  patch.set_name("accounts/1");  // output only: never taken
  patch.set_etag("e");           // output only
  patch.set_industry("Energy");  // not in the rules
  patch.set_display_name("Acme");
  patch.set_owner("u1");
  patch.set_single_contact_risk(true);
  (*patch.mutable_labels())["k"] = "v";
  patch.set_stage(account::v1::RELATIONSHIP_STAGE_STABLE);  // has its own method
  const absl::StatusOr<Paths> paths = Resolve({}, patch);
  ASSERT_TRUE(paths.ok()) << paths.status();
  EXPECT_EQ(*paths, (Paths{"owner", "display_name", "labels", "single_contact_risk"}));
}

TEST(ResolveUpdateMaskTest, EmptyMaskCountsAPresentButEmptyMessage) {
  Account patch;
  patch.mutable_credit();
  const absl::StatusOr<Paths> paths = Resolve({}, patch);
  ASSERT_TRUE(paths.ok()) << paths.status();
  EXPECT_EQ(*paths, (Paths{"credit"}));
}

TEST(ResolveUpdateMaskTest, EmptyMaskIgnoresDefaultValues) {
  Account patch;
  patch.set_display_name("");
  patch.set_category(account::v1::ACCOUNT_CATEGORY_UNSPECIFIED);
  patch.set_single_contact_risk(false);
  patch.mutable_labels()->clear();
  const absl::Status status = Resolve({}, patch).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "update_mask is empty and the request sets no updatable field; nothing to update");
}

TEST(ResolveUpdateMaskTest, EmptyMaskNeverTakesNestedRulePaths) {
  Account patch;
  patch.set_category(account::v1::ACCOUNT_CATEGORY_INDUSTRY);
  patch.mutable_credit()->set_risk_level(account::v1::CREDIT_RISK_LEVEL_HIGH);
  const absl::StatusOr<Paths> paths = Resolve({}, patch);
  ASSERT_TRUE(paths.ok()) << paths.status();
  EXPECT_EQ(*paths, (Paths{"category", "credit"}));
}

// ---------------------------------------------------------------- ApplyUpdateMask

Account Stored() {
  Account a;
  a.set_name("accounts/9");
  a.set_display_name("Old name");
  a.set_owner("old.owner");
  a.set_industry("Retail");
  a.set_category(account::v1::ACCOUNT_CATEGORY_REGIONAL);
  (*a.mutable_labels())["keep"] = "no";
  (*a.mutable_labels())["also"] = "no";
  a.mutable_credit()->set_payment_terms_days(45);
  a.mutable_credit()->set_risk_level(account::v1::CREDIT_RISK_LEVEL_LOW);
  a.mutable_credit()->mutable_credit_limit()->set_currency_code("CNY");
  a.mutable_credit()->mutable_credit_limit()->set_minor_units(1000);
  a.set_etag("stored-etag");
  return a;
}

TEST(ApplyUpdateMaskTest, CopiesMaskedScalarsAndLeavesTheRest) {
  Account target = Stored();
  Account patch;
  patch.set_display_name("New name");
  patch.set_industry("Not in the mask");
  patch.set_etag("patch-etag");
  ApplyUpdateMask({"display_name"}, patch, &target);
  Account want = Stored();
  want.set_display_name("New name");
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(target, want))
      << target.DebugString();
}

TEST(ApplyUpdateMaskTest, MaskedFieldUnsetInPatchIsCleared) {
  Account target = Stored();
  ApplyUpdateMask({"owner", "category"}, Account(), &target);
  EXPECT_EQ(target.owner(), "");
  EXPECT_EQ(target.category(), account::v1::ACCOUNT_CATEGORY_UNSPECIFIED);
  EXPECT_EQ(target.display_name(), "Old name");
}

TEST(ApplyUpdateMaskTest, MessageFieldIsReplacedNotMerged) {
  Account target = Stored();
  Account patch;
  patch.mutable_credit()->set_risk_level(account::v1::CREDIT_RISK_LEVEL_HIGH);
  ApplyUpdateMask({"credit"}, patch, &target);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(target.credit(), patch.credit()))
      << target.credit().DebugString();
  EXPECT_FALSE(target.credit().has_credit_limit());
  EXPECT_EQ(target.credit().payment_terms_days(), 0);
}

TEST(ApplyUpdateMaskTest, AbsentMessageInPatchClearsIt) {
  Account target = Stored();
  ApplyUpdateMask({"credit"}, Account(), &target);
  EXPECT_FALSE(target.has_credit());
}

TEST(ApplyUpdateMaskTest, SubPathChangesOnlyThatSubField) {
  Account target = Stored();
  Account patch;
  patch.mutable_credit()->set_risk_level(account::v1::CREDIT_RISK_LEVEL_HIGH);
  patch.mutable_credit()->set_payment_terms_days(1);  // not in the mask
  ApplyUpdateMask({"credit.risk_level"}, patch, &target);
  EXPECT_EQ(target.credit().risk_level(), account::v1::CREDIT_RISK_LEVEL_HIGH);
  EXPECT_EQ(target.credit().payment_terms_days(), 45);
  EXPECT_EQ(target.credit().credit_limit().minor_units(), 1000);
}

TEST(ApplyUpdateMaskTest, NestedMessageSubPathIsReplaced) {
  Account target = Stored();
  Account patch;
  patch.mutable_credit()->mutable_credit_limit()->set_minor_units(5);  // no currency
  ApplyUpdateMask({"credit.credit_limit"}, patch, &target);
  EXPECT_EQ(target.credit().credit_limit().minor_units(), 5);
  EXPECT_EQ(target.credit().credit_limit().currency_code(), "");
  EXPECT_EQ(target.credit().payment_terms_days(), 45);
}

TEST(ApplyUpdateMaskTest, MapIsReplacedNotMerged) {
  Account target = Stored();
  Account patch;
  (*patch.mutable_labels())["new"] = "yes";
  (*patch.mutable_labels())["also"] = "yes";
  ApplyUpdateMask({"labels"}, patch, &target);
  ASSERT_EQ(target.labels_size(), 2);
  EXPECT_EQ(target.labels().at("new"), "yes");
  EXPECT_EQ(target.labels().at("also"), "yes");
  EXPECT_EQ(target.labels().count("keep"), 0u);

  ApplyUpdateMask({"labels"}, Account(), &target);
  EXPECT_EQ(target.labels_size(), 0);
}

TEST(ApplyUpdateMaskTest, RepeatedFieldIsReplacedNotAppended) {
  account::v1::BatchGetAccountsRequest target;
  target.add_names("accounts/1");
  target.add_names("accounts/2");
  account::v1::BatchGetAccountsRequest patch;
  patch.add_names("accounts/3");
  ApplyUpdateMask({"names"}, patch, &target);
  ASSERT_EQ(target.names_size(), 1);
  EXPECT_EQ(target.names(0), "accounts/3");
}

TEST(ApplyUpdateMaskTest, NoPathsChangeNothing) {
  Account target = Stored();
  Account patch;
  patch.set_display_name("X");
  ApplyUpdateMask({}, patch, &target);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(target, Stored()))
      << target.DebugString();
}

TEST(ApplyUpdateMaskTest, ResolvedStarReplacesEveryUpdatableField) {
  Account target = Stored();
  Account patch;
  patch.set_display_name("Only this");
  const absl::StatusOr<Paths> paths = Resolve({"*"}, patch);
  ASSERT_TRUE(paths.ok()) << paths.status();
  ApplyUpdateMask(*paths, patch, &target);
  EXPECT_EQ(target.display_name(), "Only this");
  EXPECT_EQ(target.owner(), "");
  EXPECT_EQ(target.category(), account::v1::ACCOUNT_CATEGORY_UNSPECIFIED);
  EXPECT_EQ(target.labels_size(), 0);
  EXPECT_FALSE(target.has_credit());
  // Fields outside the rules survive.
  EXPECT_EQ(target.name(), "accounts/9");
  EXPECT_EQ(target.industry(), "Retail");
  EXPECT_EQ(target.etag(), "stored-etag");
}

}  // namespace
}  // namespace kam::common
