// AccountService: the group reads.
#include <algorithm>
#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/list_request.h"
#include "common/api/validation.h"
#include "common/base/status_macros.h"
#include "services/account/accounts/account_service.h"
#include "services/account/accounts/hierarchy.h"
#include "services/account/shared/account_names.h"
#include "services/account/shared/narrowing.h"

namespace kam::account::accounts {
namespace {

// Adds one count per value from `first` to `last` of an enum (0 for values
// the group does not hold).
template <typename Enum, typename AddCount>
void AddCounts(const std::map<int, int>& counts, int first, int last, AddCount add) {
  for (int value = first; value <= last; ++value) {
    auto it = counts.find(value);
    add(static_cast<Enum>(value), it == counts.end() ? 0 : it->second);
  }
}

}  // namespace

absl::Status AccountService::ListAccountAncestors(const Ctx& ctx,
                                                  const v1::ListAccountAncestorsRequest& request,
                                                  v1::ListAccountAncestorsResponse* response) {
  KAM_ASSIGN_OR_RETURN(int64_t id, AccountOnTeam(*transactions_, ctx, "name", request.name()));
  KAM_ASSIGN_OR_RETURN(std::vector<StoredAccount> rows, store_->ListAncestors(id));
  // At most kMaxHierarchyDepth rows, not paged: narrowed here, in one read.
  absl::flat_hash_set<int64_t> theirs;
  if (!NarrowedTo(ctx).empty() && !rows.empty()) {
    std::vector<int64_t> ids;
    for (const StoredAccount& row : rows) ids.push_back(row.id);
    KAM_ASSIGN_OR_RETURN(theirs, transactions_->AccountsOnTeam(NarrowedTo(ctx), ids));
  }
  for (StoredAccount& row : rows) {
    if (NarrowedTo(ctx).empty() || theirs.contains(row.id)) {
      *response->add_ancestors() = std::move(row.account);
    }
  }
  return absl::OkStatus();
}

absl::Status AccountService::ListAccountDescendants(
    const Ctx& ctx, const v1::ListAccountDescendantsRequest& request,
    v1::ListAccountDescendantsResponse* response) {
  KAM_ASSIGN_OR_RETURN(int64_t id, AccountOnTeam(*transactions_, ctx, "name", request.name()));
  if (request.max_depth() < 0) {
    return common::InvalidField("max_depth", "must not be negative (0 means all levels)");
  }
  const int max_depth = request.max_depth() == 0
                            ? kMaxHierarchyDepth
                            : std::min(request.max_depth(), kMaxHierarchyDepth);
  KAM_ASSIGN_OR_RETURN(common::ListRequest list,
                       common::ReadListRequest(request, {"ListAccountDescendants", request.name(),
                                                         absl::StrCat(max_depth)}));
  KAM_ASSIGN_OR_RETURN(
      common::Page<DescendantRow> page,
      store_->ListDescendants(id, max_depth, NarrowedTo(ctx), list.cursor, list.limit));
  common::WritePage(
      list, std::move(page), response->mutable_next_page_token(),
      [&](DescendantRow& row) {
        v1::AccountNode* node = response->add_nodes();
        *node->mutable_account() = std::move(row.account.account);
        node->set_depth(row.depth);
      },
      [](const DescendantRow& row) {
        return common::PageCursor{{absl::StrCat(row.depth)}, row.account.id};
      });
  return absl::OkStatus();
}

absl::Status AccountService::GetGroupSummary(const Ctx& ctx,
                                             const v1::GetGroupSummaryRequest& request,
                                             v1::GroupSummary* response) {
  KAM_ASSIGN_OR_RETURN(int64_t id, AccountOnTeam(*transactions_, ctx, "name", request.name()));
  KAM_ASSIGN_OR_RETURN(StoredAccount root, store_->GetAccount(id));
  // Narrowed: counts over the manager's accounts of the group only.
  KAM_ASSIGN_OR_RETURN(GroupCounts counts, store_->CountGroup(id, NarrowedTo(ctx)));
  *response->mutable_root() = std::move(root.account);
  response->set_account_count(counts.accounts);
  response->set_depth(counts.depth);
  AddCounts<v1::Tier>(counts.by_tier, v1::Tier_MIN, v1::Tier_MAX, [&](v1::Tier tier, int n) {
    v1::TierCount* c = response->add_tier_counts();
    c->set_tier(tier);
    c->set_count(n);
  });
  AddCounts<v1::RelationshipStage>(counts.by_stage, v1::RELATIONSHIP_STAGE_DEVELOPMENT,
                                   v1::RelationshipStage_MAX,
                                   [&](v1::RelationshipStage stage, int n) {
                                     v1::StageCount* c = response->add_stage_counts();
                                     c->set_stage(stage);
                                     c->set_count(n);
                                   });
  AddCounts<v1::LifecycleState>(counts.by_state, v1::LIFECYCLE_STATE_ACTIVE, v1::LifecycleState_MAX,
                                [&](v1::LifecycleState state, int n) {
                                  v1::StateCount* c = response->add_state_counts();
                                  c->set_state(state);
                                  c->set_count(n);
                                });
  return absl::OkStatus();
}

}  // namespace kam::account::accounts
