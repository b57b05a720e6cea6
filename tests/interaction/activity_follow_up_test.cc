// Visit cadence and ListOverdueFollowUps through the public API: an owner's
// book with a mix of tiers (set with SetAccountTiers) and owners (set with
// AddTeamMember and UpdateAccount), overdue visits, executive visits and
// follow-ups, accounts that do not count (another owner's, churned,
// deleted), paging, the whole book, and the cadence policy.
#include <map>
#include <string>
#include <vector>

#include "tests/interaction/activity_test_helpers.h"

namespace kam::testing {
namespace {

absl::Duration Days(double days) { return absl::Hours(24) * days; }

// Fixed for the whole binary, so expected times are exact.
const absl::Time kNow = absl::FromUnixMicros(absl::ToUnixMicros(absl::Now()));

void SetOwnerByTeam(const std::string& account, const std::string& owner) {
  v1::AddTeamMemberRequest request;
  request.set_parent(account);
  request.mutable_membership()->set_user(owner);
  request.mutable_membership()->set_role(v1::TEAM_ROLE_ACCOUNT_MANAGER);
  ASSERT_OK(Call(Accounts(), &AccountApi::AddTeamMember, request).status);
}

void SetOwnerByUpdate(const std::string& account, const std::string& owner) {
  v1::UpdateAccountRequest request;
  request.mutable_account()->set_name(account);
  request.mutable_account()->set_owner(owner);
  request.mutable_update_mask()->add_paths("owner");
  ASSERT_OK(Call(Accounts(), &AccountApi::UpdateAccount, request).status);
}

void SetTiers(const std::map<std::string, v1::Tier>& tiers) {
  v1::SetAccountTiersRequest request;
  request.set_rating_run(Unique("run"));
  request.set_policy_version("test-v1");
  for (const auto& [account, tier] : tiers) {
    v1::TierAssignment* a = request.add_assignments();
    a->set_account(account);
    a->set_tier(tier);
    a->set_reason("set by the follow-up test");
  }
  ASSERT_OK(Call(Accounts(), &AccountApi::SetAccountTiers, request).status);
}

// A DONE activity `days_ago` days before kNow.
iv1::Activity Done(const std::string& account, iv1::ActivityKind kind, double days_ago,
                   iv1::ActivityLevel level = iv1::ACTIVITY_LEVEL_ACCOUNT_MANAGER) {
  iv1::Activity a;
  a.set_account(account);
  a.set_kind(kind);
  a.set_subject("done");
  a.set_level(level);
  a.set_status(iv1::ACTIVITY_STATUS_DONE);
  *a.mutable_actual_time() = TsAt(kNow - Days(days_ago));
  return a;
}

Reply<iv1::ListOverdueFollowUpsResponse> Overdue(const std::string& owner, absl::Time as_of,
                                                 int page_size = 0, const std::string& token = "") {
  iv1::ListOverdueFollowUpsRequest request;
  request.set_owner(owner);
  *request.mutable_as_of() = TsAt(as_of);
  request.set_page_size(page_size);
  request.set_page_token(token);
  return Call(Activities(), &ActivityStub::ListOverdueFollowUps, request);
}

// One line per item, for comparing whole reports.
std::string Line(const iv1::OverdueFollowUp& item) {
  return absl::StrCat(item.account(), " ", iv1::OverdueReason_Name(item.reason()), " due ",
                      Rfc3339(item.due_time()), " last ",
                      item.has_last_time() ? Rfc3339(item.last_time()) : "-", " ",
                      item.activity().empty() ? "-" : item.activity(), " ", item.interval_days(),
                      "d ", v1::Tier_Name(item.tier()), " ", item.owner());
}

std::string Expect(const std::string& account, iv1::OverdueReason reason, absl::Time due,
                   std::optional<absl::Time> last, const std::string& activity, int days,
                   v1::Tier tier, const std::string& owner) {
  iv1::OverdueFollowUp item;
  item.set_account(account);
  item.set_reason(reason);
  *item.mutable_due_time() = TsAt(due);
  if (last.has_value()) *item.mutable_last_time() = TsAt(*last);
  item.set_activity(activity);
  item.set_interval_days(days);
  item.set_tier(tier);
  item.set_owner(owner);
  return Line(item);
}

// The owner's book, built once for every test of this binary.
struct Book {
  std::string owner;
  v1::Account a1, a2, b1, b2, c1, d1, unrated;
  std::string b1_call, d1_meeting;
  std::vector<std::string> expected;  // at kNow + 1h
};

const Book& TheBook() {
  static const Book* book = [] {
    auto* b = new Book;
    b->owner = Unique("fu-owner");
    const std::string other_owner = Unique("fu-other");
    b->a1 = MakeAccount("A1");
    b->a2 = MakeAccount("A2");
    b->b1 = MakeAccount("B1");
    b->b2 = MakeAccount("B2");
    b->c1 = MakeAccount("C1");
    b->d1 = MakeAccount("D1");
    b->unrated = MakeAccount("Unrated");
    const v1::Account others = MakeAccount("Others");
    const v1::Account churned = MakeAccount("Churned");
    const v1::Account deleted = MakeAccount("Deleted");
    for (const std::string& name :
         {b->a1.name(), b->b1.name(), b->c1.name(), b->unrated.name(), churned.name()}) {
      SetOwnerByTeam(name, b->owner);
    }
    for (const std::string& name : {b->a2.name(), b->b2.name(), b->d1.name(), deleted.name()}) {
      SetOwnerByUpdate(name, b->owner);
    }
    SetOwnerByTeam(others.name(), other_owner);
    SetTiers({{b->a1.name(), v1::TIER_A},
              {b->a2.name(), v1::TIER_A},
              {b->b1.name(), v1::TIER_B},
              {b->b2.name(), v1::TIER_B},
              {b->c1.name(), v1::TIER_C},
              {b->d1.name(), v1::TIER_D},
              {others.name(), v1::TIER_A},
              {churned.name(), v1::TIER_A},
              {deleted.name(), v1::TIER_A}});

    // A1: last visit 40 days ago (A: every 30) -> visit overdue; executive
    // meeting 100 days ago (A: every 180) -> fine.
    const iv1::Activity a1_visit = MustCreate(Done(b->a1.name(), iv1::ACTIVITY_KIND_VISIT, 40));
    MustCreate(Done(b->a1.name(), iv1::ACTIVITY_KIND_MEETING, 100, iv1::ACTIVITY_LEVEL_EXECUTIVE));
    // A2: an executive visit 5 days ago counts for both; a planned visit.
    MustCreate(Done(b->a2.name(), iv1::ACTIVITY_KIND_VISIT, 5, iv1::ACTIVITY_LEVEL_EXECUTIVE));
    MustCreate(Visit(b->a2.name(), "2031-01-01T10:00:00Z"));
    // B1: a visit 20 days ago asked for a follow-up 10 days ago, answered by
    // a call 3 days ago, which asked for one a day ago -> follow-up due.
    iv1::Activity b1_visit = Done(b->b1.name(), iv1::ACTIVITY_KIND_VISIT, 20);
    *b1_visit.mutable_next_follow_up_time() = TsAt(kNow - Days(10));
    MustCreate(b1_visit);
    iv1::Activity b1_call = Done(b->b1.name(), iv1::ACTIVITY_KIND_CALL, 3);
    *b1_call.mutable_next_follow_up_time() = TsAt(kNow - Days(1));
    b->b1_call = MustCreate(b1_call).name();
    // B2: visited 10 days ago; last executive forum 400 days ago (B: every
    // 365) -> executive visit overdue.
    MustCreate(Done(b->b2.name(), iv1::ACTIVITY_KIND_VISIT, 10));
    const iv1::Activity b2_forum = MustCreate(
        Done(b->b2.name(), iv1::ACTIVITY_KIND_FORUM, 400, iv1::ACTIVITY_LEVEL_EXECUTIVE));
    // C1: visit 100 days ago (C: every 90) -> overdue; a visit yesterday that
    // was deleted does not count.
    const iv1::Activity c1_visit = MustCreate(Done(b->c1.name(), iv1::ACTIVITY_KIND_VISIT, 100));
    const iv1::Activity c1_gone = MustCreate(Done(b->c1.name(), iv1::ACTIVITY_KIND_VISIT, 1));
    iv1::DeleteActivityRequest del = ByName<iv1::DeleteActivityRequest>(c1_gone.name());
    EXPECT_OK(Call(Activities(), &ActivityStub::DeleteActivity, del).status);
    // D1: no cadence; a meeting planned 2 days ago (never done) asked for a
    // follow-up yesterday -> due.
    iv1::Activity d1_meeting = Visit(b->d1.name());
    d1_meeting.set_kind(iv1::ACTIVITY_KIND_MEETING);
    *d1_meeting.mutable_planned_time() = TsAt(kNow - Days(2));
    *d1_meeting.mutable_next_follow_up_time() = TsAt(kNow - Days(1));
    b->d1_meeting = MustCreate(d1_meeting).name();
    // Unrated: an old visit; no requirement.
    MustCreate(Done(b->unrated.name(), iv1::ACTIVITY_KIND_VISIT, 400));
    // Accounts that must not show up, each with an overdue visit.
    for (const std::string& name : {others.name(), churned.name(), deleted.name()}) {
      MustCreate(Done(name, iv1::ACTIVITY_KIND_VISIT, 300));
    }
    v1::MarkChurnedRequest churn = ByName<v1::MarkChurnedRequest>(churned.name());
    churn.set_kind(v1::CHURN_EVENT_KIND_CUSTOMER_CHURN);
    churn.set_reason(v1::CHURN_REASON_PRICE);
    EXPECT_OK(Call(Accounts(), &AccountApi::MarkChurned, churn).status);
    DeleteAccount(deleted.name());

    const std::string& o = b->owner;
    b->expected = {
        Expect(b->a1.name(), iv1::OVERDUE_REASON_VISIT_OVERDUE, kNow - Days(10),
               TimeOf(a1_visit.actual_time()), "", 30, v1::TIER_A, o),
        Expect(b->b1.name(), iv1::OVERDUE_REASON_FOLLOW_UP_DUE, kNow - Days(1), kNow - Days(3),
               b->b1_call, 0, v1::TIER_B, o),
        Expect(b->b2.name(), iv1::OVERDUE_REASON_EXECUTIVE_VISIT_OVERDUE,
               TimeOf(b2_forum.actual_time()) + Days(365), kNow - Days(400), "", 365, v1::TIER_B,
               o),
        Expect(b->c1.name(), iv1::OVERDUE_REASON_VISIT_OVERDUE, kNow - Days(10),
               TimeOf(c1_visit.actual_time()), "", 90, v1::TIER_C, o),
        Expect(b->d1.name(), iv1::OVERDUE_REASON_FOLLOW_UP_DUE, kNow - Days(1), kNow - Days(2),
               b->d1_meeting, 0, v1::TIER_D, o),
    };
    return b;
  }();
  return *book;
}

std::vector<std::string> Lines(const iv1::ListOverdueFollowUpsResponse& response) {
  std::vector<std::string> lines;
  for (const iv1::OverdueFollowUp& item : response.items()) lines.push_back(Line(item));
  return lines;
}

TEST(ListOverdueFollowUps, ReportsEachOverdueItemOfTheOwnersLiveAccounts) {
  const Book& book = TheBook();
  Reply<iv1::ListOverdueFollowUpsResponse> reply = Overdue(book.owner, kNow + absl::Hours(1));
  ASSERT_OK(reply.status);
  EXPECT_EQ(Lines(reply.value), book.expected);
  EXPECT_EQ(reply.value.accounts_checked(), 7);  // not the churned or deleted ones
  EXPECT_TRUE(reply.value.next_page_token().empty());
  EXPECT_EQ(Rfc3339(reply.value.as_of()), Rfc3339(TsAt(kNow + absl::Hours(1))));
  for (const iv1::OverdueFollowUp& item : reply.value.items()) {
    EXPECT_FALSE(item.account_display_name().empty());
  }
}

TEST(ListOverdueFollowUps, PagesOfAccountsGiveTheSameReportAtTheSameMoment) {
  const Book& book = TheBook();
  iv1::ListOverdueFollowUpsRequest request;
  request.set_owner(book.owner);
  request.set_page_size(2);
  // No as_of: the first page's "now" holds for every page.
  std::vector<std::string> lines;
  std::string as_of;
  int accounts = 0;
  const int pages = ForEachPage(
      Activities(), &ActivityStub::ListOverdueFollowUps, request,
      [&](const iv1::ListOverdueFollowUpsResponse& page, int index) {
        EXPECT_LE(page.accounts_checked(), 2);
        accounts += page.accounts_checked();
        if (as_of.empty()) as_of = Rfc3339(page.as_of());
        EXPECT_EQ(Rfc3339(page.as_of()), as_of);
        for (const std::string& line : Lines(page)) lines.push_back(line);
        if (index == 0) {
          // A token is bound to its owner and as_of.
          iv1::ListOverdueFollowUpsRequest other = request;
          other.set_page_token(page.next_page_token());
          other.set_owner("someone-else");
          EXPECT_TRUE(IsInvalidField(
              Call(Activities(), &ActivityStub::ListOverdueFollowUps, other).status, "page_token"));
        }
      },
      10);
  EXPECT_EQ(pages, 4);  // 7 accounts, 2 per page
  EXPECT_EQ(accounts, 7);
  EXPECT_EQ(lines, book.expected);
  EXPECT_LT(absl::AbsDuration(TimeOf(Ts(as_of)) - absl::Now()), absl::Minutes(5));
}

TEST(ListOverdueFollowUps, TheWholeBookIncludesTheOwnersAccounts) {
  const Book& book = TheBook();
  Reply<iv1::ListOverdueFollowUpsResponse> reply = Overdue("", kNow + absl::Hours(1), 1000);
  ASSERT_OK(reply.status);
  std::vector<std::string> mine;
  for (const iv1::OverdueFollowUp& item : reply.value.items()) {
    if (item.owner() == book.owner) mine.push_back(Line(item));
  }
  EXPECT_EQ(mine, book.expected);
}

TEST(ListOverdueFollowUps, AnAccountNeverVisitedIsDueOneIntervalAfterItsCreation) {
  const std::string owner = Unique("fu-new");
  const v1::Account fresh = MakeAccount("Fresh", "CNY", owner);
  SetTiers({{fresh.name(), v1::TIER_A}});
  const absl::Time created = TimeOf(fresh.create_time());
  Reply<iv1::ListOverdueFollowUpsResponse> reply = Overdue(owner, created + Days(29));
  ASSERT_OK(reply.status);
  EXPECT_EQ(reply.value.items_size(), 0);
  reply = Overdue(owner, created + Days(31));
  ASSERT_OK(reply.status);
  EXPECT_EQ(Lines(reply.value), (std::vector<std::string>{Expect(
                                    fresh.name(), iv1::OVERDUE_REASON_VISIT_OVERDUE,
                                    created + Days(30), std::nullopt, "", 30, v1::TIER_A, owner)}));
  reply = Overdue(owner, created + Days(181));
  ASSERT_OK(reply.status);
  ASSERT_EQ(reply.value.items_size(), 2);
  EXPECT_EQ(reply.value.items(1).reason(), iv1::OVERDUE_REASON_EXECUTIVE_VISIT_OVERDUE);
  EXPECT_EQ(Rfc3339(reply.value.items(1).due_time()), Rfc3339(TsAt(created + Days(180))));
}

TEST(ListOverdueFollowUps, OnlyWhatHadHappenedByAsOfCounts) {
  const Book& book = TheBook();
  // 25 days ago A1's visit (40 days ago) was 15 days old: not overdue yet;
  // B1's follow-ups were not due.
  Reply<iv1::ListOverdueFollowUpsResponse> reply = Overdue(book.owner, kNow - Days(25));
  ASSERT_OK(reply.status);
  for (const iv1::OverdueFollowUp& item : reply.value.items()) {
    EXPECT_NE(item.account(), book.a1.name()) << Line(item);
    EXPECT_NE(item.account(), book.b1.name()) << Line(item);
  }
}

TEST(ListOverdueFollowUps, ChecksItsRequest) {
  iv1::ListOverdueFollowUpsRequest request;
  request.set_owner("two words");
  EXPECT_TRUE(IsInvalidField(
      Call(Activities(), &ActivityStub::ListOverdueFollowUps, request).status, "owner"));
  request.set_owner("");
  request.set_page_size(-2);
  EXPECT_TRUE(IsInvalidField(
      Call(Activities(), &ActivityStub::ListOverdueFollowUps, request).status, "page_size"));
  request.set_page_size(0);
  request.set_page_token("garbage");
  EXPECT_TRUE(IsInvalidField(
      Call(Activities(), &ActivityStub::ListOverdueFollowUps, request).status, "page_token"));
  // An owner with no accounts has nothing overdue.
  Reply<iv1::ListOverdueFollowUpsResponse> none = Overdue(Unique("nobody"), kNow);
  ASSERT_OK(none.status);
  EXPECT_EQ(none.value.items_size(), 0);
  EXPECT_EQ(none.value.accounts_checked(), 0);
}

// --- the cadence policy ------------------------------------------------------------

Reply<iv1::VisitCadencePolicy> GetCadence() {
  return Call(Activities(), &ActivityStub::GetVisitCadencePolicy,
              iv1::GetVisitCadencePolicyRequest());
}

Reply<iv1::VisitCadencePolicy> UpdateCadence(const iv1::VisitCadencePolicy& policy) {
  iv1::UpdateVisitCadencePolicyRequest request;
  *request.mutable_policy() = policy;
  return Call(Activities(), &ActivityStub::UpdateVisitCadencePolicy, request, "cadence-admin");
}

iv1::TierVisitCadence* AddTier(iv1::VisitCadencePolicy* policy, v1::Tier tier, int visit,
                               int executive) {
  iv1::TierVisitCadence* t = policy->add_tiers();
  t->set_tier(tier);
  t->set_visit_interval_days(visit);
  t->set_executive_visit_interval_days(executive);
  return t;
}

TEST(VisitCadencePolicy, ShipsTheDefaultsAndUpdatesTakeEffect) {
  const Book& book = TheBook();
  Reply<iv1::VisitCadencePolicy> policy = GetCadence();
  ASSERT_OK(policy.status);
  EXPECT_EQ(policy.value.name(), "visitCadencePolicy");
  ASSERT_EQ(policy.value.tiers_size(), 4);
  const int want[4][2] = {{30, 180}, {60, 365}, {90, 0}, {0, 0}};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(policy.value.tiers(i).tier(), static_cast<v1::Tier>(i + 1));
    EXPECT_EQ(policy.value.tiers(i).visit_interval_days(), want[i][0]);
    EXPECT_EQ(policy.value.tiers(i).executive_visit_interval_days(), want[i][1]);
  }

  // D accounts visited weekly from now on: D1 (never visited, created a
  // moment ago) is due a week after its creation.
  iv1::VisitCadencePolicy patch;
  AddTier(&patch, v1::TIER_D, 7, 0);
  patch.set_etag(policy.value.etag());
  Reply<iv1::VisitCadencePolicy> updated = UpdateCadence(patch);
  ASSERT_OK(updated.status);
  EXPECT_EQ(updated.value.tiers(3).visit_interval_days(), 7);
  EXPECT_EQ(updated.value.tiers(0).visit_interval_days(), 30);  // not listed: unchanged
  EXPECT_EQ(updated.value.updated_by(), "cadence-admin");
  EXPECT_TRUE(Same(GetCadence().value, updated.value));
  Reply<iv1::ListOverdueFollowUpsResponse> report = Overdue(book.owner, kNow + Days(8));
  ASSERT_OK(report.status);
  bool d1_visit = false;
  for (const iv1::OverdueFollowUp& item : report.value.items()) {
    if (item.account() == book.d1.name() && item.reason() == iv1::OVERDUE_REASON_VISIT_OVERDUE) {
      d1_visit = true;
      EXPECT_EQ(Rfc3339(item.due_time()), Rfc3339(TsAt(TimeOf(book.d1.create_time()) + Days(7))));
      EXPECT_FALSE(item.has_last_time());
      EXPECT_EQ(item.interval_days(), 7);
    }
  }
  EXPECT_TRUE(d1_visit);

  // A stale etag changes nothing.
  iv1::VisitCadencePolicy stale;
  AddTier(&stale, v1::TIER_D, 1, 1);
  stale.set_etag(policy.value.etag());
  EXPECT_TRUE(HasCode(UpdateCadence(stale).status, grpc::StatusCode::ABORTED));

  // Back to the defaults.
  iv1::VisitCadencePolicy restore;
  AddTier(&restore, v1::TIER_D, 0, 0);
  ASSERT_OK(UpdateCadence(restore).status);
  report = Overdue(book.owner, kNow + absl::Hours(1));
  ASSERT_OK(report.status);
  EXPECT_EQ(Lines(report.value), book.expected);
}

TEST(VisitCadencePolicy, EveryFieldIsValidated) {
  const iv1::VisitCadencePolicy before = GetCadence().value;
  iv1::VisitCadencePolicy p;
  EXPECT_TRUE(IsInvalidField(UpdateCadence(p).status, "policy.tiers"));
  AddTier(&p, v1::TIER_UNSPECIFIED, 1, 1);
  EXPECT_TRUE(IsInvalidField(UpdateCadence(p).status, "policy.tiers[0].tier"));
  p.clear_tiers();
  AddTier(&p, v1::TIER_A, 10, 10);
  AddTier(&p, v1::TIER_A, 20, 20);
  EXPECT_TRUE(IsInvalidField(UpdateCadence(p).status, "policy.tiers[1].tier"));
  p.clear_tiers();
  AddTier(&p, v1::TIER_B, -1, 0);
  EXPECT_TRUE(IsInvalidField(UpdateCadence(p).status, "policy.tiers[0].visit_interval_days"));
  p.clear_tiers();
  AddTier(&p, v1::TIER_C, 0, 0);
  AddTier(&p, v1::TIER_B, 0, 3651);
  EXPECT_TRUE(
      IsInvalidField(UpdateCadence(p).status, "policy.tiers[1].executive_visit_interval_days"));
  p.clear_tiers();
  AddTier(&p, v1::TIER_C, 0, 0);
  p.set_name("quietHoursPolicy");
  EXPECT_TRUE(IsInvalidField(UpdateCadence(p).status, "policy.name"));
  EXPECT_TRUE(IsInvalidField(Call(Activities(), &ActivityStub::UpdateVisitCadencePolicy,
                                  iv1::UpdateVisitCadencePolicyRequest())
                                 .status,
                             "policy"));
  EXPECT_TRUE(Same(GetCadence().value, before));
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) {
  return kam::testing::RunTestsOnSuite(argc, argv, kam::testing::InteractionSuiteOptions());
}
