// Account CRUD through the public API: create/get/batch get, update with a
// FieldMask, etags, soft delete and undelete, external_id uniqueness and
// request_id idempotency (including concurrent retries).
#include <atomic>
#include <cctype>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tests/account/account_client.h"

namespace kam::testing {
namespace {

// --- helpers ----------------------------------------------------------------

// A label value unique to this run, for finding a test's own rows.
std::string Tag(const std::string& prefix) { return Unique(prefix); }

v1::Account Named(const std::string& prefix) {
  v1::Account account;
  account.set_display_name(Unique(prefix));
  return account;
}

Reply<v1::Account> Create(const v1::Account& account, const std::string& request_id = "",
                          const std::string& actor = "test") {
  v1::CreateAccountRequest request;
  *request.mutable_account() = account;
  request.set_request_id(request_id);
  return Call(&AccountApi::CreateAccount, request, actor);
}

v1::Account MustCreate(const v1::Account& account) { return OkValue(Create(account)); }

const StandardMethods kAccounts(Accounts, &AccountApi::GetAccount, &AccountApi::UpdateAccount,
                                &AccountApi::DeleteAccount, &AccountApi::UndeleteAccount);

v1::Account MustGet(const std::string& name) { return OkValue(kAccounts.Get(name)); }

// Every account matching `filter`, all pages.
std::vector<v1::Account> ListAll(const std::string& filter, bool show_deleted = false) {
  return ListMatching<v1::Account>(Accounts(), &AccountApi::ListAccounts, filter, show_deleted,
                                   200);
}

// --- create and get -----------------------------------------------------------

v1::Account FullAccount(const std::string& tag) {
  v1::Account a = Named("Full");
  a.set_external_id(Unique("EXT"));
  a.set_industry("Steel");
  a.set_region("East China");
  a.set_category(v1::ACCOUNT_CATEGORY_INDUSTRY);
  (*a.mutable_labels())["crud"] = tag;
  (*a.mutable_labels())["segment"] = "heavy_industry";
  (*a.mutable_labels())["empty"] = "";
  v1::CreditProfile* credit = a.mutable_credit();
  credit->mutable_credit_limit()->set_minor_units(123456789);
  credit->mutable_credit_limit()->set_currency_code("CNY");
  credit->set_payment_terms_days(90);
  credit->set_risk_level(v1::CREDIT_RISK_LEVEL_MEDIUM);
  return a;
}

TEST(CreateAccount, AssignsNameAndDefaultsAndGetReturnsTheSameAccount) {
  const std::string tag = Tag("full");
  const v1::Account in = FullAccount(tag);
  Reply<v1::Account> created = Create(in);
  ASSERT_OK(created.status);
  const v1::Account& a = created.value;
  EXPECT_TRUE(absl::StartsWith(a.name(), "accounts/")) << a.name();
  EXPECT_EQ(a.display_name(), in.display_name());
  EXPECT_EQ(a.external_id(), in.external_id());
  EXPECT_EQ(a.industry(), "Steel");
  EXPECT_EQ(a.region(), "East China");
  EXPECT_EQ(a.category(), v1::ACCOUNT_CATEGORY_INDUSTRY);
  EXPECT_EQ(a.stage(), v1::RELATIONSHIP_STAGE_DEVELOPMENT);
  EXPECT_EQ(a.share_of_wallet_percent(), 0);
  EXPECT_EQ(a.state(), v1::LIFECYCLE_STATE_ACTIVE);
  EXPECT_EQ(a.tier(), v1::TIER_UNSPECIFIED);
  EXPECT_EQ(a.contact_count(), 0);
  EXPECT_FALSE(a.single_contact_risk());
  EXPECT_EQ(a.account_manager_handover_count(), 0);
  EXPECT_TRUE(a.has_create_time());
  EXPECT_TRUE(Same(a.create_time(), a.update_time()));
  EXPECT_TRUE(Same(a.create_time(), a.stage_update_time()));
  EXPECT_FALSE(a.has_delete_time());
  EXPECT_FALSE(a.etag().empty());
  EXPECT_TRUE(Same(a.credit(), in.credit())) << a.credit().DebugString();
  EXPECT_EQ(a.labels().size(), 3u);
  EXPECT_EQ(a.labels().at("empty"), "");

  Reply<v1::Account> read = kAccounts.Get(a.name());
  ASSERT_OK(read.status);
  EXPECT_TRUE(Same(read.value, a)) << "created:\n" << a.DebugString() << "read:\n"
                                   << read.value.DebugString();
}

TEST(CreateAccount, LabelsAndCreditRoundTripAndLabelsAreFilterable) {
  const std::string tag = Tag("labels");
  v1::Account created = MustCreate(FullAccount(tag));
  std::vector<v1::Account> found = ListAll(absl::StrCat("labels.crud = \"", tag, "\""));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(Same(found[0], created));
  EXPECT_EQ(ListAll(absl::StrCat("labels.crud = \"", tag, "\" AND labels.segment = heavy_industry"))
                .size(),
            1u);
  EXPECT_EQ(ListAll(absl::StrCat("labels.crud = \"", tag, "\" AND labels.segment = other")).size(),
            0u);

  // A zero credit limit is a limit, not "no credit profile".
  v1::Account zero = Named("ZeroLimit");
  zero.mutable_credit()->mutable_credit_limit()->set_currency_code("USD");
  v1::Account stored = MustGet(MustCreate(zero).name());
  ASSERT_TRUE(stored.credit().has_credit_limit());
  EXPECT_EQ(stored.credit().credit_limit().minor_units(), 0);
  EXPECT_EQ(stored.credit().credit_limit().currency_code(), "USD");
}

TEST(CreateAccount, AnEmptyCreditProfileReadsBackTheSameAsNone) {
  v1::CreateAccountRequest request;
  *request.mutable_account() = Named("EmptyCredit");
  request.mutable_account()->mutable_credit();  // present but empty
  request.set_request_id(Unique("req"));
  Reply<v1::Account> created = Call(&AccountApi::CreateAccount, request);
  ASSERT_OK(created.status);
  const v1::Account read = MustGet(created.value.name());
  EXPECT_TRUE(Same(read, created.value)) << "created:\n" << created.value.DebugString()
                                         << "read:\n" << read.DebugString();
  Reply<v1::Account> retry = Call(&AccountApi::CreateAccount, request);
  ASSERT_OK(retry.status);
  EXPECT_TRUE(Same(retry.value, created.value));

  // The same through an update of the credit profile.
  v1::Account patch = Patch<v1::Account>(created.value.name());
  patch.mutable_credit();
  Reply<v1::Account> updated = kAccounts.Update(patch, {"credit"});
  ASSERT_OK(updated.status);
  EXPECT_TRUE(Same(MustGet(created.value.name()), updated.value));
}

TEST(CreateAccount, IgnoresOutputOnlyFieldsInTheRequest) {
  v1::Account in = Named("OutputOnly");
  in.set_name("accounts/424242");
  in.set_tier(v1::TIER_A);
  in.set_tier_rating_run("forged-run");
  in.set_state(v1::LIFECYCLE_STATE_CHURNED);
  in.set_contact_count(7);
  in.set_single_contact_risk(true);
  in.set_account_manager_handover_count(3);
  in.mutable_create_time()->set_seconds(1000);
  in.mutable_delete_time()->set_seconds(2000);
  in.set_etag("forged");
  Reply<v1::Account> created = Create(in);
  ASSERT_OK(created.status);
  const v1::Account stored = MustGet(created.value.name());
  for (const v1::Account* a : {static_cast<const v1::Account*>(&created.value), &stored}) {
    EXPECT_NE(a->name(), "accounts/424242");
    EXPECT_EQ(a->tier(), v1::TIER_UNSPECIFIED);
    EXPECT_EQ(a->tier_rating_run(), "");
    EXPECT_EQ(a->state(), v1::LIFECYCLE_STATE_ACTIVE);
    EXPECT_EQ(a->contact_count(), 0);
    EXPECT_FALSE(a->single_contact_risk());
    EXPECT_EQ(a->account_manager_handover_count(), 0);
    EXPECT_GT(a->create_time().seconds(), 1000);
    EXPECT_FALSE(a->has_delete_time());
    EXPECT_NE(a->etag(), "forged");
  }
}

TEST(CreateAccount, StartsInTheRequestedStageWithAShareInItsBand) {
  v1::Account in = Named("Staged");
  in.set_stage(v1::RELATIONSHIP_STAGE_STABLE);
  in.set_share_of_wallet_percent(65);
  v1::Account stored = MustGet(MustCreate(in).name());
  EXPECT_EQ(stored.stage(), v1::RELATIONSHIP_STAGE_STABLE);
  EXPECT_EQ(stored.share_of_wallet_percent(), 65);
}

TEST(CreateAccount, OwnerBecomesAnActiveAccountManagerMembership) {
  v1::Account in = Named("Owned");
  in.set_owner("u-owner-1");
  Reply<v1::Account> created = Create(in, "", "creator-7");
  ASSERT_OK(created.status);
  EXPECT_EQ(created.value.owner(), "u-owner-1");
  EXPECT_EQ(created.value.account_manager_handover_count(), 0);

  v1::ListTeamMembershipsRequest request;
  request.set_parent(created.value.name());
  Reply<v1::ListTeamMembershipsResponse> team = Call(&AccountApi::ListTeamMemberships, request);
  ASSERT_OK(team.status);
  ASSERT_EQ(team.value.memberships_size(), 1);
  const v1::TeamMembership& m = team.value.memberships(0);
  EXPECT_EQ(m.user(), "u-owner-1");
  EXPECT_EQ(m.role(), v1::TEAM_ROLE_ACCOUNT_MANAGER);
  EXPECT_FALSE(m.has_end_time());
  EXPECT_EQ(m.actor(), "creator-7");
  EXPECT_TRUE(Same(m.start_time(), created.value.create_time()));
  EXPECT_TRUE(absl::StartsWith(m.name(), absl::StrCat(created.value.name(), "/teamMemberships/")));
}

TEST(GetAccount, MissingAccountIsNotFound) {
  EXPECT_TRUE(
      HasCode(kAccounts.Get("accounts/9000000000000000001").status, grpc::StatusCode::NOT_FOUND));
}

// --- batch get ------------------------------------------------------------------

Reply<v1::BatchGetAccountsResponse> BatchGet(const std::vector<std::string>& names) {
  v1::BatchGetAccountsRequest request;
  for (const std::string& name : names) request.add_names(name);
  return Call(&AccountApi::BatchGetAccounts, request);
}

TEST(BatchGetAccounts, ReturnsAccountsInTheOrderAsked) {
  const v1::Account a = MustCreate(Named("BatchA"));
  const v1::Account b = MustCreate(Named("BatchB"));
  const v1::Account c = MustCreate(Named("BatchC"));
  Reply<v1::BatchGetAccountsResponse> reply = BatchGet({c.name(), a.name(), b.name(), a.name()});
  ASSERT_OK(reply.status);
  ASSERT_EQ(reply.value.accounts_size(), 4);
  EXPECT_TRUE(Same(reply.value.accounts(0), c));
  EXPECT_TRUE(Same(reply.value.accounts(1), a));
  EXPECT_TRUE(Same(reply.value.accounts(2), b));
  EXPECT_TRUE(Same(reply.value.accounts(3), a));
}

TEST(BatchGetAccounts, AnyMissingAccountIsNotFoundNamingIt) {
  const v1::Account a = MustCreate(Named("BatchMissing"));
  const std::string missing = "accounts/9000000000000000002";
  Reply<v1::BatchGetAccountsResponse> reply = BatchGet({a.name(), missing});
  EXPECT_TRUE(HasCode(reply.status, grpc::StatusCode::NOT_FOUND));
  EXPECT_TRUE(absl::StrContains(reply.status.error_message(), missing))
      << reply.status.error_message();
  EXPECT_EQ(reply.value.accounts_size(), 0);
}

TEST(BatchGetAccounts, AcceptsUpTo1000NamesAndRefusesMoreOrNone) {
  const v1::Account a = MustCreate(Named("BatchLimit"));
  Reply<v1::BatchGetAccountsResponse> full = BatchGet(std::vector<std::string>(1000, a.name()));
  ASSERT_OK(full.status);
  EXPECT_EQ(full.value.accounts_size(), 1000);
  EXPECT_TRUE(IsInvalidField(BatchGet(std::vector<std::string>(1001, a.name())).status, "names"));
  EXPECT_TRUE(IsInvalidField(BatchGet({}).status, "names"));
  EXPECT_TRUE(IsInvalidField(BatchGet({a.name(), "accounts/x"}).status, "names[1]"));
}

TEST(BatchGetAccounts, IncludesSoftDeletedAccountsLikeGet) {
  const v1::Account a = MustCreate(Named("BatchDeleted"));
  ASSERT_OK(kAccounts.Delete(a.name()).status);
  Reply<v1::BatchGetAccountsResponse> reply = BatchGet({a.name()});
  ASSERT_OK(reply.status);
  ASSERT_EQ(reply.value.accounts_size(), 1);
  EXPECT_TRUE(reply.value.accounts(0).has_delete_time());
}

// --- update -------------------------------------------------------------------

TEST(UpdateAccount, ChangesOnlyTheFieldsInTheMask) {
  const v1::Account before = MustCreate(FullAccount(Tag("mask")));
  v1::Account patch = Patch<v1::Account>(before.name());
  patch.set_display_name("Renamed Co");
  patch.set_industry("Should not change");
  patch.set_region("Should not change");
  (*patch.mutable_labels())["other"] = "x";
  v1::Account expected = before;
  expected.set_display_name("Renamed Co");
  const v1::Account updated =
      kAccounts.ExpectUpdateGives(before, expected, patch, {"display_name"});
  EXPECT_GE(updated.update_time().seconds(), before.update_time().seconds());
}

TEST(UpdateAccount, EmptyMaskUpdatesTheFieldsSetInTheRequest) {
  const v1::Account before = MustCreate(FullAccount(Tag("empty-mask")));
  v1::Account patch = Patch<v1::Account>(before.name());
  patch.set_industry("Chemicals");
  patch.set_category(v1::ACCOUNT_CATEGORY_POTENTIAL);
  Reply<v1::Account> updated = kAccounts.Update(patch, {});
  ASSERT_OK(updated.status);
  const v1::Account after = MustGet(before.name());
  EXPECT_EQ(after.industry(), "Chemicals");
  EXPECT_EQ(after.category(), v1::ACCOUNT_CATEGORY_POTENTIAL);
  // Unset in the request, so untouched.
  EXPECT_EQ(after.display_name(), before.display_name());
  EXPECT_EQ(after.region(), before.region());
  EXPECT_EQ(after.external_id(), before.external_id());
  EXPECT_TRUE(Same(after.credit(), before.credit()));
  EXPECT_EQ(after.labels().size(), before.labels().size());
}

TEST(UpdateAccount, EmptyMaskWithNothingToUpdateIsInvalid) {
  const v1::Account before = MustCreate(Named("NothingToDo"));
  v1::Account patch = Patch<v1::Account>(before.name());
  EXPECT_TRUE(IsInvalidField(kAccounts.Update(patch, {}).status, "update_mask"));
  EXPECT_EQ(MustGet(before.name()).etag(), before.etag());
}

TEST(UpdateAccount, StarReplacesEveryUpdatableField) {
  const v1::Account before = MustCreate(FullAccount(Tag("star")));
  v1::Account patch = Patch<v1::Account>(before.name());
  patch.set_display_name("Star Co");
  Reply<v1::Account> updated = kAccounts.Update(patch, {"*"});
  ASSERT_OK(updated.status);
  const v1::Account after = MustGet(before.name());
  EXPECT_EQ(after.display_name(), "Star Co");
  EXPECT_EQ(after.industry(), "");
  EXPECT_EQ(after.region(), "");
  EXPECT_EQ(after.external_id(), "");
  EXPECT_EQ(after.category(), v1::ACCOUNT_CATEGORY_UNSPECIFIED);
  EXPECT_TRUE(after.labels().empty());
  EXPECT_FALSE(after.has_credit());
  // Not updatable through the mask: kept.
  EXPECT_EQ(after.stage(), before.stage());
  EXPECT_TRUE(Same(after.create_time(), before.create_time()));
  // The labels index follows the replacement.
  EXPECT_TRUE(ListAll(absl::StrCat("labels.crud = \"", before.labels().at("crud"), "\"")).empty());
}

TEST(UpdateAccount, CreditSubPathChangesOnlyThatPartOfTheProfile) {
  const v1::Account before = MustCreate(FullAccount(Tag("credit-path")));
  v1::Account patch = Patch<v1::Account>(before.name());
  patch.mutable_credit()->set_payment_terms_days(30);
  patch.mutable_credit()->set_risk_level(v1::CREDIT_RISK_LEVEL_HIGH);
  ASSERT_OK(kAccounts.Update(patch, {"credit.payment_terms_days"}).status);
  v1::Account after = MustGet(before.name());
  EXPECT_EQ(after.credit().payment_terms_days(), 30);
  EXPECT_EQ(after.credit().risk_level(), v1::CREDIT_RISK_LEVEL_MEDIUM);
  EXPECT_TRUE(Same(after.credit().credit_limit(), before.credit().credit_limit()));
}

TEST(UpdateAccount, LabelsInTheMaskReplaceTheWholeMap) {
  const std::string tag = Tag("labels-replace");
  const v1::Account before = MustCreate(FullAccount(tag));
  v1::Account patch = Patch<v1::Account>(before.name());
  (*patch.mutable_labels())["crud"] = tag;
  (*patch.mutable_labels())["fresh"] = "yes";
  ASSERT_OK(kAccounts.Update(patch, {"labels"}).status);
  const v1::Account after = MustGet(before.name());
  EXPECT_EQ(after.labels().size(), 2u);
  EXPECT_EQ(after.labels().at("fresh"), "yes");
  EXPECT_EQ(ListAll(absl::StrCat("labels.crud = \"", tag, "\" AND labels.fresh = yes")).size(), 1u);
  EXPECT_TRUE(
      ListAll(absl::StrCat("labels.crud = \"", tag, "\" AND labels.segment = heavy_industry"))
          .empty());
}

TEST(UpdateAccount, OutputOnlyPathsAreInvalidAndChangeNothing) {
  const v1::Account before = MustCreate(Named("OutputOnlyMask"));
  for (const std::string path :
       {"tier", "create_time", "update_time", "delete_time", "name", "etag", "state",
        "contact_count", "single_contact_risk", "account_manager_handover_count",
        "tier_rating_run", "stage_update_time"}) {
    SCOPED_TRACE(path);
    v1::Account patch = Patch<v1::Account>(before.name());
    patch.set_tier(v1::TIER_A);
    patch.set_display_name("Changed");
    Reply<v1::Account> reply = kAccounts.Update(patch, {"display_name", path});
    EXPECT_TRUE(IsInvalidField(reply.status, "update_mask"));
    EXPECT_TRUE(absl::StrContains(reply.status.error_message(), path))
        << reply.status.error_message();
  }
  EXPECT_TRUE(Same(MustGet(before.name()), before));
}

TEST(UpdateAccount, StagePathPointsToTransitionStage) {
  const v1::Account before = MustCreate(Named("StageMask"));
  for (const std::string path : {"stage", "share_of_wallet_percent"}) {
    SCOPED_TRACE(path);
    v1::Account patch = Patch<v1::Account>(before.name());
    patch.set_stage(v1::RELATIONSHIP_STAGE_INITIAL);
    patch.set_share_of_wallet_percent(10);
    Reply<v1::Account> reply = kAccounts.Update(patch, {path});
    EXPECT_TRUE(IsInvalidField(reply.status, "update_mask"));
    EXPECT_TRUE(absl::StrContains(reply.status.error_message(), "TransitionStage"))
        << reply.status.error_message();
  }
  EXPECT_TRUE(Same(MustGet(before.name()), before));
}

TEST(UpdateAccount, UnknownOrMalformedPathsAreInvalid) {
  const v1::Account before = MustCreate(Named("UnknownMask"));
  for (const std::vector<std::string>& paths :
       std::vector<std::vector<std::string>>{{"colour"},
                                             {"credit.bogus"},
                                             {"labels.region"},
                                             {""},
                                             {"display_name", "*"},
                                             {"*", "display_name"}}) {
    SCOPED_TRACE(paths.front() + (paths.size() > 1 ? "," + paths.back() : ""));
    v1::Account patch = Patch<v1::Account>(before.name());
    patch.set_display_name("Changed");
    EXPECT_TRUE(IsInvalidField(kAccounts.Update(patch, paths).status, "update_mask"));
  }
  EXPECT_TRUE(Same(MustGet(before.name()), before));
}

TEST(UpdateAccount, MissingAccountIsNotFound) {
  v1::Account patch = Patch<v1::Account>("accounts/9000000000000000003");
  patch.set_display_name("x");
  EXPECT_TRUE(
      HasCode(kAccounts.Update(patch, {"display_name"}).status, grpc::StatusCode::NOT_FOUND));
}

TEST(UpdateAccount, ValidatesTheMergedAccount) {
  const v1::Account before = MustCreate(Named("ValidateOnUpdate"));
  v1::Account patch = Patch<v1::Account>(before.name());
  EXPECT_TRUE(
      IsInvalidField(kAccounts.Update(patch, {"display_name"}).status, "account.display_name"));
  patch.set_industry(std::string(101, 'i'));
  EXPECT_TRUE(IsInvalidField(kAccounts.Update(patch, {"industry"}).status, "account.industry"));
  EXPECT_TRUE(Same(MustGet(before.name()), before));
}

// --- etags ----------------------------------------------------------------------

TEST(Etag, StaleEtagIsAbortedAndChangesNothing) {
  const v1::Account v1_ = MustCreate(FullAccount(Tag("etag")));
  v1::Account patch = Patch<v1::Account>(v1_.name(), v1_.etag());
  patch.set_display_name("First");
  Reply<v1::Account> first = kAccounts.Update(patch, {"display_name"});
  ASSERT_OK(first.status);
  ASSERT_NE(first.value.etag(), v1_.etag());

  // The old etag is now stale: update and delete both refuse it.
  patch.set_display_name("Second");
  EXPECT_TRUE(HasCode(kAccounts.Update(patch, {"display_name"}).status, grpc::StatusCode::ABORTED));
  EXPECT_TRUE(HasCode(kAccounts.Delete(v1_.name(), v1_.etag()).status, grpc::StatusCode::ABORTED));
  patch.set_etag("not-an-etag");
  EXPECT_TRUE(HasCode(kAccounts.Update(patch, {"display_name"}).status, grpc::StatusCode::ABORTED));
  EXPECT_TRUE(Same(MustGet(v1_.name()), first.value));

  // The current etag works; an empty one skips the check.
  patch.set_etag(first.value.etag());
  Reply<v1::Account> second = kAccounts.Update(patch, {"display_name"});
  ASSERT_OK(second.status);
  EXPECT_EQ(second.value.display_name(), "Second");
  patch.set_etag("");
  patch.set_display_name("Third");
  EXPECT_OK(kAccounts.Update(patch, {"display_name"}).status);
}

TEST(Etag, EtagsDifferBetweenAccounts) {
  const v1::Account a = MustCreate(Named("EtagA"));
  const v1::Account b = MustCreate(Named("EtagB"));
  EXPECT_NE(a.etag(), b.etag());
  v1::Account patch = Patch<v1::Account>(b.name());
  patch.set_display_name("x");
  patch.set_etag(a.etag());
  EXPECT_TRUE(HasCode(kAccounts.Update(patch, {"display_name"}).status, grpc::StatusCode::ABORTED));
}

TEST(Etag, TwoRacingUpdatesWithTheSameEtagExactlyOneWins) {
  const v1::Account account = MustCreate(Named("Race"));
  for (int round = 0; round < 20; ++round) {
    SCOPED_TRACE(round);
    const v1::Account current = MustGet(account.name());
    grpc::Status statuses[2];
    v1::Account results[2];
    RunTogether(2, [&](int i) {
      v1::Account patch = Patch<v1::Account>(current.name(), current.etag());
      patch.set_display_name(absl::StrCat("round ", round, " writer ", i));
      Reply<v1::Account> reply = kAccounts.Update(patch, {"display_name"});
      statuses[i] = reply.status;
      results[i] = reply.value;
    });
    const int winners = statuses[0].ok() + statuses[1].ok();
    ASSERT_EQ(winners, 1) << statuses[0].error_message() << " / " << statuses[1].error_message();
    const int winner = statuses[0].ok() ? 0 : 1;
    EXPECT_TRUE(HasCode(statuses[1 - winner], grpc::StatusCode::ABORTED));
    EXPECT_TRUE(Same(MustGet(account.name()), results[winner]));
  }
}

// --- delete and undelete --------------------------------------------------------------

TEST(DeleteAccount, IsSoftAndGetStillReturnsTheAccount) {
  const std::string tag = Tag("delete");
  const v1::Account live = MustCreate(FullAccount(tag));
  Reply<v1::Account> deleted = kAccounts.Delete(live.name(), live.etag());
  ASSERT_OK(deleted.status);
  EXPECT_TRUE(deleted.value.has_delete_time());
  EXPECT_NE(deleted.value.etag(), live.etag());
  EXPECT_EQ(deleted.value.display_name(), live.display_name());

  const v1::Account read = MustGet(live.name());
  EXPECT_TRUE(Same(read, deleted.value));

  const std::string filter = absl::StrCat("labels.crud = \"", tag, "\"");
  EXPECT_TRUE(ListAll(filter).empty());
  std::vector<v1::Account> with_deleted = ListAll(filter, /*show_deleted=*/true);
  ASSERT_EQ(with_deleted.size(), 1u);
  EXPECT_TRUE(with_deleted[0].has_delete_time());
}

TEST(DeleteAccount, DeletingADeletedAccountIsFailedPrecondition) {
  const v1::Account live = MustCreate(Named("DeleteTwice"));
  ASSERT_OK(kAccounts.Delete(live.name()).status);
  const v1::Account deleted = MustGet(live.name());
  EXPECT_TRUE(HasCode(kAccounts.Delete(live.name()).status, grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_TRUE(Same(MustGet(live.name()), deleted));
}

TEST(DeleteAccount, StaleEtagIsAbortedAndTheAccountStaysLive) {
  const v1::Account live = MustCreate(Named("DeleteStale"));
  v1::Account patch = Patch<v1::Account>(live.name());
  patch.set_display_name("moved on");
  ASSERT_OK(kAccounts.Update(patch, {"display_name"}).status);
  EXPECT_TRUE(
      HasCode(kAccounts.Delete(live.name(), live.etag()).status, grpc::StatusCode::ABORTED));
  EXPECT_FALSE(MustGet(live.name()).has_delete_time());
}

TEST(DeleteAccount, MissingAccountIsNotFound) {
  EXPECT_TRUE(HasCode(kAccounts.Delete("accounts/9000000000000000004").status,
                      grpc::StatusCode::NOT_FOUND));
  EXPECT_TRUE(HasCode(kAccounts.Undelete("accounts/9000000000000000004").status,
                      grpc::StatusCode::NOT_FOUND));
}

TEST(DeleteAccount, DeletedAccountCannotBeUpdated) {
  const v1::Account live = MustCreate(Named("UpdateDeleted"));
  ASSERT_OK(kAccounts.Delete(live.name()).status);
  v1::Account patch = Patch<v1::Account>(live.name());
  patch.set_display_name("zombie");
  EXPECT_TRUE(HasCode(kAccounts.Update(patch, {"display_name"}).status,
                      grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_EQ(MustGet(live.name()).display_name(), live.display_name());
}

TEST(UndeleteAccount, RestoresTheAccount) {
  const std::string tag = Tag("undelete");
  const v1::Account live = MustCreate(FullAccount(tag));
  Reply<v1::Account> deleted = kAccounts.Delete(live.name());
  ASSERT_OK(deleted.status);
  // A stale etag is refused here too.
  EXPECT_TRUE(
      HasCode(kAccounts.Undelete(live.name(), live.etag()).status, grpc::StatusCode::ABORTED));
  Reply<v1::Account> restored = kAccounts.Undelete(live.name(), deleted.value.etag());
  ASSERT_OK(restored.status);
  EXPECT_FALSE(restored.value.has_delete_time());
  EXPECT_NE(restored.value.etag(), deleted.value.etag());
  EXPECT_TRUE(Same(MustGet(live.name()), restored.value));
  EXPECT_EQ(ListAll(absl::StrCat("labels.crud = \"", tag, "\"")).size(), 1u);
  EXPECT_TRUE(
      HasCode(kAccounts.Undelete(live.name()).status, grpc::StatusCode::FAILED_PRECONDITION));
}

// --- external_id ------------------------------------------------------------------------

v1::Account WithExternalId(const std::string& external_id) {
  v1::Account a = Named("Ext");
  a.set_external_id(external_id);
  return a;
}

TEST(ExternalId, IsUniqueAmongLiveAccounts) {
  const std::string ext = Unique("CRM");
  const v1::Account first = MustCreate(WithExternalId(ext));
  Reply<v1::Account> again = Create(WithExternalId(ext));
  EXPECT_TRUE(HasCode(again.status, grpc::StatusCode::ALREADY_EXISTS));
  EXPECT_TRUE(absl::StrContains(again.status.error_message(), "external_id"))
      << again.status.error_message();
  EXPECT_EQ(ListAll(absl::StrCat("external_id = \"", ext, "\"")).size(), 1u);

  // Another account cannot take it by update either.
  const v1::Account other = MustCreate(Named("ExtOther"));
  v1::Account patch = Patch<v1::Account>(other.name());
  patch.set_external_id(ext);
  EXPECT_TRUE(
      HasCode(kAccounts.Update(patch, {"external_id"}).status, grpc::StatusCode::ALREADY_EXISTS));
  EXPECT_EQ(MustGet(other.name()).external_id(), "");
  // Keeping one's own external id in an update is not a conflict.
  patch.set_name(first.name());
  EXPECT_OK(kAccounts.Update(patch, {"external_id"}).status);
}

TEST(ExternalId, IsCaseSensitive) {
  const std::string ext = Unique("CaseId");
  MustCreate(WithExternalId(ext));
  std::string lower = ext;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  ASSERT_NE(lower, ext);
  EXPECT_OK(Create(WithExternalId(lower)).status);
  EXPECT_EQ(ListAll(absl::StrCat("external_id = \"", ext, "\"")).size(), 1u);
  EXPECT_EQ(ListAll(absl::StrCat("external_id = \"", lower, "\"")).size(), 1u);
}

TEST(ExternalId, IsFreedByDeleteAndUndeleteConflictIsAlreadyExists) {
  const std::string ext = Unique("Freed");
  const v1::Account first = MustCreate(WithExternalId(ext));
  ASSERT_OK(kAccounts.Delete(first.name()).status);
  const v1::Account second = MustCreate(WithExternalId(ext));
  EXPECT_NE(second.name(), first.name());

  Reply<v1::Account> undeleted = kAccounts.Undelete(first.name());
  EXPECT_TRUE(HasCode(undeleted.status, grpc::StatusCode::ALREADY_EXISTS));
  EXPECT_TRUE(absl::StrContains(undeleted.status.error_message(), "external_id"))
      << undeleted.status.error_message();
  EXPECT_TRUE(MustGet(first.name()).has_delete_time());

  // Once the new holder gives it up, the old account can come back.
  ASSERT_OK(kAccounts.Delete(second.name()).status);
  EXPECT_OK(kAccounts.Undelete(first.name()).status);
  std::vector<v1::Account> holders = ListAll(absl::StrCat("external_id = \"", ext, "\""));
  ASSERT_EQ(holders.size(), 1u);
  EXPECT_EQ(holders[0].name(), first.name());
}

// --- request_id idempotency -------------------------------------------------------------

// The shapes of create body that take different paths through the service:
// a plain single INSERT, one carrying an external_id (a second unique key),
// and one with labels, owner and a parent (a transaction).
enum class Body { kPlain, kExternalId, kLabelsOwnerParent };

std::string BodyName(const ::testing::TestParamInfo<Body>& info) {
  switch (info.param) {
    case Body::kPlain: return "Plain";
    case Body::kExternalId: return "ExternalId";
    case Body::kLabelsOwnerParent: return "LabelsOwnerParent";
  }
  return "Unknown";
}

class IdempotentCreate : public ::testing::TestWithParam<Body> {
 protected:
  // A request whose rows can be found again with filter().
  void SetUp() override {
    marker_ = Tag("idem");
    v1::Account& a = *request_.mutable_account();
    a.set_display_name(Unique("Idem"));
    a.set_industry(marker_);
    switch (GetParam()) {
      case Body::kPlain:
        break;
      case Body::kExternalId:
        a.set_external_id(Unique("IDEM"));
        break;
      case Body::kLabelsOwnerParent:
        (*a.mutable_labels())["idem"] = marker_;
        a.set_owner("u-idem");
        a.set_parent_account(MustCreate(Named("IdemParent")).name());
        break;
    }
    request_.set_request_id(Unique("req"));
  }

  std::string filter() const { return absl::StrCat("industry = \"", marker_, "\""); }

  v1::CreateAccountRequest request_;
  std::string marker_;
};

TEST_P(IdempotentCreate, RetryReturnsTheFirstResultAndWritesOneRow) {
  Reply<v1::Account> first = Call(&AccountApi::CreateAccount, request_);
  ASSERT_OK(first.status);
  Reply<v1::Account> retry = Call(&AccountApi::CreateAccount, request_);
  ASSERT_OK(retry.status);
  EXPECT_TRUE(Same(retry.value, first.value)) << "first:\n" << first.value.DebugString()
                                              << "retry:\n" << retry.value.DebugString();
  std::vector<v1::Account> rows = ListAll(filter());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].name(), first.value.name());
  if (GetParam() == Body::kLabelsOwnerParent) {
    // Nor a second team membership.
    v1::ListTeamMembershipsRequest team;
    team.set_parent(first.value.name());
    team.set_include_ended(true);
    Reply<v1::ListTeamMembershipsResponse> members = Call(&AccountApi::ListTeamMemberships, team);
    ASSERT_OK(members.status);
    EXPECT_EQ(members.value.memberships_size(), 1);
  }
}

TEST_P(IdempotentCreate, SameRequestIdWithADifferentBodyIsAlreadyExists) {
  Reply<v1::Account> first = Call(&AccountApi::CreateAccount, request_);
  ASSERT_OK(first.status);
  v1::CreateAccountRequest changed = request_;
  changed.mutable_account()->set_display_name("A different customer");
  Reply<v1::Account> reused = Call(&AccountApi::CreateAccount, changed);
  EXPECT_TRUE(HasCode(reused.status, grpc::StatusCode::ALREADY_EXISTS));
  EXPECT_TRUE(absl::StrContains(reused.status.error_message(), "request_id"))
      << reused.status.error_message();
  EXPECT_EQ(ListAll(filter()).size(), 1u);
  EXPECT_EQ(MustGet(first.value.name()).display_name(), request_.account().display_name());
}

TEST_P(IdempotentCreate, SixteenConcurrentRetriesAllSucceedWithOneRow) {
  constexpr int kThreads = 16;
  std::vector<Reply<v1::Account>> replies(kThreads);
  RunTogether(kThreads, [&](int i) { replies[i] = Call(&AccountApi::CreateAccount, request_); });
  std::set<std::string> names;
  for (int i = 0; i < kThreads; ++i) {
    EXPECT_OK(replies[i].status) << "thread " << i;
    names.insert(replies[i].value.name());
  }
  EXPECT_EQ(names.size(), 1u);
  std::vector<v1::Account> rows = ListAll(filter());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].name(), *names.begin());
}

INSTANTIATE_TEST_SUITE_P(Bodies, IdempotentCreate,
                         ::testing::Values(Body::kPlain, Body::kExternalId,
                                           Body::kLabelsOwnerParent),
                         BodyName);

TEST(CreateAccount, WithoutRequestIdEveryCallCreatesANewAccount) {
  v1::Account in = Named("NoRequestId");
  in.set_industry(Tag("no-req"));
  const v1::Account a = MustCreate(in);
  const v1::Account b = MustCreate(in);
  EXPECT_NE(a.name(), b.name());
  EXPECT_EQ(ListAll(absl::StrCat("industry = \"", in.industry(), "\"")).size(), 2u);
}

TEST(CreateAccount, FailedCreateDoesNotConsumeTheRequestId) {
  const std::string ext = Unique("Taken");
  MustCreate(WithExternalId(ext));
  v1::CreateAccountRequest request;
  *request.mutable_account() = WithExternalId(ext);
  request.set_request_id(Unique("req"));
  EXPECT_TRUE(
      HasCode(Call(&AccountApi::CreateAccount, request).status, grpc::StatusCode::ALREADY_EXISTS));
  // After the conflict is resolved, the same request succeeds.
  request.mutable_account()->set_external_id(Unique("Free"));
  EXPECT_TRUE(HasCode(Call(&AccountApi::CreateAccount, request).status, grpc::StatusCode::OK));
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) { return kam::testing::RunTestsOnSuite(argc, argv); }
