#include "services/interaction/activity/activity_store.h"

#include <cppconn/exception.h>

#include <algorithm>
#include <iterator>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/api/etag.h"
#include "common/base/proto_time.h"
#include "common/db/filter_sql.h"
#include "common/db/sql_error.h"
#include "common/db/transaction.h"
#include "services/interaction/activity/activity_fields.h"

namespace kam::interaction::activity {
namespace {

using common::SqlConnection;
using common::SqlValue;

// The column list every activity read uses; ReadActivity reads it by
// position.
constexpr char kActivityColumns[] =
    "a.id, a.account_id, a.kind, a.subject, a.level, a.status, a.planned_time, a.actual_time, "
    "a.outcome, a.next_follow_up_time, a.cost_minor, a.cost_currency, a.contact_ids_text, "
    "a.team_members_text, a.creator, a.version, a.create_time, a.update_time, a.delete_time";
constexpr int kActivityColumnCount = 19;

std::string Str(sql::ResultSet& rs, int column) { return rs.getString(column); }

std::optional<google::protobuf::Timestamp> ReadTime(sql::ResultSet& rs, int column) {
  const sql::SQLString text = rs.getString(column);
  if (rs.wasNull()) return std::nullopt;
  google::protobuf::Timestamp ts;
  common::SqlDateTimeToProto(absl::string_view(text.c_str(), text.length()), &ts);
  return ts;
}

std::optional<absl::Time> ReadAbslTime(sql::ResultSet& rs, int column) {
  const sql::SQLString text = rs.getString(column);
  if (rs.wasNull()) return std::nullopt;
  absl::StatusOr<absl::Time> time =
      common::FromSqlDateTime(absl::string_view(text.c_str(), text.length()));
  if (!time.ok()) return std::nullopt;
  return *time;
}

SqlValue SqlTime(bool present, const google::protobuf::Timestamp& ts) {
  if (!present) return nullptr;
  return common::ToSqlDateTime(common::FromProtoTimestamp(ts));
}

std::string ContactIdsText(const v1::Activity& a) {
  std::vector<std::string> ids;
  for (const std::string& name : a.contacts()) {
    absl::StatusOr<ContactRef> ref = ParseContactRef("contact", name);
    if (ref.ok()) ids.push_back(absl::StrCat(ref->contact_id));
  }
  return absl::StrJoin(ids, ",");
}

StoredActivity ReadActivity(sql::ResultSet& rs) {
  StoredActivity row;
  v1::Activity& a = row.activity;
  row.id = rs.getInt64(1);
  row.account_id = rs.getInt64(2);
  a.set_name(ActivityName(row.id));
  a.set_account(AccountRef(row.account_id));
  a.set_kind(static_cast<v1::ActivityKind>(rs.getInt(3)));
  a.set_subject(Str(rs, 4));
  a.set_level(static_cast<v1::ActivityLevel>(rs.getInt(5)));
  a.set_status(static_cast<v1::ActivityStatus>(rs.getInt(6)));
  if (auto t = ReadTime(rs, 7)) *a.mutable_planned_time() = *t;
  if (auto t = ReadTime(rs, 8)) *a.mutable_actual_time() = *t;
  a.set_outcome(Str(rs, 9));
  if (auto t = ReadTime(rs, 10)) *a.mutable_next_follow_up_time() = *t;
  const int64_t cost = rs.getInt64(11);
  if (!rs.wasNull()) {
    a.mutable_cost()->set_minor_units(cost);
    a.mutable_cost()->set_currency_code(Str(rs, 12));
  }
  const std::string contact_ids = Str(rs, 13);
  for (absl::string_view id : absl::StrSplit(contact_ids, ',', absl::SkipEmpty())) {
    a.add_contacts(absl::StrCat("accounts/", row.account_id, "/contacts/", id));
  }
  const std::string members = Str(rs, 14);
  for (absl::string_view user : absl::StrSplit(members, '\n', absl::SkipEmpty())) {
    a.add_team_members(std::string(user));
  }
  a.set_creator(Str(rs, 15));
  row.version = rs.getInt64(16);
  if (auto t = ReadTime(rs, 17)) *a.mutable_create_time() = *t;
  if (auto t = ReadTime(rs, 18)) *a.mutable_update_time() = *t;
  if (auto t = ReadTime(rs, 19)) *a.mutable_delete_time() = *t;
  a.set_etag(common::MakeEtag(a.name(), row.version));
  return row;
}

// The values of the mutable columns, in the order of kMutableAssignments.
constexpr char kMutableAssignments[] =
    "kind = ?, subject = ?, level = ?, status = ?, planned_time = ?, actual_time = ?, "
    "outcome = ?, next_follow_up_time = ?, cost_minor = ?, cost_currency = ?, "
    "contact_ids_text = ?, team_members_text = ?, version = ?, update_time = ?, delete_time = ?";

std::vector<SqlValue> MutableValues(const StoredActivity& row) {
  const v1::Activity& a = row.activity;
  return {int64_t{a.kind()},
          a.subject(),
          int64_t{a.level()},
          int64_t{a.status()},
          SqlTime(a.has_planned_time(), a.planned_time()),
          SqlTime(a.has_actual_time(), a.actual_time()),
          a.outcome(),
          SqlTime(a.has_next_follow_up_time(), a.next_follow_up_time()),
          a.has_cost() ? SqlValue(a.cost().minor_units()) : SqlValue(nullptr),
          a.has_cost() ? a.cost().currency_code() : std::string(),
          ContactIdsText(a),
          absl::StrJoin(a.team_members(), "\n"),
          row.version,
          SqlTime(true, a.update_time()),
          SqlTime(a.has_delete_time(), a.delete_time())};
}

// The values InsertActivitySql binds, in its order.
std::vector<SqlValue> InsertValues(const StoredActivity& row, const std::string& request_id,
                                   const std::string& request_hash) {
  std::vector<SqlValue> values = {row.id, row.account_id};
  std::vector<SqlValue> mutable_values = MutableValues(row);
  values.insert(values.end(), std::make_move_iterator(mutable_values.begin()),
                std::make_move_iterator(mutable_values.end()));
  values.emplace_back(row.activity.creator());
  values.push_back(SqlTime(true, row.activity.create_time()));
  values.push_back(request_id.empty() ? SqlValue(nullptr) : SqlValue(request_id));
  values.push_back(request_id.empty() ? SqlValue(nullptr) : SqlValue(request_hash));
  return values;
}

// InsertActivitySql for `rows` rows (at most kMaxInsertBatch distinct
// statements per connection).
std::string MultiRowInsertSql(size_t rows) {
  static constexpr char kRow[] =
      ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  std::string sql = InsertActivitySql();
  for (size_t i = 1; i < rows; ++i) sql.append(kRow);
  return sql;
}

// Multi-row inserts of the participants (at most 50 each, so at most 50
// distinct statements per connection).
void InsertParticipants(SqlConnection& connection, const StoredActivity& row) {
  const v1::Activity& a = row.activity;
  if (a.contacts_size() > 0) {
    std::string sql = "INSERT INTO activity_contacts (activity_id, contact_id) VALUES ";
    std::vector<SqlValue> values;
    for (int i = 0; i < a.contacts_size(); ++i) {
      absl::StatusOr<ContactRef> ref = ParseContactRef("contact", a.contacts(i));
      if (!ref.ok()) continue;  // validated before; never happens
      absl::StrAppend(&sql, values.empty() ? "" : ", ", "(?, ?)");
      values.emplace_back(row.id);
      values.emplace_back(ref->contact_id);
    }
    if (!values.empty()) connection.Update(sql, values);
  }
  if (a.team_members_size() > 0) {
    std::string sql = "INSERT INTO activity_team_members (activity_id, user_id) VALUES ";
    std::vector<SqlValue> values;
    for (int i = 0; i < a.team_members_size(); ++i) {
      absl::StrAppend(&sql, i == 0 ? "" : ", ", "(?, ?)");
      values.emplace_back(row.id);
      values.emplace_back(a.team_members(i));
    }
    connection.Update(sql, values);
  }
}

// Pads an id list to the next size in 1, 2, 4, ..., 1024 by repeating the
// last id, so IN (...) lists of any length share at most 11 statements.
std::vector<SqlValue> PaddedIds(const std::vector<int64_t>& ids, std::string* placeholders) {
  size_t size = 1;
  while (size < ids.size()) size *= 2;
  std::vector<SqlValue> values;
  values.reserve(size);
  for (int64_t id : ids) values.emplace_back(id);
  while (values.size() < size) values.emplace_back(ids.back());
  *placeholders = "?";
  for (size_t i = 1; i < size; ++i) placeholders->append(",?");
  return values;
}

// --- filters ------------------------------------------------------------

using common::SqlFragment;

using common::SqlOp;

using common::OnlyEquality;

// An enum value given short ("CALL") or in full ("ACTIVITY_KIND_CALL").
template <typename Enum>
absl::StatusOr<int64_t> ParseEnumValue(absl::string_view field, absl::string_view value,
                                       absl::string_view prefix,
                                       bool (*parse)(const std::string&, Enum*)) {
  const std::string upper = absl::AsciiStrToUpper(value);
  Enum parsed;
  if (parse(upper, &parsed) || parse(absl::StrCat(prefix, upper), &parsed)) {
    return static_cast<int64_t>(parsed);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("filter value \"", value.substr(0, 64), "\" is not a valid ", field));
}

absl::Status ComparisonToSql(const common::FilterComparison& c, SqlFragment* out) {
  const std::string& f = c.field;
  const bool equal = c.op == common::FilterOp::kEq;
  auto enum_column = [&](const char* column, absl::StatusOr<int64_t> value) -> absl::Status {
    if (absl::Status s = OnlyEquality(c); !s.ok()) return s;
    if (!value.ok()) return value.status();
    absl::StrAppend(&out->sql, column, SqlOp(c.op), "?");
    out->params.emplace_back(*value);
    return absl::OkStatus();
  };
  if (f == "account") {
    if (absl::Status s = OnlyEquality(c); !s.ok()) return s;
    absl::StatusOr<int64_t> id = ParseAccountRef("filter value for account", c.value);
    if (!id.ok()) return id.status();
    absl::StrAppend(&out->sql, "a.account_id", SqlOp(c.op), "?");
    out->params.emplace_back(*id);
    return absl::OkStatus();
  }
  if (f == "kind") {
    return enum_column("a.kind", ParseEnumValue<v1::ActivityKind>("kind", c.value, "ACTIVITY_KIND_",
                                                                  v1::ActivityKind_Parse));
  }
  if (f == "level") {
    return enum_column("a.level",
                       ParseEnumValue<v1::ActivityLevel>("level", c.value, "ACTIVITY_LEVEL_",
                                                         v1::ActivityLevel_Parse));
  }
  if (f == "status") {
    return enum_column("a.status",
                       ParseEnumValue<v1::ActivityStatus>("status", c.value, "ACTIVITY_STATUS_",
                                                          v1::ActivityStatus_Parse));
  }
  if (f == "team_member") {
    if (absl::Status s = OnlyEquality(c); !s.ok()) return s;
    absl::StrAppend(&out->sql, equal ? "" : "NOT ",
                    "EXISTS (SELECT 1 FROM activity_team_members t "
                    "WHERE t.activity_id = a.id AND t.user_id = ?)");
    out->params.emplace_back(c.value);
    return absl::OkStatus();
  }
  if (f == "contact") {
    if (absl::Status s = OnlyEquality(c); !s.ok()) return s;
    absl::StatusOr<ContactRef> ref = ParseContactRef("filter value for contact", c.value);
    if (!ref.ok()) return ref.status();
    absl::StrAppend(&out->sql, equal ? "" : "NOT ",
                    "(a.account_id = ? AND EXISTS (SELECT 1 FROM activity_contacts k "
                    "WHERE k.activity_id = a.id AND k.contact_id = ?))");
    out->params.emplace_back(ref->account_id);
    out->params.emplace_back(ref->contact_id);
    return absl::OkStatus();
  }
  if (f == "planned_time" || f == "actual_time" || f == "next_follow_up_time" ||
      f == "create_time" || f == "update_time") {
    absl::Time t;
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, c.value, &t, &error)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "filter value for ", f, " must be an RFC 3339 time like 2026-01-31T00:00:00Z"));
    }
    absl::StrAppend(&out->sql, "a.", f, SqlOp(c.op), "?");
    out->params.emplace_back(common::ToSqlDateTime(t));
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("filter field \"", f.substr(0, 64),
                   "\" is not supported; use account, kind, level, status, team_member, contact, "
                   "planned_time, actual_time, next_follow_up_time, create_time or update_time"));
}

}  // namespace

// Largest CreateActivity batch (one multi-row INSERT).
constexpr int kMaxInsertBatch = 32;

ActivityStore::ActivityStore(common::ConnectionPool* pool)
    : pool_(pool),
      inserts_(
          [this](const std::vector<const PendingInsert*>& inserts) { return InsertBatch(inserts); },
          kMaxInsertBatch),
      ids_(pool, "activities") {}

absl::StatusOr<InsertOutcome> ActivityStore::InsertActivity(const StoredActivity& row,
                                                            const std::string& request_id,
                                                            const std::string& request_hash) {
  return inserts_.Call(PendingInsert{&row, &request_id, &request_hash});
}

std::vector<absl::StatusOr<InsertOutcome>> ActivityStore::InsertBatch(
    const std::vector<const PendingInsert*>& inserts) {
  // One INSERT for every activity of the batch, then the participants. A
  // batch without participants is that one statement, which needs no
  // transaction to be all or nothing.
  const bool participants =
      std::any_of(inserts.begin(), inserts.end(), [](const PendingInsert* insert) {
        const v1::Activity& a = insert->row->activity;
        return a.contacts_size() > 0 || a.team_members_size() > 0;
      });
  bool duplicate = false;
  auto insert_all = [&](SqlConnection& connection) {
    duplicate = false;
    std::vector<SqlValue> values;
    for (const PendingInsert* insert : inserts) {
      std::vector<SqlValue> row =
          InsertValues(*insert->row, *insert->request_id, *insert->request_hash);
      values.insert(values.end(), std::make_move_iterator(row.begin()),
                    std::make_move_iterator(row.end()));
    }
    try {
      connection.Update(MultiRowInsertSql(inserts.size()), values);
      for (const PendingInsert* insert : inserts) InsertParticipants(connection, *insert->row);
    } catch (const sql::SQLException& e) {
      if (e.getErrorCode() != common::kErDupEntry) throw;
      duplicate = true;
      return absl::AbortedError("duplicate key in an activity batch");  // rolls back
    }
    return absl::OkStatus();
  };
  const absl::Status status =
      participants ? common::RunInTransaction(*pool_, "creating activities", insert_all)
                   : common::WithConnection(*pool_, "creating activities", insert_all);
  std::vector<absl::StatusOr<InsertOutcome>> outcomes;
  if (duplicate) {
    // A retried request id fails the whole batch and wrote nothing: insert
    // row by row, so only that call learns of it.
    for (const PendingInsert* insert : inserts) {
      outcomes.push_back(InsertOne(*insert->row, *insert->request_id, *insert->request_hash));
    }
  } else if (status.ok()) {
    outcomes.assign(inserts.size(), InsertOutcome::kInserted);
  } else {
    outcomes.assign(inserts.size(), status);
  }
  return outcomes;
}

absl::StatusOr<InsertOutcome> ActivityStore::InsertOne(const StoredActivity& row,
                                                       const std::string& request_id,
                                                       const std::string& request_hash) {
  InsertOutcome outcome = InsertOutcome::kInserted;
  absl::Status status =
      common::RunInTransaction(*pool_, "creating activity", [&](SqlConnection& connection) {
        outcome = InsertOutcome::kInserted;
        try {
          connection.Update(InsertActivitySql(), InsertValues(row, request_id, request_hash));
        } catch (const sql::SQLException& e) {
          if (e.getErrorCode() != common::kErDupEntry) throw;
          outcome = InsertOutcome::kDuplicateRequest;
          return absl::OkStatus();
        }
        InsertParticipants(connection, row);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return outcome;
}

const std::string& InsertActivitySql() {
  static const std::string sql =
      "INSERT INTO activities (id, account_id, kind, subject, level, status, "
      "planned_time, actual_time, outcome, next_follow_up_time, cost_minor, "
      "cost_currency, contact_ids_text, team_members_text, version, update_time, "
      "delete_time, creator, create_time, create_request_id, create_request_hash) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  return sql;
}

absl::StatusOr<StoredActivity> ActivityStore::GetActivity(int64_t id) {
  std::optional<StoredActivity> row;
  absl::Status status =
      common::WithConnection(*pool_, "reading activity", [&](SqlConnection& connection) {
        auto rs = connection.Query(
            absl::StrCat("SELECT ", kActivityColumns, " FROM activities a WHERE a.id = ?"), id);
        if (rs->next()) row = ReadActivity(*rs);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  if (!row.has_value()) {
    return absl::NotFoundError(absl::StrCat("activity ", ActivityName(id), " not found"));
  }
  return *std::move(row);
}

absl::StatusOr<std::optional<CreatedByRequest<StoredActivity>>>
ActivityStore::FindActivityByRequest(const std::string& request_id) {
  std::optional<CreatedByRequest<StoredActivity>> found;
  absl::Status status =
      common::WithConnection(*pool_, "reading activity", [&](SqlConnection& connection) {
        auto rs = connection.Query(absl::StrCat("SELECT ", kActivityColumns,
                                                ", a.create_request_hash FROM activities a "
                                                "WHERE a.create_request_id = ?"),
                                   request_id);
        if (rs->next()) {
          found.emplace();
          found->row = ReadActivity(*rs);
          found->request_hash = Str(*rs, kActivityColumnCount + 1);
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return found;
}

absl::StatusOr<bool> ActivityStore::WriteActivityIfVersion(const StoredActivity& row,
                                                           int64_t expected_version,
                                                           bool participants_changed) {
  bool written = false;
  absl::Status status =
      common::RunInTransaction(*pool_, "updating activity", [&](SqlConnection& connection) {
        std::vector<SqlValue> values = MutableValues(row);
        values.emplace_back(row.id);
        values.emplace_back(expected_version);
        written = connection.Update(absl::StrCat("UPDATE activities SET ", kMutableAssignments,
                                                 " WHERE id = ? AND version = ?"),
                                    values) == 1;
        if (!written || !participants_changed) return absl::OkStatus();
        connection.Update("DELETE FROM activity_contacts WHERE activity_id = ?", row.id);
        connection.Update("DELETE FROM activity_team_members WHERE activity_id = ?", row.id);
        InsertParticipants(connection, row);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return written;
}

absl::StatusOr<Page<StoredActivity>> ActivityStore::ListActivities(
    const common::FilterNode& filter, bool show_deleted,
    const std::optional<common::PageCursor>& cursor, int limit) {
  SqlFragment where;
  if (absl::Status s = common::FilterToSql(filter, ComparisonToSql, &where); !s.ok()) {
    return s;
  }
  std::string sql = absl::StrCat("SELECT ", kActivityColumns, " FROM activities a WHERE ",
                                 where.sql, show_deleted ? "" : " AND a.delete_time IS NULL",
                                 " AND a.id > ?", " ORDER BY a.id LIMIT ?");
  std::vector<SqlValue> params = std::move(where.params);
  params.emplace_back(cursor.has_value() ? cursor->last_id : int64_t{0});
  params.emplace_back(static_cast<int64_t>(limit) + 1);
  Page<StoredActivity> page;
  absl::Status status =
      common::WithConnection(*pool_, "listing activities", [&](SqlConnection& connection) {
        auto rs = connection.Query(sql, params);
        while (rs->next()) page.rows.push_back(ReadActivity(*rs));
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  page.more = static_cast<int>(page.rows.size()) > limit;
  if (page.more) page.rows.resize(limit);
  return page;
}

absl::StatusOr<std::map<int64_t, ActivityStore::OverdueFacts>> ActivityStore::LoadOverdueFacts(
    const std::vector<int64_t>& account_ids, absl::Time as_of) {
  std::map<int64_t, OverdueFacts> facts;
  if (account_ids.empty()) return facts;
  std::string in;
  const std::vector<SqlValue> ids = PaddedIds(account_ids, &in);
  const std::string as_of_text = common::ToSqlDateTime(as_of);
  const int64_t done = v1::ACTIVITY_STATUS_DONE;
  const int64_t planned = v1::ACTIVITY_STATUS_PLANNED;
  absl::Status status =
      common::WithConnection(*pool_, "reading overdue facts", [&](SqlConnection& connection) {
        // The latest DONE times per account, in one grouped query.
        auto latest = connection.Query(
            absl::StrCat("SELECT account_id, MAX(CASE WHEN kind = ? THEN actual_time END), "
                         "MAX(CASE WHEN level = ? THEN actual_time END), MAX(actual_time) "
                         "FROM activities WHERE account_id IN (",
                         in,
                         ") AND status = ? AND delete_time IS NULL AND actual_time <= ? "
                         "GROUP BY account_id"),
            int64_t{v1::ACTIVITY_KIND_VISIT}, int64_t{v1::ACTIVITY_LEVEL_EXECUTIVE}, ids, done,
            as_of_text);
        while (latest->next()) {
          OverdueFacts& f = facts[latest->getInt64(1)];
          f.last_visit = ReadAbslTime(*latest, 2);
          f.last_executive = ReadAbslTime(*latest, 3);
          f.last_done = ReadAbslTime(*latest, 4);
        }
        latest.reset();
        // Follow-ups that have come, asked for by an activity after which no
        // DONE activity took place (FindOverdue applies the same rule; this
        // keeps old, answered follow-ups out of the result).
        auto due = connection.Query(
            absl::StrCat(
                "SELECT a.id, a.account_id, a.status, a.planned_time, a.actual_time, "
                "a.next_follow_up_time FROM activities a WHERE a.account_id IN (",
                in,
                ") AND a.delete_time IS NULL AND a.status IN (?, ?) "
                "AND a.next_follow_up_time < ? AND (a.status = ? OR a.actual_time <= ?) "
                "AND NOT EXISTS (SELECT 1 FROM activities b WHERE b.account_id = a.account_id "
                "AND b.status = ? AND b.delete_time IS NULL AND b.actual_time <= ? "
                "AND b.actual_time > IF(a.status = ?, a.actual_time, a.planned_time)) "
                "ORDER BY a.account_id, a.next_follow_up_time, a.id"),
            ids, planned, done, as_of_text, planned, as_of_text, done, as_of_text, done);
        while (due->next()) {
          const bool is_done = due->getInt64(3) == done;
          std::optional<absl::Time> when = ReadAbslTime(*due, is_done ? 5 : 4);
          std::optional<absl::Time> follow_up = ReadAbslTime(*due, 6);
          if (!when.has_value() || !follow_up.has_value()) continue;
          facts[due->getInt64(2)].follow_ups.push_back(
              {due->getInt64(1), is_done, *when, *follow_up});
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return facts;
}

}  // namespace kam::interaction::activity
