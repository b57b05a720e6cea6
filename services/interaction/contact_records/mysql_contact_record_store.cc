// ContactRecordStore on MariaDB (NewMySqlContactRecordStore). Prepared
// statements only.
//
// One record per account, race-free without deadlocks: the first append for
// an account makes an empty placeholder row (INSERT IGNORE on the unique
// account_id, outside any transaction), then every append locks that row
// (SELECT ... FOR UPDATE) and writes entry n = entry_count + 1. Two first
// appends at once both find the one row and queue on its lock; the first to
// get it becomes `opened_by`. A placeholder with no entries is not a record.
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"
#include "common/db/id_allocator.h"
#include "common/db/mysql_pool.h"
#include "common/db/queries.h"
#include "common/db/row_reader.h"
#include "common/db/transaction.h"
#include "services/interaction/contact_records/contact_record_store.h"
#include "services/interaction/shared/names.h"
#include "services/interaction/shared/store_sql.h"

namespace kam::interaction::contact_records {
namespace {

using common::InsertOutcome;
using common::ReadText;
using common::ReadTimestamp;
using common::SqlConnection;

constexpr char kRecordColumns[] =
    "r.id, r.account_id, r.opened_by, r.open_time, r.entry_count, r.last_entry_by, r.update_time";
constexpr int kRecordColumnCount = 7;
constexpr char kEntryColumns[] = "e.record_id, e.seq, e.author, e.entry_time, e.text";

StoredContactRecord ReadRecord(sql::ResultSet& rs, int first) {
  StoredContactRecord row;
  row.id = rs.getInt64(first);
  row.account_id = rs.getInt64(first + 1);
  v1::ContactRecord& r = row.record;
  r.set_name(ContactRecordName(row.id));
  r.set_account(AccountName(row.account_id));
  r.set_opened_by(ReadText(rs, first + 2));
  if (auto t = ReadTimestamp(rs, first + 3)) *r.mutable_open_time() = *t;
  r.set_entry_count(rs.getInt(first + 4));
  r.set_last_entry_by(ReadText(rs, first + 5));
  if (auto t = ReadTimestamp(rs, first + 6)) *r.mutable_update_time() = *t;
  return row;
}

StoredRecordEntry ReadEntry(sql::ResultSet& rs, int first) {
  StoredRecordEntry row;
  row.record_id = rs.getInt64(first);
  row.seq = rs.getInt64(first + 1);
  v1::ContactRecordEntry& e = row.entry;
  e.set_name(EntryName(row.record_id, row.seq));
  e.set_author(ReadText(rs, first + 2));
  if (auto t = ReadTimestamp(rs, first + 3)) *e.mutable_entry_time() = *t;
  e.set_text(ReadText(rs, first + 4));
  return row;
}

// The record and entry of a FindByRequest row (record columns first).
AppendedEntry ReadAppended(sql::ResultSet& rs) {
  AppendedEntry found;
  found.record = ReadRecord(rs, 1);
  found.entry = ReadEntry(rs, kRecordColumnCount + 1);
  found.opened = found.entry.seq == 1;
  return found;
}

class MySqlContactRecordStore final : public ContactRecordStore, private MySqlStoreBase {
 public:
  explicit MySqlContactRecordStore(common::ConnectionPool* pool)
      : MySqlStoreBase(pool), ids_(pool, "contact_records") {}

  absl::StatusOr<InsertOutcome> Append(int64_t account_id, const std::string& text,
                                       const std::string& author, const common::RequestKey& key,
                                       AppendedEntry* appended) override {
    // 1. The placeholder row every append for this account locks.
    absl::StatusOr<bool> exists = common::ReadWithConnection<bool>(
        *pool_, "reading contact record", [&](SqlConnection& connection) -> absl::StatusOr<bool> {
          return connection.Query("SELECT 1 FROM contact_records WHERE account_id = ?", account_id)
              ->next();
        });
    if (!exists.ok()) return exists.status();
    if (!*exists) {
      KAM_ASSIGN_OR_RETURN(int64_t id, ids_.Next());
      absl::Status status =
          common::WithConnection(*pool_, "opening contact record", [&](SqlConnection& connection) {
            // IGNORE: another first append may have made it meanwhile; the
            // unique account_id keeps one.
            connection.Update("INSERT IGNORE INTO contact_records (id, account_id) VALUES (?, ?)",
                              id, account_id);
            return absl::OkStatus();
          });
      if (!status.ok()) return status;
    }

    // 2. The entry, under the record's lock.
    InsertOutcome outcome = InsertOutcome::kInserted;
    absl::Status status = common::RunInTransaction(
        *pool_, "appending to contact record", [&](SqlConnection& connection) {
          outcome = InsertOutcome::kInserted;
          auto rs = connection.Query(absl::StrCat("SELECT ", kRecordColumns,
                                                  " FROM contact_records r WHERE r.account_id = ? "
                                                  "FOR UPDATE"),
                                     account_id);
          if (!rs->next()) return absl::InternalError("the contact record vanished; retry");
          StoredContactRecord record = ReadRecord(*rs, 1);
          rs.reset();
          const absl::Time now = common::NowMicros();
          const std::string now_text = common::SqlTime(now);
          const int64_t seq = record.record.entry_count() + 1;
          outcome = InsertWithRequestId(
              connection, "uk_contact_record_entries_request",
              "INSERT INTO contact_record_entries (record_id, seq, author, entry_time, text, "
              "create_request_id, create_request_hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
              key, record.id, seq, author, now_text, text);
          if (outcome == InsertOutcome::kDuplicateRequest) return absl::OkStatus();
          connection.Update(
              "UPDATE contact_records SET entry_count = ?, opened_by = COALESCE(opened_by, ?), "
              "open_time = COALESCE(open_time, ?), last_entry_by = ?, update_time = ? WHERE id = ?",
              seq, author, now_text, author, now_text, record.id);
          *appended = MakeAppend(std::move(record), seq, author, text, now);
          return absl::OkStatus();
        });
    if (!status.ok()) return status;
    return outcome;
  }

  absl::StatusOr<std::optional<common::CreatedByRequest<AppendedEntry>>> FindByRequest(
      const std::string& request_id) override {
    return common::FindCreatedByRequest(
        *pool_, "reading contact record",
        absl::StrCat("SELECT ", kRecordColumns, ", ", kEntryColumns,
                     ", e.create_request_hash FROM contact_record_entries e "
                     "JOIN contact_records r ON r.id = e.record_id "
                     "WHERE e.create_request_id = ?"),
        request_id, ReadAppended);
  }

  absl::StatusOr<StoredContactRecord> GetByAccount(int64_t account_id) override {
    return GetWhere("account_id", account_id,
                    absl::NotFoundError(absl::StrCat("account ", AccountName(account_id),
                                                     " has no contact record yet")));
  }

  absl::StatusOr<StoredContactRecord> GetById(int64_t record_id) override {
    return GetWhere("id", record_id,
                    absl::NotFoundError(absl::StrCat("contact record ",
                                                     ContactRecordName(record_id), " not found")));
  }

  absl::StatusOr<common::Page<StoredRecordEntry>> ListEntries(int64_t record_id, int64_t after_seq,
                                                              int limit) override {
    return common::QueryPage(
        *pool_, "listing contact record", limit,
        [](sql::ResultSet& rs) { return ReadEntry(rs, 1); },
        absl::StrCat("SELECT ", kEntryColumns,
                     " FROM contact_record_entries e WHERE e.record_id = ? AND e.seq > ? "
                     "ORDER BY e.seq LIMIT ?"),
        record_id, after_seq, static_cast<int64_t>(limit) + 1);
  }

 private:
  // The record whose `column` is `value`; `not_found` when there is none
  // with entries.
  absl::StatusOr<StoredContactRecord> GetWhere(const char* column, int64_t value,
                                               const absl::Status& not_found) {
    return common::QueryOne(
        *pool_, "reading contact record", not_found,
        [](sql::ResultSet& rs) { return ReadRecord(rs, 1); },
        absl::StrCat("SELECT ", kRecordColumns, " FROM contact_records r WHERE r.", column,
                     " = ? AND r.entry_count > 0"),
        value);
  }

  common::IdAllocator ids_;
};

}  // namespace

std::unique_ptr<ContactRecordStore> NewMySqlContactRecordStore(common::ConnectionPool* pool) {
  return std::make_unique<MySqlContactRecordStore>(pool);
}

}  // namespace kam::interaction::contact_records
