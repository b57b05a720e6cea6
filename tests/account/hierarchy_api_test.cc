// Group-customer hierarchy through the public API: parents on create, moves,
// cycles, the 8-level limit, deletes, ancestors, descendants, group summaries
// and concurrent moves.
#include <algorithm>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "tests/account/account_client.h"

namespace kam::testing {
namespace {

// --- helpers ----------------------------------------------------------------

constexpr char kMissing[] = "accounts/9000000000000000005";

Reply<v1::Account> Create(const std::string& display_name, const std::string& parent = "") {
  v1::CreateAccountRequest request;
  request.mutable_account()->set_display_name(display_name);
  request.mutable_account()->set_parent_account(parent);
  return Call(&AccountApi::CreateAccount, request);
}

// Creates an account (under `parent`) and returns its name.
std::string Make(const std::string& display_name, const std::string& parent = "") {
  Reply<v1::Account> reply = Create(display_name, parent);
  EXPECT_OK(reply.status) << display_name;
  return reply.value.name();
}

v1::Account Get(const std::string& name) {
  return OkValue(Call(&AccountApi::GetAccount, ByName<v1::GetAccountRequest>(name)));
}

std::string ParentOf(const std::string& name) { return Get(name).parent_account(); }

Reply<v1::Account> Move(const std::string& name, const std::string& new_parent) {
  v1::UpdateAccountRequest request;
  request.mutable_account()->set_name(name);
  request.mutable_account()->set_parent_account(new_parent);
  request.mutable_update_mask()->add_paths("parent_account");
  return Call(&AccountApi::UpdateAccount, request);
}

grpc::Status Delete(const std::string& name) {
  return Call(&AccountApi::DeleteAccount, ByName<v1::DeleteAccountRequest>(name)).status;
}

grpc::Status Undelete(const std::string& name) {
  return Call(&AccountApi::UndeleteAccount, ByName<v1::UndeleteAccountRequest>(name)).status;
}

std::vector<std::string> Ancestors(const std::string& name) {
  v1::ListAccountAncestorsRequest request = ByName<v1::ListAccountAncestorsRequest>(name);
  Reply<v1::ListAccountAncestorsResponse> reply = Call(&AccountApi::ListAccountAncestors, request);
  EXPECT_OK(reply.status);
  std::vector<std::string> names;
  for (const v1::Account& a : reply.value.ancestors()) names.push_back(a.name());
  return names;
}

Reply<v1::ListAccountDescendantsResponse> DescendantsPage(const std::string& name, int max_depth,
                                                          int page_size = 0,
                                                          const std::string& token = "") {
  v1::ListAccountDescendantsRequest request = ByName<v1::ListAccountDescendantsRequest>(name);
  request.set_max_depth(max_depth);
  request.set_page_size(page_size);
  request.set_page_token(token);
  return Call(&AccountApi::ListAccountDescendants, request);
}

// {name, depth} of every descendant, in listing order, over all pages.
using Node = std::pair<std::string, int>;
std::vector<Node> Descendants(const std::string& name, int max_depth, int page_size = 0) {
  std::vector<Node> nodes;
  std::string token;
  for (int page = 0; page < 100; ++page) {
    Reply<v1::ListAccountDescendantsResponse> reply =
        DescendantsPage(name, max_depth, page_size, token);
    EXPECT_OK(reply.status);
    if (!reply.status.ok()) break;
    if (page_size > 0) {
      EXPECT_LE(reply.value.nodes_size(), page_size);
    }
    for (const v1::AccountNode& n : reply.value.nodes()) {
      nodes.emplace_back(n.account().name(), n.depth());
    }
    token = reply.value.next_page_token();
    if (token.empty()) break;
  }
  return nodes;
}

// A chain root -> ... of `levels` accounts; element i is at level i + 1.
std::vector<std::string> Chain(const std::string& prefix, int levels) {
  std::vector<std::string> chain;
  for (int i = 0; i < levels; ++i) {
    chain.push_back(Make(absl::StrCat(prefix, " L", i + 1), chain.empty() ? "" : chain.back()));
  }
  return chain;
}

// --- parents, moves, ancestors ---------------------------------------------------------------

TEST(Hierarchy, CreateUnderAParentAndListAncestorsNearestFirst) {
  const std::string root = Make("Group HQ");
  const std::string branch = Make("Provincial branch", root);
  const std::string office = Make("City office", branch);
  EXPECT_EQ(ParentOf(branch), root);
  EXPECT_EQ(ParentOf(office), branch);
  EXPECT_EQ(ParentOf(root), "");
  EXPECT_EQ(Ancestors(office), (std::vector<std::string>{branch, root}));
  EXPECT_EQ(Ancestors(branch), (std::vector<std::string>{root}));
  EXPECT_TRUE(Ancestors(root).empty());
}

TEST(Hierarchy, AncestorsOfAMissingAccountIsNotFound) {
  v1::ListAccountAncestorsRequest request = ByName<v1::ListAccountAncestorsRequest>(kMissing);
  EXPECT_CODE(Call(&AccountApi::ListAccountAncestors, request).status, NOT_FOUND);
}

TEST(Hierarchy, UpdateParentMovesTheWholeSubtree) {
  const std::string old_root = Make("Old group");
  const std::string new_root = Make("New group");
  const std::string branch = Make("Branch", old_root);
  const std::string office = Make("Office", branch);

  Reply<v1::Account> moved = Move(branch, new_root);
  ASSERT_OK(moved.status);
  EXPECT_EQ(moved.value.parent_account(), new_root);
  EXPECT_EQ(ParentOf(branch), new_root);
  EXPECT_EQ(Ancestors(office), (std::vector<std::string>{branch, new_root}));
  EXPECT_TRUE(Descendants(old_root, 0).empty());
  EXPECT_EQ(Descendants(new_root, 0), (std::vector<Node>{{branch, 1}, {office, 2}}));
}

TEST(Hierarchy, MovingToTheSameParentIsANoOpMove) {
  const std::string root = Make("Same parent");
  const std::string child = Make("Child", root);
  ASSERT_OK(Move(child, root).status);
  EXPECT_EQ(ParentOf(child), root);
}

TEST(Hierarchy, ClearingTheParentMakesAGroupRoot) {
  const std::string root = Make("Group");
  const std::string child = Make("Leaving child", root);
  const std::string grandchild = Make("Grandchild", child);
  Reply<v1::Account> moved = Move(child, "");
  ASSERT_OK(moved.status);
  EXPECT_EQ(moved.value.parent_account(), "");
  EXPECT_EQ(ParentOf(child), "");
  EXPECT_TRUE(Ancestors(child).empty());
  EXPECT_EQ(Ancestors(grandchild), (std::vector<std::string>{child}));
  EXPECT_TRUE(Descendants(root, 0).empty());
}

TEST(Hierarchy, MovingUnderADescendantIsACycle) {
  const std::vector<std::string> chain = Chain("Cycle", 3);  // A <- B <- C
  for (const std::string& below : {chain[1], chain[2]}) {
    Reply<v1::Account> reply = Move(chain[0], below);
    EXPECT_CODE(reply.status, FAILED_PRECONDITION);
    EXPECT_TRUE(absl::StrContains(reply.status.error_message(), "cycle"))
        << reply.status.error_message();
  }
  EXPECT_EQ(ParentOf(chain[0]), "");
  EXPECT_EQ(Ancestors(chain[2]), (std::vector<std::string>{chain[1], chain[0]}));
}

TEST(Hierarchy, AnAccountCannotBeItsOwnParent) {
  const std::string root = Make("Narcissus");
  EXPECT_CODE(Move(root, root).status, FAILED_PRECONDITION);
  const std::string child = Make("Echo", root);
  EXPECT_CODE(Move(child, child).status, FAILED_PRECONDITION);
  EXPECT_EQ(ParentOf(root), "");
  EXPECT_EQ(ParentOf(child), root);
}

TEST(Hierarchy, EightLevelsAreAllowedAndANinthIsRefused) {
  const std::vector<std::string> chain = Chain("Deep", 8);
  ASSERT_EQ(chain.size(), 8u);
  EXPECT_EQ(Ancestors(chain[7]).size(), 7u);
  Reply<v1::Account> ninth = Create("Too deep", chain[7]);
  EXPECT_CODE(ninth.status, FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(ninth.status.error_message(), "8"))
      << ninth.status.error_message();
  EXPECT_TRUE(Descendants(chain[7], 0).empty());
}

TEST(Hierarchy, MovingASubtreeThatWouldExceedEightLevelsIsRefused) {
  const std::vector<std::string> chain = Chain("Host", 7);  // levels 1..7
  const std::vector<std::string> pair = Chain("Guest", 2);  // a root with one child
  // Under level 7 the pair would span levels 8 and 9.
  EXPECT_CODE(Move(pair[0], chain[6]).status, FAILED_PRECONDITION);
  EXPECT_EQ(ParentOf(pair[0]), "");
  // Under level 6 it spans 7 and 8: allowed.
  ASSERT_OK(Move(pair[0], chain[5]).status);
  EXPECT_EQ(Ancestors(pair[1]).size(), 7u);
  // A whole deep tree under another root.
  const std::vector<std::string> other = Chain("Other", 2);
  EXPECT_CODE(Move(chain[0], other[1]).status, FAILED_PRECONDITION);
  EXPECT_EQ(ParentOf(chain[0]), "");
}

TEST(Hierarchy, UndeletingALeafCannotExceedEightLevels) {
  const std::vector<std::string> chain = Chain("Undelete host", 7);  // levels 1..7
  const std::string group = Make("Undelete guest");
  const std::string leaf = Make("Sleeping leaf", group);
  ASSERT_OK(Delete(leaf));
  // With its only child deleted, the guest fits at level 8.
  ASSERT_OK(Move(group, chain[6]).status);
  // Bringing the child back would put it at level 9.
  EXPECT_CODE(Undelete(leaf), FAILED_PRECONDITION);
  EXPECT_TRUE(Get(leaf).has_delete_time());
  EXPECT_TRUE(Descendants(group, 0).empty());
}

TEST(Hierarchy, MissingParentIsNotFound) {
  Reply<v1::Account> created = Create("Orphan", kMissing);
  EXPECT_CODE(created.status, NOT_FOUND);
  EXPECT_TRUE(absl::StrContains(created.status.error_message(), kMissing))
      << created.status.error_message();
  const std::string root = Make("Stays put");
  EXPECT_CODE(Move(root, kMissing).status, NOT_FOUND);
  EXPECT_EQ(ParentOf(root), "");
}

TEST(Hierarchy, MalformedParentIsInvalid) {
  EXPECT_TRUE(IsInvalidField(Create("Bad parent", "accounts/01").status,
                             "account.parent_account"));
  const std::string root = Make("Bad move");
  EXPECT_TRUE(IsInvalidField(Move(root, "groups/1").status, "account.parent_account"));
}

TEST(Hierarchy, DeletedParentIsFailedPrecondition) {
  const std::string gone = Make("Gone parent");
  ASSERT_OK(Delete(gone));
  EXPECT_CODE(Create("Child of the gone", gone).status, FAILED_PRECONDITION);
  const std::string root = Make("Would move");
  EXPECT_CODE(Move(root, gone).status, FAILED_PRECONDITION);
  EXPECT_EQ(ParentOf(root), "");
}

TEST(Hierarchy, DeleteWithLiveChildrenIsRefusedUntilTheyAreGone) {
  const std::string root = Make("Parent to delete");
  const std::string child = Make("Live child", root);
  EXPECT_CODE(Delete(root), FAILED_PRECONDITION);
  EXPECT_FALSE(Get(root).has_delete_time());

  ASSERT_OK(Delete(child));
  ASSERT_OK(Delete(root));
  // The child cannot come back while its parent is deleted.
  EXPECT_CODE(Undelete(child), FAILED_PRECONDITION);
  EXPECT_TRUE(Get(child).has_delete_time());
  ASSERT_OK(Undelete(root));
  ASSERT_OK(Undelete(child));
  EXPECT_EQ(Descendants(root, 0), (std::vector<Node>{{child, 1}}));
}

TEST(Hierarchy, MovingAChildAwayAllowsDeletingItsOldParent) {
  const std::string root = Make("Emptied parent");
  const std::string child = Make("Moving child", root);
  ASSERT_OK(Move(child, "").status);
  EXPECT_OK(Delete(root));
}

// --- descendants ------------------------------------------------------------------------

// root -> c1, c2, c3; c1 -> g1, g2; c2 -> g3; g1 -> h1.
class Tree : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = Make("Tree root");
    c1_ = Make("c1", root_);
    c2_ = Make("c2", root_);
    c3_ = Make("c3", root_);
    g1_ = Make("g1", c1_);
    g2_ = Make("g2", c1_);
    g3_ = Make("g3", c2_);
    h1_ = Make("h1", g1_);
  }
  std::string root_, c1_, c2_, c3_, g1_, g2_, g3_, h1_;
};

TEST_F(Tree, MaxDepthOneListsTheChildren) {
  EXPECT_EQ(Descendants(root_, 1), (std::vector<Node>{{c1_, 1}, {c2_, 1}, {c3_, 1}}));
  EXPECT_EQ(Descendants(c1_, 1), (std::vector<Node>{{g1_, 1}, {g2_, 1}}));
  EXPECT_TRUE(Descendants(h1_, 1).empty());
}

TEST_F(Tree, MaxDepthZeroListsEveryLevelBreadthFirst) {
  const std::vector<Node> all = {{c1_, 1}, {c2_, 1}, {c3_, 1}, {g1_, 2},
                                 {g2_, 2}, {g3_, 2}, {h1_, 3}};
  EXPECT_EQ(Descendants(root_, 0), all);
  EXPECT_EQ(Descendants(root_, 2), std::vector<Node>(all.begin(), all.begin() + 6));
  EXPECT_EQ(Descendants(root_, 100), all);
}

TEST_F(Tree, PagesTogetherEqualOneListing) {
  const std::vector<Node> whole = Descendants(root_, 0);
  for (int page_size : {1, 2, 3}) {
    SCOPED_TRACE(page_size);
    EXPECT_EQ(Descendants(root_, 0, page_size), whole);
  }
  Reply<v1::ListAccountDescendantsResponse> first = DescendantsPage(root_, 0, 2);
  ASSERT_OK(first.status);
  ASSERT_FALSE(first.value.next_page_token().empty());
  EXPECT_TRUE(IsInvalidField(DescendantsPage(root_, 1, 2, first.value.next_page_token()).status,
                             "page_token"));
  EXPECT_TRUE(IsInvalidField(DescendantsPage(c1_, 0, 2, first.value.next_page_token()).status,
                             "page_token"));
  EXPECT_TRUE(IsInvalidField(DescendantsPage(root_, 0, 2, "nonsense").status, "page_token"));
}

TEST_F(Tree, DeletedDescendantsAreLeftOut) {
  ASSERT_OK(Delete(g3_));
  ASSERT_OK(Delete(h1_));
  EXPECT_EQ(Descendants(root_, 0),
            (std::vector<Node>{{c1_, 1}, {c2_, 1}, {c3_, 1}, {g1_, 2}, {g2_, 2}}));
}

TEST_F(Tree, BadRequestsAreRefused) {
  EXPECT_TRUE(IsInvalidField(DescendantsPage(root_, -1).status, "max_depth"));
  EXPECT_TRUE(IsInvalidField(DescendantsPage(root_, 0, -5).status, "page_size"));
  EXPECT_CODE(DescendantsPage(kMissing, 0).status, NOT_FOUND);
}

// --- group summary -------------------------------------------------------------------------

void SetTier(const std::string& name, v1::Tier tier) {
  v1::SetAccountTiersRequest request;
  request.set_rating_run(Unique("run"));
  request.set_policy_version("p1");
  request.add_assignments()->set_account(name);
  request.mutable_assignments(0)->set_tier(tier);
  ASSERT_OK(Call(&AccountApi::SetAccountTiers, request).status);
}

void Transition(const std::string& name, v1::RelationshipStage to, int share = -1,
                v1::InterruptionCause cause = v1::INTERRUPTION_CAUSE_UNSPECIFIED) {
  v1::TransitionStageRequest request = ByName<v1::TransitionStageRequest>(name);
  request.set_to_stage(to);
  if (share >= 0) request.set_share_of_wallet_percent(share);
  request.set_interruption_cause(cause);
  ASSERT_OK(Call(&AccountApi::TransitionStage, request).status);
}

std::map<int, int> TierCounts(const v1::GroupSummary& s) {
  std::map<int, int> m;
  for (const v1::TierCount& c : s.tier_counts()) m[c.tier()] = c.count();
  return m;
}

v1::GroupSummary Summary(const std::string& name) {
  return OkValue(Call(&AccountApi::GetGroupSummary, ByName<v1::GetGroupSummaryRequest>(name)));
}

TEST(GroupSummary, CountsTiersStagesAndStatesOverTheLiveSubtree) {
  // root -> c1, c2; c1 -> g1, g2; c2 -> g3, g4 (deleted).
  const std::string root = Make("Summary root");
  const std::string c1 = Make("s-c1", root);
  const std::string c2 = Make("s-c2", root);
  const std::string g1 = Make("s-g1", c1);
  const std::string g2 = Make("s-g2", c1);
  const std::string g3 = Make("s-g3", c2);
  const std::string g4 = Make("s-g4", c2);
  const std::string outsider = Make("Not in the group");

  SetTier(root, v1::TIER_A);
  SetTier(c1, v1::TIER_B);
  SetTier(c2, v1::TIER_B);
  SetTier(g1, v1::TIER_C);
  SetTier(g3, v1::TIER_D);
  SetTier(g4, v1::TIER_A);
  SetTier(outsider, v1::TIER_A);

  Transition(root, v1::RELATIONSHIP_STAGE_INITIAL, 30);
  Transition(c1, v1::RELATIONSHIP_STAGE_INITIAL, 40);
  Transition(c1, v1::RELATIONSHIP_STAGE_STABLE, 70);
  Transition(c1, v1::RELATIONSHIP_STAGE_STRATEGIC, 85);
  Transition(g1, v1::RELATIONSHIP_STAGE_INTERRUPTED, -1,
             v1::INTERRUPTION_CAUSE_KEY_PERSON_CHANGE);
  Transition(g3, v1::RELATIONSHIP_STAGE_INITIAL, 10);
  Transition(g4, v1::RELATIONSHIP_STAGE_INITIAL, 10);

  v1::MarkChurnedRequest churn = ByName<v1::MarkChurnedRequest>(g3);
  churn.set_kind(v1::CHURN_EVENT_KIND_CUSTOMER_CHURN);
  churn.set_reason(v1::CHURN_REASON_PRICE);
  ASSERT_OK(Call(&AccountApi::MarkChurned, churn).status);
  ASSERT_OK(Delete(g4));

  const v1::GroupSummary s = Summary(root);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(s.root(), Get(root)));
  EXPECT_EQ(s.account_count(), 6);
  EXPECT_EQ(s.depth(), 2);

  ASSERT_EQ(s.tier_counts_size(), 5);
  const std::vector<std::pair<v1::Tier, int>> tiers = {
      {v1::TIER_UNSPECIFIED, 1}, {v1::TIER_A, 1}, {v1::TIER_B, 2}, {v1::TIER_C, 1},
      {v1::TIER_D, 1}};
  for (size_t i = 0; i < tiers.size(); ++i) {
    EXPECT_EQ(s.tier_counts(i).tier(), tiers[i].first);
    EXPECT_EQ(s.tier_counts(i).count(), tiers[i].second) << v1::Tier_Name(tiers[i].first);
  }
  ASSERT_EQ(s.stage_counts_size(), 5);
  const std::vector<std::pair<v1::RelationshipStage, int>> stages = {
      {v1::RELATIONSHIP_STAGE_DEVELOPMENT, 2}, {v1::RELATIONSHIP_STAGE_INITIAL, 2},
      {v1::RELATIONSHIP_STAGE_STABLE, 0},      {v1::RELATIONSHIP_STAGE_STRATEGIC, 1},
      {v1::RELATIONSHIP_STAGE_INTERRUPTED, 1}};
  for (size_t i = 0; i < stages.size(); ++i) {
    EXPECT_EQ(s.stage_counts(i).stage(), stages[i].first);
    EXPECT_EQ(s.stage_counts(i).count(), stages[i].second)
        << v1::RelationshipStage_Name(stages[i].first);
  }
  ASSERT_EQ(s.state_counts_size(), 2);
  EXPECT_EQ(s.state_counts(0).state(), v1::LIFECYCLE_STATE_ACTIVE);
  EXPECT_EQ(s.state_counts(0).count(), 5);
  EXPECT_EQ(s.state_counts(1).state(), v1::LIFECYCLE_STATE_CHURNED);
  EXPECT_EQ(s.state_counts(1).count(), 1);

  // A subtree and a leaf.
  const v1::GroupSummary sub = Summary(c1);
  EXPECT_EQ(sub.account_count(), 3);
  EXPECT_EQ(sub.depth(), 1);
  EXPECT_EQ(TierCounts(sub), (std::map<int, int>{{0, 1}, {1, 0}, {2, 1}, {3, 1}, {4, 0}}));
  const v1::GroupSummary leaf = Summary(g2);
  EXPECT_EQ(leaf.account_count(), 1);
  EXPECT_EQ(leaf.depth(), 0);
  EXPECT_EQ(TierCounts(leaf), (std::map<int, int>{{0, 1}, {1, 0}, {2, 0}, {3, 0}, {4, 0}}));
}

TEST(GroupSummary, ADeletedRootHeadsNoGroup) {
  const std::string root = Make(Unique("Deleted root"));
  ASSERT_OK(Delete(root));
  const v1::GroupSummary summary = Summary(root);
  EXPECT_TRUE(summary.root().has_delete_time());
  EXPECT_EQ(summary.account_count(), 0);
  for (const v1::TierCount& c : summary.tier_counts()) EXPECT_EQ(c.count(), 0);
}

TEST(Hierarchy, ARetriedCreateUnderADeletedParentReturnsTheFirstResult) {
  const std::string parent = Make(Unique("Parent deleted after a create"));
  v1::CreateAccountRequest request;
  request.set_request_id(Unique("retry-under-parent"));
  request.mutable_account()->set_display_name("Child");
  request.mutable_account()->set_parent_account(parent);
  Reply<v1::Account> first = Call(&AccountApi::CreateAccount, request);
  ASSERT_OK(first.status);
  // The child goes first (a parent with live children cannot be deleted),
  // then the parent; the client never saw the first answer and retries.
  ASSERT_OK(Delete(first.value.name()));
  ASSERT_OK(Delete(parent));
  Reply<v1::Account> retry = Call(&AccountApi::CreateAccount, request);
  ASSERT_OK(retry.status);
  EXPECT_EQ(retry.value.name(), first.value.name());
}

TEST(Hierarchy, ParentFilterValuesMustBeCanonicalNames) {
  v1::ListAccountsRequest request;
  request.set_filter("parent_account = \"accounts/01\"");
  EXPECT_CODE(Call(&AccountApi::ListAccounts, request).status, INVALID_ARGUMENT);
}

TEST(GroupSummary, MissingRootIsNotFound) {
  v1::GetGroupSummaryRequest request = ByName<v1::GetGroupSummaryRequest>(kMissing);
  EXPECT_CODE(Call(&AccountApi::GetGroupSummary, request).status, NOT_FOUND);
}

// --- concurrency -----------------------------------------------------------------------------

// True when following parents from `name` never comes back to it.
bool Acyclic(const std::string& name) {
  std::vector<std::string> up = Ancestors(name);
  return std::find(up.begin(), up.end(), name) == up.end() && up.size() < 8;
}

TEST(Hierarchy, ConcurrentOppositeMovesNeverMakeACycle) {
  for (int round = 0; round < 12; ++round) {
    SCOPED_TRACE(round);
    const std::string a = Make(absl::StrCat("Race A ", round));
    const std::string b = Make(absl::StrCat("Race B ", round));
    grpc::Status statuses[2];
    RunTogether(2, [&](int i) {
      statuses[i] = i == 0 ? Move(a, b).status : Move(b, a).status;
    });
    EXPECT_EQ(statuses[0].ok() + statuses[1].ok(), 1)
        << statuses[0].error_message() << " / " << statuses[1].error_message();
    for (const grpc::Status& s : statuses) {
      if (!s.ok()) {
        EXPECT_CODE(s, FAILED_PRECONDITION);
      }
    }
    EXPECT_TRUE(Acyclic(a));
    EXPECT_TRUE(Acyclic(b));
    EXPECT_TRUE(ParentOf(a).empty() || ParentOf(b).empty());
  }
}

TEST(Hierarchy, ConcurrentThreeWayRotationNeverMakesACycle) {
  for (int round = 0; round < 8; ++round) {
    SCOPED_TRACE(round);
    const std::string n[3] = {Make("Rot 0"), Make("Rot 1"), Make("Rot 2")};
    grpc::Status statuses[3];
    RunTogether(3, [&](int i) { statuses[i] = Move(n[i], n[(i + 1) % 3]).status; });
    int ok = 0;
    for (const grpc::Status& s : statuses) {
      if (s.ok()) {
        ++ok;
      } else {
        EXPECT_CODE(s, FAILED_PRECONDITION);
      }
    }
    EXPECT_EQ(ok, 2);
    for (const std::string& name : n) EXPECT_TRUE(Acyclic(name));
  }
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) { return kam::testing::RunTestsOnSuite(argc, argv); }
