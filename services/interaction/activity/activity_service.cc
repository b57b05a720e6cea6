#include "services/interaction/activity/activity_service.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/etag.h"
#include "common/api/field_mask.h"
#include "common/api/filter.h"
#include "common/api/validation.h"
#include "common/base/proto_time.h"
#include "common/server/service_methods.h"
#include "services/interaction/activity/activity_accounts.h"
#include "services/interaction/activity/activity_fields.h"
#include "services/interaction/activity/activity_requests.h"
#include "services/interaction/activity/quiet_hours.h"

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

// Every activity write: a new version, etag and update time.
void Touch(StoredActivity& row, absl::Time now) {
  ++row.version;
  *row.activity.mutable_update_time() = common::ToProtoTimestamp(now);
  row.activity.set_etag(common::MakeEtag(row.activity.name(), row.version));
}

absl::Status Deleted(const StoredActivity& row) {
  return absl::FailedPreconditionError(
      absl::StrCat("activity ", row.activity.name(), " is deleted; undelete it first"));
}

absl::Status ChangedMeanwhile(const std::string& name) {
  return absl::AbortedError(
      absl::StrCat("activity ", name, " kept changing while it was being written; retry"));
}

}  // namespace

void ActivityService::Register(common::GrpcServer& server, v1::ActivityService::Service* service) {
  common::ServeMethods(server, service, this, &ActivityService::CreateActivity,
                       &ActivityService::GetActivity, &ActivityService::ListActivities,
                       &ActivityService::UpdateActivity, &ActivityService::DeleteActivity,
                       &ActivityService::UndeleteActivity);
}

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
      absl::StatusOr<account::v1::Contact> contact =
          FetchContact(*accounts_, ctx, field, name, /*must_be_live=*/false);
      if (!contact.ok()) return contact.status();
      it = cache.emplace(name, *std::move(contact)).first;
    }
    absl::StatusOr<CallContact> call = ToCallContact(it->second, field);
    if (!call.ok()) return call.status();
    contacts.push_back(*std::move(call));
  }
  absl::StatusOr<StoredQuietHoursPolicy> policy = policies_->GetQuietHoursPolicy();
  if (!policy.ok()) return policy.status();
  return CheckCallable(policy->policy, contacts,
                       common::FromProtoTimestamp(activity.planned_time()),
                       "activity.planned_time");
}

absl::Status ActivityService::CheckWithAccounts(const Ctx& ctx, const v1::Activity* before,
                                                const v1::Activity& after, bool cost_changed) {
  absl::StatusOr<account::v1::Account> account =
      FetchLiveAccount(*accounts_, ctx, "activity.account", after.account());
  if (!account.ok()) return account.status();
  if (cost_changed && after.has_cost()) {
    if (absl::Status s =
            CheckAccountCurrency(*account, after.cost(), "activity.cost.currency_code");
        !s.ok()) {
      return s;
    }
  }
  ContactCache cache;
  for (int i = 0; i < after.contacts_size(); ++i) {
    const std::string& name = after.contacts(i);
    if (before != nullptr && Contains(before->contacts(), name)) continue;
    absl::StatusOr<account::v1::Contact> contact = FetchContact(
        *accounts_, ctx, absl::StrCat("activity.contacts[", i, "]"), name, /*must_be_live=*/true);
    if (!contact.ok()) return contact.status();
    cache.emplace(name, *std::move(contact));
  }
  if (NeedsCallCheck(before, after)) return CheckPlannedCall(ctx, after, cache);
  return absl::OkStatus();
}

absl::Status ActivityService::CreateActivity(const Ctx& ctx,
                                             const v1::CreateActivityRequest& request,
                                             v1::Activity* response) {
  if (!request.has_activity()) return common::InvalidField("activity", "is required");
  if (absl::Status s = common::CheckRequestId("request_id", request.request_id()); !s.ok()) {
    return s;
  }
  v1::Activity a = request.activity();
  absl::StatusOr<int64_t> account_id = ParseAccountRef("activity.account", a.account());
  if (!account_id.ok()) return account_id.status();
  ApplyCreateDefaults(&a);
  if (absl::Status s = CheckCreateStatus(a.status()); !s.ok()) return s;
  const absl::Time now = common::NowMicros();
  if (absl::Status s = ValidateActivityFields(a, *account_id, now); !s.ok()) return s;
  TruncateTimesToMicros(&a);

  // A retry is answered from the first call's result (or rejected if its
  // body differs). The request id is looked up only when the insert finds
  // it taken or the account service says no (a retry is answered even while
  // that service is down or the account has gone since), so a first call
  // costs no lookup.
  const std::string& request_id = request.request_id();
  const std::string request_hash = RequestHash(request);
  auto first_result = [&]() -> absl::StatusOr<bool> {
    if (request_id.empty()) return false;
    absl::StatusOr<std::optional<CreatedByRequest<StoredActivity>>> first =
        store_->FindActivityByRequest(request_id);
    if (!first.ok()) return first.status();
    if (!first->has_value()) return false;
    if ((*first)->request_hash != request_hash) {
      return RequestIdReused(request_id, "CreateActivity");
    }
    *response = std::move((*first)->row.activity);
    return true;
  };
  a.set_account(AccountRef(*account_id));
  if (absl::Status s = CheckWithAccounts(ctx, nullptr, a, /*cost_changed=*/true); !s.ok()) {
    absl::StatusOr<bool> answered = first_result();
    if (!answered.ok()) return answered.status();
    if (*answered) return absl::OkStatus();
    return s;
  }

  absl::StatusOr<int64_t> id = store_->NewActivityId();
  if (!id.ok()) return id.status();
  StoredActivity row;
  row.id = *id;
  row.account_id = *account_id;
  row.version = 1;
  a.set_name(ActivityName(row.id));
  a.set_creator(ctx.actor);
  *a.mutable_create_time() = common::ToProtoTimestamp(now);
  *a.mutable_update_time() = a.create_time();
  a.clear_delete_time();
  a.set_etag(common::MakeEtag(a.name(), row.version));
  row.activity = std::move(a);

  absl::StatusOr<InsertOutcome> outcome = store_->InsertActivity(row, request_id, request_hash);
  if (!outcome.ok()) return outcome.status();
  if (*outcome == InsertOutcome::kDuplicateRequest) {
    // A retry, or a concurrent call with the same request id that won the
    // insert.
    absl::StatusOr<bool> answered = first_result();
    if (!answered.ok()) return answered.status();
    if (!*answered) return ConcurrentRequest();
    return absl::OkStatus();
  }
  *response = std::move(row.activity);
  return absl::OkStatus();
}

absl::Status ActivityService::GetActivity(const Ctx&, const v1::GetActivityRequest& request,
                                          v1::Activity* response) {
  absl::StatusOr<int64_t> id = ParseActivityName("name", request.name());
  if (!id.ok()) return id.status();
  absl::StatusOr<StoredActivity> row = store_->GetActivity(*id);
  if (!row.ok()) return row.status();
  *response = std::move(row->activity);
  return absl::OkStatus();
}

absl::Status ActivityService::ListActivities(const Ctx&, const v1::ListActivitiesRequest& request,
                                             v1::ListActivitiesResponse* response) {
  absl::StatusOr<int> limit = common::ResolvePageSize(request.page_size());
  if (!limit.ok()) return limit.status();
  absl::StatusOr<common::FilterNode> filter = common::ParseFilter(request.filter());
  if (!filter.ok()) return filter.status();
  const uint64_t query = common::Fingerprint64(
      {"ListActivities", request.filter(), request.show_deleted() ? "1" : "0"});
  absl::StatusOr<std::optional<common::PageCursor>> cursor =
      DecodeCursor(request.page_token(), query);
  if (!cursor.ok()) return cursor.status();
  absl::StatusOr<Page<StoredActivity>> page =
      store_->ListActivities(*filter, request.show_deleted(), *cursor, *limit);
  if (!page.ok()) return page.status();
  if (page->more) {
    response->set_next_page_token(
        common::EncodePageToken(query, common::PageCursor{{}, page->rows.back().id}));
  }
  for (StoredActivity& row : page->rows) *response->add_activities() = std::move(row.activity);
  return absl::OkStatus();
}

absl::Status ActivityService::UpdateActivity(const Ctx& ctx,
                                             const v1::UpdateActivityRequest& request,
                                             v1::Activity* response) {
  if (!request.has_activity()) return common::InvalidField("activity", "is required");
  const v1::Activity& patch = request.activity();
  absl::StatusOr<int64_t> id = ParseActivityName("activity.name", patch.name());
  if (!id.ok()) return id.status();
  absl::StatusOr<std::vector<std::string>> paths =
      common::ResolveUpdateMask(request.update_mask(), patch, ActivityMaskRules());
  if (!paths.ok()) return paths.status();
  auto in_mask = [&](const char* path) {
    return std::find(paths->begin(), paths->end(), path) != paths->end();
  };
  for (int attempt = 0; attempt < kMaxWriteAttempts; ++attempt) {
    absl::StatusOr<StoredActivity> stored = store_->GetActivity(*id);
    if (!stored.ok()) return stored.status();
    const v1::Activity& before = stored->activity;
    if (absl::Status s = common::CheckEtag(before.name(), stored->version, patch.etag()); !s.ok()) {
      return s;
    }
    if (before.has_delete_time()) return Deleted(*stored);
    StoredActivity row = *stored;
    v1::Activity& after = row.activity;
    common::ApplyUpdateMask(*paths, patch, &after);
    if (absl::Status s = CheckStatusMove(before.status(), after.status()); !s.ok()) return s;
    const absl::Time now = common::NowMicros();
    if (absl::Status s = ValidateActivityFields(after, row.account_id, now); !s.ok()) return s;
    TruncateTimesToMicros(&after);
    if (absl::Status s = CheckWithAccounts(ctx, &before, after, in_mask("cost")); !s.ok()) {
      return s;
    }
    const bool participants_changed = !SameList(before.contacts(), after.contacts()) ||
                                      !SameList(before.team_members(), after.team_members());
    Touch(row, now);
    absl::StatusOr<bool> written =
        store_->WriteActivityIfVersion(row, stored->version, participants_changed);
    if (!written.ok()) return written.status();
    if (*written) {
      *response = std::move(row.activity);
      return absl::OkStatus();
    }
    // Changed since it was read: read again (an etag, if given, now fails).
  }
  return ChangedMeanwhile(patch.name());
}

absl::Status ActivityService::DeleteActivity(const Ctx&, const v1::DeleteActivityRequest& request,
                                             v1::Activity* response) {
  absl::StatusOr<int64_t> id = ParseActivityName("name", request.name());
  if (!id.ok()) return id.status();
  for (int attempt = 0; attempt < kMaxWriteAttempts; ++attempt) {
    absl::StatusOr<StoredActivity> stored = store_->GetActivity(*id);
    if (!stored.ok()) return stored.status();
    if (absl::Status s =
            common::CheckEtag(stored->activity.name(), stored->version, request.etag());
        !s.ok()) {
      return s;
    }
    if (stored->activity.has_delete_time()) {
      return absl::FailedPreconditionError(
          absl::StrCat("activity ", stored->activity.name(), " is already deleted"));
    }
    StoredActivity row = *stored;
    const absl::Time now = common::NowMicros();
    *row.activity.mutable_delete_time() = common::ToProtoTimestamp(now);
    Touch(row, now);
    absl::StatusOr<bool> written = store_->WriteActivityIfVersion(row, stored->version, false);
    if (!written.ok()) return written.status();
    if (*written) {
      *response = std::move(row.activity);
      return absl::OkStatus();
    }
  }
  return ChangedMeanwhile(request.name());
}

absl::Status ActivityService::UndeleteActivity(const Ctx& ctx,
                                               const v1::UndeleteActivityRequest& request,
                                               v1::Activity* response) {
  absl::StatusOr<int64_t> id = ParseActivityName("name", request.name());
  if (!id.ok()) return id.status();
  for (int attempt = 0; attempt < kMaxWriteAttempts; ++attempt) {
    absl::StatusOr<StoredActivity> stored = store_->GetActivity(*id);
    if (!stored.ok()) return stored.status();
    if (absl::Status s =
            common::CheckEtag(stored->activity.name(), stored->version, request.etag());
        !s.ok()) {
      return s;
    }
    if (!stored->activity.has_delete_time()) {
      return absl::FailedPreconditionError(
          absl::StrCat("activity ", stored->activity.name(), " is not deleted"));
    }
    // Back into a live account only.
    absl::StatusOr<account::v1::Account> account =
        FetchLiveAccount(*accounts_, ctx, "activity.account", stored->activity.account());
    if (!account.ok()) return account.status();
    StoredActivity row = *stored;
    row.activity.clear_delete_time();
    Touch(row, common::NowMicros());
    absl::StatusOr<bool> written = store_->WriteActivityIfVersion(row, stored->version, false);
    if (!written.ok()) return written.status();
    if (*written) {
      *response = std::move(row.activity);
      return absl::OkStatus();
    }
  }
  return ChangedMeanwhile(request.name());
}

}  // namespace kam::interaction::activity
