#include "services/interaction/activity/contact_record_store.h"

#include <cppconn/exception.h>

#include "absl/strings/str_cat.h"
#include "common/base/proto_time.h"
#include "common/db/sql_error.h"
#include "common/db/transaction.h"

namespace kam::interaction::activity {
namespace {

using common::SqlConnection;

constexpr char kRecordColumns[] =
    "r.id, r.account_id, r.opened_by, r.open_time, r.entry_count, r.last_entry_by, r.update_time";
constexpr int kRecordColumnCount = 7;
constexpr char kEntryColumns[] = "e.record_id, e.seq, e.author, e.entry_time, e.text";

std::string Str(sql::ResultSet& rs, int column) { return rs.getString(column); }

std::optional<google::protobuf::Timestamp> ReadTime(sql::ResultSet& rs, int column) {
  const std::string text = Str(rs, column);
  if (rs.wasNull()) return std::nullopt;
  google::protobuf::Timestamp time;
  common::SqlDateTimeToProto(text, &time);
  return time;
}

StoredContactRecord ReadRecord(sql::ResultSet& rs, int first) {
  StoredContactRecord row;
  row.id = rs.getInt64(first);
  row.account_id = rs.getInt64(first + 1);
  v1::ContactRecord& r = row.record;
  r.set_name(ContactRecordName(row.id));
  r.set_account(absl::StrCat("accounts/", row.account_id));
  r.set_opened_by(Str(rs, first + 2));
  if (auto t = ReadTime(rs, first + 3)) *r.mutable_open_time() = *t;
  r.set_entry_count(rs.getInt(first + 4));
  r.set_last_entry_by(Str(rs, first + 5));
  if (auto t = ReadTime(rs, first + 6)) *r.mutable_update_time() = *t;
  return row;
}

StoredRecordEntry ReadEntry(sql::ResultSet& rs, int first) {
  StoredRecordEntry row;
  row.record_id = rs.getInt64(first);
  row.seq = rs.getInt64(first + 1);
  v1::ContactRecordEntry& e = row.entry;
  e.set_name(absl::StrCat(ContactRecordName(row.record_id), "/entries/", row.seq));
  e.set_author(Str(rs, first + 2));
  if (auto t = ReadTime(rs, first + 3)) *e.mutable_entry_time() = *t;
  e.set_text(Str(rs, first + 4));
  return row;
}

}  // namespace

std::string ContactRecordName(int64_t id) { return absl::StrCat("contactRecords/", id); }

absl::StatusOr<InsertOutcome> ContactRecordStore::Append(
    int64_t account_id, const std::string& text, const std::string& author,
    const std::string& request_id, const std::string& request_hash, AppendedEntry* appended) {
  // 1. The placeholder row every append for this account locks.
  bool exists = false;
  absl::Status status =
      common::WithConnection(*pool_, "reading contact record", [&](SqlConnection& connection) {
        exists = connection.Query("SELECT 1 FROM contact_records WHERE account_id = ?", account_id)
                     ->next();
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  if (!exists) {
    absl::StatusOr<int64_t> id = ids_.Next();
    if (!id.ok()) return id.status();
    status =
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
  status = common::RunInTransaction(
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
        const std::string now_text = common::ToSqlDateTime(now);
        const int64_t seq = record.record.entry_count() + 1;
        try {
          connection.Update(
              "INSERT INTO contact_record_entries (record_id, seq, author, entry_time, text, "
              "create_request_id, create_request_hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
              record.id, seq, author, now_text, text,
              request_id.empty() ? std::nullopt : std::optional<std::string>(request_id),
              request_id.empty() ? std::nullopt : std::optional<std::string>(request_hash));
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
        v1::ContactRecord& r = record.record;
        const google::protobuf::Timestamp now_proto = common::ToProtoTimestamp(now);
        if (seq == 1) {
          r.set_opened_by(author);
          *r.mutable_open_time() = now_proto;
        }
        r.set_entry_count(static_cast<int32_t>(seq));
        r.set_last_entry_by(author);
        *r.mutable_update_time() = now_proto;
        appended->record = std::move(record);
        appended->entry.record_id = appended->record.id;
        appended->entry.seq = seq;
        v1::ContactRecordEntry& e = appended->entry.entry;
        e.set_name(absl::StrCat(appended->record.record.name(), "/entries/", seq));
        e.set_author(author);
        *e.mutable_entry_time() = now_proto;
        e.set_text(text);
        appended->opened = seq == 1;
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return outcome;
}

absl::StatusOr<std::optional<CreatedByRequest<AppendedEntry>>> ContactRecordStore::FindByRequest(
    const std::string& request_id) {
  std::optional<CreatedByRequest<AppendedEntry>> found;
  absl::Status status =
      common::WithConnection(*pool_, "reading contact record", [&](SqlConnection& connection) {
        auto rs =
            connection.Query(absl::StrCat("SELECT ", kRecordColumns, ", ", kEntryColumns,
                                          ", e.create_request_hash FROM contact_record_entries e "
                                          "JOIN contact_records r ON r.id = e.record_id "
                                          "WHERE e.create_request_id = ?"),
                             request_id);
        if (!rs->next()) return absl::OkStatus();
        found.emplace();
        found->row.record = ReadRecord(*rs, 1);
        found->row.entry = ReadEntry(*rs, kRecordColumnCount + 1);
        found->row.opened = found->row.entry.seq == 1;
        found->request_hash = Str(*rs, kRecordColumnCount + 6);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return found;
}

absl::StatusOr<StoredContactRecord> ContactRecordStore::GetWhere(const char* column,
                                                                 int64_t value) {
  std::optional<StoredContactRecord> row;
  absl::Status status =
      common::WithConnection(*pool_, "reading contact record", [&](SqlConnection& connection) {
        auto rs = connection.Query(
            absl::StrCat("SELECT ", kRecordColumns, " FROM contact_records r WHERE r.", column,
                         " = ? AND r.entry_count > 0"),
            value);
        if (rs->next()) row = ReadRecord(*rs, 1);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  if (!row.has_value()) return absl::NotFoundError("no contact record");
  return *std::move(row);
}

absl::StatusOr<StoredContactRecord> ContactRecordStore::GetByAccount(int64_t account_id) {
  absl::StatusOr<StoredContactRecord> row = GetWhere("account_id", account_id);
  if (row.status().code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError(
        absl::StrCat("account accounts/", account_id, " has no contact record yet"));
  }
  return row;
}

absl::StatusOr<StoredContactRecord> ContactRecordStore::GetById(int64_t record_id) {
  absl::StatusOr<StoredContactRecord> row = GetWhere("id", record_id);
  if (row.status().code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError(
        absl::StrCat("contact record ", ContactRecordName(record_id), " not found"));
  }
  return row;
}

absl::StatusOr<Page<StoredRecordEntry>> ContactRecordStore::ListEntries(int64_t record_id,
                                                                        int64_t after_seq,
                                                                        int limit) {
  Page<StoredRecordEntry> page;
  absl::Status status =
      common::WithConnection(*pool_, "listing contact record", [&](SqlConnection& connection) {
        auto rs = connection.Query(
            absl::StrCat("SELECT ", kEntryColumns,
                         " FROM contact_record_entries e WHERE e.record_id = ? AND e.seq > ? "
                         "ORDER BY e.seq LIMIT ?"),
            record_id, after_seq, static_cast<int64_t>(limit) + 1);
        while (rs->next()) page.rows.push_back(ReadEntry(*rs, 1));
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  page.more = static_cast<int>(page.rows.size()) > limit;
  if (page.more) page.rows.resize(limit);
  return page;
}

}  // namespace kam::interaction::activity
