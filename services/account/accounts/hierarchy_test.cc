#include "services/account/accounts/hierarchy.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace kam::account::accounts {
namespace {

// A chain of `length` ancestors for a new parent: the parent (id 100) first,
// then 101, 102, ... up to the root.
std::vector<int64_t> Chain(int length) {
  std::vector<int64_t> chain;
  for (int i = 0; i < length; ++i) chain.push_back(100 + i);
  return chain;
}

void ExpectRefused(const absl::Status& status, const std::vector<std::string>& mentions) {
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  for (const std::string& m : mentions) {
    EXPECT_TRUE(absl::StrContains(status.message(), m)) << status << " (want \"" << m << "\")";
  }
}

TEST(HierarchyTest, MaxDepthIsEight) { EXPECT_EQ(kMaxHierarchyDepth, 8); }

TEST(CheckParentMoveTest, LeafUnderARootIsFine) {
  EXPECT_TRUE(CheckParentMove(1, 100, Chain(1), 0).ok());
}

TEST(CheckParentMoveTest, OwnParentIsRefused) {
  const absl::Status status = CheckParentMove(7, 7, {7}, 0);
  ExpectRefused(status, {"accounts/7"});
  EXPECT_EQ(status.message(), "accounts/7 cannot be its own parent");
  // Also when the store hands over an empty chain.
  ExpectRefused(CheckParentMove(7, 7, {}, 0), {"accounts/7", "own parent"});
}

TEST(CheckParentMoveTest, CycleIsRefusedWhereverTheAccountIsInTheChain) {
  // Account 5 moving under 100, whose chain is 100, 101, ..., 106 with 5
  // substituted at each position in turn (5 is above 100: a cycle).
  for (size_t pos = 1; pos < 7; ++pos) {
    std::vector<int64_t> chain = Chain(7);
    chain[pos] = 5;
    const absl::Status status = CheckParentMove(5, 100, chain, 0);
    ExpectRefused(status, {"accounts/5", "accounts/100", "cycle"});
    EXPECT_EQ(status.message(),
              "moving accounts/5 under accounts/100 would make a cycle: accounts/100 is below "
              "accounts/5")
        << "position " << pos;
  }
}

TEST(CheckParentMoveTest, CycleAtTheRootOfALongChain) {
  std::vector<int64_t> chain = Chain(3);
  chain.push_back(9);  // 9 is the root above 100's ancestors
  ExpectRefused(CheckParentMove(9, 100, chain, 2), {"accounts/9", "accounts/100", "cycle"});
}

TEST(CheckParentMoveTest, CycleIsReportedBeforeDepth) {
  // Too deep as well, but the cycle is the real problem.
  std::vector<int64_t> chain = Chain(10);
  chain[4] = 5;
  ExpectRefused(CheckParentMove(5, 100, chain, 3), {"cycle"});
}

TEST(CheckParentMoveTest, AccountNotInChainIsNoCycle) {
  EXPECT_TRUE(CheckParentMove(5, 100, {100, 50, 6, 4}, 0).ok());
}

struct DepthCase {
  int chain_length;    // the new parent's level
  int subtree_height;  // levels below the moved account
  int deepest;         // chain_length + 1 + subtree_height
};

TEST(CheckParentMoveTest, DepthLimitAtExactlyEightAndNine) {
  const DepthCase ok_cases[] = {
      {7, 0, 8}, {6, 1, 8}, {5, 2, 8}, {1, 6, 8}, {3, 4, 8}, {1, 0, 2}, {2, 5, 8},
  };
  for (const DepthCase& c : ok_cases) {
    EXPECT_TRUE(CheckParentMove(1, 100, Chain(c.chain_length), c.subtree_height).ok())
        << "chain " << c.chain_length << " height " << c.subtree_height;
  }
  const DepthCase refused_cases[] = {
      {8, 0, 9}, {7, 1, 9}, {6, 2, 9}, {1, 7, 9}, {4, 4, 9}, {9, 0, 10}, {7, 3, 11},
  };
  for (const DepthCase& c : refused_cases) {
    const absl::Status status = CheckParentMove(1, 100, Chain(c.chain_length), c.subtree_height);
    ExpectRefused(status, {"accounts/1", "accounts/100", absl::StrCat(c.deepest, " levels deep"),
                           "the limit is 8"});
  }
}

TEST(CheckParentMoveTest, DepthMessageIsExact) {
  EXPECT_EQ(CheckParentMove(3, 100, Chain(6), 2).message(),
            "moving accounts/3 under accounts/100 would make the hierarchy 9 levels deep; the "
            "limit is 8");
}

}  // namespace
}  // namespace kam::account::accounts
