// The relationship around an account through the public API: contacts, the
// account team and its handovers, the relationship stage machine and its
// history, churn and win-back, and published tiers.
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/time_util.h"
#include "tests/account/account_client.h"

namespace kam::testing {
namespace {

using google::protobuf::util::TimeUtil;

// --- helpers ----------------------------------------------------------------

constexpr char kMissing[] = "accounts/9000000000000000006";

// Times come from the server's clock. This machine's clock can step (the VM
// is paused and resumed), so "recorded now" allows a few minutes either way:
// enough to catch a missing, zero or time-zone-shifted time.
constexpr int64_t kClockSlackSeconds = 300;

::testing::AssertionResult RecordedNow(const google::protobuf::Timestamp& time) {
  const int64_t now = TimeUtil::TimestampToSeconds(TimeUtil::GetCurrentTime());
  const int64_t at = TimeUtil::TimestampToSeconds(time);
  if (at < now - kClockSlackSeconds || at > now + kClockSlackSeconds) {
    return ::testing::AssertionFailure() << TimeUtil::ToString(time) << " is not about now ("
                                         << TimeUtil::ToString(TimeUtil::GetCurrentTime()) << ")";
  }
  return ::testing::AssertionSuccess();
}

v1::Account MakeAccount(v1::RelationshipStage stage = v1::RELATIONSHIP_STAGE_UNSPECIFIED,
                        int share = 0, const std::string& owner = "") {
  v1::CreateAccountRequest request;
  request.mutable_account()->set_display_name(Unique("Rel"));
  request.mutable_account()->set_stage(stage);
  request.mutable_account()->set_share_of_wallet_percent(share);
  request.mutable_account()->set_owner(owner);
  return OkValue(Call(&AccountApi::CreateAccount, request));
}

v1::Account GetAccount(const std::string& name) {
  return OkValue(Call(&AccountApi::GetAccount, ByName<v1::GetAccountRequest>(name)));
}

grpc::Status DeleteAccount(const std::string& name) {
  return Call(&AccountApi::DeleteAccount, ByName<v1::DeleteAccountRequest>(name)).status;
}

// --- contacts -------------------------------------------------------------------

v1::Contact ValidContact() {
  return ParseTextProto<v1::Contact>(R"pb(
    display_name: "Zhang Wei"
    title: "CTO"
    department: "Information Technology"
    buying_role: BUYING_ROLE_DECISION_MAKER
    influence_weight: 70
    preferred_channel: CONTACT_CHANNEL_PHONE
    phone: "+8613800138000"
    email: "zhang.wei@example.com"
    do_not_call: false
    time_zone: "Asia/Shanghai"
  )pb");
}

Reply<v1::Contact> CreateContact(const std::string& parent, const v1::Contact& contact,
                                 const std::string& request_id = "") {
  v1::CreateContactRequest request;
  request.set_parent(parent);
  *request.mutable_contact() = contact;
  request.set_request_id(request_id);
  return Call(&AccountApi::CreateContact, request);
}

v1::Contact MustCreateContact(const std::string& parent, const std::string& display_name) {
  v1::Contact c = ValidContact();
  c.set_display_name(display_name);
  return OkValue(CreateContact(parent, c));
}

const StandardMethods kContacts(Accounts, &AccountApi::GetContact, &AccountApi::UpdateContact,
                                &AccountApi::DeleteContact, &AccountApi::UndeleteContact);

std::vector<std::string> ContactNames(const std::string& parent, bool show_deleted = false,
                                      int page_size = 0) {
  v1::ListContactsRequest request;
  request.set_parent(parent);
  request.set_show_deleted(show_deleted);
  request.set_page_size(page_size);
  std::vector<std::string> names;
  for (const v1::Contact& c :
       AllPages<v1::Contact>(Accounts(), &AccountApi::ListContacts, request)) {
    names.push_back(c.name());
  }
  return names;
}

TEST(Contacts, CreateReturnsTheContactAndGetReadsItBack) {
  const v1::Account account = MakeAccount();
  Reply<v1::Contact> created = CreateContact(account.name(), ValidContact());
  ASSERT_OK(created.status);
  const v1::Contact& c = created.value;
  EXPECT_TRUE(absl::StartsWith(c.name(), account.name() + "/contacts/")) << c.name();
  v1::Contact expected = ValidContact();
  expected.set_name(c.name());
  *expected.mutable_create_time() = c.create_time();
  *expected.mutable_update_time() = c.update_time();
  expected.set_etag(c.etag());
  EXPECT_TRUE(Same(c, expected)) << c.DebugString();
  EXPECT_TRUE(c.has_create_time());
  EXPECT_TRUE(Same(c.create_time(), c.update_time()));
  EXPECT_FALSE(c.etag().empty());
  Reply<v1::Contact> read = kContacts.Get(c.name());
  ASSERT_OK(read.status);
  EXPECT_TRUE(Same(read.value, c)) << read.value.DebugString();
}

TEST(Contacts, MissingOrDeletedAccountRefusesContacts) {
  EXPECT_CODE(CreateContact(kMissing, ValidContact()).status, NOT_FOUND);
  const v1::Account account = MakeAccount();
  ASSERT_OK(DeleteAccount(account.name()));
  EXPECT_CODE(CreateContact(account.name(), ValidContact()).status, FAILED_PRECONDITION);
  EXPECT_CODE(kContacts.Get(absl::StrCat(account.name(), "/contacts/9000000000000000001")).status,
              NOT_FOUND);
  // A contact is only found under its own account.
  const v1::Account other = MakeAccount();
  const v1::Contact c = MustCreateContact(other.name(), "Li Na");
  const std::string id = c.name().substr(c.name().rfind('/') + 1);
  EXPECT_CODE(kContacts.Get(absl::StrCat(account.name(), "/contacts/", id)).status, NOT_FOUND);
}

TEST(Contacts, RetryWithTheSameRequestIdReturnsTheFirstContact) {
  const v1::Account account = MakeAccount();
  const std::string request_id = Unique("contact-req");
  Reply<v1::Contact> first = CreateContact(account.name(), ValidContact(), request_id);
  ASSERT_OK(first.status);
  Reply<v1::Contact> retry = CreateContact(account.name(), ValidContact(), request_id);
  ASSERT_OK(retry.status);
  EXPECT_TRUE(Same(retry.value, first.value));
  EXPECT_EQ(ContactNames(account.name()).size(), 1u);
  EXPECT_EQ(GetAccount(account.name()).contact_count(), 1);

  v1::Contact different = ValidContact();
  different.set_display_name("Someone else");
  Reply<v1::Contact> reused = CreateContact(account.name(), different, request_id);
  EXPECT_CODE(reused.status, ALREADY_EXISTS);
  EXPECT_TRUE(absl::StrContains(reused.status.error_message(), "request_id"))
      << reused.status.error_message();
  // The same body under another account is a different request too.
  const v1::Account other = MakeAccount();
  EXPECT_CODE(CreateContact(other.name(), ValidContact(), request_id).status, ALREADY_EXISTS);
  EXPECT_TRUE(ContactNames(other.name()).empty());
  EXPECT_EQ(GetAccount(account.name()).contact_count(), 1);
}

TEST(Contacts, ARetryAfterTheAccountWasDeletedReturnsTheFirstContact) {
  const v1::Account account = MakeAccount();
  const std::string request_id = Unique("contact-retry-deleted");
  Reply<v1::Contact> first = CreateContact(account.name(), ValidContact(), request_id);
  ASSERT_OK(first.status);
  ASSERT_OK(DeleteAccount(account.name()));
  Reply<v1::Contact> retry = CreateContact(account.name(), ValidContact(), request_id);
  ASSERT_OK(retry.status);
  EXPECT_EQ(retry.value.name(), first.value.name());
  EXPECT_CODE(CreateContact(account.name(), ValidContact(), Unique("contact-new")).status,
              FAILED_PRECONDITION);
}

TEST(Contacts, ConcurrentRetriesCreateOneContact) {
  const v1::Account account = MakeAccount();
  const std::string request_id = Unique("contact-race");
  EXPECT_EQ(
      CreatedNames(
          CallTogether(
              8, [&](int) { return CreateContact(account.name(), ValidContact(), request_id); }))
          .size(),
      1u);
  EXPECT_EQ(ContactNames(account.name()).size(), 1u);
  EXPECT_EQ(GetAccount(account.name()).contact_count(), 1);
}

TEST(Contacts, ContactCountAndSingleContactRiskFollowLiveContacts) {
  const v1::Account account = MakeAccount();
  auto expect = [&](int count, bool risk) {
    const v1::Account a = GetAccount(account.name());
    EXPECT_EQ(a.contact_count(), count);
    EXPECT_EQ(a.single_contact_risk(), risk);
  };
  expect(0, false);
  const v1::Contact first = MustCreateContact(account.name(), "First");
  expect(1, true);
  const v1::Contact second = MustCreateContact(account.name(), "Second");
  expect(2, false);
  ASSERT_OK(kContacts.Delete(second.name()).status);
  expect(1, true);
  ASSERT_OK(kContacts.Undelete(second.name()).status);
  expect(2, false);
  ASSERT_OK(kContacts.Delete(first.name()).status);
  ASSERT_OK(kContacts.Delete(second.name()).status);
  expect(0, false);
  // A failed delete does not move the count.
  EXPECT_CODE(kContacts.Delete(first.name()).status, FAILED_PRECONDITION);
  expect(0, false);
}

TEST(Contacts, UpdateChangesOnlyTheMaskedFields) {
  const v1::Account account = MakeAccount();
  const v1::Contact before = MustCreateContact(account.name(), "Before");
  v1::Contact patch = Patch<v1::Contact>(before.name());
  patch.set_title("CEO");
  patch.set_phone("+14155552671");
  v1::Contact expected = before;
  expected.set_title("CEO");
  kContacts.ExpectUpdateGives(before, expected, patch, {"title"});

  // Empty mask: the fields set in the request.
  v1::Contact patch2 = Patch<v1::Contact>(before.name());
  patch2.set_do_not_call(true);
  ASSERT_OK(kContacts.Update(patch2, {}).status);
  const v1::Contact after = kContacts.Get(before.name()).value;
  EXPECT_TRUE(after.do_not_call());
  EXPECT_EQ(after.title(), "CEO");
  EXPECT_EQ(after.phone(), before.phone());
}

TEST(Contacts, UpdateRefusesBadMasksStaleEtagsAndBadValues) {
  const v1::Account account = MakeAccount();
  const v1::Contact before = MustCreateContact(account.name(), "Guarded");
  v1::Contact patch = Patch<v1::Contact>(before.name());
  patch.set_title("Changed");
  for (const std::string path : {"create_time", "name", "etag", "delete_time", "nickname"}) {
    SCOPED_TRACE(path);
    EXPECT_TRUE(IsInvalidField(kContacts.Update(patch, {path}).status, "update_mask"));
  }
  patch.set_etag("0000000000000000");
  EXPECT_CODE(kContacts.Update(patch, {"title"}).status, ABORTED);
  patch.set_etag("");
  patch.set_phone("12345");
  EXPECT_TRUE(IsInvalidField(kContacts.Update(patch, {"phone"}).status, "contact.phone"));
  patch.set_influence_weight(101);
  EXPECT_TRUE(IsInvalidField(kContacts.Update(patch, {"influence_weight"}).status,
                             "contact.influence_weight"));
  EXPECT_TRUE(Same(kContacts.Get(before.name()).value, before));
  patch.set_name(absl::StrCat(account.name(), "/contacts/9000000000000000002"));
  EXPECT_CODE(kContacts.Update(patch, {"title"}).status, NOT_FOUND);
}

TEST(Contacts, SoftDeleteAndUndelete) {
  const v1::Account account = MakeAccount();
  const v1::Contact kept = MustCreateContact(account.name(), "Kept");
  const v1::Contact c = MustCreateContact(account.name(), "Leaving");

  EXPECT_CODE(kContacts.Undelete(c.name()).status, FAILED_PRECONDITION);
  v1::Contact patch = Patch<v1::Contact>(c.name());
  patch.set_title("moved on");
  ASSERT_OK(kContacts.Update(patch, {"title"}).status);
  EXPECT_CODE(kContacts.Delete(c.name(), c.etag()).status, ABORTED);  // stale
  EXPECT_FALSE(kContacts.Get(c.name()).value.has_delete_time());

  Reply<v1::Contact> deleted = kContacts.Delete(c.name(), kContacts.Get(c.name()).value.etag());
  ASSERT_OK(deleted.status);
  EXPECT_TRUE(deleted.value.has_delete_time());
  EXPECT_TRUE(Same(kContacts.Get(c.name()).value, deleted.value));
  EXPECT_EQ(ContactNames(account.name()), (std::vector<std::string>{kept.name()}));
  EXPECT_EQ(ContactNames(account.name(), /*show_deleted=*/true),
            (std::vector<std::string>{kept.name(), c.name()}));
  EXPECT_CODE(kContacts.Delete(c.name()).status, FAILED_PRECONDITION);
  EXPECT_CODE(kContacts.Update(patch, {"title"}).status, FAILED_PRECONDITION);

  EXPECT_CODE(kContacts.Undelete(c.name(), c.etag()).status, ABORTED);
  Reply<v1::Contact> restored = kContacts.Undelete(c.name(), deleted.value.etag());
  ASSERT_OK(restored.status);
  EXPECT_FALSE(restored.value.has_delete_time());
  EXPECT_EQ(ContactNames(account.name()), (std::vector<std::string>{kept.name(), c.name()}));
}

TEST(Contacts, ContactOfADeletedAccountCannotBeUndeleted) {
  const v1::Account account = MakeAccount();
  const v1::Contact c = MustCreateContact(account.name(), "Stranded");
  ASSERT_OK(kContacts.Delete(c.name()).status);
  ASSERT_OK(DeleteAccount(account.name()));
  EXPECT_CODE(kContacts.Undelete(c.name()).status, FAILED_PRECONDITION);
  EXPECT_TRUE(kContacts.Get(c.name()).value.has_delete_time());
}

TEST(Contacts, ListPagesInCreationOrder) {
  const v1::Account account = MakeAccount();
  std::vector<std::string> created;
  for (int i = 0; i < 5; ++i) {
    created.push_back(MustCreateContact(account.name(), absl::StrCat("Person ", i)).name());
  }
  EXPECT_EQ(ContactNames(account.name(), false, 2), created);
  EXPECT_EQ(ContactNames(account.name()), created);

  v1::ListContactsRequest request;
  request.set_parent(account.name());
  request.set_page_size(2);
  Reply<v1::ListContactsResponse> first = Call(&AccountApi::ListContacts, request);
  ASSERT_OK(first.status);
  ASSERT_FALSE(first.value.next_page_token().empty());
  request.set_page_token(first.value.next_page_token());
  request.set_parent(MakeAccount().name());
  EXPECT_TRUE(IsInvalidField(Call(&AccountApi::ListContacts, request).status, "page_token"));
  request.set_parent(kMissing);
  request.clear_page_token();
  EXPECT_CODE(Call(&AccountApi::ListContacts, request).status, NOT_FOUND);
}

struct FieldCase {
  std::string value;
  bool valid;
};

// Creates a contact with `field` set to each value: valid values are stored
// as given, invalid ones are INVALID_ARGUMENT naming "contact.<field>".
void CheckContactField(const std::string& field, const std::vector<FieldCase>& cases) {
  const google::protobuf::FieldDescriptor* descriptor =
      v1::Contact::descriptor()->FindFieldByName(field);
  ASSERT_NE(descriptor, nullptr);
  const v1::Account account = MakeAccount();
  for (const FieldCase& c : cases) {
    SCOPED_TRACE(absl::StrCat(field, " = \"", c.value, "\""));
    v1::Contact contact = ValidContact();
    contact.GetReflection()->SetString(&contact, descriptor, c.value);
    Reply<v1::Contact> reply = CreateContact(account.name(), contact);
    if (c.valid) {
      ASSERT_OK(reply.status);
      const v1::Contact read = kContacts.Get(reply.value.name()).value;
      EXPECT_EQ(read.GetReflection()->GetString(read, descriptor), c.value);
    } else {
      EXPECT_TRUE(IsInvalidField(reply.status, "contact." + field));
    }
  }
}

TEST(Contacts, PhoneMustBeE164) {
  CheckContactField("phone",
                    {{"+8613800138000", true},
                     {"+14155552671", true},
                     {"+12345678", true},
                     {"+123456789012345", true},
                     {"", true},
                     {"13800138000", false},
                     {"+0123456789", false},
                     {"+1 415 555 2671", false},
                     {"+1-415-555-2671", false},
                     {"+1234567", false},
                     {"+1234567890123456", false},
                     {"+86138001380OO", false},
                     {"tel:+8613800138000", false}});
}

TEST(Contacts, EmailMustBeAnAddress) {
  CheckContactField("email",
                    {{"name@example.com", true},
                     {"first.last+tag@sub.example.co", true},
                     {"o'brien@example.ie", true},
                     {"张伟@例子.中国", true},
                     {"", true},
                     {"plain", false},
                     {"a@b", false},
                     {"a@@example.com", false},
                     {"a@b@example.com", false},
                     {".a@example.com", false},
                     {"a.@example.com", false},
                     {"a..b@example.com", false},
                     {"a@-example.com", false},
                     {"a@example-.com", false},
                     {"a@1.2.3.4", false},
                     {"a b@example.com", false},
                     {"a@example.c", false},
                     {"<a@example.com>", false},
                     {std::string(65, 'x') + "@example.com", false},
                     {"x@" + std::string(250, 'e') + ".com", false}});
}

TEST(Contacts, TimeZoneMustBeAnIanaName) {
  CheckContactField("time_zone",
                    {{"Asia/Shanghai", true},
                     {"UTC", true},
                     {"America/Port-au-Prince", true},
                     {"Etc/GMT+8", true},
                     {"", true},
                     {"Mars/Olympus_Mons", false},
                     {"Asia/Shanghai ", false},
                     {"../../etc/passwd", false},
                     {"/etc/localtime", false},
                     {"localtime", false},
                     {"Fixed/UTC+08:00:00", false},
                     {"file:/etc/passwd", false},
                     {"+08:00", false},
                     {std::string(65, 'A'), false}});
}

// --- account team ------------------------------------------------------------------------

Reply<v1::TeamMembership> AddMember(const std::string& account, const std::string& user,
                                    v1::TeamRole role, const std::string& request_id = "",
                                    const std::string& actor = "test") {
  v1::AddTeamMemberRequest request;
  request.set_parent(account);
  request.mutable_membership()->set_user(user);
  request.mutable_membership()->set_role(role);
  request.set_request_id(request_id);
  return Call(&AccountApi::AddTeamMember, request, actor);
}

Reply<v1::TeamMembership> EndMembership(const std::string& name, const std::string& reason = "") {
  v1::EndTeamMembershipRequest request = ByName<v1::EndTeamMembershipRequest>(name);
  request.set_reason(reason);
  return Call(&AccountApi::EndTeamMembership, request);
}

std::vector<v1::TeamMembership> Team(const std::string& account, bool include_ended,
                                     v1::TeamRole role = v1::TEAM_ROLE_UNSPECIFIED) {
  v1::ListTeamMembershipsRequest request;
  request.set_parent(account);
  request.set_include_ended(include_ended);
  request.set_role(role);
  Reply<v1::ListTeamMembershipsResponse> reply = Call(&AccountApi::ListTeamMemberships, request);
  EXPECT_OK(reply.status);
  return {reply.value.memberships().begin(), reply.value.memberships().end()};
}

Reply<v1::Account> SetOwner(const std::string& account, const std::string& owner) {
  v1::UpdateAccountRequest request;
  request.mutable_account()->set_name(account);
  request.mutable_account()->set_owner(owner);
  request.mutable_update_mask()->add_paths("owner");
  return Call(&AccountApi::UpdateAccount, request, "owner-changer");
}

TEST(Team, FirstAccountManagerBecomesTheOwner) {
  const v1::Account account = MakeAccount();
  Reply<v1::TeamMembership> added =
      AddMember(account.name(), "u-first", v1::TEAM_ROLE_ACCOUNT_MANAGER, "", "admin-1");
  ASSERT_OK(added.status);
  EXPECT_TRUE(absl::StartsWith(added.value.name(), account.name() + "/teamMemberships/"));
  EXPECT_EQ(added.value.user(), "u-first");
  EXPECT_EQ(added.value.actor(), "admin-1");
  EXPECT_TRUE(added.value.has_start_time());
  EXPECT_FALSE(added.value.has_end_time());
  const v1::Account after = GetAccount(account.name());
  EXPECT_EQ(after.owner(), "u-first");
  EXPECT_EQ(after.account_manager_handover_count(), 0);
}

TEST(Team, SecondAccountManagerIsAHandover) {
  const v1::Account account = MakeAccount();
  const v1::TeamMembership first =
      AddMember(account.name(), "u-old", v1::TEAM_ROLE_ACCOUNT_MANAGER).value;
  Reply<v1::TeamMembership> second =
      AddMember(account.name(), "u-new", v1::TEAM_ROLE_ACCOUNT_MANAGER);
  ASSERT_OK(second.status);

  const v1::Account after = GetAccount(account.name());
  EXPECT_EQ(after.owner(), "u-new");
  EXPECT_EQ(after.account_manager_handover_count(), 1);

  const std::vector<v1::TeamMembership> active = Team(account.name(), false);
  ASSERT_EQ(active.size(), 1u);
  EXPECT_EQ(active[0].name(), second.value.name());

  const std::vector<v1::TeamMembership> history = Team(account.name(), true);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].name(), first.name());
  EXPECT_EQ(history[0].user(), "u-old");
  ASSERT_TRUE(history[0].has_end_time());
  EXPECT_TRUE(Same(history[0].end_time(), second.value.start_time()));
  EXPECT_EQ(history[0].end_reason(), "handover to u-new");
  EXPECT_EQ(history[1].name(), second.value.name());
  EXPECT_FALSE(history[1].has_end_time());

  // The same manager again is not a handover.
  EXPECT_CODE(AddMember(account.name(), "u-new", v1::TEAM_ROLE_ACCOUNT_MANAGER).status,
              ALREADY_EXISTS);
  EXPECT_EQ(GetAccount(account.name()).account_manager_handover_count(), 1);
  EXPECT_EQ(Team(account.name(), true).size(), 2u);
}

TEST(Team, EndingTheAccountManagerClearsTheOwner) {
  const v1::Account account = MakeAccount();
  const v1::TeamMembership am =
      AddMember(account.name(), "u-leaving", v1::TEAM_ROLE_ACCOUNT_MANAGER).value;
  Reply<v1::TeamMembership> ended = EndMembership(am.name(), "moved to another region");
  ASSERT_OK(ended.status);
  EXPECT_TRUE(ended.value.has_end_time());
  EXPECT_EQ(ended.value.end_reason(), "moved to another region");
  EXPECT_EQ(GetAccount(account.name()).owner(), "");
  EXPECT_TRUE(Team(account.name(), false).empty());
  EXPECT_EQ(Team(account.name(), true).size(), 1u);
  EXPECT_CODE(EndMembership(am.name()).status, FAILED_PRECONDITION);
  EXPECT_CODE(EndMembership(absl::StrCat(account.name(), "/teamMemberships/9000000000000000001"))
                  .status,
              NOT_FOUND);
  // A new manager after a gap is not a handover.
  ASSERT_OK(AddMember(account.name(), "u-next", v1::TEAM_ROLE_ACCOUNT_MANAGER).status);
  EXPECT_EQ(GetAccount(account.name()).account_manager_handover_count(), 0);
}

TEST(Team, OtherRolesLeaveTheOwnerAlone) {
  const v1::Account account = MakeAccount(v1::RELATIONSHIP_STAGE_UNSPECIFIED, 0, "u-am");
  const v1::TeamMembership sales =
      AddMember(account.name(), "u-sales", v1::TEAM_ROLE_SALES).value;
  ASSERT_OK(AddMember(account.name(), "u-tech", v1::TEAM_ROLE_TECHNICAL).status);
  // The manager may also hold another role; the same role twice is refused.
  ASSERT_OK(AddMember(account.name(), "u-am", v1::TEAM_ROLE_SERVICE).status);
  EXPECT_CODE(AddMember(account.name(), "u-sales", v1::TEAM_ROLE_SALES).status, ALREADY_EXISTS);
  EXPECT_EQ(Team(account.name(), false).size(), 4u);
  EXPECT_EQ(Team(account.name(), false, v1::TEAM_ROLE_SALES).size(), 1u);
  EXPECT_EQ(Team(account.name(), false, v1::TEAM_ROLE_ACCOUNT_MANAGER).size(), 1u);
  ASSERT_OK(EndMembership(sales.name()).status);
  const v1::Account after = GetAccount(account.name());
  EXPECT_EQ(after.owner(), "u-am");
  EXPECT_EQ(after.account_manager_handover_count(), 0);
  ASSERT_OK(AddMember(account.name(), "u-sales", v1::TEAM_ROLE_SALES).status);
}

TEST(Team, OwnerChangeThroughUpdateAccountIsAHandover) {
  const v1::Account account = MakeAccount(v1::RELATIONSHIP_STAGE_UNSPECIFIED, 0, "u-a");
  Reply<v1::Account> updated = SetOwner(account.name(), "u-b");
  ASSERT_OK(updated.status);
  EXPECT_EQ(updated.value.owner(), "u-b");
  EXPECT_EQ(updated.value.account_manager_handover_count(), 1);
  std::vector<v1::TeamMembership> history = Team(account.name(), true);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].user(), "u-a");
  EXPECT_EQ(history[0].end_reason(), "handover to u-b");
  EXPECT_EQ(history[1].user(), "u-b");
  EXPECT_EQ(history[1].role(), v1::TEAM_ROLE_ACCOUNT_MANAGER);
  EXPECT_EQ(history[1].actor(), "owner-changer");
  EXPECT_FALSE(history[1].has_end_time());

  ASSERT_OK(SetOwner(account.name(), "u-c").status);
  EXPECT_EQ(GetAccount(account.name()).account_manager_handover_count(), 2);
  // Setting the same owner is no change; clearing it ends the membership
  // without counting a handover.
  ASSERT_OK(SetOwner(account.name(), "u-c").status);
  EXPECT_EQ(Team(account.name(), true).size(), 3u);
  ASSERT_OK(SetOwner(account.name(), "").status);
  const v1::Account cleared = GetAccount(account.name());
  EXPECT_EQ(cleared.owner(), "");
  EXPECT_EQ(cleared.account_manager_handover_count(), 2);
  EXPECT_TRUE(Team(account.name(), false).empty());
}

TEST(Team, AddTeamMemberIsIdempotentByRequestId) {
  const v1::Account account = MakeAccount();
  const std::string request_id = Unique("team-req");
  ExpectRetryAnswersTheFirst([&] {
    return AddMember(account.name(), "u-idem", v1::TEAM_ROLE_ACCOUNT_MANAGER, request_id);
  });
  EXPECT_EQ(Team(account.name(), true).size(), 1u);
  EXPECT_CODE(AddMember(account.name(), "u-other", v1::TEAM_ROLE_ACCOUNT_MANAGER, request_id)
                  .status,
              ALREADY_EXISTS);
  EXPECT_EQ(GetAccount(account.name()).owner(), "u-idem");
}

TEST(Team, ARetryAfterTheAccountWasDeletedReturnsTheFirstMembership) {
  const v1::Account account = MakeAccount();
  const std::string request_id = Unique("team-retry-deleted");
  ExpectRetryAnswersTheFirst(
      [&] { return AddMember(account.name(), "u-before-delete", v1::TEAM_ROLE_SALES, request_id); },
      [&] { ASSERT_OK(DeleteAccount(account.name())); });
  // A new request on the deleted account is still refused.
  EXPECT_CODE(AddMember(account.name(), "u-after-delete", v1::TEAM_ROLE_SALES).status,
              FAILED_PRECONDITION);
}

TEST(Team, ConcurrentRetriesOfOneAddTeamMemberAddOneMembership) {
  const v1::Account account = MakeAccount();
  const std::string request_id = Unique("team-race");
  EXPECT_EQ(CreatedNames(CallTogether(8,
                                      [&](int) {
                                        return AddMember(account.name(), "u-race",
                                                         v1::TEAM_ROLE_ACCOUNT_MANAGER, request_id);
                                      }))
                .size(),
            1u);
  EXPECT_EQ(Team(account.name(), true).size(), 1u);
  const v1::Account after = GetAccount(account.name());
  EXPECT_EQ(after.owner(), "u-race");
  EXPECT_EQ(after.account_manager_handover_count(), 0);
}

TEST(Team, HistoryPagesOldestFirst) {
  const v1::Account account = MakeAccount(v1::RELATIONSHIP_STAGE_UNSPECIFIED, 0, "u-p0");
  for (int i = 1; i <= 4; ++i) ASSERT_OK(SetOwner(account.name(), absl::StrCat("u-p", i)).status);
  ASSERT_OK(AddMember(account.name(), "u-s", v1::TEAM_ROLE_SALES).status);
  const std::vector<v1::TeamMembership> all = Team(account.name(), true);
  ASSERT_EQ(all.size(), 6u);
  for (int i = 0; i <= 4; ++i) EXPECT_EQ(all[i].user(), absl::StrCat("u-p", i));
  std::vector<std::string> paged;
  v1::ListTeamMembershipsRequest request;
  request.set_parent(account.name());
  request.set_include_ended(true);
  request.set_page_size(1);
  for (int page = 0; page < 20; ++page) {
    Reply<v1::ListTeamMembershipsResponse> reply = Call(&AccountApi::ListTeamMemberships, request);
    ASSERT_OK(reply.status);
    for (const v1::TeamMembership& m : reply.value.memberships()) paged.push_back(m.name());
    if (reply.value.next_page_token().empty()) break;
    request.set_page_token(reply.value.next_page_token());
  }
  std::vector<std::string> expected;
  for (const v1::TeamMembership& m : all) expected.push_back(m.name());
  EXPECT_EQ(paged, expected);
  EXPECT_EQ(GetAccount(account.name()).account_manager_handover_count(), 4);
}

TEST(Team, MembershipTimesMustBeOrderedAndNotInTheFuture) {
  const v1::Account account = MakeAccount(v1::RELATIONSHIP_STAGE_UNSPECIFIED, 0, "u-now");
  // A new manager cannot start before the current one did.
  v1::AddTeamMemberRequest early;
  early.set_parent(account.name());
  early.mutable_membership()->set_user("u-early");
  early.mutable_membership()->set_role(v1::TEAM_ROLE_ACCOUNT_MANAGER);
  *early.mutable_membership()->mutable_start_time() =
      account.create_time() - TimeUtil::HoursToDuration(24);
  EXPECT_TRUE(
      IsInvalidField(Call(&AccountApi::AddTeamMember, early).status, "membership.start_time"));
  EXPECT_EQ(GetAccount(account.name()).owner(), "u-now");

  // A past start is fine for other roles; the end may not precede it.
  v1::AddTeamMemberRequest past = early;
  past.mutable_membership()->set_user("u-past");
  past.mutable_membership()->set_role(v1::TEAM_ROLE_TECHNICAL);
  Reply<v1::TeamMembership> added = Call(&AccountApi::AddTeamMember, past);
  ASSERT_OK(added.status);
  EXPECT_TRUE(Same(added.value.start_time(), past.membership().start_time()));
  v1::EndTeamMembershipRequest end = ByName<v1::EndTeamMembershipRequest>(added.value.name());
  *end.mutable_end_time() = past.membership().start_time() - TimeUtil::HoursToDuration(1);
  EXPECT_TRUE(IsInvalidField(Call(&AccountApi::EndTeamMembership, end).status, "end_time"));
  *end.mutable_end_time() = TimeUtil::GetCurrentTime() + TimeUtil::HoursToDuration(1);
  EXPECT_TRUE(IsInvalidField(Call(&AccountApi::EndTeamMembership, end).status, "end_time"));
  end.set_reason(std::string(1001, 'r'));
  end.clear_end_time();
  EXPECT_TRUE(IsInvalidField(Call(&AccountApi::EndTeamMembership, end).status, "reason"));
  EXPECT_EQ(Team(account.name(), false).size(), 2u);
}

TEST(Team, BadMembershipsAreRefused) {
  const v1::Account account = MakeAccount();
  EXPECT_TRUE(IsInvalidField(AddMember(account.name(), "u x", v1::TEAM_ROLE_SALES).status,
                             "membership.user"));
  EXPECT_TRUE(IsInvalidField(AddMember(account.name(), "", v1::TEAM_ROLE_SALES).status,
                             "membership.user"));
  EXPECT_TRUE(IsInvalidField(
      AddMember(account.name(), "u-1", v1::TEAM_ROLE_UNSPECIFIED).status, "membership.role"));
  EXPECT_TRUE(IsInvalidField(
      AddMember(account.name(), "u-1", static_cast<v1::TeamRole>(9)).status, "membership.role"));
  v1::AddTeamMemberRequest future;
  future.set_parent(account.name());
  future.mutable_membership()->set_user("u-future");
  future.mutable_membership()->set_role(v1::TEAM_ROLE_SALES);
  *future.mutable_membership()->mutable_start_time() =
      TimeUtil::GetCurrentTime() + TimeUtil::HoursToDuration(2);
  EXPECT_TRUE(
      IsInvalidField(Call(&AccountApi::AddTeamMember, future).status, "membership.start_time"));
  EXPECT_CODE(AddMember(kMissing, "u-1", v1::TEAM_ROLE_SALES).status, NOT_FOUND);
  const v1::Account gone = MakeAccount();
  ASSERT_OK(DeleteAccount(gone.name()));
  EXPECT_CODE(AddMember(gone.name(), "u-1", v1::TEAM_ROLE_SALES).status, FAILED_PRECONDITION);
  EXPECT_TRUE(Team(account.name(), true).empty());
}

// --- relationship stage ------------------------------------------------------------------

using Stage = v1::RelationshipStage;
constexpr Stage kDev = v1::RELATIONSHIP_STAGE_DEVELOPMENT;
constexpr Stage kInitial = v1::RELATIONSHIP_STAGE_INITIAL;
constexpr Stage kStable = v1::RELATIONSHIP_STAGE_STABLE;
constexpr Stage kStrategic = v1::RELATIONSHIP_STAGE_STRATEGIC;
constexpr Stage kInterrupted = v1::RELATIONSHIP_STAGE_INTERRUPTED;

std::string Short(Stage stage) {
  return v1::RelationshipStage_Name(stage).substr(strlen("RELATIONSHIP_STAGE_"));
}

struct Move {
  Move(Stage to = v1::RELATIONSHIP_STAGE_UNSPECIFIED, int share = -1,
       v1::InterruptionCause cause = v1::INTERRUPTION_CAUSE_UNSPECIFIED, std::string reason = "")
      : to(to), share(share), cause(cause), reason(std::move(reason)) {}
  Stage to;
  int share;  // -1: unset
  v1::InterruptionCause cause;
  std::string reason;
  std::string etag;
};

Reply<v1::TransitionStageResponse> Transition(const std::string& name, const Move& move,
                                              const std::string& actor = "test") {
  v1::TransitionStageRequest request = ByName<v1::TransitionStageRequest>(name);
  request.set_to_stage(move.to);
  if (move.share >= 0) request.set_share_of_wallet_percent(move.share);
  request.set_interruption_cause(move.cause);
  request.set_reason(move.reason);
  request.set_etag(move.etag);
  return Call(&AccountApi::TransitionStage, request, actor);
}

// The share an account in `stage` is created with (INTERRUPTED is reached
// from STABLE at 60).
int ShareIn(Stage stage) {
  switch (stage) {
    case v1::RELATIONSHIP_STAGE_INITIAL: return 20;
    case v1::RELATIONSHIP_STAGE_STABLE: return 60;
    case v1::RELATIONSHIP_STAGE_STRATEGIC: return 90;
    case v1::RELATIONSHIP_STAGE_INTERRUPTED: return 60;
    default: return 0;
  }
}

v1::Account AccountIn(Stage stage) {
  if (stage != kInterrupted) return MakeAccount(stage, ShareIn(stage));
  const v1::Account account = MakeAccount(kStable, 60);
  Move move;
  move.to = kInterrupted;
  move.cause = v1::INTERRUPTION_CAUSE_LACK_OF_TRUST;
  Reply<v1::TransitionStageResponse> moved = Transition(account.name(), move);
  EXPECT_OK(moved.status);
  return moved.value.account();
}

std::vector<v1::StageChange> StageHistory(const std::string& name, int page_size = 0) {
  v1::ListStageHistoryRequest request;
  request.set_parent(name);
  request.set_page_size(page_size);
  return AllPages<v1::StageChange>(Accounts(), &AccountApi::ListStageHistory, request);
}

struct LegalCase {
  Stage from;
  Move move;
  int expected_share;
};

TEST(Stage, EveryLegalMoveOfTheMachineSucceeds) {
  using C = v1::InterruptionCause;
  const std::vector<LegalCase> cases = {
      // Forward one step, share in the new band (both ends).
      {kDev, {kInitial, 0}, 0},
      {kDev, {kInitial, 49}, 49},
      {kInitial, {kStable, 50}, 50},
      {kInitial, {kStable, 79}, 79},
      {kStable, {kStrategic, 80}, 80},
      {kStable, {kStrategic, 100}, 100},
      // Back one step with a reason.
      {kStrategic, {kStable, 79, {}, "lost the second product line"}, 79},
      {kStable, {kInitial, 49, {}, "competitor undercut us"}, 49},
      {kInitial, {kDev, -1, {}, "no orders this year"}, 0},
      {kInitial, {kDev, 30, {}, "share is ignored for DEVELOPMENT"}, 0},
      // INTERRUPTED from any stage, share kept.
      {kDev, {kInterrupted, -1, C::INTERRUPTION_CAUSE_KEY_PERSON_CHANGE}, 0},
      {kInitial, {kInterrupted, -1, C::INTERRUPTION_CAUSE_PRODUCT_QUALITY}, 20},
      {kStable, {kInterrupted, 5, C::INTERRUPTION_CAUSE_CUSTOMER_FINANCIAL_TROUBLE}, 60},
      {kStrategic, {kInterrupted, -1, C::INTERRUPTION_CAUSE_MARKET_POSITION_CHANGE}, 90},
      // An interrupted relationship restarts at DEVELOPMENT.
      {kInterrupted, {kDev}, 0},
  };
  for (const LegalCase& c : cases) {
    SCOPED_TRACE(absl::StrCat(Short(c.from), " -> ", Short(c.move.to), " share ", c.move.share));
    const v1::Account before = AccountIn(c.from);
    ASSERT_EQ(before.stage(), c.from);
    const size_t history_before = StageHistory(before.name()).size();
    Reply<v1::TransitionStageResponse> reply = Transition(before.name(), c.move);
    ASSERT_OK(reply.status);
    const v1::Account& after = reply.value.account();
    EXPECT_EQ(after.stage(), c.move.to);
    EXPECT_EQ(after.share_of_wallet_percent(), c.expected_share);
    EXPECT_TRUE(Same(GetAccount(before.name()), after));
    EXPECT_NE(after.etag(), before.etag());
    const v1::StageChange& change = reply.value.change();
    EXPECT_EQ(change.from_stage(), c.from);
    EXPECT_EQ(change.to_stage(), c.move.to);
    EXPECT_EQ(change.share_of_wallet_percent(), c.expected_share);
    EXPECT_EQ(change.interruption_cause(), c.move.cause);
    EXPECT_EQ(change.reason(), c.move.reason);
    const std::vector<v1::StageChange> history = StageHistory(before.name());
    ASSERT_EQ(history.size(), history_before + 1);
    EXPECT_TRUE(Same(history.back(), change));
  }
}

struct IllegalCase {
  Stage from;
  Move move;
};

TEST(Stage, IllegalMovesAreFailedPreconditionNamingBothStages) {
  const std::vector<IllegalCase> cases = {
      {kDev, {kStable, 60}},
      {kDev, {kStrategic, 90}},
      {kInitial, {kStrategic, 90}},
      {kStrategic, {kInitial, 20, {}, "two steps back"}},
      {kStrategic, {kDev, -1, {}, "three steps back"}},
      {kStable, {kDev, -1, {}, "two steps back"}},
      {kInterrupted, {kStable, 60}},
      {kInterrupted, {kInitial, 20}},
      {kInterrupted, {kStrategic, 90}},
      {kDev, {kDev}},
      {kStable, {kStable, 60}},
      {kInterrupted, {kInterrupted, -1, v1::INTERRUPTION_CAUSE_LACK_OF_TRUST}},
  };
  for (const IllegalCase& c : cases) {
    SCOPED_TRACE(absl::StrCat(Short(c.from), " -> ", Short(c.move.to)));
    const v1::Account before = AccountIn(c.from);
    const size_t history_before = StageHistory(before.name()).size();
    Reply<v1::TransitionStageResponse> reply = Transition(before.name(), c.move);
    EXPECT_CODE(reply.status, FAILED_PRECONDITION);
    const std::string& message = reply.status.error_message();
    EXPECT_TRUE(absl::StrContains(message, Short(c.from))) << message;
    EXPECT_TRUE(absl::StrContains(message, Short(c.move.to))) << message;
    EXPECT_TRUE(Same(GetAccount(before.name()), before));
    EXPECT_EQ(StageHistory(before.name()).size(), history_before);
  }
}

struct InvalidCase {
  Stage from;
  Move move;
  std::string field;
};

TEST(Stage, BadArgumentsAreInvalidArgumentNamingTheField) {
  const std::vector<InvalidCase> cases = {
      {kDev, {kInitial, 50}, "share_of_wallet_percent"},
      {kDev, {kInitial}, "share_of_wallet_percent"},
      {kDev, {kInitial, 101}, "share_of_wallet_percent"},
      {kInitial, {kStable, 49}, "share_of_wallet_percent"},
      {kInitial, {kStable, 80}, "share_of_wallet_percent"},
      {kInitial, {kStable}, "share_of_wallet_percent"},
      {kStable, {kStrategic, 79}, "share_of_wallet_percent"},
      {kStrategic, {kStable, 80, {}, "fell"}, "share_of_wallet_percent"},
      {kStable, {kInterrupted}, "interruption_cause"},
      {kStable, {kInterrupted, -1, static_cast<v1::InterruptionCause>(99)}, "interruption_cause"},
      {kDev, {kInitial, 10, v1::INTERRUPTION_CAUSE_LACK_OF_TRUST}, "interruption_cause"},
      {kStable, {kInitial, 30}, "reason"},
      {kStable, {kInitial, 30, {}, "   "}, "reason"},
      {kStable, {kInitial, 30, {}, std::string(1001, 'r')}, "reason"},
      {kStable, {kInitial, 30, {}, "bad\x01reason"}, "reason"},
      {kDev, {v1::RELATIONSHIP_STAGE_UNSPECIFIED}, "to_stage"},
      {kDev, {static_cast<Stage>(42)}, "to_stage"},
  };
  for (const InvalidCase& c : cases) {
    SCOPED_TRACE(absl::StrCat(Short(c.from), " -> ", c.move.to, " share ", c.move.share, " ",
                              c.field));
    const v1::Account before = AccountIn(c.from);
    EXPECT_TRUE(IsInvalidField(Transition(before.name(), c.move).status, c.field));
    EXPECT_TRUE(Same(GetAccount(before.name()), before));
  }
}

TEST(Stage, StaleEtagIsAbortedAndMissingAccountIsNotFound) {
  const v1::Account account = AccountIn(kDev);
  Move move{kInitial, 10};
  move.etag = account.etag();
  Reply<v1::TransitionStageResponse> first = Transition(account.name(), move);
  ASSERT_OK(first.status);
  move = Move{kStable, 60};
  move.etag = account.etag();
  EXPECT_CODE(Transition(account.name(), move).status, ABORTED);
  EXPECT_EQ(GetAccount(account.name()).stage(), kInitial);
  move.etag = first.value.account().etag();
  EXPECT_OK(Transition(account.name(), move).status);
  EXPECT_CODE(Transition(kMissing, Move{kInitial, 10}).status, NOT_FOUND);
  const v1::Account gone = AccountIn(kDev);
  ASSERT_OK(DeleteAccount(gone.name()));
  EXPECT_CODE(Transition(gone.name(), Move{kInitial, 10}).status, FAILED_PRECONDITION);
}

TEST(Stage, HistoryRecordsActorReasonShareCauseAndTime) {
  const v1::Account account = AccountIn(kDev);
  std::vector<v1::TransitionStageResponse> responses;
  auto move = [&](const Move& m, const std::string& actor) {
    Reply<v1::TransitionStageResponse> reply = Transition(account.name(), m, actor);
    ASSERT_OK(reply.status);
    responses.push_back(reply.value);
  };
  move({kInitial, 20, {}, "first order"}, "alice");
  move({kStable, 60}, "bob");
  move({kInterrupted, -1, v1::INTERRUPTION_CAUSE_PRODUCT_QUALITY, "quality crisis"}, "carol");
  move({kDev, -1, {}, "talking again"}, "dave");

  const std::vector<v1::StageChange> history = StageHistory(account.name());
  ASSERT_EQ(history.size(), 4u);
  EXPECT_EQ(StageHistory(account.name(), 3).size(), 4u);  // across pages
  const std::vector<std::tuple<Stage, Stage, int, std::string, std::string>> expected = {
      {kDev, kInitial, 20, "first order", "alice"},
      {kInitial, kStable, 60, "", "bob"},
      {kStable, kInterrupted, 60, "quality crisis", "carol"},
      {kInterrupted, kDev, 0, "talking again", "dave"}};
  for (size_t i = 0; i < history.size(); ++i) {
    SCOPED_TRACE(i);
    const v1::StageChange& h = history[i];
    EXPECT_TRUE(absl::StartsWith(h.name(), account.name() + "/stageChanges/")) << h.name();
    EXPECT_EQ(h.from_stage(), std::get<0>(expected[i]));
    EXPECT_EQ(h.to_stage(), std::get<1>(expected[i]));
    EXPECT_EQ(h.share_of_wallet_percent(), std::get<2>(expected[i]));
    EXPECT_EQ(h.reason(), std::get<3>(expected[i]));
    EXPECT_EQ(h.actor(), std::get<4>(expected[i]));
    EXPECT_EQ(h.interruption_cause(), i == 2 ? v1::INTERRUPTION_CAUSE_PRODUCT_QUALITY
                                             : v1::INTERRUPTION_CAUSE_UNSPECIFIED);
    EXPECT_TRUE(RecordedNow(h.change_time()));
    EXPECT_TRUE(account.create_time() <= h.change_time());
    if (i > 0) {
      EXPECT_TRUE(history[i - 1].change_time() <= h.change_time());
    }
    EXPECT_TRUE(Same(h, responses[i].change()));
    EXPECT_TRUE(Same(responses[i].account().stage_update_time(), h.change_time()));
  }
  v1::ListStageHistoryRequest missing;
  missing.set_parent(kMissing);
  EXPECT_CODE(Call(&AccountApi::ListStageHistory, missing).status, NOT_FOUND);
}

TEST(Stage, ResponseCarriesTheNewStagesPlaybook) {
  const v1::Account account = AccountIn(kDev);
  const std::vector<Move> moves = {
      {kInitial, 10}, {kStable, 55}, {kStrategic, 85},
      {kInterrupted, -1, v1::INTERRUPTION_CAUSE_ACCOUNT_MANAGER_CHANGES}, {kDev}};
  for (const Move& m : moves) {
    SCOPED_TRACE(Short(m.to));
    Reply<v1::TransitionStageResponse> reply = Transition(account.name(), m);
    ASSERT_OK(reply.status);
    v1::GetStagePlaybookRequest request;
    request.set_stage(m.to);
    Reply<v1::StagePlaybook> playbook = Call(&AccountApi::GetStagePlaybook, request);
    ASSERT_OK(playbook.status);
    EXPECT_TRUE(Same(reply.value.playbook(), playbook.value));
    EXPECT_EQ(reply.value.playbook().stage(), m.to);
  }
}

TEST(Stage, EveryStageHasItsOwnPlaybook) {
  std::set<std::string> summaries;
  for (Stage stage : {kDev, kInitial, kStable, kStrategic, kInterrupted}) {
    v1::GetStagePlaybookRequest request;
    request.set_stage(stage);
    Reply<v1::StagePlaybook> playbook = Call(&AccountApi::GetStagePlaybook, request);
    ASSERT_OK(playbook.status);
    EXPECT_EQ(playbook.value.stage(), stage);
    EXPECT_FALSE(playbook.value.summary().empty());
    EXPECT_GE(playbook.value.actions_size(), 3);
    summaries.insert(playbook.value.summary());
  }
  EXPECT_EQ(summaries.size(), 5u);
  for (Stage bad : {v1::RELATIONSHIP_STAGE_UNSPECIFIED, static_cast<Stage>(6)}) {
    v1::GetStagePlaybookRequest request;
    request.set_stage(bad);
    EXPECT_TRUE(IsInvalidField(Call(&AccountApi::GetStagePlaybook, request).status, "stage"));
  }
}

// --- churn and win-back ---------------------------------------------------------------------

Reply<v1::MarkChurnedResponse> MarkChurned(const std::string& name, v1::ChurnEventKind kind,
                                           v1::ChurnReason reason,
                                           const std::vector<std::string>& lines = {},
                                           const std::string& note = "",
                                           const std::string& actor = "test",
                                           const std::string& etag = "") {
  v1::MarkChurnedRequest request = ByName<v1::MarkChurnedRequest>(name);
  request.set_kind(kind);
  request.set_reason(reason);
  for (const std::string& line : lines) request.add_lost_product_lines(line);
  request.set_note(note);
  request.set_etag(etag);
  return Call(&AccountApi::MarkChurned, request, actor);
}

Reply<v1::RecordWinBackResponse> WinBack(const std::string& name, const std::string& note = "",
                                         const std::string& actor = "test") {
  v1::RecordWinBackRequest request = ByName<v1::RecordWinBackRequest>(name);
  request.set_note(note);
  return Call(&AccountApi::RecordWinBack, request, actor);
}

std::vector<v1::ChurnEvent> ChurnHistory(const std::string& name) {
  v1::ListChurnHistoryRequest request;
  request.set_parent(name);
  return AllPages<v1::ChurnEvent>(Accounts(), &AccountApi::ListChurnHistory, request);
}

constexpr auto kCustomerChurn = v1::CHURN_EVENT_KIND_CUSTOMER_CHURN;
constexpr auto kBusinessChurn = v1::CHURN_EVENT_KIND_BUSINESS_CHURN;

TEST(Churn, CustomerChurnStopsStageMovesUntilAWinBack) {
  const v1::Account account = AccountIn(kStable);
  Reply<v1::MarkChurnedResponse> churned =
      MarkChurned(account.name(), kCustomerChurn, v1::CHURN_REASON_PRICE, {}, "went to a rival",
                  "carol");
  ASSERT_OK(churned.status);
  EXPECT_EQ(churned.value.account().state(), v1::LIFECYCLE_STATE_CHURNED);
  EXPECT_TRUE(Same(GetAccount(account.name()), churned.value.account()));
  EXPECT_EQ(churned.value.event().kind(), kCustomerChurn);
  EXPECT_EQ(churned.value.event().reason(), v1::CHURN_REASON_PRICE);
  EXPECT_EQ(churned.value.event().note(), "went to a rival");
  EXPECT_EQ(churned.value.event().actor(), "carol");

  // Churned: no stage moves, no second churn.
  Reply<v1::TransitionStageResponse> moved = Transition(account.name(), Move{kStrategic, 90});
  EXPECT_CODE(moved.status, FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(moved.status.error_message(), "churn"))
      << moved.status.error_message();
  EXPECT_CODE(MarkChurned(account.name(), kCustomerChurn, v1::CHURN_REASON_PRICE).status,
              FAILED_PRECONDITION);
  EXPECT_EQ(GetAccount(account.name()).stage(), kStable);

  const size_t stage_rows = StageHistory(account.name()).size();
  Reply<v1::RecordWinBackResponse> won = WinBack(account.name(), "new CIO", "dave");
  ASSERT_OK(won.status);
  const v1::Account& back = won.value.account();
  EXPECT_EQ(back.state(), v1::LIFECYCLE_STATE_ACTIVE);
  EXPECT_EQ(back.stage(), kDev);
  EXPECT_EQ(back.share_of_wallet_percent(), 0);
  EXPECT_TRUE(Same(GetAccount(account.name()), back));
  EXPECT_EQ(won.value.event().kind(), v1::CHURN_EVENT_KIND_WIN_BACK);
  EXPECT_EQ(won.value.event().actor(), "dave");

  const std::vector<v1::StageChange> stages = StageHistory(account.name());
  ASSERT_EQ(stages.size(), stage_rows + 1);
  EXPECT_EQ(stages.back().from_stage(), kStable);
  EXPECT_EQ(stages.back().to_stage(), kDev);
  EXPECT_EQ(stages.back().actor(), "dave");
  EXPECT_TRUE(absl::StrContains(stages.back().reason(), "win-back")) << stages.back().reason();
  EXPECT_TRUE(Same(stages.back().change_time(), back.stage_update_time()));

  const std::vector<v1::ChurnEvent> events = ChurnHistory(account.name());
  ASSERT_EQ(events.size(), 2u);
  EXPECT_TRUE(Same(events[0], churned.value.event()));
  EXPECT_TRUE(Same(events[1], won.value.event()));

  // Active again: a second win-back is refused and the stage moves again.
  EXPECT_CODE(WinBack(account.name()).status, FAILED_PRECONDITION);
  EXPECT_OK(Transition(account.name(), Move{kInitial, 15}).status);
}

TEST(Churn, BusinessChurnNeedsProductLinesAndKeepsTheAccountActive) {
  const v1::Account account = AccountIn(kStrategic);
  EXPECT_TRUE(IsInvalidField(
      MarkChurned(account.name(), kBusinessChurn, v1::CHURN_REASON_PRODUCT_QUALITY).status,
      "lost_product_lines"));
  Reply<v1::MarkChurnedResponse> churned =
      MarkChurned(account.name(), kBusinessChurn, v1::CHURN_REASON_PRODUCT_QUALITY,
                  {"broadband", "IPTV"}, "kept mobile");
  ASSERT_OK(churned.status);
  EXPECT_EQ(churned.value.account().state(), v1::LIFECYCLE_STATE_ACTIVE);
  const v1::Account after = GetAccount(account.name());
  EXPECT_EQ(after.state(), v1::LIFECYCLE_STATE_ACTIVE);
  EXPECT_EQ(after.stage(), kStrategic);
  EXPECT_EQ(churned.value.event().kind(), kBusinessChurn);
  ASSERT_EQ(churned.value.event().lost_product_lines_size(), 2);
  const std::vector<v1::ChurnEvent> events = ChurnHistory(account.name());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(Same(events[0], churned.value.event()));
  EXPECT_EQ(events[0].lost_product_lines(0), "broadband");
  EXPECT_EQ(events[0].lost_product_lines(1), "IPTV");
  // Business churn is no churn of the customer: nothing to win back.
  EXPECT_CODE(WinBack(account.name()).status, FAILED_PRECONDITION);
}

TEST(Churn, BadChurnRequestsAreRefused) {
  const v1::Account account = AccountIn(kInitial);
  const std::string n = account.name();
  EXPECT_TRUE(IsInvalidField(MarkChurned(n, kCustomerChurn, v1::CHURN_REASON_UNSPECIFIED).status,
                             "reason"));
  EXPECT_TRUE(IsInvalidField(
      MarkChurned(n, kCustomerChurn, static_cast<v1::ChurnReason>(8)).status, "reason"));
  EXPECT_TRUE(IsInvalidField(
      MarkChurned(n, v1::CHURN_EVENT_KIND_UNSPECIFIED, v1::CHURN_REASON_PRICE).status, "kind"));
  EXPECT_TRUE(IsInvalidField(
      MarkChurned(n, v1::CHURN_EVENT_KIND_WIN_BACK, v1::CHURN_REASON_PRICE).status, "kind"));
  EXPECT_TRUE(IsInvalidField(
      MarkChurned(n, kBusinessChurn, v1::CHURN_REASON_PRICE, std::vector<std::string>(51, "x"))
          .status,
      "lost_product_lines"));
  EXPECT_TRUE(IsInvalidField(
      MarkChurned(n, kBusinessChurn, v1::CHURN_REASON_PRICE, {"ok", ""}).status,
      "lost_product_lines[1]"));
  EXPECT_TRUE(IsInvalidField(
      MarkChurned(n, kBusinessChurn, v1::CHURN_REASON_PRICE, {std::string(101, 'p')}).status,
      "lost_product_lines[0]"));
  EXPECT_TRUE(IsInvalidField(
      MarkChurned(n, kBusinessChurn, v1::CHURN_REASON_PRICE, {"two\nlines"}).status,
      "lost_product_lines[0]"));
  EXPECT_TRUE(IsInvalidField(
      MarkChurned(n, kCustomerChurn, v1::CHURN_REASON_PRICE, {}, std::string(1001, 'n')).status,
      "note"));
  EXPECT_CODE(MarkChurned(n, kCustomerChurn, v1::CHURN_REASON_PRICE, {}, "", "test",
                          "0000000000000000")
                  .status,
              ABORTED);
  EXPECT_CODE(MarkChurned(kMissing, kCustomerChurn, v1::CHURN_REASON_PRICE).status, NOT_FOUND);
  EXPECT_CODE(WinBack(kMissing).status, NOT_FOUND);
  EXPECT_TRUE(ChurnHistory(n).empty());
  EXPECT_TRUE(Same(GetAccount(n), account));
}

// --- tiers -------------------------------------------------------------------------------

struct Assignment {
  std::string account;
  v1::Tier tier;
  std::string reason;
  bool clear_tier = false;
};

Reply<v1::SetAccountTiersResponse> SetTiers(const std::string& run, const std::string& policy,
                                            const std::vector<Assignment>& assignments) {
  v1::SetAccountTiersRequest request;
  request.set_rating_run(run);
  request.set_policy_version(policy);
  for (const Assignment& a : assignments) {
    v1::TierAssignment* t = request.add_assignments();
    t->set_account(a.account);
    t->set_tier(a.tier);
    t->set_reason(a.reason);
    t->set_clear_tier(a.clear_tier);
  }
  return Call(&AccountApi::SetAccountTiers, request);
}

std::vector<v1::TierChange> TierHistory(const std::string& name) {
  v1::ListTierHistoryRequest request;
  request.set_parent(name);
  return AllPages<v1::TierChange>(Accounts(), &AccountApi::ListTierHistory, request);
}

void ExpectCounts(const Reply<v1::SetAccountTiersResponse>& reply, int changed, int unchanged,
                  int applied) {
  ASSERT_OK(reply.status);
  EXPECT_EQ(reply.value.changed_count(), changed);
  EXPECT_EQ(reply.value.unchanged_count(), unchanged);
  EXPECT_EQ(reply.value.already_applied_count(), applied);
}

TEST(Tiers, ALargeBatchStampsEveryAccountAndRecordsEachChangeOnce) {
  // 300 accounts: not a power of two, so the padded statements are used.
  constexpr int kAccounts = 300;
  std::vector<std::string> names(kAccounts);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < kAccounts; i += 4) names[i] = MakeAccount().name();
    });
  }
  for (std::thread& thread : threads) thread.join();
  const v1::Tier kTiers[] = {v1::TIER_A, v1::TIER_B, v1::TIER_C, v1::TIER_D};
  std::vector<Assignment> first, second;
  for (int i = 0; i < kAccounts; ++i) {
    first.push_back({names[i], kTiers[i % 4], "first"});
    // Every third account keeps its tier under the second run.
    second.push_back({names[i], i % 3 == 0 ? kTiers[i % 4] : kTiers[(i + 1) % 4], "second"});
  }
  const std::string run1 = Unique("big-run-1"), run2 = Unique("big-run-2");
  Reply<v1::SetAccountTiersResponse> one = SetTiers(run1, "p1", first);
  ASSERT_OK(one.status);
  EXPECT_EQ(one.value.changed_count(), kAccounts);
  Reply<v1::SetAccountTiersResponse> two = SetTiers(run2, "p2", second);
  ASSERT_OK(two.status);
  EXPECT_EQ(two.value.changed_count(), kAccounts - kAccounts / 3);
  EXPECT_EQ(two.value.unchanged_count(), kAccounts / 3);
  for (int i = 0; i < kAccounts; i += 7) {
    const v1::Account account = GetAccount(names[i]);
    EXPECT_EQ(account.tier(), second[i].tier) << names[i];
    EXPECT_EQ(account.tier_rating_run(), run2);
    EXPECT_EQ(account.tier_policy_version(), "p2");
    const std::vector<v1::TierChange> history = TierHistory(names[i]);
    ASSERT_EQ(history.size(), i % 3 == 0 ? 1u : 2u) << names[i];
    EXPECT_EQ(history.back().to_tier(), second[i].tier);
    EXPECT_EQ(history.back().reason(), i % 3 == 0 ? "first" : "second");
  }
}

TEST(Tiers, PublishingSetsTiersAndRecordsHistory) {
  const v1::Account a = MakeAccount();
  const v1::Account b = MakeAccount();
  const std::string run = Unique("run");
  ExpectCounts(SetTiers(run, "policy-7", {{a.name(), v1::TIER_A, "value rank 3 of 1000"},
                                          {b.name(), v1::TIER_C, "value rank 120 of 1000"}}),
               2, 0, 0);
  const v1::Account after_a = GetAccount(a.name());
  EXPECT_EQ(after_a.tier(), v1::TIER_A);
  EXPECT_EQ(after_a.tier_rating_run(), run);
  EXPECT_EQ(after_a.tier_policy_version(), "policy-7");
  EXPECT_TRUE(after_a.has_tier_update_time());
  EXPECT_TRUE(RecordedNow(after_a.tier_update_time()));
  EXPECT_EQ(GetAccount(b.name()).tier(), v1::TIER_C);

  const std::vector<v1::TierChange> history = TierHistory(a.name());
  ASSERT_EQ(history.size(), 1u);
  EXPECT_TRUE(absl::StartsWith(history[0].name(), a.name() + "/tierChanges/"));
  EXPECT_EQ(history[0].from_tier(), v1::TIER_UNSPECIFIED);
  EXPECT_EQ(history[0].to_tier(), v1::TIER_A);
  EXPECT_EQ(history[0].rating_run(), run);
  EXPECT_EQ(history[0].policy_version(), "policy-7");
  EXPECT_EQ(history[0].reason(), "value rank 3 of 1000");
  EXPECT_TRUE(Same(history[0].change_time(), after_a.tier_update_time()));

  // A later run moves A down to B: a second row from A to B.
  const std::string run2 = Unique("run");
  ExpectCounts(SetTiers(run2, "policy-8", {{a.name(), v1::TIER_B, "rank 30"}}), 1, 0, 0);
  const std::vector<v1::TierChange> history2 = TierHistory(a.name());
  ASSERT_EQ(history2.size(), 2u);
  EXPECT_EQ(history2[1].from_tier(), v1::TIER_A);
  EXPECT_EQ(history2[1].to_tier(), v1::TIER_B);
  EXPECT_EQ(history2[1].rating_run(), run2);
  EXPECT_EQ(history2[1].policy_version(), "policy-8");
}

TEST(Tiers, PublishingTheSameRunTwiceChangesNothing) {
  const v1::Account a = MakeAccount();
  const v1::Account b = MakeAccount();
  const std::string run = Unique("run");
  ExpectCounts(SetTiers(run, "p1", {{a.name(), v1::TIER_A, ""}, {b.name(), v1::TIER_B, ""}}), 2,
               0, 0);
  const v1::Account a1 = GetAccount(a.name());
  const v1::Account b1 = GetAccount(b.name());
  // Even with different tiers in the replay, the run is already applied.
  ExpectCounts(SetTiers(run, "p1", {{a.name(), v1::TIER_D, ""}, {b.name(), v1::TIER_B, ""}}), 0,
               0, 2);
  EXPECT_TRUE(Same(GetAccount(a.name()), a1));
  EXPECT_TRUE(Same(GetAccount(b.name()), b1));
  EXPECT_EQ(TierHistory(a.name()).size(), 1u);
  EXPECT_EQ(TierHistory(b.name()).size(), 1u);
}

TEST(Tiers, UnchangedTierUnderANewRunStampsTheRunWithoutHistory) {
  const v1::Account a = MakeAccount();
  const v1::Account b = MakeAccount();
  ExpectCounts(SetTiers(Unique("run"), "p1", {{a.name(), v1::TIER_B, ""}, {b.name(), v1::TIER_B, ""}}),
               2, 0, 0);
  const std::string run2 = Unique("run");
  ExpectCounts(SetTiers(run2, "p2", {{a.name(), v1::TIER_B, ""}, {b.name(), v1::TIER_C, ""}}), 1,
               1, 0);
  const v1::Account after = GetAccount(a.name());
  EXPECT_EQ(after.tier(), v1::TIER_B);
  EXPECT_EQ(after.tier_rating_run(), run2);
  EXPECT_EQ(after.tier_policy_version(), "p2");
  EXPECT_EQ(TierHistory(a.name()).size(), 1u);
  EXPECT_EQ(TierHistory(b.name()).size(), 2u);
}

TEST(Tiers, AMissingAccountFailsTheWholeBatch) {
  const v1::Account a = MakeAccount();
  const std::string run1 = Unique("run");
  ExpectCounts(SetTiers(run1, "p1", {{a.name(), v1::TIER_C, ""}}), 1, 0, 0);
  const v1::Account before = GetAccount(a.name());
  Reply<v1::SetAccountTiersResponse> reply =
      SetTiers(Unique("run"), "p2", {{a.name(), v1::TIER_A, ""}, {kMissing, v1::TIER_B, ""}});
  EXPECT_CODE(reply.status, NOT_FOUND);
  EXPECT_TRUE(absl::StrContains(reply.status.error_message(), kMissing))
      << reply.status.error_message();
  EXPECT_TRUE(Same(GetAccount(a.name()), before));
  EXPECT_EQ(TierHistory(a.name()).size(), 1u);
}

// A run gives a churned account no tier (docs/domain.md §2): clear_tier
// takes the tier away, recorded in the history like any change; a tier
// together with clear_tier is refused.
TEST(Tiers, ClearTierTakesTheTierAwayWithHistory) {
  const v1::Account a = MakeAccount();
  ExpectCounts(SetTiers(Unique("run"), "p1", {{a.name(), v1::TIER_A, "rank 1"}}), 1, 0, 0);
  const std::string run = Unique("run");
  EXPECT_TRUE(IsInvalidField(
      SetTiers(run, "p1", {{a.name(), v1::TIER_B, "churned", /*clear_tier=*/true}}).status,
      "assignments[0].tier"));
  EXPECT_EQ(GetAccount(a.name()).tier(), v1::TIER_A);
  ExpectCounts(SetTiers(run, "p1", {{a.name(), v1::TIER_UNSPECIFIED, "churned", true}}), 1, 0, 0);
  const v1::Account cleared = GetAccount(a.name());
  EXPECT_EQ(cleared.tier(), v1::TIER_UNSPECIFIED);
  EXPECT_EQ(cleared.tier_rating_run(), run);
  const std::vector<v1::TierChange> history = TierHistory(a.name());
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[1].from_tier(), v1::TIER_A);
  EXPECT_EQ(history[1].to_tier(), v1::TIER_UNSPECIFIED);
  EXPECT_EQ(history[1].reason(), "churned");
  // Clearing again under a later run is no change.
  ExpectCounts(SetTiers(Unique("run"), "p1", {{a.name(), v1::TIER_UNSPECIFIED, "churned", true}}),
               0, 1, 0);
}

TEST(Tiers, BadBatchesAreInvalidArgument) {
  const v1::Account a = MakeAccount();
  const v1::Account b = MakeAccount();
  const std::string run = Unique("run");
  EXPECT_TRUE(IsInvalidField(
      SetTiers(run, "p1", {{a.name(), v1::TIER_A, ""}, {a.name(), v1::TIER_B, ""}}).status,
      "assignments[1].account"));
  EXPECT_TRUE(IsInvalidField(
      SetTiers(run, "p1", {{a.name(), v1::TIER_UNSPECIFIED, ""}}).status, "assignments[0].tier"));
  EXPECT_TRUE(IsInvalidField(
      SetTiers(run, "p1", {{b.name(), v1::TIER_A, ""}, {a.name(), static_cast<v1::Tier>(5), ""}})
          .status,
      "assignments[1].tier"));
  EXPECT_TRUE(IsInvalidField(SetTiers(run, "p1", {}).status, "assignments"));
  EXPECT_TRUE(IsInvalidField(
      SetTiers(run, "p1", std::vector<Assignment>(1001, {a.name(), v1::TIER_A, ""})).status,
      "assignments"));
  EXPECT_TRUE(IsInvalidField(SetTiers("", "p1", {{a.name(), v1::TIER_A, ""}}).status, "rating_run"));
  EXPECT_TRUE(IsInvalidField(SetTiers(std::string(129, 'r'), "p1", {{a.name(), v1::TIER_A, ""}})
                                 .status,
                             "rating_run"));
  EXPECT_TRUE(
      IsInvalidField(SetTiers(run, "", {{a.name(), v1::TIER_A, ""}}).status, "policy_version"));
  EXPECT_TRUE(IsInvalidField(
      SetTiers(run, "p1", {{a.name(), v1::TIER_A, std::string(1001, 'x')}}).status,
      "assignments[0].reason"));
  EXPECT_TRUE(IsInvalidField(SetTiers(run, "p1", {{"accounts/x", v1::TIER_A, ""}}).status,
                             "assignments[0].account"));
  // Nothing was written by any of them.
  EXPECT_EQ(GetAccount(a.name()).tier(), v1::TIER_UNSPECIFIED);
  EXPECT_EQ(GetAccount(b.name()).tier(), v1::TIER_UNSPECIFIED);
  EXPECT_TRUE(TierHistory(a.name()).empty());
  // The run can still be published properly afterwards.
  ExpectCounts(SetTiers(run, "p1", {{a.name(), v1::TIER_A, ""}}), 1, 0, 0);
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) {
  // Fewer database connections than handler threads, as under load: a
  // handler that took a second pooled connection while its transaction
  // holds a row lock others wait on would starve (the concurrent-retry
  // tests race on one account).
  kam::testing::LocalSuite::Options options;
  options.account_args = {"--threads=8", "--db_pool_size=2"};
  return kam::testing::RunTestsOnSuite(argc, argv, options);
}
