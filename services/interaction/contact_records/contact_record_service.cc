#include "services/interaction/contact_records/contact_record_service.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/api/idempotency.h"
#include "common/api/list_request.h"
#include "common/api/resource_name.h"
#include "common/api/validation.h"
#include "common/base/status_macros.h"
#include "services/interaction/shared/account_checks.h"
#include "services/interaction/shared/create_retry.h"
#include "services/interaction/shared/list_page.h"
#include "services/interaction/shared/names.h"
#include "services/interaction/shared/narrowing.h"

namespace kam::interaction::contact_records {
namespace {

constexpr size_t kMaxEntryText = 4000;

void Fill(AppendedEntry appended, v1::AppendContactRecordEntryResponse* response) {
  *response->mutable_record() = std::move(appended.record.record);
  *response->mutable_entry() = std::move(appended.entry.entry);
  response->set_opened(appended.opened);
}

}  // namespace

absl::Status ContactRecordService::AppendContactRecordEntry(
    const Ctx& ctx, const v1::AppendContactRecordEntryRequest& request,
    v1::AppendContactRecordEntryResponse* response) {
  KAM_ASSIGN_OR_RETURN(int64_t account_id, ParseAccountName("account", request.account()));
  KAM_RETURN_IF_ERROR(common::CheckText("text", request.text(), kMaxEntryText, /*multiline=*/true));
  if (absl::StripAsciiWhitespace(request.text()).empty()) {
    return common::InvalidField("text", "is required");
  }
  KAM_ASSIGN_OR_RETURN(common::RequestKey key,
                       common::RequestKeyOf(request, "AppendContactRecordEntry"));
  // A retry is answered before the account service is asked: the record
  // belongs to the company and its entries stand even once the account has
  // gone.
  auto earlier = [&]() -> absl::StatusOr<std::optional<AppendedEntry>> {
    if (key.id.empty()) return std::nullopt;
    return common::EarlierResult(key, store_->FindByRequest(key.id));
  };
  absl::StatusOr<std::optional<AppendedEntry>> first = earlier();
  if (!first.ok()) return first.status();
  if (first->has_value()) {
    Fill(**std::move(first), response);
    return absl::OkStatus();
  }

  KAM_ASSIGN_OR_RETURN(account::v1::Account account,
                       GetLiveAccountOfField(*accounts_, ctx, "account", AccountName(account_id)));

  AppendedEntry appended;
  KAM_ASSIGN_OR_RETURN(common::InsertOutcome outcome,
                       store_->Append(account_id, request.text(), ctx.actor, key, &appended));
  if (outcome == common::InsertOutcome::kDuplicateRequest) {
    // A concurrent call with the same request id appended first.
    KAM_ASSIGN_OR_RETURN(AppendedEntry retry,
                         AnswerUnfinishedRetry(key, store_->FindByRequest(key.id)));
    appended = std::move(retry);
  }
  Fill(std::move(appended), response);
  return absl::OkStatus();
}

absl::StatusOr<StoredContactRecord> ContactRecordService::FindRecord(
    const Ctx& ctx, absl::string_view name_field, const std::string& name,
    absl::string_view account_field, const std::string& account) {
  if (name.empty() == account.empty()) {
    return common::InvalidField(
        account_field, absl::StrCat("or ", name_field, " is required (exactly one of them)"));
  }
  if (!account.empty()) {
    KAM_ASSIGN_OR_RETURN(int64_t account_id, ParseAccountName(account_field, account));
    KAM_RETURN_IF_ERROR(
        CheckOwnAccount(*accounts_, ctx, account_id,
                        absl::NotFoundError(absl::StrCat("account ", AccountName(account_id),
                                                         " has no contact record yet"))));
    return store_->GetByAccount(account_id);
  }
  KAM_ASSIGN_OR_RETURN(int64_t id, common::ParseId(name_field, name, "contactRecords"));
  return OwnRow(*accounts_, ctx, store_->GetById(id), "contact record", ContactRecordName(id));
}

absl::Status ContactRecordService::GetContactRecord(const Ctx& ctx,
                                                    const v1::GetContactRecordRequest& request,
                                                    v1::ContactRecord* response) {
  KAM_ASSIGN_OR_RETURN(StoredContactRecord record,
                       FindRecord(ctx, "name", request.name(), "account", request.account()));
  *response = std::move(record.record);
  return absl::OkStatus();
}

absl::Status ContactRecordService::ListContactRecordEntries(
    const Ctx& ctx, const v1::ListContactRecordEntriesRequest& request,
    v1::ListContactRecordEntriesResponse* response) {
  KAM_ASSIGN_OR_RETURN(common::ListRequest list,
                       common::ReadListRequest(request, {"ListContactRecordEntries",
                                                         request.parent(), request.account()}));
  KAM_ASSIGN_OR_RETURN(StoredContactRecord record,
                       FindRecord(ctx, "parent", request.parent(), "account", request.account()));
  return AnswerPage(
      list, store_->ListEntries(record.id, common::CursorId(list.cursor), list.limit), response,
      [&](StoredRecordEntry& row) { *response->add_entries() = std::move(row.entry); },
      [](const StoredRecordEntry& row) {
        return common::PageCursor{{}, row.seq};
      });
}

}  // namespace kam::interaction::contact_records
