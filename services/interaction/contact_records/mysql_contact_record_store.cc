#include "services/interaction/contact_records/mysql_contact_record_store.h"

#include <cppconn/exception.h>

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/base/proto_time.h"
#include "common/db/filter_sql.h"
#include "common/db/queries.h"
#include "common/db/row_reader.h"
#include "common/db/sql_error.h"
#include "common/db/transaction.h"
#include "services/interaction/shared/names.h"

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

}  // namespace

absl::StatusOr<InsertOutcome> MySqlContactRecordStore::Append(int64_t account_id,
                                                              const std::string& text,
                                                              const std::string& author,
                                                              const common::RequestKey& key,
                                                              AppendedEntry* appended) {
  // 1. The placeholder row every append for this account locks.
  absl::StatusOr<bool> exists = common::ReadWithConnection<bool>(
      *pool_, "reading contact record", [&](SqlConnection& connection) -> absl::StatusOr<bool> {
        return connection.Query("SELECT 1 FROM contact_records WHERE account_id = ?", account_id)
            ->next();
      });
  if (!exists.ok()) return exists.status();
  if (!*exists) {
    absl::StatusOr<int64_t> id = ids_.Next();
    if (!id.ok()) return id.status();
    absl::Status status =
        common::WithConnection(*pool_, "opening contact record", [&](SqlConnection& connection) {
          // IGNORE: another first append may have made it meanwhile; the
          // unique account_id keeps one.
          connection.Update("INSERT IGNORE INTO contact_records (id, account_id) VALUES (?, ?)",
                            *id, account_id);
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
        try {
          connection.Update(
              "INSERT INTO contact_record_entries (record_id, seq, author, entry_time, text, "
              "create_request_id, create_request_hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
              record.id, seq, author, now_text, text, common::TextOrNull(key.id),
              key.id.empty() ? std::nullopt : std::optional<std::string>(key.hash));
        } catch (const sql::SQLException& e) {
          if (e.getErrorCode() != common::kErDupEntry ||
              common::DuplicateKeyName(e.what()) != "uk_contact_record_entries_request") {
            throw;
          }
          outcome = InsertOutcome::kDuplicateRequest;
          return absl::OkStatus();
        }
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

absl::StatusOr<std::optional<common::CreatedByRequest<AppendedEntry>>>
MySqlContactRecordStore::FindByRequest(const std::string& request_id) {
  return common::FindCreatedByRequest(
      *pool_, "reading contact record",
      absl::StrCat("SELECT ", kRecordColumns, ", ", kEntryColumns,
                   ", e.create_request_hash FROM contact_record_entries e "
                   "JOIN contact_records r ON r.id = e.record_id "
                   "WHERE e.create_request_id = ?"),
      request_id, ReadAppended);
}

absl::StatusOr<StoredContactRecord> MySqlContactRecordStore::GetWhere(
    const char* column, int64_t value, const std::string& not_found) {
  using Found = std::optional<StoredContactRecord>;
  absl::StatusOr<Found> row = common::ReadWithConnection<Found>(
      *pool_, "reading contact record", [&](SqlConnection& connection) -> Found {
        auto rs = connection.Query(
            absl::StrCat("SELECT ", kRecordColumns, " FROM contact_records r WHERE r.", column,
                         " = ? AND r.entry_count > 0"),
            value);
        if (!rs->next()) return std::nullopt;
        return ReadRecord(*rs, 1);
      });
  if (!row.ok()) return row.status();
  if (!row->has_value()) return absl::NotFoundError(not_found);
  return **std::move(row);
}

absl::StatusOr<StoredContactRecord> MySqlContactRecordStore::GetByAccount(int64_t account_id) {
  return GetWhere("account_id", account_id,
                  absl::StrCat("account ", AccountName(account_id), " has no contact record yet"));
}

absl::StatusOr<StoredContactRecord> MySqlContactRecordStore::GetById(int64_t record_id) {
  return GetWhere("id", record_id,
                  absl::StrCat("contact record ", ContactRecordName(record_id), " not found"));
}

absl::StatusOr<common::Page<StoredRecordEntry>> MySqlContactRecordStore::ListEntries(
    int64_t record_id, int64_t after_seq, int limit) {
  std::vector<StoredRecordEntry> rows;
  absl::Status status =
      common::WithConnection(*pool_, "listing contact record", [&](SqlConnection& connection) {
        auto rs = connection.Query(
            absl::StrCat("SELECT ", kEntryColumns,
                         " FROM contact_record_entries e WHERE e.record_id = ? AND e.seq > ? "
                         "ORDER BY e.seq LIMIT ?"),
            record_id, after_seq, static_cast<int64_t>(limit) + 1);
        while (rs->next()) rows.push_back(ReadEntry(*rs, 1));
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return common::TrimPage(std::move(rows), limit);
}

}  // namespace kam::interaction::contact_records
