#include "services/interaction/activity/activity_service.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/etag.h"
#include "common/api/field_mask.h"
#include "common/api/idempotency.h"
#include "common/api/list_request.h"
#include "common/api/validation.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"
#include "services/interaction/activity/activity_accounts.h"
#include "services/interaction/activity/activity_fields.h"
#include "services/interaction/activity/quiet_hours.h"
#include "services/interaction/shared/account_checks.h"
#include "services/interaction/shared/create_retry.h"
#include "services/interaction/shared/list_page.h"
#include "services/interaction/shared/names.h"
#include "services/interaction/shared/narrowing.h"
#include "services/interaction/shared/optimistic_write.h"

namespace kam::interaction::activity {
namespace {

bool Contains(const google::protobuf::RepeatedPtrField<std::string>& list,
              const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

bool SameList(const google::protobuf::RepeatedPtrField<std::string>& a,
              const google::protobuf::RepeatedPtrField<std::string>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

}  // namespace

absl::Status ActivityService::CheckPlannedCall(const Ctx& ctx, const v1::Activity& activity,
                                               ContactCache& cache) {
  std::vector<CallContact> contacts;
  for (int i = 0; i < activity.contacts_size(); ++i) {
    const std::string& name = activity.contacts(i);
    const std::string field = absl::StrCat("activity.contacts[", i, "]");
    auto it = cache.find(name);
    if (it == cache.end()) {
      // Already on the activity: it may have been deleted since, which does
      // not stop the call being judged.
      KAM_ASSIGN_OR_RETURN(account::v1::Contact contact,
                           GetContactOfField(*accounts_, ctx, field, name, /*must_be_live=*/false));
      it = cache.emplace(name, std::move(contact)).first;
    }
    KAM_ASSIGN_OR_RETURN(CallContact call, ToCallContact(it->second, field));
    contacts.push_back(std::move(call));
  }
  KAM_ASSIGN_OR_RETURN(StoredQuietHoursPolicy policy, store_->GetQuietHoursPolicy());
  return CheckCallable(policy.policy, contacts, common::FromProtoTimestamp(activity.planned_time()),
                       "activity.planned_time");
}

absl::Status ActivityService::CheckWithAccounts(const Ctx& ctx, const v1::Activity* before,
                                                const v1::Activity& after, bool cost_changed) {
  KAM_ASSIGN_OR_RETURN(account::v1::Account account,
                       GetLiveAccountOfField(*accounts_, ctx, "activity.account", after.account()));
  if (cost_changed && after.has_cost()) {
    KAM_RETURN_IF_ERROR(CheckAccountCurrency(account, after.cost(), "activity.cost.currency_code"));
  }
  ContactCache cache;
  for (int i = 0; i < after.contacts_size(); ++i) {
    const std::string& name = after.contacts(i);
    if (before != nullptr && Contains(before->contacts(), name)) continue;
    KAM_ASSIGN_OR_RETURN(
        account::v1::Contact contact,
        GetContactOfField(*accounts_, ctx, absl::StrCat("activity.contacts[", i, "]"), name,
                          /*must_be_live=*/true));
    cache.emplace(name, std::move(contact));
  }
  if (NeedsCallCheck(before, after)) return CheckPlannedCall(ctx, after, cache);
  return absl::OkStatus();
}

absl::Status ActivityService::CreateActivity(const Ctx& ctx,
                                             const v1::CreateActivityRequest& request,
                                             v1::Activity* response) {
  if (!request.has_activity()) return common::InvalidField("activity", "is required");
  v1::Activity a = request.activity();
  KAM_ASSIGN_OR_RETURN(
      const CreateTarget target,
      ReadCreateTarget(request, "CreateActivity", "activity.account", a.account()));
  ApplyCreateDefaults(&a);
  KAM_RETURN_IF_ERROR(CheckCreateStatus(a.status()));
  const absl::Time now = common::NowMicros();
  KAM_RETURN_IF_ERROR(ValidateActivityFields(a, target.account_id, now));
  TruncateTimesToMicros(&a);

  // A retry is answered from the first call's result (or rejected if its
  // body differs). The request id is looked up only when the insert finds
  // it taken or the account service says no (a retry is answered even while
  // that service is down or the account has gone since), so a first call
  // costs no lookup.
  auto find_first = [&] { return store_->FindActivityByRequest(target.key.id); };
  a.set_account(AccountName(target.account_id));
  if (absl::Status s = CheckWithAccounts(ctx, nullptr, a, /*cost_changed=*/true); !s.ok()) {
    KAM_ASSIGN_OR_RETURN(StoredActivity first,
                         EarlierResultOrRefusal<StoredActivity>(target.key, s, find_first));
    *response = std::move(first.activity);
    return absl::OkStatus();
  }

  KAM_ASSIGN_OR_RETURN(const int64_t id, store_->NewActivityId());
  StoredActivity row;
  row.id = id;
  row.account_id = target.account_id;
  a.set_name(ActivityName(row.id));
  a.set_creator(ctx.actor);
  a.clear_delete_time();
  common::StampCreate(&row.version, &a, now);
  row.activity = std::move(a);

  KAM_ASSIGN_OR_RETURN(common::InsertOutcome outcome, store_->InsertActivity(row, target.key));
  if (outcome == common::InsertOutcome::kDuplicateRequest) {
    // A retry, or a concurrent call with the same request id that won the
    // insert.
    KAM_ASSIGN_OR_RETURN(StoredActivity first, AnswerUnfinishedRetry(target.key, find_first()));
    *response = std::move(first.activity);
    return absl::OkStatus();
  }
  *response = std::move(row.activity);
  return absl::OkStatus();
}

absl::Status ActivityService::GetActivity(const Ctx& ctx, const v1::GetActivityRequest& request,
                                          v1::Activity* response) {
  KAM_ASSIGN_OR_RETURN(int64_t id, ParseActivityName("name", request.name()));
  KAM_ASSIGN_OR_RETURN(StoredActivity row, OwnRow(*accounts_, ctx, store_->GetActivity(id),
                                                  "activity", ActivityName(id)));
  *response = std::move(row.activity);
  return absl::OkStatus();
}

absl::Status ActivityService::ListActivities(const Ctx& ctx,
                                             const v1::ListActivitiesRequest& request,
                                             v1::ListActivitiesResponse* response) {
  KAM_ASSIGN_OR_RETURN(std::optional<common::ListRequest> list,
                       ReadNarrowedList(*accounts_, ctx, request, "ListActivities",
                                        request.filter(), request.show_deleted() ? "1" : "0"));
  if (!list.has_value()) return absl::OkStatus();
  return AnswerPage(
      *list,
      store_->ListActivities(list->filter, request.show_deleted(), list->cursor, list->limit),
      response,
      [&](StoredActivity& row) { *response->add_activities() = std::move(row.activity); });
}

absl::Status ActivityService::WriteActivity(const Ctx& ctx, int64_t id, const std::string& name,
                                            const std::string& etag, Change change,
                                            v1::Activity* response) {
  return WriteOptimistically(absl::StrCat("activity ", name), [&]() -> absl::StatusOr<bool> {
    KAM_ASSIGN_OR_RETURN(StoredActivity stored, OwnRow(*accounts_, ctx, store_->GetActivity(id),
                                                       "activity", ActivityName(id)));
    KAM_RETURN_IF_ERROR(common::CheckEtag(stored.activity.name(), stored.version, etag));
    StoredActivity row = stored;
    bool participants_changed = false;
    KAM_RETURN_IF_ERROR(change(stored, row, participants_changed));
    absl::StatusOr<bool> written =
        store_->WriteActivityIfVersion(row, stored.version, participants_changed);
    if (written.ok() && *written) *response = std::move(row.activity);
    // False: changed since it was read; read again (an etag, if given, now
    // fails).
    return written;
  });
}

absl::Status ActivityService::UpdateActivity(const Ctx& ctx,
                                             const v1::UpdateActivityRequest& request,
                                             v1::Activity* response) {
  if (!request.has_activity()) return common::InvalidField("activity", "is required");
  const v1::Activity& patch = request.activity();
  KAM_ASSIGN_OR_RETURN(int64_t id, ParseActivityName("activity.name", patch.name()));
  KAM_ASSIGN_OR_RETURN(
      std::vector<std::string> paths,
      common::ResolveUpdateMask(request.update_mask(), patch, ActivityMaskRules()));
  const bool cost_in_mask = std::find(paths.begin(), paths.end(), "cost") != paths.end();
  return WriteActivity(
      ctx, id, patch.name(), patch.etag(),
      [&](const StoredActivity& stored, StoredActivity& row, bool& participants_changed) {
        const v1::Activity& before = stored.activity;
        if (before.has_delete_time()) {
          return DeletedError("activity", before.name(), "undelete it first");
        }
        v1::Activity& after = row.activity;
        common::ApplyUpdateMask(paths, patch, &after);
        KAM_RETURN_IF_ERROR(CheckStatusMove(before.status(), after.status()));
        const absl::Time now = common::NowMicros();
        KAM_RETURN_IF_ERROR(ValidateActivityFields(after, row.account_id, now));
        TruncateTimesToMicros(&after);
        KAM_RETURN_IF_ERROR(CheckWithAccounts(ctx, &before, after, cost_in_mask));
        participants_changed = !SameList(before.contacts(), after.contacts()) ||
                               !SameList(before.team_members(), after.team_members());
        common::StampWrite(&row.version, &after, now);
        return absl::OkStatus();
      },
      response);
}

absl::Status ActivityService::DeleteActivity(const Ctx& ctx,
                                             const v1::DeleteActivityRequest& request,
                                             v1::Activity* response) {
  return SetDeleted(ctx, request.name(), request.etag(), /*deleted=*/true, response);
}

absl::Status ActivityService::UndeleteActivity(const Ctx& ctx,
                                               const v1::UndeleteActivityRequest& request,
                                               v1::Activity* response) {
  return SetDeleted(ctx, request.name(), request.etag(), /*deleted=*/false, response);
}

absl::Status ActivityService::SetDeleted(const Ctx& ctx, const std::string& name,
                                         const std::string& etag, bool deleted,
                                         v1::Activity* response) {
  KAM_ASSIGN_OR_RETURN(int64_t id, ParseActivityName("name", name));
  return WriteActivity(
      ctx, id, name, etag,
      [&](const StoredActivity& stored, StoredActivity& row, bool&) -> absl::Status {
        if (stored.activity.has_delete_time() == deleted) {
          return absl::FailedPreconditionError(
              absl::StrCat("activity ", stored.activity.name(),
                           deleted ? " is already deleted" : " is not deleted"));
        }
        if (!deleted) {
          // Back into a live account only.
          KAM_RETURN_IF_ERROR(
              GetLiveAccountOfField(*accounts_, ctx, "activity.account", stored.activity.account())
                  .status());
        }
        const absl::Time now = common::NowMicros();
        if (deleted) {
          *row.activity.mutable_delete_time() = common::ToProtoTimestamp(now);
        } else {
          row.activity.clear_delete_time();
        }
        common::StampWrite(&row.version, &row.activity, now);
        return absl::OkStatus();
      },
      response);
}

}  // namespace kam::interaction::activity
