#include "services/interaction/contact_records/fake_contact_record_store.h"

#include "absl/strings/str_cat.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"
#include "services/interaction/shared/names.h"

namespace kam::interaction::contact_records {

std::vector<StoredRecordEntry> FakeContactRecordStore::entries() const {
  absl::MutexLock lock(&mu_);
  return entries_;
}

absl::StatusOr<common::InsertOutcome> FakeContactRecordStore::Append(int64_t account_id,
                                                                     const std::string& text,
                                                                     const std::string& author,
                                                                     const common::RequestKey& key,
                                                                     AppendedEntry* appended) {
  absl::MutexLock lock(&mu_);
  KAM_RETURN_IF_ERROR(Reachable("database"));
  if (!key.id.empty() && requests_.count(key.id) > 0) {
    return common::InsertOutcome::kDuplicateRequest;
  }
  StoredContactRecord& record = records_[account_id];
  if (record.id == 0) {
    record.id = static_cast<int64_t>(records_.size());
    record.account_id = account_id;
    record.record.set_name(ContactRecordName(record.id));
    record.record.set_account(AccountName(account_id));
  }
  *appended =
      MakeAppend(record, record.record.entry_count() + 1, author, text, common::NowMicros());
  record = appended->record;
  if (!key.id.empty()) requests_[key.id] = {entries_.size(), key.hash};
  entries_.push_back(appended->entry);
  return common::InsertOutcome::kInserted;
}

absl::StatusOr<std::optional<common::CreatedByRequest<AppendedEntry>>>
FakeContactRecordStore::FindByRequest(const std::string& request_id) {
  absl::MutexLock lock(&mu_);
  KAM_RETURN_IF_ERROR(Reachable("database"));
  auto it = requests_.find(request_id);
  if (it == requests_.end()) return std::nullopt;
  AppendedEntry found;
  found.entry = entries_[it->second.first];
  for (const auto& [account_id, record] : records_) {
    if (record.id == found.entry.record_id) found.record = record;
  }
  found.opened = found.entry.seq == 1;
  return common::CreatedByRequest<AppendedEntry>{std::move(found), it->second.second};
}

absl::StatusOr<StoredContactRecord> FakeContactRecordStore::GetByAccount(int64_t account_id) {
  absl::MutexLock lock(&mu_);
  KAM_RETURN_IF_ERROR(Reachable("database"));
  auto it = records_.find(account_id);
  if (it == records_.end()) {
    return absl::NotFoundError(
        absl::StrCat("account ", AccountName(account_id), " has no contact record yet"));
  }
  return it->second;
}

absl::StatusOr<StoredContactRecord> FakeContactRecordStore::GetById(int64_t record_id) {
  absl::MutexLock lock(&mu_);
  KAM_RETURN_IF_ERROR(Reachable("database"));
  for (const auto& [account_id, record] : records_) {
    if (record.id == record_id) return record;
  }
  return absl::NotFoundError(
      absl::StrCat("contact record ", ContactRecordName(record_id), " not found"));
}

absl::StatusOr<common::Page<StoredRecordEntry>> FakeContactRecordStore::ListEntries(
    int64_t record_id, int64_t after_seq, int limit) {
  absl::MutexLock lock(&mu_);
  KAM_RETURN_IF_ERROR(Reachable("database"));
  std::vector<StoredRecordEntry> rows;
  for (const StoredRecordEntry& entry : entries_) {
    if (entry.record_id == record_id && entry.seq > after_seq &&
        static_cast<int>(rows.size()) <= limit) {
      rows.push_back(entry);
    }
  }
  return common::TrimPage(std::move(rows), limit);
}

}  // namespace kam::interaction::contact_records
