// The group-customer hierarchy rules (docs/domain.md §1: group customers have
// subsidiaries that roll up). Pure: the store reads the chains, this decides.
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/status.h"

namespace kam::account::accounts {

// A group root is level 1; its children level 2; ... at most this many.
inline constexpr int kMaxHierarchyDepth = 8;

// Checks putting account `account_id` (with `subtree_height` levels below it,
// 0 for a leaf) under `new_parent_id`, whose chain of ancestors is
// `new_parent_chain` (the new parent first, then its parent, ..., the root).
// FAILED_PRECONDITION for the account itself as parent, for a cycle (the
// account is among the new parent's ancestors) and for a tree deeper than
// kMaxHierarchyDepth. Account ids are only for messages and the cycle test.
absl::Status CheckParentMove(int64_t account_id, int64_t new_parent_id,
                             const std::vector<int64_t>& new_parent_chain, int subtree_height);

}  // namespace kam::account::accounts
