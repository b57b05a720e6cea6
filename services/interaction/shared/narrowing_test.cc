// An account manager's calls narrowed to the accounts they are on the team
// of (shared/narrowing.h), on the activity handlers over the fakes: another's
// activity or account answers exactly what a missing one answers and nothing
// is written; their own work as before; lists hold only theirs with full
// pages; admin and tokens-off calls are not narrowed and ask nothing.
#include "services/interaction/shared/narrowing.h"

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_replace.h"
#include "common/base/proto_time.h"
#include "common/testing/fake_team_accounts.h"
#include "common/testing/handler_checks.h"
#include "gtest/gtest.h"
#include "services/interaction/activity/activity_service.h"
#include "services/interaction/activity/fake_activity_store.h"
#include "services/interaction/shared/fake_account_client.h"
#include "services/interaction/shared/list_testing.h"
#include "services/interaction/shared/names.h"

namespace kam::interaction {
namespace {

using activity::ActivityService;
using activity::FakeActivityStore;
using common::CallContext;
using common::testing::GrantedCaller;

constexpr int64_t kTheirs = 7;   // on am.liu's team
constexpr int64_t kOthers = 8;   // not
constexpr int64_t kMissing = 9;  // no such account

class NarrowingTest : public ::testing::Test {
 protected:
  NarrowingTest() {
    for (int64_t id : {kTheirs, kOthers}) accounts_.PutAccount(id, "EUR");
    accounts_.PutTeam("am.liu", {kTheirs});
  }

  static v1::CreateActivityRequest CreateRequest(int64_t account, const std::string& request_id) {
    v1::CreateActivityRequest request;
    request.set_request_id(request_id);
    v1::Activity& a = *request.mutable_activity();
    a.set_account(AccountName(account));
    a.set_kind(v1::ACTIVITY_KIND_VISIT);
    a.set_subject("Quarterly review");
    *a.mutable_planned_time() = common::ToProtoTimestamp(common::NowMicros() + absl::Hours(24));
    return request;
  }

  absl::StatusOr<v1::Activity> Create(const CallContext& ctx, int64_t account,
                                      const std::string& request_id) {
    v1::Activity created;
    absl::Status status =
        service_.CreateActivity(ctx, CreateRequest(account, request_id), &created);
    if (!status.ok()) return status;
    return created;
  }

  // Every activity stored, as text, to see that a call wrote nothing.
  std::string Dump() const {
    std::string out;
    for (const auto& [id, row] : store_.activities()) out += row.activity.DebugString();
    return out;
  }

  const CallContext liu_ = GrantedCaller(auth::kAccountManager, "am.liu");
  FakeActivityStore store_;
  FakeAccountClient accounts_;
  ActivityService service_{&store_, &accounts_};
};

// One method on one activity, called as `ctx` on `name`.
struct OnOne {
  const char* method;
  std::function<absl::Status(ActivityService&, const CallContext&, const std::string& name)> call;
};

// `handler` called with a request that names the activity and nothing else.
template <typename Request>
std::function<absl::Status(ActivityService&, const CallContext&, const std::string&)> ByName(
    absl::Status (ActivityService::*handler)(const CallContext&, const Request&, v1::Activity*)) {
  return [handler](ActivityService& s, const CallContext& ctx, const std::string& name) {
    Request request;
    request.set_name(name);
    v1::Activity out;
    return (s.*handler)(ctx, request, &out);
  };
}

std::vector<OnOne> MethodsOnOne() {
  return {
      {"GetActivity", ByName(&ActivityService::GetActivity)},
      {"UpdateActivity",
       [](ActivityService& s, const CallContext& ctx, const std::string& name) {
         v1::UpdateActivityRequest request;
         request.mutable_activity()->set_name(name);
         request.mutable_activity()->set_subject("Renamed");
         request.mutable_update_mask()->add_paths("subject");
         v1::Activity out;
         return s.UpdateActivity(ctx, request, &out);
       }},
      {"DeleteActivity", ByName(&ActivityService::DeleteActivity)},
      {"UndeleteActivity", ByName(&ActivityService::UndeleteActivity)},
  };
}

// `other` (about `other_name`) is exactly `missing` (about `missing_name`).
void ExpectSameAnswer(const absl::Status& other, const std::string& other_name,
                      const absl::Status& missing, const std::string& missing_name) {
  EXPECT_EQ(other.code(), missing.code());
  EXPECT_EQ(absl::StrReplaceAll(other.message(), {{other_name, missing_name}}), missing.message());
}

TEST_F(NarrowingTest, AnotherManagersActivityAnswersAsAMissingOneAndNothingIsWritten) {
  const CallContext admin = GrantedCaller(auth::kAdmin);
  ASSERT_TRUE(Create(admin, kOthers, "r-1").ok());  // activities/1
  const std::string before = Dump();
  for (const OnOne& m : MethodsOnOne()) {
    SCOPED_TRACE(m.method);
    const absl::Status other = m.call(service_, liu_, "activities/1");
    const absl::Status missing = m.call(service_, liu_, "activities/99");
    EXPECT_EQ(other.code(), absl::StatusCode::kNotFound) << other;
    ExpectSameAnswer(other, "activities/1", missing, "activities/99");
    EXPECT_EQ(Dump(), before);
  }
}

TEST_F(NarrowingTest, ACreateOnAnotherManagersAccountAnswersAsOnAMissingOne) {
  const absl::Status other = Create(liu_, kOthers, "r-1").status();
  const absl::Status missing = Create(liu_, kMissing, "r-2").status();
  EXPECT_EQ(other.code(), absl::StatusCode::kNotFound) << other;
  ExpectSameAnswer(other, AccountName(kOthers), missing, AccountName(kMissing));
  EXPECT_TRUE(store_.activities().empty());
}

TEST_F(NarrowingTest, TheirOwnActivitiesWorkAsBefore) {
  absl::StatusOr<v1::Activity> created = Create(liu_, kTheirs, "r-1");
  ASSERT_TRUE(created.ok()) << created.status();
  for (const OnOne& m : MethodsOnOne()) {
    EXPECT_TRUE(m.call(service_, liu_, created->name()).ok()) << m.method;
  }
  EXPECT_FALSE(store_.activities().at(1).activity.has_delete_time()) << "deleted, then undeleted";
  EXPECT_EQ(store_.activities().at(1).activity.subject(), "Renamed");
}

// Interleaved activities of both accounts: a manager's pages hold theirs
// only, and full; their page token is theirs alone.
TEST_F(NarrowingTest, AManagersListHoldsTheirActivitiesInFullPages) {
  const CallContext admin = GrantedCaller(auth::kAdmin);
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(Create(admin, i % 2 == 0 ? kTheirs : kOthers, absl::StrCat("r-", i)).ok());
  }
  v1::ListActivitiesRequest request;
  request.set_page_size(2);
  absl::StatusOr<std::vector<v1::ListActivitiesResponse>> pages =
      AllPages(common::testing::Call<v1::ListActivitiesRequest, v1::ListActivitiesResponse>(
                   [&](const v1::ListActivitiesRequest& r, v1::ListActivitiesResponse* out) {
                     return service_.ListActivities(liu_, r, out);
                   }),
               request);
  ASSERT_TRUE(pages.ok()) << pages.status();
  std::vector<std::string> seen;
  for (const auto& page : *pages) {
    for (const v1::Activity& a : page.activities()) {
      EXPECT_EQ(a.account(), AccountName(kTheirs));
      seen.push_back(a.name());
    }
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"activities/1", "activities/3", "activities/5"}));
  EXPECT_EQ((*pages)[0].activities_size(), 2) << "a full first page";

  // The manager's token is refused in the admin's listing (and the
  // admin's in theirs).
  request.set_page_token((*pages)[0].next_page_token());
  v1::ListActivitiesResponse out;
  EXPECT_EQ(service_.ListActivities(admin, request, &out).code(),
            absl::StatusCode::kInvalidArgument);
  request.clear_page_token();
  ASSERT_TRUE(service_.ListActivities(admin, request, &out).ok());
  request.set_page_token(out.next_page_token());
  EXPECT_EQ(service_.ListActivities(liu_, request, &out).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(NarrowingTest, AManagerWithNoAccountListsNothing) {
  ASSERT_TRUE(Create(GrantedCaller(auth::kAdmin), kTheirs, "r-1").ok());
  v1::ListActivitiesResponse out;
  ASSERT_TRUE(service_
                  .ListActivities(GrantedCaller(auth::kAccountManager, "am.new"),
                                  v1::ListActivitiesRequest(), &out)
                  .ok());
  EXPECT_EQ(out.activities_size(), 0);
  EXPECT_EQ(out.next_page_token(), "");
}

// Admin, analysts and calls with tokens off see every account and cost no
// call for a manager's accounts.
TEST_F(NarrowingTest, CallsThatAreNotNarrowedAskNothingMore) {
  for (const CallContext& ctx : {common::testing::Caller("alice"), GrantedCaller(auth::kAdmin),
                                 GrantedCaller(auth::kAnalyst)}) {
    const bool writes = !ctx.grant.has_value() || ctx.grant->role == auth::kAdmin;
    if (writes) {
      ASSERT_TRUE(Create(ctx, kOthers, absl::StrCat("r-", store_.activities().size())).ok());
    }
    for (const OnOne& m : MethodsOnOne()) {
      if (std::string(m.method) != "GetActivity") continue;
      EXPECT_TRUE(m.call(service_, ctx, "activities/1").ok());
    }
    v1::ListActivitiesResponse out;
    ASSERT_TRUE(service_.ListActivities(ctx, v1::ListActivitiesRequest(), &out).ok());
    EXPECT_EQ(out.activities_size(), static_cast<int>(store_.activities().size()));
  }
  EXPECT_EQ(accounts_.team_calls(), 0);
}

TEST_F(NarrowingTest, TheAccountServiceDownIsUnavailableForAManager) {
  ASSERT_TRUE(Create(GrantedCaller(auth::kAdmin), kTheirs, "r-1").ok());
  accounts_.SetDown(true);
  const std::string before = Dump();
  for (const OnOne& m : MethodsOnOne()) {
    EXPECT_EQ(m.call(service_, liu_, "activities/1").code(), absl::StatusCode::kUnavailable)
        << m.method;
  }
  EXPECT_EQ(Dump(), before);
}

}  // namespace
}  // namespace kam::interaction
