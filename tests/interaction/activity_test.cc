// Activities through the public API: create/get with every field, the
// checks against the account service, request_id idempotency (concurrent
// retries included), updates with a FieldMask, etags and their races, status
// moves, soft delete and undelete, filters and keyset pagination with
// inserts between pages.
#include <atomic>
#include <set>
#include <string>
#include <vector>

#include "tests/interaction/activity_test_helpers.h"

namespace kam::testing {
namespace {

iv1::Activity Full(const v1::Account& account, const std::vector<v1::Contact>& contacts) {
  iv1::Activity a = Visit(account.name(), "2031-03-04T10:00:00.123456Z");
  a.set_subject("Plant tour and annual plan");
  for (const v1::Contact& c : contacts) a.add_contacts(c.name());
  a.add_team_members("alice");
  a.add_team_members("bob.tech");
  a.set_level(iv1::ACTIVITY_LEVEL_EXECUTIVE);
  a.set_outcome("Agenda:\n- plant tour\n- plan for 2032");
  *a.mutable_next_follow_up_time() = Ts("2031-04-01T09:00:00Z");
  a.mutable_cost()->set_currency_code("CNY");
  a.mutable_cost()->set_minor_units(250000);
  return a;
}

TEST(CreateActivity, StoresEveryFieldAndGetReturnsTheSameActivity) {
  const v1::Account account = MakeAccount("Crud");
  const v1::Contact c1 = MakeContact(account.name(), "Asia/Shanghai");
  const v1::Contact c2 = MakeContact(account.name());
  const absl::Time before = absl::Now();
  Reply<iv1::Activity> created = Create(Full(account, {c1, c2}), "", "carol");
  ASSERT_OK(created.status);
  const iv1::Activity& a = created.value;
  EXPECT_TRUE(absl::StartsWith(a.name(), "activities/")) << a.name();
  EXPECT_EQ(a.account(), account.name());
  EXPECT_EQ(a.kind(), iv1::ACTIVITY_KIND_VISIT);
  EXPECT_EQ(a.status(), iv1::ACTIVITY_STATUS_PLANNED);  // the default
  EXPECT_EQ(a.level(), iv1::ACTIVITY_LEVEL_EXECUTIVE);
  ASSERT_EQ(a.contacts_size(), 2);
  EXPECT_EQ(a.contacts(0), c1.name());
  EXPECT_EQ(a.contacts(1), c2.name());
  ASSERT_EQ(a.team_members_size(), 2);
  EXPECT_EQ(a.team_members(1), "bob.tech");
  EXPECT_EQ(Rfc3339(a.planned_time()), "2031-03-04T10:00:00.123456Z");
  EXPECT_EQ(a.outcome(), "Agenda:\n- plant tour\n- plan for 2032");
  EXPECT_EQ(a.cost().minor_units(), 250000);
  EXPECT_EQ(a.cost().currency_code(), "CNY");
  EXPECT_EQ(a.creator(), "carol");
  EXPECT_FALSE(a.has_actual_time());
  EXPECT_FALSE(a.has_delete_time());
  EXPECT_FALSE(a.etag().empty());
  EXPECT_GE(TimeOf(a.create_time()), before - absl::Seconds(5));
  EXPECT_TRUE(Same(a.create_time(), a.update_time()));

  Reply<iv1::Activity> read = Get(a.name());
  ASSERT_OK(read.status);
  EXPECT_TRUE(Same(read.value, a)) << read.value.DebugString() << "\nvs\n" << a.DebugString();
}

TEST(CreateActivity, KeepsTimesToTheMicrosecond) {
  const v1::Account account = MakeAccount("Micros");
  iv1::Activity in = Visit(account.name());
  in.mutable_planned_time()->set_nanos(123456789);
  Reply<iv1::Activity> created = Create(in);
  ASSERT_OK(created.status);
  EXPECT_EQ(created.value.planned_time().nanos(), 123456000);
  EXPECT_TRUE(Same(Get(created.value.name()).value, created.value));
}

TEST(CreateActivity, ADoneActivityNeedsItsActualTime) {
  const v1::Account account = MakeAccount("Done");
  iv1::Activity done = Visit(account.name());
  done.clear_planned_time();
  done.set_status(iv1::ACTIVITY_STATUS_DONE);
  EXPECT_TRUE(IsInvalidField(Create(done).status, "activity.actual_time"));
  *done.mutable_actual_time() = TsAt(absl::Now() - absl::Hours(3));
  Reply<iv1::Activity> created = Create(done);
  ASSERT_OK(created.status);
  EXPECT_EQ(created.value.status(), iv1::ACTIVITY_STATUS_DONE);
  EXPECT_FALSE(created.value.has_planned_time());
  *done.mutable_actual_time() = TsAt(absl::Now() + absl::Hours(1));
  EXPECT_TRUE(IsInvalidField(Create(done).status, "activity.actual_time"));
  iv1::Activity cancelled = Visit(account.name());
  cancelled.set_status(iv1::ACTIVITY_STATUS_CANCELLED);
  EXPECT_TRUE(IsInvalidField(Create(cancelled).status, "activity.status"));
}

TEST(CreateActivity, RefusesBadFieldsNamingThem) {
  const v1::Account account = MakeAccount("Bad");
  const v1::Account other = MakeAccount("Other");
  const v1::Contact foreign = MakeContact(other.name());
  iv1::Activity a = Visit(account.name());
  a.set_kind(iv1::ACTIVITY_KIND_UNSPECIFIED);
  EXPECT_TRUE(IsInvalidField(Create(a).status, "activity.kind"));
  a = Visit(account.name());
  a.set_subject("");
  EXPECT_TRUE(IsInvalidField(Create(a).status, "activity.subject"));
  a = Visit("");
  EXPECT_TRUE(IsInvalidField(Create(a).status, "activity.account"));
  a = Visit("accounts/x");
  EXPECT_TRUE(IsInvalidField(Create(a).status, "activity.account"));
  a = Visit(account.name());
  a.add_contacts(foreign.name());
  EXPECT_TRUE(IsInvalidField(Create(a).status, "activity.contacts[0]"));
  a = Visit(account.name());
  a.add_team_members("two words");
  EXPECT_TRUE(IsInvalidField(Create(a).status, "activity.team_members[0]"));
  a = Visit(account.name());
  a.clear_planned_time();
  EXPECT_TRUE(IsInvalidField(Create(a).status, "activity.planned_time"));
  a = Visit(account.name());
  *a.mutable_next_follow_up_time() = Ts("2031-03-01T00:00:00Z");  // before planned_time
  EXPECT_TRUE(IsInvalidField(Create(a).status, "activity.next_follow_up_time"));
  a = Visit(account.name());
  a.mutable_cost()->set_currency_code("CNY");
  a.mutable_cost()->set_minor_units(-5);
  EXPECT_TRUE(IsInvalidField(Create(a).status, "activity.cost.minor_units"));
  a = Visit(account.name());
  a.mutable_cost()->set_currency_code("EUR");
  a.mutable_cost()->set_minor_units(5);
  Reply<iv1::Activity> wrong_currency = Create(a);
  EXPECT_TRUE(IsInvalidField(wrong_currency.status, "activity.cost.currency_code"));
  EXPECT_TRUE(absl::StrContains(wrong_currency.status.error_message(), "CNY"))
      << wrong_currency.status.error_message();
  EXPECT_TRUE(ListAll(absl::StrCat("account = \"", account.name(), "\"")).empty());
}

TEST(CreateActivity, ChecksTheAccountAndContactsWithTheAccountService) {
  const v1::Account account = MakeAccount("Refs");
  const v1::Contact live = MakeContact(account.name());
  const v1::Contact gone = MakeContact(account.name());
  DeleteContact(gone.name());

  iv1::Activity a = Visit("accounts/999999999");
  Reply<iv1::Activity> reply = Create(a);
  EXPECT_TRUE(HasCode(reply.status, grpc::StatusCode::NOT_FOUND));
  EXPECT_EQ(reply.status.error_message(), "activity.account accounts/999999999 not found");

  a = Visit(account.name());
  a.add_contacts(live.name());
  a.add_contacts(absl::StrCat(account.name(), "/contacts/999999999"));
  reply = Create(a);
  EXPECT_TRUE(HasCode(reply.status, grpc::StatusCode::NOT_FOUND));
  EXPECT_TRUE(absl::StartsWith(reply.status.error_message(), "activity.contacts[1] "))
      << reply.status.error_message();

  a = Visit(account.name());
  a.add_contacts(gone.name());
  reply = Create(a);
  EXPECT_TRUE(HasCode(reply.status, grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_EQ(reply.status.error_message(),
            absl::StrCat("activity.contacts[0] ", gone.name(), " is deleted"));

  // Money needs the account's credit currency.
  const v1::Account no_credit = MakeAccount("NoCredit", /*currency=*/"");
  a = Visit(no_credit.name());
  a.mutable_cost()->set_currency_code("CNY");
  a.mutable_cost()->set_minor_units(100);
  reply = Create(a);
  EXPECT_TRUE(HasCode(reply.status, grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_TRUE(absl::StrContains(reply.status.error_message(), "no credit currency"))
      << reply.status.error_message();
  a.clear_cost();
  EXPECT_OK(Create(a).status);  // without money it is fine

  const v1::Account deleted = MakeAccount("Deleted");
  DeleteAccount(deleted.name());
  reply = Create(Visit(deleted.name()));
  EXPECT_TRUE(HasCode(reply.status, grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_TRUE(absl::StartsWith(reply.status.error_message(),
                               absl::StrCat("activity.account ", deleted.name(), " is deleted")))
      << reply.status.error_message();
  EXPECT_TRUE(ListAll(absl::StrCat("account = \"", deleted.name(), "\"")).empty());
}

// --- request_id ---------------------------------------------------------------------

TEST(CreateActivity, ARetryReturnsTheFirstResultAndWritesNothing) {
  const v1::Account account = MakeAccount("Retry");
  const std::string request_id = Unique("req");
  Reply<iv1::Activity> first = Create(Visit(account.name()), request_id);
  ASSERT_OK(first.status);
  Reply<iv1::Activity> again = Create(Visit(account.name()), request_id);
  ASSERT_OK(again.status);
  EXPECT_TRUE(Same(first.value, again.value));
  EXPECT_EQ(ListAll(absl::StrCat("account = \"", account.name(), "\"")).size(), 1u);

  iv1::Activity different = Visit(account.name());
  different.set_subject("Another subject");
  Reply<iv1::Activity> reused = Create(different, request_id);
  EXPECT_TRUE(HasCode(reused.status, grpc::StatusCode::ALREADY_EXISTS));
  EXPECT_TRUE(absl::StartsWith(reused.status.error_message(),
                               absl::StrCat("request_id \"", request_id, "\"")))
      << reused.status.error_message();
  EXPECT_EQ(ListAll(absl::StrCat("account = \"", account.name(), "\"")).size(), 1u);

  iv1::CreateActivityRequest bad_id;
  *bad_id.mutable_activity() = Visit(account.name());
  bad_id.set_request_id("has space");
  EXPECT_TRUE(IsInvalidField(Call(Activities(), &ActivityStub::CreateActivity, bad_id).status,
                             "request_id"));
}

TEST(CreateActivity, ConcurrentRetriesCreateOneActivity) {
  const v1::Account account = MakeAccount("Concurrent");
  const v1::Contact contact = MakeContact(account.name());
  iv1::Activity in = Visit(account.name());
  in.add_contacts(contact.name());
  in.add_team_members("alice");
  const std::string request_id = Unique("together");
  const std::set<std::string> names = CreatedNames(
      CallTogether(8, [&](int) { return Create(in, request_id); }), grpc::StatusCode::ABORTED);
  ASSERT_EQ(names.size(), 1u);
  const std::vector<iv1::Activity> listed =
      ListAll(absl::StrCat("account = \"", account.name(), "\""));
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].name(), *names.begin());
  EXPECT_EQ(
      ListAll(absl::StrCat("team_member = alice AND account = \"", account.name(), "\"")).size(),
      1u);
}

TEST(CreateActivity, ARetryIsAnsweredFromTheFirstResultAfterTheAccountIsDeleted) {
  const v1::Account account = MakeAccount("GoneSince");
  const std::string request_id = Unique("req");
  Reply<iv1::Activity> first = Create(Visit(account.name()), request_id);
  ASSERT_OK(first.status);
  DeleteAccount(account.name());
  Reply<iv1::Activity> again = Create(Visit(account.name()), request_id);
  ASSERT_OK(again.status);
  EXPECT_TRUE(Same(first.value, again.value));
  iv1::Activity different = Visit(account.name());
  different.set_subject("Another subject");
  EXPECT_TRUE(HasCode(Create(different, request_id).status, grpc::StatusCode::ALREADY_EXISTS));
  EXPECT_EQ(ListAll(absl::StrCat("account = \"", account.name(), "\"")).size(), 1u);
}

TEST(CreateActivity, ConcurrentCreatesEachGetTheirOwnAnswer) {
  // Concurrent creates share statements and account look-ups: a retry or a
  // missing account among them must not fail the others.
  const v1::Account account = MakeAccount("Together");
  const std::string retried = Unique("first");
  Reply<iv1::Activity> first = Create(Visit(account.name()), retried);
  ASSERT_OK(first.status);
  constexpr int kCallers = 24;
  std::vector<Reply<iv1::Activity>> replies(kCallers);
  RunTogether(kCallers, [&](int i) {
    iv1::Activity a = Visit(i % 4 == 1 ? "accounts/999999999" : account.name());
    if (i % 4 == 3) a.add_team_members("alice");
    replies[i] = Create(a, i % 4 == 0 ? retried : Unique("new"));
  });
  std::set<std::string> names;
  for (int i = 0; i < kCallers; ++i) {
    const Reply<iv1::Activity>& reply = replies[i];
    if (i % 4 == 0) {
      ASSERT_OK(reply.status);
      EXPECT_TRUE(Same(reply.value, first.value));
    } else if (i % 4 == 1) {
      EXPECT_TRUE(HasCode(reply.status, grpc::StatusCode::NOT_FOUND));
      EXPECT_EQ(reply.status.error_message(), "activity.account accounts/999999999 not found");
    } else {
      ASSERT_OK(reply.status);
      names.insert(reply.value.name());
    }
  }
  EXPECT_EQ(names.size(), size_t{kCallers / 2});
  EXPECT_EQ(ListAll(absl::StrCat("account = \"", account.name(), "\"")).size(),
            size_t{kCallers / 2 + 1});
  EXPECT_EQ(
      ListAll(absl::StrCat("team_member = alice AND account = \"", account.name(), "\"")).size(),
      size_t{kCallers / 4});
}

// --- update -----------------------------------------------------------------------

TEST(UpdateActivity, ChangesOnlyTheFieldsInTheMask) {
  const v1::Account account = MakeAccount("Update");
  const v1::Contact c1 = MakeContact(account.name());
  const v1::Contact c2 = MakeContact(account.name());
  const iv1::Activity created = MustCreate(Full(account, {c1}));

  iv1::Activity patch = Patch<iv1::Activity>(created.name());
  patch.set_subject("New subject");
  patch.set_outcome("ignored: not in the mask");
  patch.add_contacts(c2.name());
  Reply<iv1::Activity> updated = Update(patch, {"subject", "contacts"});
  ASSERT_OK(updated.status);
  EXPECT_EQ(updated.value.subject(), "New subject");
  EXPECT_EQ(updated.value.outcome(), created.outcome());
  ASSERT_EQ(updated.value.contacts_size(), 1);
  EXPECT_EQ(updated.value.contacts(0), c2.name());
  EXPECT_NE(updated.value.etag(), created.etag());
  EXPECT_TRUE(Same(updated.value.create_time(), created.create_time()));
  EXPECT_GT(TimeOf(updated.value.update_time()), TimeOf(created.update_time()));
  EXPECT_TRUE(Same(Get(created.name()).value, updated.value));
  // The contact filter follows the change.
  EXPECT_TRUE(ListAll(absl::StrCat("contact = \"", c1.name(), "\"")).empty());
  EXPECT_EQ(Names(ListAll(absl::StrCat("contact = \"", c2.name(), "\""))),
            std::vector<std::string>{created.name()});

  // An empty mask means every field set in the request.
  iv1::Activity set_only = Patch<iv1::Activity>(created.name());
  set_only.set_outcome("Went well");
  updated = Update(set_only, {});
  ASSERT_OK(updated.status);
  EXPECT_EQ(updated.value.outcome(), "Went well");
  EXPECT_EQ(updated.value.subject(), "New subject");
  // Clearing a field needs it in the mask.
  iv1::Activity clear = Patch<iv1::Activity>(created.name());
  updated = Update(clear, {"cost", "team_members"});
  ASSERT_OK(updated.status);
  EXPECT_FALSE(updated.value.has_cost());
  EXPECT_EQ(updated.value.team_members_size(), 0);
  EXPECT_TRUE(
      ListAll(absl::StrCat("team_member = alice AND account = \"", account.name(), "\"")).empty());
}

TEST(UpdateActivity, RefusesOutputOnlyPathsTheAccountAndBadValues) {
  const v1::Account account = MakeAccount("UpdateBad");
  const iv1::Activity created = MustCreate(Visit(account.name()));
  iv1::Activity patch = Patch<iv1::Activity>(created.name());
  EXPECT_TRUE(HasCode(Update(patch, {"create_time"}).status, grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_TRUE(HasCode(Update(patch, {"creator"}).status, grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_TRUE(HasCode(Update(patch, {"account"}).status, grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_TRUE(HasCode(Update(patch, {"no_such_field"}).status, grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_TRUE(HasCode(Update(patch, {}).status, grpc::StatusCode::INVALID_ARGUMENT));
  patch.set_subject(std::string(201, 's'));
  EXPECT_TRUE(IsInvalidField(Update(patch, {"subject"}).status, "activity.subject"));
  patch.set_name("activities/999999999");
  patch.set_subject("fine");
  EXPECT_TRUE(HasCode(Update(patch, {"subject"}).status, grpc::StatusCode::NOT_FOUND));
  patch.set_name("activity/1");
  EXPECT_TRUE(IsInvalidField(Update(patch, {"subject"}).status, "activity.name"));
  EXPECT_TRUE(Same(Get(created.name()).value, created));
}

TEST(UpdateActivity, AStaleEtagIsAbortedAndChangesNothing) {
  const v1::Account account = MakeAccount("Etag");
  const iv1::Activity created = MustCreate(Visit(account.name()));
  iv1::Activity patch = Patch<iv1::Activity>(created.name(), created.etag());
  patch.set_subject("First");
  Reply<iv1::Activity> first = Update(patch, {"subject"});
  ASSERT_OK(first.status);
  patch.set_subject("Second, from a stale read");
  EXPECT_TRUE(HasCode(Update(patch, {"subject"}).status, grpc::StatusCode::ABORTED));
  EXPECT_EQ(Get(created.name()).value.subject(), "First");
  patch.set_etag(first.value.etag());
  EXPECT_OK(Update(patch, {"subject"}).status);
}

TEST(UpdateActivity, OfConcurrentUpdatesWithTheSameEtagExactlyOneWins) {
  const v1::Account account = MakeAccount("EtagRace");
  const iv1::Activity created = MustCreate(Visit(account.name()));
  constexpr int kWriters = 6;
  const std::vector<Reply<iv1::Activity>> replies = CallTogether(kWriters, [&](int i) {
    iv1::Activity patch = Patch<iv1::Activity>(created.name(), created.etag());
    patch.set_subject(absl::StrCat("writer ", i));
    return Update(patch, {"subject"});
  });
  int won = -1;
  for (int i = 0; i < kWriters; ++i) {
    if (replies[i].status.ok()) {
      EXPECT_EQ(won, -1) << "two updates with the same etag both succeeded";
      won = i;
    } else {
      EXPECT_TRUE(HasCode(replies[i].status, grpc::StatusCode::ABORTED));
    }
  }
  ASSERT_NE(won, -1);
  EXPECT_EQ(Get(created.name()).value.subject(), absl::StrCat("writer ", won));
}

TEST(UpdateActivity, ConcurrentUpdatesWithoutEtagsAllLand) {
  const v1::Account account = MakeAccount("NoEtagRace");
  const iv1::Activity created = MustCreate(Visit(account.name()));
  constexpr int kWriters = 4;
  const std::vector<Reply<iv1::Activity>> replies = CallTogether(kWriters, [&](int i) {
    iv1::Activity patch = Patch<iv1::Activity>(created.name());
    patch.set_outcome(absl::StrCat("writer ", i));
    return Update(patch, {"outcome"});
  });
  std::set<std::string> etags;
  for (const Reply<iv1::Activity>& reply : replies) {
    ASSERT_OK(reply.status);
    etags.insert(reply.value.etag());
  }
  EXPECT_EQ(etags.size(), static_cast<size_t>(kWriters)) << "each write makes a new version";
}

TEST(UpdateActivity, FollowsTheStatusMoves) {
  const v1::Account account = MakeAccount("Status");
  const iv1::Activity created = MustCreate(Visit(account.name()));
  iv1::Activity patch = Patch<iv1::Activity>(created.name());
  patch.set_status(iv1::ACTIVITY_STATUS_DONE);
  EXPECT_TRUE(IsInvalidField(Update(patch, {"status"}).status, "activity.actual_time"));
  *patch.mutable_actual_time() = TsAt(absl::Now() - absl::Minutes(30));
  patch.set_outcome("Signed the framework agreement");
  Reply<iv1::Activity> done = Update(patch, {"status", "actual_time", "outcome"});
  ASSERT_OK(done.status);
  EXPECT_EQ(done.value.status(), iv1::ACTIVITY_STATUS_DONE);
  // DONE is final.
  iv1::Activity back = Patch<iv1::Activity>(created.name());
  back.set_status(iv1::ACTIVITY_STATUS_PLANNED);
  Reply<iv1::Activity> refused = Update(back, {"status", "actual_time"});
  EXPECT_TRUE(HasCode(refused.status, grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_TRUE(absl::StrContains(refused.status.error_message(), "ACTIVITY_STATUS_DONE"));
  // Its outcome can still be edited.
  iv1::Activity notes = Patch<iv1::Activity>(created.name());
  notes.set_outcome("Signed; pilot starts in May");
  EXPECT_OK(Update(notes, {"outcome"}).status);

  // PLANNED -> CANCELLED -> PLANNED.
  const iv1::Activity other = MustCreate(Visit(account.name()));
  iv1::Activity cancel = Patch<iv1::Activity>(other.name());
  cancel.set_status(iv1::ACTIVITY_STATUS_CANCELLED);
  EXPECT_OK(Update(cancel, {"status"}).status);
  cancel.set_status(iv1::ACTIVITY_STATUS_DONE);
  *cancel.mutable_actual_time() = TsAt(absl::Now() - absl::Minutes(1));
  EXPECT_TRUE(HasCode(Update(cancel, {"status", "actual_time"}).status,
                      grpc::StatusCode::FAILED_PRECONDITION));
  cancel.set_status(iv1::ACTIVITY_STATUS_PLANNED);
  EXPECT_OK(Update(cancel, {"status"}).status);
}

// --- delete -------------------------------------------------------------------------

TEST(DeleteActivity, IsSoftAndCanBeUndone) {
  const v1::Account account = MakeAccount("Delete");
  const std::string filter = absl::StrCat("account = \"", account.name(), "\"");
  const iv1::Activity created = MustCreate(Visit(account.name()));
  iv1::DeleteActivityRequest del =
      ByNameAndEtag<iv1::DeleteActivityRequest>(created.name(), "0000000000000000");
  EXPECT_TRUE(HasCode(Call(Activities(), &ActivityStub::DeleteActivity, del).status,
                      grpc::StatusCode::ABORTED));
  del.set_etag(created.etag());
  Reply<iv1::Activity> deleted = Call(Activities(), &ActivityStub::DeleteActivity, del);
  ASSERT_OK(deleted.status);
  EXPECT_TRUE(deleted.value.has_delete_time());
  EXPECT_TRUE(Same(Get(created.name()).value, deleted.value));
  EXPECT_TRUE(ListAll(filter).empty());
  EXPECT_EQ(Names(ListAll(filter, /*show_deleted=*/true)),
            std::vector<std::string>{created.name()});
  del.clear_etag();
  EXPECT_TRUE(HasCode(Call(Activities(), &ActivityStub::DeleteActivity, del).status,
                      grpc::StatusCode::FAILED_PRECONDITION));
  iv1::Activity patch = Patch<iv1::Activity>(created.name());
  patch.set_subject("too late");
  EXPECT_TRUE(HasCode(Update(patch, {"subject"}).status, grpc::StatusCode::FAILED_PRECONDITION));

  iv1::UndeleteActivityRequest undel =
      ByNameAndEtag<iv1::UndeleteActivityRequest>(created.name(), deleted.value.etag());
  Reply<iv1::Activity> restored = Call(Activities(), &ActivityStub::UndeleteActivity, undel);
  ASSERT_OK(restored.status);
  EXPECT_FALSE(restored.value.has_delete_time());
  EXPECT_EQ(Names(ListAll(filter)), std::vector<std::string>{created.name()});
  EXPECT_TRUE(HasCode(Call(Activities(), &ActivityStub::UndeleteActivity, undel).status,
                      grpc::StatusCode::ABORTED));  // the etag is stale now
  undel.clear_etag();
  EXPECT_TRUE(HasCode(Call(Activities(), &ActivityStub::UndeleteActivity, undel).status,
                      grpc::StatusCode::FAILED_PRECONDITION));  // not deleted

  // Undeleting into a deleted account is refused; deleting never asks.
  Reply<iv1::Activity> again = Call(Activities(), &ActivityStub::DeleteActivity, del);
  ASSERT_OK(again.status);
  DeleteAccount(account.name());
  Reply<iv1::Activity> refused = Call(Activities(), &ActivityStub::UndeleteActivity, undel);
  EXPECT_TRUE(HasCode(refused.status, grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_TRUE(absl::StrContains(refused.status.error_message(), "is deleted"));
}

// --- list ---------------------------------------------------------------------------

TEST(ListActivities, FiltersOnEveryDocumentedField) {
  const v1::Account account = MakeAccount("Filters");
  const v1::Contact contact = MakeContact(account.name());
  const std::string mine = absl::StrCat("account = \"", account.name(), "\"");
  iv1::Activity visit = Visit(account.name(), "2031-01-10T10:00:00Z");
  visit.add_team_members("dora");
  const iv1::Activity v = MustCreate(visit);
  iv1::Activity meeting = Visit(account.name(), "2031-02-10T10:00:00Z");
  meeting.set_kind(iv1::ACTIVITY_KIND_MEETING);
  meeting.set_level(iv1::ACTIVITY_LEVEL_EXECUTIVE);
  meeting.add_contacts(contact.name());
  const iv1::Activity m = MustCreate(meeting);
  iv1::Activity done = Visit(account.name());
  done.clear_planned_time();
  done.set_kind(iv1::ACTIVITY_KIND_CARE);
  done.set_status(iv1::ACTIVITY_STATUS_DONE);
  *done.mutable_actual_time() = TsAt(absl::Now() - absl::Hours(24));
  done.add_team_members("dora");
  done.add_team_members("eve");
  const iv1::Activity d = MustCreate(done);

  using Want = std::vector<std::string>;
  EXPECT_EQ(Names(ListAll(mine)), (Want{v.name(), m.name(), d.name()}));
  EXPECT_EQ(Names(ListAll(mine + " AND kind = MEETING")), Want{m.name()});
  EXPECT_EQ(Names(ListAll(mine + " AND kind = ACTIVITY_KIND_CARE")), Want{d.name()});
  EXPECT_EQ(Names(ListAll(mine + " AND kind != VISIT")), (Want{m.name(), d.name()}));
  EXPECT_EQ(Names(ListAll(mine + " AND (kind = VISIT OR kind = CARE)")),
            (Want{v.name(), d.name()}));
  EXPECT_EQ(Names(ListAll(mine + " AND level = EXECUTIVE")), Want{m.name()});
  EXPECT_EQ(Names(ListAll(mine + " AND status = DONE")), Want{d.name()});
  EXPECT_EQ(Names(ListAll(mine + " AND status = planned")), (Want{v.name(), m.name()}));
  EXPECT_EQ(Names(ListAll(mine + " AND team_member = dora")), (Want{v.name(), d.name()}));
  EXPECT_EQ(Names(ListAll(mine + " AND team_member = eve")), Want{d.name()});
  EXPECT_EQ(Names(ListAll(mine + " AND team_member != dora")), Want{m.name()});
  EXPECT_EQ(Names(ListAll(absl::StrCat("contact = \"", contact.name(), "\""))), Want{m.name()});
  EXPECT_EQ(Names(ListAll(mine + " AND planned_time >= \"2031-02-01T00:00:00Z\"")), Want{m.name()});
  EXPECT_EQ(Names(ListAll(mine + " AND planned_time < \"2031-02-01T00:00:00Z\"")), Want{v.name()});
  EXPECT_EQ(Names(ListAll(mine + " AND planned_time >= \"2031-01-10T10:00:00Z\" AND "
                                 "planned_time < \"2031-02-10T10:00:00Z\"")),
            Want{v.name()});
  EXPECT_EQ(Names(ListAll(absl::StrCat(mine, " AND actual_time >= \"",
                                       Rfc3339(TsAt(absl::Now() - absl::Hours(48))), "\""))),
            Want{d.name()});
  EXPECT_TRUE(ListAll(mine + " AND actual_time < \"2000-01-01T00:00:00Z\"").empty());

  for (const char* bad : {"colour = red", "kind = SHOUTING", "kind < VISIT",
                          "planned_time > yesterday", "account = \"acc/1\"", "(kind = VISIT"}) {
    iv1::ListActivitiesRequest request;
    request.set_filter(bad);
    Reply<iv1::ListActivitiesResponse> reply =
        Call(Activities(), &ActivityStub::ListActivities, request);
    EXPECT_TRUE(HasCode(reply.status, grpc::StatusCode::INVALID_ARGUMENT)) << bad;
  }
}

TEST(ListActivities, PagesStayStableWhileActivitiesAreAdded) {
  const v1::Account account = MakeAccount("Pages");
  const std::string mine = absl::StrCat("account = \"", account.name(), "\"");
  std::vector<std::string> before;
  for (int i = 0; i < 7; ++i) before.push_back(MustCreate(Visit(account.name())).name());
  iv1::ListActivitiesRequest request;
  request.set_filter(mine);
  request.set_page_size(3);
  std::vector<std::string> seen;
  std::vector<std::string> added;
  ForEachPage(
      Activities(), &ActivityStub::ListActivities, request,
      [&](const iv1::ListActivitiesResponse& page, int index) {
        EXPECT_LE(page.activities_size(), 3);
        for (const iv1::Activity& a : page.activities()) seen.push_back(a.name());
        // A write between pages.
        if (index < 2) added.push_back(MustCreate(Visit(account.name())).name());
      },
      20);
  std::vector<std::string> want = before;
  want.insert(want.end(), added.begin(), added.end());
  EXPECT_EQ(seen, want);  // each once, in creation order, the new ones at the end

  // A token only works with the query that issued it.
  request.set_page_token("");
  Reply<iv1::ListActivitiesResponse> first =
      Call(Activities(), &ActivityStub::ListActivities, request);
  ASSERT_OK(first.status);
  request.set_page_token(first.value.next_page_token());
  request.set_filter(mine + " AND kind = VISIT");
  EXPECT_TRUE(IsInvalidField(Call(Activities(), &ActivityStub::ListActivities, request).status,
                             "page_token"));
  request.set_filter(mine);
  request.set_page_size(-1);
  EXPECT_TRUE(IsInvalidField(Call(Activities(), &ActivityStub::ListActivities, request).status,
                             "page_size"));
}

TEST(GetActivity, NamesAreChecked) {
  EXPECT_TRUE(IsInvalidField(Get("").status, "name"));
  EXPECT_TRUE(IsInvalidField(Get("activities/abc").status, "name"));
  Reply<iv1::Activity> missing = Get("activities/999999999");
  EXPECT_TRUE(HasCode(missing.status, grpc::StatusCode::NOT_FOUND));
  EXPECT_EQ(missing.status.error_message(), "activity activities/999999999 not found");
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) {
  return kam::testing::RunTestsOnSuite(argc, argv, kam::testing::InteractionSuiteOptions());
}
