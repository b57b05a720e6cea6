// Unit tests of the case handlers on fakes (no database, no network): the
// idempotent create, stale etags, and the account service or the database
// being down.
#include "services/interaction/cases/case_service.h"

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "common/base/proto_time.h"
#include "gtest/gtest.h"
#include "services/interaction/cases/case_sla_breach.h"
#include "services/interaction/cases/fake_case_store.h"
#include "services/interaction/shared/fake_account_client.h"

namespace kam::interaction::cases {
namespace {

class CaseServiceTest : public ::testing::Test {
 protected:
  CaseServiceTest() {
    accounts_.PutAccount(7);
    ctx_.actor = "alice";
  }

  static v1::CreateCaseRequest CreateRequest(const std::string& request_id,
                                             const std::string& title = "Invoice is wrong") {
    v1::CreateCaseRequest request;
    request.set_request_id(request_id);
    v1::Case* c = request.mutable_case_();
    c->set_account("accounts/7");
    c->set_type(v1::CASE_TYPE_COMPLAINT);
    c->set_priority(v1::CASE_PRIORITY_HIGH);
    c->set_title(title);
    return request;
  }

  v1::Case Create(const std::string& request_id) {
    v1::Case created;
    const absl::Status status = service_.CreateCase(ctx_, CreateRequest(request_id), &created);
    EXPECT_TRUE(status.ok()) << status;
    return created;
  }

  FakeCaseStore store_;
  FakeAccountClient accounts_;
  SlaSweeper sweeper_{&store_, absl::Seconds(10)};
  CaseService service_{&store_, &accounts_, &sweeper_};
  common::CallContext ctx_;
};

TEST_F(CaseServiceTest, CreateOpensTheCaseWithItsRouteTargetsAndAuditRow) {
  const v1::Case created = Create("req-1");
  EXPECT_EQ(created.status(), v1::CASE_STATUS_OPEN);
  EXPECT_EQ(created.level(), v1::CASE_LEVEL_ACCOUNT_MANAGER);  // COMPLAINT's default route
  EXPECT_EQ(created.account_tier(), account::v1::TIER_B);
  EXPECT_EQ(created.sla_policy(), "slaPolicies/high-b");
  EXPECT_EQ(created.first_response_target_minutes(), 120);
  EXPECT_EQ(created.resolution_target_minutes(), 2880);
  absl::StatusOr<StoredCase> stored = store_.GetCase(std::stoll(created.name().substr(6)));
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->title, "Invoice is wrong");
  EXPECT_EQ(store_.event_count(), 1);
}

TEST_F(CaseServiceTest, RetryWithTheSameRequestIdAnswersTheFirstResultAndWritesNothing) {
  const v1::Case first = Create("req-1");
  const int calls = accounts_.calls();
  v1::Case again;
  ASSERT_TRUE(service_.CreateCase(ctx_, CreateRequest("req-1"), &again).ok());
  EXPECT_EQ(again.name(), first.name());
  EXPECT_EQ(again.etag(), first.etag());
  EXPECT_EQ(store_.case_count(), 1);
  EXPECT_EQ(store_.event_count(), 1);
  EXPECT_EQ(accounts_.calls(), calls);  // answered before asking the account service
}

TEST_F(CaseServiceTest, SameRequestIdWithAnotherBodyIsAlreadyExists) {
  Create("req-1");
  v1::Case other;
  const absl::Status status =
      service_.CreateCase(ctx_, CreateRequest("req-1", "Another title"), &other);
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(status.message(),
            "request_id \"req-1\" was already used by a different CreateCase request");
  EXPECT_EQ(store_.case_count(), 1);
}

TEST_F(CaseServiceTest, CreateWritesNothingWhileADependencyIsDown) {
  const std::pair<const char*, std::function<void(bool)>> kDependencies[] = {
      {"account service", [&](bool down) { accounts_.SetDown(down); }},
      {"database", [&](bool down) { store_.SetDown(down); }},
  };
  for (const auto& [dependency, set_down] : kDependencies) {
    set_down(true);
    v1::Case created;
    EXPECT_EQ(service_.CreateCase(ctx_, CreateRequest("req-1"), &created).code(),
              absl::StatusCode::kUnavailable)
        << dependency;
    set_down(false);
    EXPECT_EQ(store_.case_count(), 0) << dependency;
    EXPECT_EQ(store_.event_count(), 0) << dependency;
  }
}

TEST_F(CaseServiceTest, CreateOnADeletedAccountIsRefused) {
  account::v1::Account deleted = accounts_.PutAccount(8);
  *deleted.mutable_delete_time() = common::ToProtoTimestamp(absl::Now());
  accounts_.Put(deleted);
  v1::CreateCaseRequest request = CreateRequest("req-1");
  request.mutable_case_()->set_account("accounts/8");
  v1::Case created;
  const absl::Status status = service_.CreateCase(ctx_, request, &created);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(), "account accounts/8 is deleted; undelete it first");
  EXPECT_EQ(store_.case_count(), 0);
}

// Every write of a case, given the case's name and an etag.
struct CaseWrite {
  std::string method;
  std::function<absl::Status(CaseService&, const common::CallContext&, const std::string& name,
                             const std::string& etag, v1::Case*)>
      call;
};

template <typename Request>
void Address(Request& request, const std::string& name, const std::string& etag) {
  request.set_name(name);
  request.set_etag(etag);
}
void Address(v1::UpdateCaseRequest& request, const std::string& name, const std::string& etag) {
  Address(*request.mutable_case_(), name, etag);
}

// `method` with `request`, addressed to the case.
template <typename Request>
CaseWrite Write(std::string method,
                absl::Status (CaseService::*handler)(const common::CallContext&, const Request&,
                                                     v1::Case*),
                const Request& request) {
  return {std::move(method),
          [handler, request](CaseService& service, const common::CallContext& ctx,
                             const std::string& name, const std::string& etag, v1::Case* out) {
            Request addressed = request;
            Address(addressed, name, etag);
            return (service.*handler)(ctx, addressed, out);
          }};
}

std::vector<CaseWrite> CaseWrites() {
  v1::UpdateCaseRequest update;
  update.mutable_case_()->set_title("Renamed");
  update.mutable_update_mask()->add_paths("title");
  v1::ChangeCaseStatusRequest status;
  status.set_status(v1::CASE_STATUS_IN_PROGRESS);
  v1::EscalateCaseRequest escalate;
  escalate.set_reason("customer called the CEO");
  return {Write("UpdateCase", &CaseService::UpdateCase, update),
          Write("ChangeCaseStatus", &CaseService::ChangeCaseStatus, status),
          Write("RecordFirstResponse", &CaseService::RecordFirstResponse,
                v1::RecordFirstResponseRequest()),
          Write("EscalateCase", &CaseService::EscalateCase, escalate)};
}

TEST_F(CaseServiceTest, EveryWriteWithTheCurrentEtagGoesThroughAndChangesIt) {
  for (const CaseWrite& write : CaseWrites()) {
    const v1::Case created = Create("req-" + write.method);
    v1::Case written;
    const absl::Status status =
        write.call(service_, ctx_, created.name(), created.etag(), &written);
    ASSERT_TRUE(status.ok()) << write.method << ": " << status;
    EXPECT_NE(written.etag(), created.etag()) << write.method;
  }
}

TEST_F(CaseServiceTest, EveryWriteWithAStaleEtagIsAbortedAndChangesNothing) {
  for (const CaseWrite& write : CaseWrites()) {
    const v1::Case created = Create("req-" + write.method);
    const std::string stale = created.etag();
    v1::Case touched;
    ASSERT_TRUE(write.call(service_, ctx_, created.name(), "", &touched).ok()) << write.method;
    const int events = store_.event_count();
    v1::Case refused;
    EXPECT_EQ(write.call(service_, ctx_, created.name(), stale, &refused).code(),
              absl::StatusCode::kAborted)
        << write.method;
    v1::GetCaseRequest get;
    get.set_name(created.name());
    v1::Case now;
    ASSERT_TRUE(service_.GetCase(ctx_, get, &now).ok());
    EXPECT_EQ(now.etag(), touched.etag()) << write.method;
    EXPECT_EQ(store_.event_count(), events) << write.method;
  }
}

TEST_F(CaseServiceTest, StatusChangeWorksWhileTheAccountServiceIsDown) {
  const v1::Case created = Create("req-1");
  accounts_.SetDown(true);
  v1::Case written;
  EXPECT_TRUE(CaseWrites()[1].call(service_, ctx_, created.name(), created.etag(), &written).ok());
  EXPECT_EQ(written.status(), v1::CASE_STATUS_IN_PROGRESS);
}

TEST_F(CaseServiceTest, StalePolicyAndRouteEtagsAreAbortedAndChangeNothing) {
  v1::GetSlaPolicyRequest get;
  get.set_name("slaPolicies/high-b");
  v1::SlaPolicy policy;
  ASSERT_TRUE(service_.GetSlaPolicy(ctx_, get, &policy).ok());
  v1::UpdateSlaPolicyRequest update;
  *update.mutable_policy() = policy;
  update.mutable_policy()->set_first_response_minutes(90);
  update.mutable_update_mask()->add_paths("first_response_minutes");
  v1::SlaPolicy updated;
  ASSERT_TRUE(service_.UpdateSlaPolicy(ctx_, update, &updated).ok());
  EXPECT_EQ(updated.first_response_minutes(), 90);
  EXPECT_EQ(updated.update_actor(), "alice");
  update.mutable_policy()->set_first_response_minutes(60);  // still the first etag
  EXPECT_EQ(service_.UpdateSlaPolicy(ctx_, update, &updated).code(), absl::StatusCode::kAborted);
  ASSERT_TRUE(service_.GetSlaPolicy(ctx_, get, &policy).ok());
  EXPECT_EQ(policy.first_response_minutes(), 90);
  v1::ListSlaPolicyChangesResponse changes;
  ASSERT_TRUE(service_.ListSlaPolicyChanges(ctx_, {}, &changes).ok());
  EXPECT_EQ(changes.changes_size(), 1);

  v1::ListCaseRoutesResponse routes;
  ASSERT_TRUE(service_.ListCaseRoutes(ctx_, {}, &routes).ok());
  v1::UpdateCaseRouteRequest route;
  *route.mutable_route() = routes.routes(1);  // COMPLAINT
  EXPECT_EQ(route.route().level(), v1::CASE_LEVEL_ACCOUNT_MANAGER);  // the shipped default
  route.mutable_route()->set_level(v1::CASE_LEVEL_SENIOR_MANAGER);
  v1::CaseRoute written;
  ASSERT_TRUE(service_.UpdateCaseRoute(ctx_, route, &written).ok());
  route.mutable_route()->set_level(v1::CASE_LEVEL_EXECUTIVE);
  EXPECT_EQ(service_.UpdateCaseRoute(ctx_, route, &written).code(), absl::StatusCode::kAborted);
  v1::ListCaseRoutesResponse after;
  ASSERT_TRUE(service_.ListCaseRoutes(ctx_, {}, &after).ok());
  EXPECT_EQ(after.routes(1).level(), v1::CASE_LEVEL_SENIOR_MANAGER);
}

TEST_F(CaseServiceTest, SweepEscalatesABreachOnceAndRecordsIt) {
  StoredCase late;
  late.id = 42;
  late.account_id = 7;
  late.status = v1::CASE_STATUS_OPEN;
  late.level = v1::CASE_LEVEL_SERVICE_CENTRE;
  late.version = 1;
  late.clock.start = absl::Now() - absl::Hours(3);
  late.clock.targets = {absl::Hours(1), absl::Hours(48)};
  late.update_time = late.clock.start;
  store_.PutCase(late);
  v1::RunSlaSweepResponse swept;
  ASSERT_TRUE(service_.RunSlaSweep(ctx_, {}, &swept).ok());
  EXPECT_EQ(swept.breaches(), 1);
  EXPECT_EQ(swept.escalations(), 1);
  absl::StatusOr<StoredCase> row = store_.GetCase(42);
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->level, v1::CASE_LEVEL_ACCOUNT_MANAGER);
  EXPECT_TRUE(row->first_response_escalated);
  EXPECT_EQ(store_.event_count(), 1);
  ASSERT_TRUE(service_.RunSlaSweep(ctx_, {}, &swept).ok());
  EXPECT_EQ(swept.breaches(), 0);
}

TEST_F(CaseServiceTest, SweepWhileTheDatabaseIsDownIsUnavailable) {
  store_.SetDown(true);
  v1::RunSlaSweepResponse swept;
  EXPECT_EQ(service_.RunSlaSweep(ctx_, {}, &swept).code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace kam::interaction::cases
