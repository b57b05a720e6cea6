// The contacts area on MySQL (mysql_account_database.h): table contacts, and
// the live-contact counts on accounts (contact_count and one per level).
#include <cppconn/exception.h>

#include <array>
#include <map>
#include <optional>
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
    "c.version, c.create_time, c.update_time, c.delete_time, c.org_level, c.reports_to_id";

// The insert of one or more contacts: kInsertContact, then kContactRow per
// contact, separated by ", ", bound to ContactValues of each.
constexpr char kInsertContact[] =
    "INSERT INTO contacts (id, account_id, display_name, title, department, buying_role, "
    "influence_weight, preferred_channel, phone, email, do_not_call, time_zone, version, "
    "create_time, update_time, create_request_id, create_request_hash, org_level, "
    "reports_to_id) VALUES ";
constexpr char kContactRow[] = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

// The id `c.reports_to` names (checked before: same account), or NULL.
common::SqlValue ReportsToId(const v1::Contact& c) {
  if (c.reports_to().empty()) return nullptr;
  absl::StatusOr<ChildIds> ids = ParseChildName("contact.reports_to", c.reports_to(), "contacts");
  return ids.ok() ? common::SqlValue(ids->second) : common::SqlValue(nullptr);
}

// The count columns of accounts, in the order of CountValues.
constexpr std::array<const char*, 4> kCountColumns = {"contact_count", "executive_contact_count",
                                                      "management_contact_count",
                                                      "front_line_contact_count"};

std::array<int64_t, 4> CountValues(const contacts::ContactCountDelta& d) {
  return {d.live, d.by_level[v1::CONTACT_LEVEL_EXECUTIVE], d.by_level[v1::CONTACT_LEVEL_MANAGEMENT],
          d.by_level[v1::CONTACT_LEVEL_FRONT_LINE]};
}

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
          key.id.empty() ? common::SqlValue(nullptr) : common::SqlValue(key.hash),
          int64_t{c.org_level()},
          ReportsToId(c)};
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
  c.set_org_level(static_cast<v1::ContactLevel>(rs.getInt(17)));
  if (std::optional<int64_t> manager = common::ReadOptionalInt(rs, 18)) {
    c.set_reports_to(ChildName(row.account_id, "contacts", *manager));
  }
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
        "time_zone = ?, org_level = ?, reports_to_id = ?, version = ?, update_time = ?, "
        "delete_time = ? WHERE id = ?",
        c.display_name(), c.title(), c.department(), static_cast<int>(c.buying_role()),
        c.influence_weight(), static_cast<int>(c.preferred_channel()), c.phone(), c.email(),
        c.do_not_call(), c.time_zone(), static_cast<int>(c.org_level()), ReportsToId(c),
        row.version, common::SqlTime(c.update_time()),
        common::SqlTimeIf(c.has_delete_time(), c.delete_time()), row.id);
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<contacts::ChainLink>> MySqlTransaction::ReportingChain(
    int64_t account_id, int64_t contact_id, int limit) {
  return Step([&]() -> absl::StatusOr<std::vector<contacts::ChainLink>> {
    // lvl stops the walk after `limit` links, so even a (corrupt) cycle ends.
    auto rs = connection_.Query(
        "WITH RECURSIVE up (id, reports_to_id, deleted, lvl) AS ("
        " SELECT id, reports_to_id, delete_time IS NOT NULL, 1 FROM contacts"
        " WHERE id = ? AND account_id = ?"
        " UNION ALL"
        " SELECT c.id, c.reports_to_id, c.delete_time IS NOT NULL, up.lvl + 1"
        " FROM contacts c JOIN up ON c.id = up.reports_to_id WHERE up.lvl < ?) "
        "SELECT id, deleted FROM up ORDER BY lvl",
        contact_id, account_id, int64_t{limit});
    std::vector<contacts::ChainLink> chain;
    while (rs->next()) chain.push_back({rs->getInt64(1), rs->getInt(2) != 0});
    return chain;
  });
}

absl::Status MySqlTransaction::AddToContactCount(int64_t account_id,
                                                 const contacts::ContactCountDelta& delta) {
  return AddToContactCounts({{account_id, delta}});
}

absl::Status MySqlTransaction::AddToContactCounts(
    const std::map<int64_t, contacts::ContactCountDelta>& deltas) {
  if (deltas.empty()) return absl::OkStatus();
  // One statement: each count column moves by a CASE over (id, delta) pairs,
  // padded like the id list (a repeated pair changes nothing).
  std::vector<int64_t> ids;
  for (const auto& [account_id, delta] : deltas) ids.push_back(account_id);
  std::string in;
  const std::vector<common::SqlValue> padded = PaddedIds(ids, &in);
  std::string sets;
  std::vector<common::SqlValue> values;
  for (size_t column = 0; column < kCountColumns.size(); ++column) {
    absl::StrAppend(&sets, column == 0 ? "" : ", ", kCountColumns[column], " = ",
                    kCountColumns[column], " + CASE id");
    for (const common::SqlValue& id : padded) {
      sets.append(" WHEN ? THEN ?");
      values.push_back(id);
      values.emplace_back(CountValues(deltas.at(std::get<int64_t>(id)))[column]);
    }
    sets.append(" END");
  }
  values.insert(values.end(), padded.begin(), padded.end());
  return Exec(absl::StrCat("UPDATE accounts SET ", sets, " WHERE id IN (", in, ")"), values);
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
  return FindCreatedByRequests(*pool_, "reading contacts",
                               absl::StrCat("SELECT ", kContactColumns,
                                            ", c.create_request_id, c.create_request_hash "
                                            "FROM contacts c WHERE c.create_request_id IN ("),
                               request_ids, ReadContact);
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
