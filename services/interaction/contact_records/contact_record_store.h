// Contact records (contact_records, contact_record_entries;
// migrations/0001_activities.sql): one record per account, entries appended
// in time order and never changed. Handlers depend on this interface; the
// MySQL store (NewMySqlContactRecordStore below,
// mysql_contact_record_store.cc) holds the SQL and FakeContactRecordStore
// (fake_contact_record_store.h) stands in for it in unit tests. While the
// database is down every method is UNAVAILABLE.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/api/idempotency.h"
#include "common/api/list_request.h"
#include "kam/interaction/v1/activity.pb.h"
#include "services/interaction/shared/connection_pool_fwd.h"

namespace kam::interaction::contact_records {

struct StoredContactRecord {
  int64_t id = 0;
  int64_t account_id = 0;
  v1::ContactRecord record;
};

struct StoredRecordEntry {
  int64_t record_id = 0;
  int64_t seq = 0;
  v1::ContactRecordEntry entry;
};

// What an append wrote (or, for a retried request id, what the first call
// wrote, with the record as it is now).
struct AppendedEntry {
  StoredContactRecord record;
  StoredRecordEntry entry;
  bool opened = false;  // the entry is the record's first
};

// "contactRecords/{id}".
std::string ContactRecordName(int64_t id);
// "contactRecords/{id}/entries/{seq}".
std::string EntryName(int64_t record_id, int64_t seq);

// What appending entry `seq` (entry_count + 1) by `author` at `now` makes of
// `record` as it was read under its lock: the record as it is then (opened
// by `author` when `seq` is 1) and the entry.
AppendedEntry MakeAppend(StoredContactRecord record, int64_t seq, const std::string& author,
                         const std::string& text, absl::Time now);

class ContactRecordStore {
 public:
  virtual ~ContactRecordStore() = default;

  // Appends an entry by `author` at the time of the append (entries of one
  // record are in time order), opening the account's record with its first
  // entry, and fills `*appended`. kDuplicateRequest, nothing written and
  // `*appended` untouched, when key.id was used before (see FindByRequest).
  virtual absl::StatusOr<common::InsertOutcome> Append(int64_t account_id, const std::string& text,
                                                       const std::string& author,
                                                       const common::RequestKey& key,
                                                       AppendedEntry* appended) = 0;

  // The entry an append with `request_id` wrote; nullopt when none did.
  virtual absl::StatusOr<std::optional<common::CreatedByRequest<AppendedEntry>>> FindByRequest(
      const std::string& request_id) = 0;

  // NOT_FOUND "account accounts/{id} has no contact record yet" while the
  // account has no entries.
  virtual absl::StatusOr<StoredContactRecord> GetByAccount(int64_t account_id) = 0;
  // NOT_FOUND "contact record contactRecords/{id} not found".
  virtual absl::StatusOr<StoredContactRecord> GetById(int64_t record_id) = 0;

  // Entries with seq > `after_seq`, oldest first, at most `limit`.
  virtual absl::StatusOr<common::Page<StoredRecordEntry>> ListEntries(int64_t record_id,
                                                                      int64_t after_seq,
                                                                      int limit) = 0;
};

// The real store, over MySQL (mysql_contact_record_store.cc). `pool`
// outlives it.
std::unique_ptr<ContactRecordStore> NewMySqlContactRecordStore(common::ConnectionPool* pool);

}  // namespace kam::interaction::contact_records
