#include "services/interaction/visit_cadence/visit_cadence_service.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/api/etag.h"
#include "common/api/page_token.h"
#include "common/api/validation.h"
#include "common/base/fingerprint.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"
#include "common/base/time_range.h"
#include "services/interaction/activity/activity_fields.h"
#include "services/interaction/shared/names.h"
#include "services/interaction/shared/narrowing.h"
#include "services/interaction/shared/singleton_policy.h"
#include "services/interaction/visit_cadence/visit_cadence.h"

namespace kam::interaction::visit_cadence {
namespace {

constexpr char kPolicyName[] = "visitCadencePolicy";
constexpr char kTiersField[] = "policy.tiers";

v1::VisitCadencePolicy CadenceToProto(const StoredVisitCadence& stored) {
  v1::VisitCadencePolicy out;
  out.set_name(kPolicyName);
  for (int tier = kFirstTier; tier <= kLastTier; ++tier) {
    v1::TierVisitCadence* entry = out.add_tiers();
    entry->set_tier(static_cast<account::v1::Tier>(tier));
    entry->set_visit_interval_days(stored.cadence.by_tier[tier].visit_interval_days);
    entry->set_executive_visit_interval_days(
        stored.cadence.by_tier[tier].executive_visit_interval_days);
  }
  *out.mutable_update_time() = common::ToProtoTimestamp(stored.update_time);
  out.set_updated_by(stored.updated_by);
  out.set_etag(common::MakeEtag(kPolicyName, stored.version));
  return out;
}

absl::Status CheckTiers(const v1::VisitCadencePolicy& policy) {
  if (policy.tiers_size() < 1 || policy.tiers_size() > kLastTier) {
    return common::InvalidField(
        kTiersField,
        absl::StrCat("must hold 1 to ", kLastTier, " entries (got ", policy.tiers_size(), ")"));
  }
  std::set<int> seen;
  for (int i = 0; i < policy.tiers_size(); ++i) {
    const v1::TierVisitCadence& entry = policy.tiers(i);
    const int tier = entry.tier();
    if (tier < kFirstTier || tier > kLastTier) {
      return common::InvalidField(absl::StrCat(kTiersField, "[", i, "].tier"),
                                  "must be TIER_A, TIER_B, TIER_C or TIER_D");
    }
    if (!seen.insert(tier).second) {
      return common::InvalidField(absl::StrCat(kTiersField, "[", i, "].tier"),
                                  absl::StrCat("repeats ", account::v1::Tier_Name(entry.tier())));
    }
    KAM_RETURN_IF_ERROR(
        CheckIntervalDays(kTiersField, i, "visit_interval_days", entry.visit_interval_days()));
    KAM_RETURN_IF_ERROR(CheckIntervalDays(kTiersField, i, "executive_visit_interval_days",
                                          entry.executive_visit_interval_days()));
  }
  return absl::OkStatus();
}

v1::OverdueReason ReasonToProto(OverdueKind kind) {
  switch (kind) {
    case OverdueKind::kVisit: return v1::OVERDUE_REASON_VISIT_OVERDUE;
    case OverdueKind::kExecutiveVisit: return v1::OVERDUE_REASON_EXECUTIVE_VISIT_OVERDUE;
    case OverdueKind::kFollowUp: return v1::OVERDUE_REASON_FOLLOW_UP_DUE;
  }
  return v1::OVERDUE_REASON_UNSPECIFIED;
}

// `value` quoted for an AIP-160 filter.
std::string Quoted(absl::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

// A manager's page (shared/narrowing.h): the next `limit` of their accounts
// after account `after`, in id order, read in one BatchGetAccounts and kept
// as the ListAccounts filter keeps them (live, ACTIVE, of `owner` when
// given); `next_page_token` is the last account read while more follow.
absl::StatusOr<account::v1::ListAccountsResponse> TheirAccounts(AccountClient& accounts,
                                                                const common::CallContext& ctx,
                                                                const common::TeamAccounts& theirs,
                                                                const std::string& owner,
                                                                int64_t after, int limit) {
  const std::vector<int64_t>& all = theirs.ids();
  std::vector<std::string> names;
  auto it = std::upper_bound(all.begin(), all.end(), after);
  for (; it != all.end() && static_cast<int>(names.size()) < limit; ++it) {
    names.push_back(AccountName(*it));
  }
  account::v1::ListAccountsResponse page;
  if (names.empty()) return page;
  KAM_ASSIGN_OR_RETURN(std::vector<account::v1::Account> read,
                       accounts.BatchGetAccounts(names, &ctx));
  for (account::v1::Account& account : read) {
    if (account.has_delete_time() || account.state() != account::v1::LIFECYCLE_STATE_ACTIVE ||
        (!owner.empty() && account.owner() != owner)) {
      continue;
    }
    *page.add_accounts() = std::move(account);
  }
  if (it != all.end()) page.set_next_page_token(absl::StrCat(*std::prev(it)));
  return page;
}

}  // namespace

absl::Status VisitCadenceService::GetVisitCadencePolicy(
    const Ctx&, const v1::GetVisitCadencePolicyRequest& request, v1::VisitCadencePolicy* response) {
  return GetSingletonPolicy(
      request, kPolicyName, [&] { return store_->GetVisitCadence(); }, CadenceToProto, response);
}

absl::Status VisitCadenceService::UpdateVisitCadencePolicy(
    const Ctx& ctx, const v1::UpdateVisitCadencePolicyRequest& request,
    v1::VisitCadencePolicy* response) {
  auto write = [&](const StoredVisitCadence& stored) -> absl::StatusOr<bool> {
    StoredVisitCadence updated = stored;
    for (const v1::TierVisitCadence& entry : request.policy().tiers()) {
      updated.cadence.by_tier[entry.tier()] = {entry.visit_interval_days(),
                                               entry.executive_visit_interval_days()};
    }
    updated.version = stored.version + 1;
    updated.update_time = common::NowMicros();
    updated.updated_by = ctx.actor;
    absl::StatusOr<bool> written = store_->WriteVisitCadenceIfVersion(
        updated.cadence, stored.version, updated.update_time, ctx.actor);
    if (written.ok() && *written) *response = CadenceToProto(updated);
    return written;
  };
  return UpdateSingletonPolicy(
      request, kPolicyName, "the visit cadence", CheckTiers,
      [&] { return store_->GetVisitCadence(); }, write);
}

absl::Status VisitCadenceService::ListOverdueFollowUps(
    const Ctx& ctx, const v1::ListOverdueFollowUpsRequest& request,
    v1::ListOverdueFollowUpsResponse* response) {
  KAM_RETURN_IF_ERROR(common::CheckUserId("owner", request.owner(), /*required=*/false));
  KAM_ASSIGN_OR_RETURN(int limit, common::ResolvePageSize(request.page_size()));
  absl::Time as_of = common::NowMicros();
  std::string as_of_key;
  if (request.has_as_of()) {
    KAM_RETURN_IF_ERROR(common::CheckTimestamp("as_of", request.as_of()));
    as_of = absl::FromUnixMicros(absl::ToUnixMicros(common::FromProtoTimestamp(request.as_of())));
    as_of_key = absl::StrCat(absl::ToUnixMicros(as_of));
  }
  const uint64_t query = common::Fingerprint64(
      {ListQueryName("ListOverdueFollowUps", NarrowedUser(ctx)), request.owner(), as_of_key});
  // The token holds the account service's page token and the as_of of the
  // first page, so every page of one listing judges at the same moment.
  account::v1::ListAccountsRequest accounts_request;
  if (!request.page_token().empty()) {
    KAM_ASSIGN_OR_RETURN(common::PageCursor cursor,
                         common::DecodePageToken(request.page_token(), query));
    int64_t micros = 0;
    // The as_of carried is echoed in the answer: one outside the Timestamp
    // range can only come from a token this method did not issue.
    if (cursor.key_values.size() != 2 || !absl::SimpleAtoi(cursor.key_values[1], &micros) ||
        !common::InTimestampRange(absl::FromUnixMicros(micros))) {
      return common::InvalidField("page_token", "is not a token this method issued");
    }
    accounts_request.set_page_token(cursor.key_values[0]);
    as_of = absl::FromUnixMicros(micros);
  }
  accounts_request.set_page_size(limit);
  accounts_request.set_filter(
      request.owner().empty()
          ? std::string("state = ACTIVE")
          : absl::StrCat("owner = ", Quoted(request.owner()), " AND state = ACTIVE"));
  // A manager's listing pages through their accounts (the token holds the
  // last one read) rather than the account service's book.
  KAM_ASSIGN_OR_RETURN(std::shared_ptr<const common::TeamAccounts> theirs,
                       common::NarrowedAccounts(*accounts_, ctx));
  int64_t after = 0;
  if (theirs != nullptr && !accounts_request.page_token().empty() &&
      !absl::SimpleAtoi(accounts_request.page_token(), &after)) {
    return common::InvalidField("page_token", "is not a token this method issued");
  }
  KAM_ASSIGN_OR_RETURN(
      account::v1::ListAccountsResponse accounts,
      theirs == nullptr ? accounts_->ListAccounts(accounts_request, &ctx)
                        : TheirAccounts(*accounts_, ctx, *theirs, request.owner(), after, limit));
  KAM_ASSIGN_OR_RETURN(StoredVisitCadence cadence, store_->GetVisitCadence());

  std::vector<int64_t> ids;
  ids.reserve(accounts.accounts_size());
  for (const account::v1::Account& account : accounts.accounts()) {
    absl::StatusOr<int64_t> id = ParseAccountName("account", account.name());
    if (!id.ok()) return absl::InternalError("the account service returned a malformed name");
    ids.push_back(*id);
  }
  absl::StatusOr<std::map<int64_t, OverdueFacts>> facts = store_->LoadOverdueFacts(ids, as_of);
  if (!facts.ok()) return facts.status();

  for (int i = 0; i < accounts.accounts_size(); ++i) {
    const account::v1::Account& account = accounts.accounts(i);
    AccountActivityFacts judged;
    judged.account_create_time = common::FromProtoTimestamp(account.create_time());
    judged.tier = account.tier();
    if (auto it = facts->find(ids[i]); it != facts->end()) {
      judged.last_visit = it->second.last_visit;
      judged.last_executive = it->second.last_executive;
      judged.last_done = it->second.last_done;
      judged.follow_ups = std::move(it->second.follow_ups);
    }
    for (const OverdueItem& item : FindOverdue(cadence.cadence, judged, as_of)) {
      v1::OverdueFollowUp* out = response->add_items();
      out->set_account(account.name());
      out->set_account_display_name(account.display_name());
      out->set_tier(account.tier());
      out->set_owner(account.owner());
      out->set_reason(ReasonToProto(item.kind));
      *out->mutable_due_time() = common::ToProtoTimestamp(item.due_time);
      if (item.last_time.has_value()) {
        *out->mutable_last_time() = common::ToProtoTimestamp(*item.last_time);
      }
      if (item.activity_id != 0) out->set_activity(activity::ActivityName(item.activity_id));
      out->set_interval_days(item.interval_days);
    }
  }
  if (!accounts.next_page_token().empty()) {
    response->set_next_page_token(common::EncodePageToken(
        query, common::PageCursor{
                   {accounts.next_page_token(), absl::StrCat(absl::ToUnixMicros(as_of))}, 0}));
  }
  *response->mutable_as_of() = common::ToProtoTimestamp(as_of);
  response->set_accounts_checked(accounts.accounts_size());
  return absl::OkStatus();
}

}  // namespace kam::interaction::visit_cadence
