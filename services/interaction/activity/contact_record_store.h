// All SQL on contact records (contact_records, contact_record_entries;
// migrations/0001_activities.sql).
//
// One record per account, race-free without deadlocks: the first append for
// an account makes an empty placeholder row (INSERT IGNORE on the unique
// account_id, outside any transaction), then every append locks that row
// (SELECT ... FOR UPDATE) and writes entry n = entry_count + 1. Two first
// appends at once both find the one row and queue on its lock; the first to
// get it becomes `opened_by`. A placeholder with no entries is not a record.
#ifndef KAM_SERVICES_INTERACTION_ACTIVITY_CONTACT_RECORD_STORE_H_
#define KAM_SERVICES_INTERACTION_ACTIVITY_CONTACT_RECORD_STORE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/id_allocator.h"
#include "common/db/mysql_pool.h"
#include "kam/interaction/v1/activity.pb.h"
#include "services/interaction/activity/activity_store.h"

namespace kam::interaction::activity {

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

std::string ContactRecordName(int64_t id);

class ContactRecordStore {
 public:
  explicit ContactRecordStore(common::ConnectionPool* pool)
      : pool_(pool), ids_(pool, "contact_records") {}

  // Appends an entry by `author` at the time of the append (taken under the
  // record's lock, so entries are in time order). kDuplicateRequest when
  // `request_id` was used before (nothing written; see FindByRequest).
  absl::StatusOr<InsertOutcome> Append(int64_t account_id, const std::string& text,
                                       const std::string& author, const std::string& request_id,
                                       const std::string& request_hash, AppendedEntry* appended);

  // The entry an append with `request_id` wrote; nullopt when none did.
  absl::StatusOr<std::optional<CreatedByRequest<AppendedEntry>>> FindByRequest(
      const std::string& request_id);

  // NOT_FOUND while the account has no entries.
  absl::StatusOr<StoredContactRecord> GetByAccount(int64_t account_id);
  absl::StatusOr<StoredContactRecord> GetById(int64_t record_id);

  // Entries with seq > `after_seq`, oldest first, at most `limit`.
  absl::StatusOr<Page<StoredRecordEntry>> ListEntries(int64_t record_id, int64_t after_seq,
                                                      int limit);

 private:
  absl::StatusOr<StoredContactRecord> GetWhere(const char* column, int64_t value);

  common::ConnectionPool* pool_;
  common::IdAllocator ids_;
};

}  // namespace kam::interaction::activity

#endif  // KAM_SERVICES_INTERACTION_ACTIVITY_CONTACT_RECORD_STORE_H_
