// ActivityService against FakeActivityStore and FakeAccountClient: the
// idempotent create, etags and what happens while a dependency is down.
#include "services/interaction/activity/activity_service.h"

#include "absl/strings/match.h"
#include "common/base/proto_time.h"
#include "common/testing/handler_checks.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "services/interaction/activity/fake_activity_store.h"
#include "services/interaction/shared/fake_account_client.h"
#include "services/interaction/shared/list_testing.h"

namespace kam::interaction::activity {
namespace {

using ::google::protobuf::util::MessageDifferencer;

class ActivityServiceTest : public ::testing::Test {
 protected:
  ActivityServiceTest() {
    ctx_.actor = "alice";
    accounts_.PutAccount(7, "EUR");
    account::v1::Contact contact;
    contact.set_name("accounts/7/contacts/1");
    accounts_.Put(contact);
  }

  // A visit planned for tomorrow with one contact and a cost.
  static v1::CreateActivityRequest CreateRequest(const std::string& request_id) {
    v1::CreateActivityRequest request;
    request.set_request_id(request_id);
    v1::Activity& a = *request.mutable_activity();
    a.set_account("accounts/7");
    a.set_kind(v1::ACTIVITY_KIND_VISIT);
    a.set_subject("Quarterly review");
    a.add_contacts("accounts/7/contacts/1");
    *a.mutable_planned_time() = common::ToProtoTimestamp(common::NowMicros() + absl::Hours(24));
    a.mutable_cost()->set_currency_code("EUR");
    a.mutable_cost()->set_minor_units(15000);
    return request;
  }

  absl::StatusOr<v1::Activity> Create(const v1::CreateActivityRequest& request) {
    return common::testing::Answer(service_, &ActivityService::CreateActivity, request, "alice");
  }

  absl::StatusOr<v1::Activity> UpdateSubject(const v1::Activity& activity,
                                             const std::string& subject, const std::string& etag) {
    v1::UpdateActivityRequest request;
    request.mutable_activity()->set_name(activity.name());
    request.mutable_activity()->set_subject(subject);
    request.mutable_activity()->set_etag(etag);
    request.mutable_update_mask()->add_paths("subject");
    return common::testing::Answer(service_, &ActivityService::UpdateActivity, request, "alice");
  }

  common::CallContext ctx_;
  FakeActivityStore store_;
  FakeAccountClient accounts_;
  ActivityService service_{&store_, &accounts_};
};

TEST_F(ActivityServiceTest, CreateStoresTheActivityOnce) {
  absl::StatusOr<v1::Activity> created = Create(CreateRequest("r-1"));
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->name(), "activities/1");
  EXPECT_EQ(created->creator(), "alice");
  EXPECT_EQ(created->status(), v1::ACTIVITY_STATUS_PLANNED);
  EXPECT_FALSE(created->etag().empty());
  ASSERT_EQ(store_.activities().size(), 1u);
  EXPECT_TRUE(MessageDifferencer::Equals(store_.activities().at(1).activity, *created));
}

TEST_F(ActivityServiceTest, RetryWithTheSameRequestIdAnswersTheFirstResult) {
  const v1::CreateActivityRequest request = CreateRequest("r-1");
  absl::StatusOr<v1::Activity> first = Create(request);
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<v1::Activity> retry = Create(request);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_TRUE(MessageDifferencer::Equals(*first, *retry));
  EXPECT_EQ(store_.writes(), 1);
  EXPECT_EQ(store_.activities().size(), 1u);
}

TEST_F(ActivityServiceTest, RetryIsAnsweredEvenWhileTheAccountServiceIsDown) {
  const v1::CreateActivityRequest request = CreateRequest("r-1");
  absl::StatusOr<v1::Activity> first = Create(request);
  ASSERT_TRUE(first.ok()) << first.status();
  accounts_.SetDown(true);
  absl::StatusOr<v1::Activity> retry = Create(request);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_TRUE(MessageDifferencer::Equals(*first, *retry));
  EXPECT_EQ(store_.writes(), 1);
}

TEST_F(ActivityServiceTest, SameRequestIdWithAnotherBodyIsAlreadyExists) {
  ASSERT_TRUE(Create(CreateRequest("r-1")).ok());
  v1::CreateActivityRequest other = CreateRequest("r-1");
  other.mutable_activity()->set_subject("Something else");
  absl::StatusOr<v1::Activity> second = Create(other);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(second.status().message(),
            "request_id \"r-1\" was already used by a different CreateActivity request");
  EXPECT_EQ(store_.writes(), 1);
  EXPECT_EQ(store_.activities().at(1).activity.subject(), "Quarterly review");
}

TEST_F(ActivityServiceTest, CreateWhileTheAccountServiceIsDownWritesNothing) {
  accounts_.SetDown(true);
  absl::StatusOr<v1::Activity> created = Create(CreateRequest("r-1"));
  EXPECT_EQ(created.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(store_.writes(), 0);
  EXPECT_TRUE(store_.activities().empty());
}

TEST_F(ActivityServiceTest, CreateWhileTheDatabaseIsDownWritesNothing) {
  store_.SetDown(true);
  absl::StatusOr<v1::Activity> created = Create(CreateRequest("r-1"));
  EXPECT_EQ(created.status().code(), absl::StatusCode::kUnavailable);
  store_.SetDown(false);
  EXPECT_TRUE(store_.activities().empty());
}

TEST_F(ActivityServiceTest, CreateForADeletedAccountIsFailedPrecondition) {
  account::v1::Account account = accounts_.PutAccount(7, "EUR");
  *account.mutable_delete_time() = common::ToProtoTimestamp(absl::Now());
  accounts_.Put(account);
  absl::StatusOr<v1::Activity> created = Create(CreateRequest("r-1"));
  EXPECT_EQ(created.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(created.status().message(),
            "activity.account accounts/7 is deleted; undelete the account first");
  EXPECT_TRUE(store_.activities().empty());
}

TEST_F(ActivityServiceTest, UpdateWithAStaleEtagIsAbortedAndChangesNothing) {
  absl::StatusOr<v1::Activity> created = Create(CreateRequest("r-1"));
  ASSERT_TRUE(created.ok()) << created.status();
  absl::StatusOr<v1::Activity> updated = UpdateSubject(*created, "Renamed", created->etag());
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_NE(updated->etag(), created->etag());

  absl::StatusOr<v1::Activity> stale = UpdateSubject(*created, "Again", created->etag());
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(store_.writes(), 2);
  EXPECT_TRUE(MessageDifferencer::Equals(store_.activities().at(1).activity, *updated));
}

TEST_F(ActivityServiceTest, DeleteWithAStaleEtagIsAbortedAndChangesNothing) {
  absl::StatusOr<v1::Activity> created = Create(CreateRequest("r-1"));
  ASSERT_TRUE(created.ok()) << created.status();
  ASSERT_TRUE(UpdateSubject(*created, "Renamed", "").ok());
  v1::DeleteActivityRequest request;
  request.set_name(created->name());
  request.set_etag(created->etag());
  v1::Activity response;
  EXPECT_EQ(service_.DeleteActivity(ctx_, request, &response).code(), absl::StatusCode::kAborted);
  EXPECT_FALSE(store_.activities().at(1).activity.has_delete_time());
}

TEST_F(ActivityServiceTest, UpdateWhileTheAccountServiceIsDownChangesNothing) {
  absl::StatusOr<v1::Activity> created = Create(CreateRequest("r-1"));
  ASSERT_TRUE(created.ok()) << created.status();
  accounts_.SetDown(true);
  absl::StatusOr<v1::Activity> updated = UpdateSubject(*created, "Renamed", created->etag());
  EXPECT_EQ(updated.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(store_.writes(), 1);
  EXPECT_EQ(store_.activities().at(1).activity.subject(), "Quarterly review");
}

TEST_F(ActivityServiceTest, ListPagesInIdOrder) {
  for (const char* id : {"r-1", "r-2", "r-3"}) ASSERT_TRUE(Create(CreateRequest(id)).ok());
  v1::ListActivitiesRequest request;
  request.set_page_size(2);
  absl::StatusOr<std::vector<v1::ListActivitiesResponse>> pages =
      AllPages(common::testing::Bind(&service_, &ActivityService::ListActivities), request);
  ASSERT_TRUE(pages.ok()) << pages.status();
  ASSERT_EQ(pages->size(), 2u);
  EXPECT_EQ(pages->at(0).activities_size(), 2);
  ASSERT_EQ(pages->at(1).activities_size(), 1);
  EXPECT_EQ(pages->at(1).activities(0).name(), "activities/3");
}

}  // namespace
}  // namespace kam::interaction::activity
