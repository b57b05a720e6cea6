// The contacts area on MySQL (mysql_account_database.h): table contacts, and
// accounts.contact_count.
#include <cppconn/exception.h>

#include <map>
#include <string>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "common/db/row_reader.h"
#include "common/db/sql_error.h"
#include "services/account/mysql_account_database.h"
#include "services/account/shared/account_names.h"
#include "services/account/shared/batch_create.h"
#include "services/account/shared/mysql_rows.h"

namespace kam::account {
namespace {

using contacts::StoredContact;

using common::ReadText;
using common::SqlConnection;
using Found = std::optional<common::CreatedByRequest<StoredContact>>;

constexpr char kContactColumns[] =
    "c.id, c.account_id, c.display_name, c.title, c.department, c.buying_role, "
    "c.influence_weight, c.preferred_channel, c.phone, c.email, c.do_not_call, c.time_zone, "
    "c.version, c.create_time, c.update_time, c.delete_time";

// The insert of one or more contacts: kInsertContact, then kContactRow per
// contact, separated by ", ", bound to ContactValues of each.
constexpr char kInsertContact[] =
    "INSERT INTO contacts (id, account_id, display_name, title, department, buying_role, "
    "influence_weight, preferred_channel, phone, email, do_not_call, time_zone, version, "
    "create_time, update_time, create_request_id, create_request_hash) VALUES ";
constexpr char kContactRow[] = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

std::vector<common::SqlValue> ContactValues(const StoredContact& row,
                                            const common::RequestKey& key) {
  const v1::Contact& c = row.resource;
  return {row.id,
          row.account_id,
          c.display_name(),
          c.title(),
          c.department(),
          int64_t{c.buying_role()},
          int64_t{c.influence_weight()},
          int64_t{c.preferred_channel()},
          c.phone(),
          c.email(),
          int64_t{c.do_not_call() ? 1 : 0},
          c.time_zone(),
          row.version,
          common::SqlTime(c.create_time()),
          common::SqlTime(c.update_time()),
          key.id.empty() ? common::SqlValue(nullptr) : common::SqlValue(key.id),
          key.id.empty() ? common::SqlValue(nullptr) : common::SqlValue(key.hash)};
}

// One contact (locked: `lock`); binds its id, then its account's.
std::string SelectContactSql(bool lock) {
  return absl::StrCat("SELECT ", kContactColumns,
                      " FROM contacts c WHERE c.id = ? AND c.account_id = ?",
                      lock ? " FOR UPDATE" : "");
}

StoredContact ReadContact(sql::ResultSet& rs) {
  StoredContact row = ReadRecordKey<v1::Contact>(rs, "contacts");
  v1::Contact& c = row.resource;
  c.set_display_name(ReadText(rs, 3));
  c.set_title(ReadText(rs, 4));
  c.set_department(ReadText(rs, 5));
  c.set_buying_role(static_cast<v1::BuyingRole>(rs.getInt(6)));
  c.set_influence_weight(rs.getInt(7));
  c.set_preferred_channel(static_cast<v1::ContactChannel>(rs.getInt(8)));
  c.set_phone(ReadText(rs, 9));
  c.set_email(ReadText(rs, 10));
  c.set_do_not_call(rs.getInt(11) != 0);
  c.set_time_zone(ReadText(rs, 12));
  row.version = ReadVersionAndTimes(rs, 13, c);
  return row;
}

// On the caller's connection, so a transaction that holds a lock never
// waits for a second pooled connection.
Found ContactByRequest(SqlConnection& connection, const std::string& request_id) {
  return common::ReadCreatedByRequest(
      connection,
      absl::StrCat("SELECT ", kContactColumns,
                   ", c.create_request_hash FROM contacts c WHERE c.create_request_id = ?"),
      request_id, ReadContact);
}

}  // namespace

// --- transaction steps ---------------------------------------------------

absl::StatusOr<Found> MySqlTransaction::FindContactByRequest(const std::string& request_id) {
  return Step([&]() -> absl::StatusOr<Found> { return ContactByRequest(connection_, request_id); });
}

absl::StatusOr<StoredContact> MySqlTransaction::LockContact(int64_t account_id,
                                                            int64_t contact_id) {
  return Step([&] {
    return SelectRecord(connection_, SelectContactSql(/*lock=*/true), account_id,
                        contact_id, "contact", "contacts", ReadContact);
  });
}

absl::StatusOr<common::InsertOutcome> MySqlTransaction::InsertContact(
    const StoredContact& row, const common::RequestKey& key) {
  return Step([&]() -> absl::StatusOr<common::InsertOutcome> {
    try {
      connection_.Update(absl::StrCat(kInsertContact, kContactRow), ContactValues(row, key));
    } catch (const sql::SQLException& e) {
      if (e.getErrorCode() != common::kErDupEntry) throw;
      return common::InsertOutcome::kDuplicateRequest;
    }
    return common::InsertOutcome::kInserted;
  });
}

absl::Status MySqlTransaction::InsertContacts(const std::vector<StoredContact>& rows,
                                              const std::vector<common::RequestKey>& keys,
                                              size_t* failed_row) {
  *failed_row = rows.size();
  std::vector<std::vector<common::SqlValue>> values;
  values.reserve(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) values.push_back(ContactValues(rows[i], keys[i]));
  KAM_ASSIGN_OR_RETURN(const size_t inserted, Step([&]() -> absl::StatusOr<size_t> {
                         return InsertRowsUntilDuplicate(connection_, kInsertContact, kContactRow,
                                                         values);
                       }));
  // The only unique key a new contact can meet is its request id: find whose.
  for (size_t i = inserted; i < rows.size(); ++i) {
    KAM_ASSIGN_OR_RETURN(const common::InsertOutcome outcome, InsertContact(rows[i], keys[i]));
    if (outcome == common::InsertOutcome::kInserted) continue;
    *failed_row = i;
    return RequestIdTakenMeanwhile();
  }
  return absl::OkStatus();
}

absl::Status MySqlTransaction::WriteContact(const StoredContact& row) {
  const v1::Contact& c = row.resource;
  return Step([&] {
    connection_.Update(
        "UPDATE contacts SET display_name = ?, title = ?, department = ?, buying_role = ?, "
        "influence_weight = ?, preferred_channel = ?, phone = ?, email = ?, do_not_call = ?, "
        "time_zone = ?, version = ?, update_time = ?, delete_time = ? WHERE id = ?",
        c.display_name(), c.title(), c.department(), static_cast<int>(c.buying_role()),
        c.influence_weight(), static_cast<int>(c.preferred_channel()), c.phone(), c.email(),
        c.do_not_call(), c.time_zone(), row.version, common::SqlTime(c.update_time()),
        common::SqlTimeIf(c.has_delete_time(), c.delete_time()), row.id);
    return absl::OkStatus();
  });
}

absl::Status MySqlTransaction::AddToContactCount(int64_t account_id, int delta) {
  return Step([&] {
    connection_.Update("UPDATE accounts SET contact_count = contact_count + ? WHERE id = ?", delta,
                       account_id);
    return absl::OkStatus();
  });
}

absl::Status MySqlTransaction::AddToContactCounts(const std::map<int64_t, int>& deltas) {
  if (deltas.empty()) return absl::OkStatus();
  if (deltas.size() == 1) return AddToContactCount(deltas.begin()->first, deltas.begin()->second);
  // One statement: each account's delta from a CASE over (id, delta) pairs,
  // padded like the id list (a repeated pair changes nothing).
  std::vector<int64_t> ids;
  for (const auto& [account_id, delta] : deltas) ids.push_back(account_id);
  std::string in;
  const std::vector<common::SqlValue> padded = PaddedIds(ids, &in);
  std::string cases;
  std::vector<common::SqlValue> values;
  for (const common::SqlValue& id : padded) {
    cases.append(" WHEN ? THEN ?");
    values.push_back(id);
    values.emplace_back(int64_t{deltas.at(std::get<int64_t>(id))});
  }
  values.insert(values.end(), padded.begin(), padded.end());
  return Exec(absl::StrCat("UPDATE accounts SET contact_count = contact_count + CASE id", cases,
                           " END WHERE id IN (", in, ")"),
              values);
}

// --- reads ---------------------------------------------------------------

absl::StatusOr<StoredContact> MySqlAccountDatabase::GetContact(int64_t account_id,
                                                               int64_t contact_id) {
  return common::ReadWithConnection<StoredContact>(
      *pool_, "reading contact", [&](SqlConnection& connection) -> absl::StatusOr<StoredContact> {
        return SelectRecord(connection, SelectContactSql(/*lock=*/false), account_id, contact_id, "contact",
                            "contacts", ReadContact);
      });
}

absl::StatusOr<Found> MySqlAccountDatabase::FindContactByRequest(const std::string& request_id) {
  return common::ReadWithConnection<Found>(*pool_, "reading contact",
                                           [&](SqlConnection& connection) -> absl::StatusOr<Found> {
                                             return ContactByRequest(connection, request_id);
                                           });
}

absl::StatusOr<contacts::ContactsByRequest> MySqlAccountDatabase::FindContactsByRequest(
    const std::vector<std::string>& request_ids) {
  return common::ReadWithConnection<contacts::ContactsByRequest>(
      *pool_, "reading contacts",
      [&](SqlConnection& connection) -> absl::StatusOr<contacts::ContactsByRequest> {
        return ReadCreatedByRequests(
            connection,
            absl::StrCat("SELECT ", kContactColumns,
                         ", c.create_request_id, c.create_request_hash FROM contacts c "
                         "WHERE c.create_request_id IN ("),
            request_ids, ReadContact);
      });
}

absl::StatusOr<common::Page<StoredContact>> MySqlAccountDatabase::ListContacts(
    int64_t account_id, bool show_deleted, const std::optional<common::PageCursor>& cursor,
    int limit) {
  return SelectPageUnderAccount(
      *pool_, "listing contacts",
      absl::StrCat("SELECT ", kContactColumns,
                   " FROM contacts c WHERE c.account_id = ? AND c.id > ?",
                   show_deleted ? "" : " AND c.delete_time IS NULL", " ORDER BY c.id LIMIT ?"),
      account_id, cursor, limit, ReadContact);
}

}  // namespace kam::account
