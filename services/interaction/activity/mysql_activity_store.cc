#include "services/interaction/activity/mysql_activity_store.h"

#include <cppconn/exception.h>

#include <algorithm>
#include <iterator>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/api/etag.h"
#include "common/base/proto_time.h"
#include "common/db/filter_sql.h"
#include "common/db/queries.h"
#include "common/db/row_reader.h"
#include "common/db/sql_error.h"
#include "common/db/transaction.h"
#include "services/interaction/activity/activity_fields.h"
#include "services/interaction/shared/names.h"

namespace kam::interaction::activity {
namespace {

using common::InsertOutcome;
using common::ReadText;
using common::ReadTimestamp;
using common::RequestKey;
using common::SqlConnection;
using common::SqlValue;

// The column list every activity read uses; ReadActivity reads it by
// position.
constexpr char kActivityColumns[] =
    "a.id, a.account_id, a.kind, a.subject, a.level, a.status, a.planned_time, a.actual_time, "
    "a.outcome, a.next_follow_up_time, a.cost_minor, a.cost_currency, a.contact_ids_text, "
    "a.team_members_text, a.creator, a.version, a.create_time, a.update_time, a.delete_time";

// A time to bind in a multi-row INSERT's value list: NULL unless `present`.
SqlValue SqlTime(bool present, const google::protobuf::Timestamp& ts) {
  if (!present) return nullptr;
  return common::SqlTime(ts);
}

std::string ContactIdsText(const v1::Activity& a) {
  std::vector<std::string> ids;
  for (const std::string& name : a.contacts()) {
    absl::StatusOr<ContactRef> ref = ParseContactName("contact", name);
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
  a.set_account(AccountName(row.account_id));
  a.set_kind(static_cast<v1::ActivityKind>(rs.getInt(3)));
  a.set_subject(ReadText(rs, 4));
  a.set_level(static_cast<v1::ActivityLevel>(rs.getInt(5)));
  a.set_status(static_cast<v1::ActivityStatus>(rs.getInt(6)));
  if (auto t = ReadTimestamp(rs, 7)) *a.mutable_planned_time() = *t;
  if (auto t = ReadTimestamp(rs, 8)) *a.mutable_actual_time() = *t;
  a.set_outcome(ReadText(rs, 9));
  if (auto t = ReadTimestamp(rs, 10)) *a.mutable_next_follow_up_time() = *t;
  const int64_t cost = rs.getInt64(11);
  if (!rs.wasNull()) {
    a.mutable_cost()->set_minor_units(cost);
    a.mutable_cost()->set_currency_code(ReadText(rs, 12));
  }
  const std::string contact_ids = ReadText(rs, 13);
  for (absl::string_view id : absl::StrSplit(contact_ids, ',', absl::SkipEmpty())) {
    a.add_contacts(absl::StrCat("accounts/", row.account_id, "/contacts/", id));
  }
  const std::string members = ReadText(rs, 14);
  for (absl::string_view user : absl::StrSplit(members, '\n', absl::SkipEmpty())) {
    a.add_team_members(std::string(user));
  }
  a.set_creator(ReadText(rs, 15));
  row.version = rs.getInt64(16);
  if (auto t = ReadTimestamp(rs, 17)) *a.mutable_create_time() = *t;
  if (auto t = ReadTimestamp(rs, 18)) *a.mutable_update_time() = *t;
  if (auto t = ReadTimestamp(rs, 19)) *a.mutable_delete_time() = *t;
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
std::vector<SqlValue> InsertValues(const StoredActivity& row, const RequestKey& key) {
  std::vector<SqlValue> values = {row.id, row.account_id};
  std::vector<SqlValue> mutable_values = MutableValues(row);
  values.insert(values.end(), std::make_move_iterator(mutable_values.begin()),
                std::make_move_iterator(mutable_values.end()));
  values.emplace_back(row.activity.creator());
  values.push_back(SqlTime(true, row.activity.create_time()));
  values.push_back(key.id.empty() ? SqlValue(nullptr) : SqlValue(key.id));
  values.push_back(key.id.empty() ? SqlValue(nullptr) : SqlValue(key.hash));
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
      absl::StatusOr<ContactRef> ref = ParseContactName("contact", a.contacts(i));
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

// --- filters ------------------------------------------------------------

using common::OnlyEquality;
using common::SqlFragment;

// An enum value given short ("CALL") or in full ("ACTIVITY_KIND_CALL");
// UNSPECIFIED too, which matches no activity.
template <typename Enum>
absl::StatusOr<SqlValue> EnumValue(const common::FilterComparison& c, absl::string_view prefix,
                                   bool (*parse)(const std::string&, Enum*)) {
  absl::StatusOr<int64_t> number =
      common::FilterEnum(c, prefix, parse, /*accept_unspecified=*/true);
  if (!number.ok()) return number.status();
  return SqlValue(*number);
}

absl::StatusOr<SqlValue> AccountIdValue(absl::string_view value) {
  absl::StatusOr<int64_t> id = ParseAccountName("filter value for account", value);
  if (!id.ok()) return id.status();
  return SqlValue(*id);
}

absl::Status ComparisonToSql(const common::FilterComparison& c, SqlFragment* out) {
  const std::string& f = c.field;
  const bool equal = c.op == common::FilterOp::kEq;
  if (f == "account") return common::EqualityTerm(c, "a.account_id", AccountIdValue(c.value), out);
  if (f == "kind") {
    return common::EqualityTerm(
        c, "a.kind", EnumValue<v1::ActivityKind>(c, "ACTIVITY_KIND_", v1::ActivityKind_Parse), out);
  }
  if (f == "level") {
    return common::EqualityTerm(
        c, "a.level", EnumValue<v1::ActivityLevel>(c, "ACTIVITY_LEVEL_", v1::ActivityLevel_Parse),
        out);
  }
  if (f == "status") {
    return common::EqualityTerm(
        c, "a.status",
        EnumValue<v1::ActivityStatus>(c, "ACTIVITY_STATUS_", v1::ActivityStatus_Parse), out);
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
    absl::StatusOr<ContactRef> ref = ParseContactName("filter value for contact", c.value);
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
    return common::TimeTerm(c, absl::StrCat("a.", f), out);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("filter field \"", f.substr(0, 64),
                   "\" is not supported; use account, kind, level, status, team_member, contact, "
                   "planned_time, actual_time, next_follow_up_time, create_time or update_time"));
}

}  // namespace

// Largest CreateActivity batch (one multi-row INSERT).
constexpr int kMaxInsertBatch = 32;

MySqlActivityStore::MySqlActivityStore(common::ConnectionPool* pool)
    : pool_(pool),
      inserts_(
          [this](const std::vector<const PendingInsert*>& inserts) { return InsertBatch(inserts); },
          kMaxInsertBatch),
      ids_(pool, "activities") {}

absl::StatusOr<InsertOutcome> MySqlActivityStore::InsertActivity(const StoredActivity& row,
                                                                 const RequestKey& key) {
  return inserts_.Call(PendingInsert{&row, &key});
}

std::vector<MySqlActivityStore::InsertResult> MySqlActivityStore::InsertBatch(
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
      std::vector<SqlValue> row = InsertValues(*insert->row, *insert->key);
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
  std::vector<InsertResult> outcomes;
  if (duplicate) {
    // A retried request id fails the whole batch and wrote nothing: insert
    // row by row, so only that call learns of it.
    for (const PendingInsert* insert : inserts) {
      outcomes.push_back(InsertOne(*insert->row, *insert->key));
    }
  } else if (status.ok()) {
    outcomes.assign(inserts.size(), InsertOutcome::kInserted);
  } else {
    outcomes.assign(inserts.size(), status);
  }
  return outcomes;
}

MySqlActivityStore::InsertResult MySqlActivityStore::InsertOne(const StoredActivity& row,
                                                               const RequestKey& key) {
  InsertOutcome outcome = InsertOutcome::kInserted;
  absl::Status status =
      common::RunInTransaction(*pool_, "creating activity", [&](SqlConnection& connection) {
        outcome = InsertOutcome::kInserted;
        try {
          connection.Update(InsertActivitySql(), InsertValues(row, key));
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

absl::StatusOr<StoredActivity> MySqlActivityStore::GetActivity(int64_t id) {
  absl::StatusOr<std::optional<StoredActivity>> row =
      common::ReadWithConnection<std::optional<StoredActivity>>(
          *pool_, "reading activity", [&](SqlConnection& connection) {
            auto rs = connection.Query(
                absl::StrCat("SELECT ", kActivityColumns, " FROM activities a WHERE a.id = ?"), id);
            if (!rs->next()) return std::optional<StoredActivity>();
            return std::optional<StoredActivity>(ReadActivity(*rs));
          });
  if (!row.ok()) return row.status();
  if (!row->has_value()) {
    return absl::NotFoundError(absl::StrCat("activity ", ActivityName(id), " not found"));
  }
  return **std::move(row);
}

absl::StatusOr<std::optional<common::CreatedByRequest<StoredActivity>>>
MySqlActivityStore::FindActivityByRequest(const std::string& request_id) {
  return common::FindCreatedByRequest(
      *pool_, "reading activity",
      absl::StrCat("SELECT ", kActivityColumns,
                   ", a.create_request_hash FROM activities a WHERE a.create_request_id = ?"),
      request_id, ReadActivity);
}

absl::StatusOr<bool> MySqlActivityStore::WriteActivityIfVersion(const StoredActivity& row,
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

absl::StatusOr<common::Page<StoredActivity>> MySqlActivityStore::ListActivities(
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
  params.emplace_back(common::CursorId(cursor));
  params.emplace_back(static_cast<int64_t>(limit) + 1);
  std::vector<StoredActivity> rows;
  absl::Status status =
      common::WithConnection(*pool_, "listing activities", [&](SqlConnection& connection) {
        auto rs = connection.Query(sql, params);
        while (rs->next()) rows.push_back(ReadActivity(*rs));
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return common::TrimPage(std::move(rows), limit);
}

}  // namespace kam::interaction::activity
