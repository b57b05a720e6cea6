// ContactRecordStore on MariaDB. Prepared statements only.
//
// One record per account, race-free without deadlocks: the first append for
// an account makes an empty placeholder row (INSERT IGNORE on the unique
// account_id, outside any transaction), then every append locks that row
// (SELECT ... FOR UPDATE) and writes entry n = entry_count + 1. Two first
// appends at once both find the one row and queue on its lock; the first to
// get it becomes `opened_by`. A placeholder with no entries is not a record.
#ifndef KAM_SERVICES_INTERACTION_CONTACT_RECORDS_MYSQL_CONTACT_RECORD_STORE_H_
#define KAM_SERVICES_INTERACTION_CONTACT_RECORDS_MYSQL_CONTACT_RECORD_STORE_H_

#include "common/db/id_allocator.h"
#include "common/db/mysql_pool.h"
#include "services/interaction/contact_records/contact_record_store.h"

namespace kam::interaction::contact_records {

class MySqlContactRecordStore final : public ContactRecordStore {
 public:
  explicit MySqlContactRecordStore(common::ConnectionPool* pool)
      : pool_(pool), ids_(pool, "contact_records") {}

  absl::StatusOr<common::InsertOutcome> Append(int64_t account_id, const std::string& text,
                                               const std::string& author,
                                               const common::RequestKey& key,
                                               AppendedEntry* appended) override;
  absl::StatusOr<std::optional<common::CreatedByRequest<AppendedEntry>>> FindByRequest(
      const std::string& request_id) override;
  absl::StatusOr<StoredContactRecord> GetByAccount(int64_t account_id) override;
  absl::StatusOr<StoredContactRecord> GetById(int64_t record_id) override;
  absl::StatusOr<common::Page<StoredRecordEntry>> ListEntries(int64_t record_id, int64_t after_seq,
                                                              int limit) override;

 private:
  // The record whose `column` is `value`; NOT_FOUND `not_found` when there
  // is none with entries.
  absl::StatusOr<StoredContactRecord> GetWhere(const char* column, int64_t value,
                                               const std::string& not_found);

  common::ConnectionPool* pool_;
  common::IdAllocator ids_;
};

}  // namespace kam::interaction::contact_records

#endif  // KAM_SERVICES_INTERACTION_CONTACT_RECORDS_MYSQL_CONTACT_RECORD_STORE_H_
