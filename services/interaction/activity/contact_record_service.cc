#include "services/interaction/activity/contact_record_service.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/api/resource_name.h"
#include "common/api/validation.h"
#include "common/server/service_methods.h"
#include "services/interaction/activity/activity_accounts.h"
#include "services/interaction/activity/activity_fields.h"
#include "services/interaction/activity/activity_requests.h"

namespace kam::interaction::activity {
namespace {

constexpr size_t kMaxEntryText = 4000;

void Fill(AppendedEntry appended, v1::AppendContactRecordEntryResponse* response) {
  *response->mutable_record() = std::move(appended.record.record);
  *response->mutable_entry() = std::move(appended.entry.entry);
  response->set_opened(appended.opened);
}

}  // namespace

void ContactRecordService::Register(common::GrpcServer& server,
                                    v1::ActivityService::Service* service) {
  common::ServeMethods(server, service, this, &ContactRecordService::AppendContactRecordEntry,
                       &ContactRecordService::GetContactRecord,
                       &ContactRecordService::ListContactRecordEntries);
}

absl::Status ContactRecordService::AppendContactRecordEntry(
    const Ctx& ctx, const v1::AppendContactRecordEntryRequest& request,
    v1::AppendContactRecordEntryResponse* response) {
  absl::StatusOr<int64_t> account_id = ParseAccountRef("account", request.account());
  if (!account_id.ok()) return account_id.status();
  if (absl::Status s = common::CheckText("text", request.text(), kMaxEntryText, /*multiline=*/true);
      !s.ok()) {
    return s;
  }
  if (absl::StripAsciiWhitespace(request.text()).empty()) {
    return common::InvalidField("text", "is required");
  }
  if (absl::Status s = common::CheckRequestId("request_id", request.request_id()); !s.ok()) {
    return s;
  }
  const std::string& request_id = request.request_id();
  const std::string request_hash = RequestHash(request);
  auto first_result = [&]() -> absl::StatusOr<bool> {
    if (request_id.empty()) return false;
    absl::StatusOr<std::optional<CreatedByRequest<AppendedEntry>>> first =
        store_->FindByRequest(request_id);
    if (!first.ok()) return first.status();
    if (!first->has_value()) return false;
    if ((*first)->request_hash != request_hash) {
      return RequestIdReused(request_id, "AppendContactRecordEntry");
    }
    Fill(std::move((*first)->row), response);
    return true;
  };
  absl::StatusOr<bool> answered = first_result();
  if (!answered.ok()) return answered.status();
  if (*answered) return absl::OkStatus();

  absl::StatusOr<account::v1::Account> account =
      FetchLiveAccount(*accounts_, ctx, "account", AccountRef(*account_id));
  if (!account.ok()) return account.status();

  AppendedEntry appended;
  absl::StatusOr<InsertOutcome> outcome =
      store_->Append(*account_id, request.text(), ctx.actor, request_id, request_hash, &appended);
  if (!outcome.ok()) return outcome.status();
  if (*outcome == InsertOutcome::kDuplicateRequest) {
    answered = first_result();
    if (!answered.ok()) return answered.status();
    if (!*answered) return ConcurrentRequest();
    return absl::OkStatus();
  }
  Fill(std::move(appended), response);
  return absl::OkStatus();
}

absl::StatusOr<StoredContactRecord> ContactRecordService::FindRecord(
    absl::string_view name_field, const std::string& name, absl::string_view account_field,
    const std::string& account) {
  if (name.empty() == account.empty()) {
    return common::InvalidField(
        account_field, absl::StrCat("or ", name_field, " is required (exactly one of them)"));
  }
  if (!account.empty()) {
    absl::StatusOr<int64_t> account_id = ParseAccountRef(account_field, account);
    if (!account_id.ok()) return account_id.status();
    return store_->GetByAccount(*account_id);
  }
  absl::StatusOr<std::vector<int64_t>> ids =
      common::ParseResourceName(name_field, name, {"contactRecords"});
  if (!ids.ok()) return ids.status();
  return store_->GetById((*ids)[0]);
}

absl::Status ContactRecordService::GetContactRecord(const Ctx&,
                                                    const v1::GetContactRecordRequest& request,
                                                    v1::ContactRecord* response) {
  absl::StatusOr<StoredContactRecord> record =
      FindRecord("name", request.name(), "account", request.account());
  if (!record.ok()) return record.status();
  *response = std::move(record->record);
  return absl::OkStatus();
}

absl::Status ContactRecordService::ListContactRecordEntries(
    const Ctx&, const v1::ListContactRecordEntriesRequest& request,
    v1::ListContactRecordEntriesResponse* response) {
  absl::StatusOr<int> limit = common::ResolvePageSize(request.page_size());
  if (!limit.ok()) return limit.status();
  const uint64_t query =
      common::Fingerprint64({"ListContactRecordEntries", request.parent(), request.account()});
  absl::StatusOr<std::optional<common::PageCursor>> cursor =
      DecodeCursor(request.page_token(), query);
  if (!cursor.ok()) return cursor.status();
  absl::StatusOr<StoredContactRecord> record =
      FindRecord("parent", request.parent(), "account", request.account());
  if (!record.ok()) return record.status();
  absl::StatusOr<Page<StoredRecordEntry>> page =
      store_->ListEntries(record->id, cursor->has_value() ? (*cursor)->last_id : 0, *limit);
  if (!page.ok()) return page.status();
  if (page->more) {
    response->set_next_page_token(
        common::EncodePageToken(query, common::PageCursor{{}, page->rows.back().seq}));
  }
  for (StoredRecordEntry& row : page->rows) *response->add_entries() = std::move(row.entry);
  return absl::OkStatus();
}

}  // namespace kam::interaction::activity
