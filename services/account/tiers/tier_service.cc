#include "services/account/tiers/tier_service.h"

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/api/list_request.h"
#include "common/api/validation.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"
#include "services/account/shared/account_names.h"
#include "services/account/shared/requests.h"

namespace kam::account::tiers {
namespace {

// The accounts of a SetAccountTiers request, in its order, after checking
// every field.
absl::StatusOr<std::vector<int64_t>> ReadAssignments(const v1::SetAccountTiersRequest& request) {
  KAM_RETURN_IF_ERROR(common::CheckIdentifier("rating_run", request.rating_run(), 128, true));
  KAM_RETURN_IF_ERROR(
      common::CheckIdentifier("policy_version", request.policy_version(), 128, true));
  const int n = request.assignments_size();
  if (n == 0 || n > kMaxBatch) {
    return common::InvalidField(
        "assignments", absl::StrCat("must hold 1 to ", kMaxBatch, " entries (got ", n, ")"));
  }
  std::vector<int64_t> ids;
  ids.reserve(n);
  std::set<int64_t> seen;
  for (int i = 0; i < n; ++i) {
    const v1::TierAssignment& assignment = request.assignments(i);
    const std::string field = absl::StrCat("assignments[", i, "]");
    KAM_ASSIGN_OR_RETURN(int64_t id,
                         ParseAccountName(absl::StrCat(field, ".account"), assignment.account()));
    if (!seen.insert(id).second) {
      return common::InvalidField(absl::StrCat(field, ".account"),
                                  absl::StrCat("repeats ", assignment.account(),
                                               "; each account may appear once per batch"));
    }
    if (assignment.clear_tier()) {
      if (assignment.tier() != v1::TIER_UNSPECIFIED) {
        return common::InvalidField(absl::StrCat(field, ".tier"),
                                    "must be unspecified when clear_tier is set");
      }
    } else if (assignment.tier() == v1::TIER_UNSPECIFIED || !v1::Tier_IsValid(assignment.tier())) {
      return common::InvalidField(absl::StrCat(field, ".tier"), "must be A, B, C or D");
    }
    KAM_RETURN_IF_ERROR(CheckNote(absl::StrCat(field, ".reason"), assignment.reason()));
    ids.push_back(id);
  }
  return ids;
}

// `name` split into what precedes its trailing digits and those digits
// without leading zeros.
std::pair<absl::string_view, absl::string_view> SplitRunNumber(absl::string_view name) {
  size_t digits = name.size();
  while (digits > 0 && absl::ascii_isdigit(name[digits - 1])) --digits;
  absl::string_view number = name.substr(digits);
  while (number.size() > 1 && number.front() == '0') number.remove_prefix(1);
  return {name.substr(0, digits), number};
}

}  // namespace

bool IsLaterRun(absl::string_view stamped, absl::string_view run) {
  const auto [stamped_prefix, stamped_number] = SplitRunNumber(stamped);
  const auto [run_prefix, run_number] = SplitRunNumber(run);
  if (stamped_number.empty() || run_number.empty() || stamped_prefix != run_prefix) return false;
  // Compared as decimal strings: no overflow, whatever the length.
  if (stamped_number.size() != run_number.size()) {
    return stamped_number.size() > run_number.size();
  }
  return stamped_number > run_number;
}

absl::Status TierService::SetAccountTiers(const Ctx&, const v1::SetAccountTiersRequest& request,
                                          v1::SetAccountTiersResponse* response) {
  KAM_ASSIGN_OR_RETURN(std::vector<int64_t> ids, ReadAssignments(request));
  const absl::Time now = common::NowMicros();
  return transactions_->Transact("publishing tiers", [&](Transaction& tx) -> absl::Status {
    absl::StatusOr<std::map<int64_t, TierState>> states = tx.tiers().LockTierStates(ids);
    if (!states.ok()) return states.status();
    int changed = 0, unchanged = 0, applied = 0;
    std::vector<TierUpdate> updates;
    updates.reserve(ids.size());
    for (int i = 0; i < request.assignments_size(); ++i) {
      const v1::TierAssignment& assignment = request.assignments(i);
      const TierState& state = states->at((ids)[i]);
      if (state.rating_run == request.rating_run() ||
          IsLaterRun(state.rating_run, request.rating_run())) {
        ++applied;  // this run (or a later one) already published it
        continue;
      }
      ++(state.tier != assignment.tier() ? changed : unchanged);
      updates.push_back({(ids)[i], state.tier, assignment.tier(), &assignment.reason()});
    }
    KAM_RETURN_IF_ERROR(
        tx.tiers().SetTiers(updates, request.rating_run(), request.policy_version(), now));
    response->set_changed_count(changed);
    response->set_unchanged_count(unchanged);
    response->set_already_applied_count(applied);
    return absl::OkStatus();
  });
}

absl::Status TierService::ListTierHistory(const Ctx& ctx, const v1::ListTierHistoryRequest& request,
                                          v1::ListTierHistoryResponse* response) {
  return ListHistory(ctx, *transactions_, request, "ListTierHistory", store_,
                     &TierStore::ListTierChanges, response,
                     &v1::ListTierHistoryResponse::add_changes);
}

}  // namespace kam::account::tiers
