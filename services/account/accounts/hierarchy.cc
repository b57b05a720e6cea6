#include "services/account/accounts/hierarchy.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace kam::account::accounts {

absl::Status CheckParentMove(int64_t account_id, int64_t new_parent_id,
                             const std::vector<int64_t>& new_parent_chain, int subtree_height) {
  if (new_parent_id == account_id) {
    return absl::FailedPreconditionError(
        absl::StrCat("accounts/", account_id, " cannot be its own parent"));
  }
  if (std::find(new_parent_chain.begin(), new_parent_chain.end(), account_id) !=
      new_parent_chain.end()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "moving accounts/", account_id, " under accounts/", new_parent_id,
        " would make a cycle: accounts/", new_parent_id, " is below accounts/", account_id));
  }
  // The new parent sits at level chain.size(); the account one below it.
  const int deepest = static_cast<int>(new_parent_chain.size()) + 1 + subtree_height;
  if (deepest > kMaxHierarchyDepth) {
    return absl::FailedPreconditionError(absl::StrCat(
        "moving accounts/", account_id, " under accounts/", new_parent_id,
        " would make the hierarchy ", deepest, " levels deep; the limit is ", kMaxHierarchyDepth));
  }
  return absl::OkStatus();
}

}  // namespace kam::account::accounts
