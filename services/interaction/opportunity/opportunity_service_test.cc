// Handler unit tests of OpportunityService over FakeOpportunityStore and
// FakeAccountClient: idempotent creates (first call, retry, same request id
// with another body), stale etags on every change, stage moves and their
// history, and a database or account service that is down. No database, no
// network.
#include "services/interaction/opportunity/opportunity_service.h"

#include <functional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "services/interaction/opportunity/fake_opportunity_store.h"
#include "services/interaction/shared/fake_account_client.h"

namespace kam::interaction::opportunity {
namespace {

using google::protobuf::util::MessageDifferencer;

template <typename T>
struct NotDeduced {
  using type = T;
};

class OpportunityServiceTest : public ::testing::Test {
 protected:
  OpportunityServiceTest() { accounts_.PutAccount(7, "EUR"); }

  absl::StatusOr<v1::Opportunity> Create(const std::string& request_id,
                                         const std::string& title = "Rollout 2027") {
    v1::CreateOpportunityRequest request;
    request.set_request_id(request_id);
    v1::Opportunity* o = request.mutable_opportunity();
    o->set_account("accounts/7");
    o->set_title(title);
    o->set_owner("alice");
    o->mutable_amount()->set_currency_code("EUR");
    o->mutable_amount()->set_minor_units(250'000'00);
    v1::Opportunity created;
    if (absl::Status s = service_.CreateOpportunity(ctx_, request, &created); !s.ok()) return s;
    return created;
  }

  // A new title for `o`, given the etag the caller read.
  absl::Status Retitle(const v1::Opportunity& o, const std::string& etag, v1::Opportunity* out) {
    v1::UpdateOpportunityRequest request;
    request.mutable_opportunity()->set_name(o.name());
    request.mutable_opportunity()->set_etag(etag);
    request.mutable_opportunity()->set_title("Rollout 2028");
    request.mutable_update_mask()->add_paths("title");
    return service_.UpdateOpportunity(ctx_, request, out);
  }

  // `method` on opportunity `name` as read at `etag`; `fill` adds the rest
  // of the request.
  template <typename Request, typename Response>
  absl::Status Change(
      absl::Status (OpportunityService::*method)(const common::CallContext&, const Request&,
                                                 Response*),
      const std::string& name, const std::string& etag,
      const typename NotDeduced<std::function<void(Request&)>>::type& fill = nullptr) {
    Request request;
    request.set_name(name);
    request.set_etag(etag);
    if (fill) fill(request);
    Response response;
    return (service_.*method)(ctx_, request, &response);
  }

  size_t Stored() const { return store_.Opportunities().size(); }

  FakeOpportunityStore store_;
  FakeAccountClient accounts_;
  OpportunityService service_{&store_, &accounts_};
  const common::CallContext ctx_{nullptr, "tester", ""};
};

TEST_F(OpportunityServiceTest, CreateStartsAtTheFirstStageWithItsHistoryRow) {
  absl::StatusOr<v1::Opportunity> o = Create("create-1");
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->stage(), v1::OPPORTUNITY_STAGE_CUSTOMER_DEVELOPMENT);
  EXPECT_EQ(o->state(), v1::OPPORTUNITY_STATE_OPEN);
  ASSERT_EQ(Stored(), 1u);
  EXPECT_TRUE(MessageDifferencer::Equals(store_.Opportunities()[0].opportunity, *o));
  const std::vector<v1::OpportunityStageMove> moves = store_.MovesOf(store_.Opportunities()[0].id);
  ASSERT_EQ(moves.size(), 1u);
  EXPECT_EQ(moves[0].kind(), v1::OPPORTUNITY_STAGE_MOVE_KIND_CREATED);
  EXPECT_EQ(moves[0].actor(), "tester");
}

TEST_F(OpportunityServiceTest, RetryWithTheSameRequestIdAnswersTheFirstResult) {
  absl::StatusOr<v1::Opportunity> first = Create("retry-1");
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<v1::Opportunity> retry = Create("retry-1");
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_TRUE(MessageDifferencer::Equals(*retry, *first));
  EXPECT_EQ(Stored(), 1u);
  EXPECT_EQ(store_.MovesOf(store_.Opportunities()[0].id).size(), 1u);
}

TEST_F(OpportunityServiceTest, SameRequestIdWithAnotherBodyIsAlreadyExists) {
  ASSERT_TRUE(Create("reused-1").ok());
  absl::StatusOr<v1::Opportunity> other = Create("reused-1", "Another deal");
  EXPECT_EQ(other.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(other.status().message(),
            "request_id \"reused-1\" was already used by a different CreateOpportunity request");
  EXPECT_EQ(Stored(), 1u);
}

TEST_F(OpportunityServiceTest, RetryIsAnsweredWhileTheAccountServiceIsDown) {
  absl::StatusOr<v1::Opportunity> first = Create("down-1");
  ASSERT_TRUE(first.ok()) << first.status();
  accounts_.SetDown(true);
  absl::StatusOr<v1::Opportunity> retry = Create("down-1");
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_TRUE(MessageDifferencer::Equals(*retry, *first));
}

TEST_F(OpportunityServiceTest, ADependencyThatIsDownIsUnavailableAndWritesNothing) {
  const std::pair<const char*, std::function<void(bool)>> dependencies[] = {
      {"account-service", [this](bool down) { accounts_.SetDown(down); }},
      {"database", [this](bool down) { store_.SetDown(down); }},
  };
  for (const auto& [name, set_down] : dependencies) {
    SCOPED_TRACE(name);
    set_down(true);
    EXPECT_EQ(Create(absl::StrCat("new-while-", name, "-down")).status().code(),
              absl::StatusCode::kUnavailable);
    set_down(false);
    EXPECT_EQ(Stored(), 0u);
  }
}

TEST_F(OpportunityServiceTest, EveryChangeWithAStaleEtagIsAbortedAndChangesNothing) {
  absl::StatusOr<v1::Opportunity> created = Create("");
  ASSERT_TRUE(created.ok()) << created.status();
  v1::Opportunity current;
  ASSERT_TRUE(Retitle(*created, created->etag(), &current).ok());
  ASSERT_NE(current.etag(), created->etag());
  const std::string stale = created->etag();
  const std::string name = created->name();

  const std::pair<const char*, std::function<absl::Status()>> changes[] = {
      {"UpdateOpportunity",
       [&] {
         v1::Opportunity out;
         return Retitle(*created, stale, &out);
       }},
      {"DeleteOpportunity",
       [&] { return Change(&OpportunityService::DeleteOpportunity, name, stale); }},
      {"UndeleteOpportunity",
       [&] { return Change(&OpportunityService::UndeleteOpportunity, name, stale); }},
      {"MoveOpportunityStage",
       [&] {
         return Change(&OpportunityService::MoveOpportunityStage, name, stale,
                       [](v1::MoveOpportunityStageRequest& request) {
                         request.set_to_stage(v1::OPPORTUNITY_STAGE_PROJECT_INITIATION);
                       });
       }},
      {"CloseOpportunity",
       [&] {
         return Change(&OpportunityService::CloseOpportunity, name, stale,
                       [](v1::CloseOpportunityRequest& request) {
                         request.set_outcome(v1::OPPORTUNITY_STATE_LOST);
                         request.set_reason("the customer bought nothing");
                         request.set_lost_reason(v1::OPPORTUNITY_LOST_REASON_NO_DECISION);
                       });
       }},
      {"ReopenOpportunity",
       [&] {
         return Change(&OpportunityService::ReopenOpportunity, name, stale,
                       [](v1::ReopenOpportunityRequest& request) {
                         request.set_reason("the customer came back");
                       });
       }},
  };
  for (const auto& [method, call] : changes) {
    SCOPED_TRACE(method);
    absl::Status status = call();
    EXPECT_EQ(status.code(), absl::StatusCode::kAborted) << status;
    ASSERT_EQ(Stored(), 1u);
    EXPECT_TRUE(MessageDifferencer::Equals(store_.Opportunities()[0].opportunity, current));
    EXPECT_EQ(store_.MovesOf(store_.Opportunities()[0].id).size(), 1u);  // CREATED only
  }
}

TEST_F(OpportunityServiceTest, MovingAStageWritesTheOpportunityAndItsHistoryTogether) {
  absl::StatusOr<v1::Opportunity> o = Create("");
  ASSERT_TRUE(o.ok()) << o.status();
  v1::MoveOpportunityStageRequest request;
  request.set_name(o->name());
  request.set_etag(o->etag());
  request.set_to_stage(v1::OPPORTUNITY_STAGE_PROJECT_INITIATION);
  v1::MoveOpportunityStageResponse moved;
  // CUSTOMER_DEVELOPMENT's milestone is not achieved: refused, nothing written.
  EXPECT_EQ(service_.MoveOpportunityStage(ctx_, request, &moved).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_.MovesOf(store_.Opportunities()[0].id).size(), 1u);

  // With the milestone achieved the move goes through, its history row with it.
  v1::UpdateOpportunityRequest achieve;
  achieve.mutable_opportunity()->set_name(o->name());
  achieve.mutable_opportunity()->mutable_milestones()->mutable_customer_development()->set_achieved(
      true);
  achieve.mutable_update_mask()->add_paths("milestones.customer_development.achieved");
  v1::Opportunity updated;
  ASSERT_TRUE(service_.UpdateOpportunity(ctx_, achieve, &updated).ok());
  request.set_etag(updated.etag());
  ASSERT_TRUE(service_.MoveOpportunityStage(ctx_, request, &moved).ok());
  EXPECT_EQ(moved.opportunity().stage(), v1::OPPORTUNITY_STAGE_PROJECT_INITIATION);
  EXPECT_EQ(moved.move().kind(), v1::OPPORTUNITY_STAGE_MOVE_KIND_ADVANCED);
  const std::vector<v1::OpportunityStageMove> moves = store_.MovesOf(store_.Opportunities()[0].id);
  ASSERT_EQ(moves.size(), 2u);
  EXPECT_TRUE(MessageDifferencer::Equals(moves[1], moved.move()));
  EXPECT_TRUE(
      MessageDifferencer::Equals(store_.Opportunities()[0].opportunity, moved.opportunity()));

  v1::ListOpportunityStageHistoryRequest list;
  list.set_parent(o->name());
  list.set_page_size(1);
  v1::ListOpportunityStageHistoryResponse page;
  ASSERT_TRUE(service_.ListOpportunityStageHistory(ctx_, list, &page).ok());
  ASSERT_EQ(page.moves_size(), 1);
  EXPECT_EQ(page.moves(0).kind(), v1::OPPORTUNITY_STAGE_MOVE_KIND_CREATED);
  list.set_page_token(page.next_page_token());
  page.Clear();
  ASSERT_TRUE(service_.ListOpportunityStageHistory(ctx_, list, &page).ok());
  ASSERT_EQ(page.moves_size(), 1);
  EXPECT_TRUE(page.next_page_token().empty());
}

TEST_F(OpportunityServiceTest, StageProbabilitiesWithAStaleEtagAreAborted) {
  v1::OpportunityStageProbabilities table;
  ASSERT_TRUE(service_.GetStageProbabilities(ctx_, {}, &table).ok());
  v1::UpdateStageProbabilitiesRequest request;
  *request.mutable_stage_probabilities() = table;
  request.mutable_stage_probabilities()->mutable_probabilities(0)->set_probability_percent(15);
  v1::OpportunityStageProbabilities updated;
  ASSERT_TRUE(service_.UpdateStageProbabilities(ctx_, request, &updated).ok());
  EXPECT_EQ(updated.probabilities(0).probability_percent(), 15);
  EXPECT_EQ(updated.update_actor(), "tester");

  request.mutable_stage_probabilities()->mutable_probabilities(0)->set_probability_percent(5);
  EXPECT_EQ(service_.UpdateStageProbabilities(ctx_, request, &table).code(),
            absl::StatusCode::kAborted);
  ASSERT_TRUE(service_.GetStageProbabilities(ctx_, {}, &table).ok());
  EXPECT_TRUE(MessageDifferencer::Equals(table, updated));
}

}  // namespace
}  // namespace kam::interaction::opportunity
