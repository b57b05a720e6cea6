// Times outside year 1 to 9999 through the account API (docs/architecture.md,
// "Times"): ListAccounts' time literals, the team's start and end times and
// the export's as_of are refused naming the field, with nothing written; an
// export window reaching back before year 1 is cut at year 1.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/account/account_client.h"
#include "tests/harness/time_range_util.h"

namespace kam::testing {
namespace {

constexpr int64_t kYear1 = -62135596800;  // 0001-01-01T00:00:00Z

grpc::Status ListAccounts(const std::string& filter) {
  v1::ListAccountsRequest request;
  request.set_filter(filter);
  request.set_page_size(1);
  return Call(&AccountApi::ListAccounts, request).status;
}

TEST(TimeRange, ListAccountsFilterTimesOutsideTheRangeAreRefused) {
  for (const std::string field : {"create_time", "update_time"}) {
    for (const std::string value :
         {"10000-01-01T00:00:00Z", "0000-12-31T00:00:00Z", "infinite-past"}) {
      const grpc::Status status = ListAccounts(absl::StrCat(field, " < \"", value, "\""));
      EXPECT_TRUE(IsInvalidField(status, absl::StrCat("filter value for ", field))) << value;
      EXPECT_TRUE(absl::StrContains(status.error_message(), "from year 1 to 9999"));
    }
    EXPECT_OK(ListAccounts(absl::StrCat(field, " < \"9999-12-31T23:59:59.999999999Z\"")));
  }
}

v1::ListTeamMembershipsResponse Team(const std::string& account) {
  v1::ListTeamMembershipsRequest request;
  request.set_parent(account);
  request.set_include_ended(true);
  return OkValue(Call(&AccountApi::ListTeamMemberships, request));
}

// AddTeamMember's start_time and EndTeamMembership's end_time: refused
// naming the field, and the team is as it was.
TEST(TimeRange, TeamTimesOutsideTheRangeAreRefusedAndNothingWritten) {
  const v1::Account account = CreateAccount(Accounts(), Unique("range-team"));
  v1::AddTeamMemberRequest add;
  add.set_parent(account.name());
  add.mutable_membership()->set_user("range.user");
  add.mutable_membership()->set_role(v1::TEAM_ROLE_SERVICE);
  for (const google::protobuf::Timestamp& t : OutOfRangeTimestamps()) {
    v1::AddTeamMemberRequest bad = add;
    *bad.mutable_membership()->mutable_start_time() = t;
    EXPECT_TRUE(
        IsInvalidField(Call(&AccountApi::AddTeamMember, bad).status, "membership.start_time"))
        << t.ShortDebugString();
  }
  EXPECT_EQ(Team(account.name()).memberships_size(), 0);

  const v1::TeamMembership member = OkValue(Call(&AccountApi::AddTeamMember, add));
  for (const google::protobuf::Timestamp& t : OutOfRangeTimestamps()) {
    v1::EndTeamMembershipRequest end = ByName<v1::EndTeamMembershipRequest>(member.name());
    *end.mutable_end_time() = t;
    EXPECT_TRUE(IsInvalidField(Call(&AccountApi::EndTeamMembership, end).status, "end_time"))
        << t.ShortDebugString();
  }
  const v1::ListTeamMembershipsResponse team = Team(account.name());
  ASSERT_EQ(team.memberships_size(), 1);
  EXPECT_FALSE(team.memberships(0).has_end_time());
}

grpc::Status Export(const v1::ExportAccountsRequest& request) {
  auto stub = v1::AccountExportService::NewStub(
      grpc::CreateChannel(Suite().account_address(), grpc::InsecureChannelCredentials()));
  auto context = Context();
  return ReadToEnd(*stub->ExportAccounts(context.get(), request));
}

// as_of out of range is refused naming it; as_of in year 1 with a ten-year
// window (which reaches back before year 1) answers, the window cut at year
// 1 rather than sent to the database as a garbled date.
TEST(TimeRange, ExportAsOfOutOfRangeIsRefusedAndAWindowBeforeYearOneIsCut) {
  CreateAccount(Accounts(), Unique("range-export"));
  for (const google::protobuf::Timestamp& t : OutOfRangeTimestamps()) {
    v1::ExportAccountsRequest request;
    *request.mutable_as_of() = t;
    EXPECT_TRUE(IsInvalidField(Export(request), "as_of")) << t.ShortDebugString();
  }
  v1::ExportAccountsRequest early;
  early.mutable_as_of()->set_seconds(kYear1 + 86400);
  early.set_window_days(3650);
  EXPECT_OK(Export(early));
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) { return kam::testing::RunTestsOnSuite(argc, argv); }
