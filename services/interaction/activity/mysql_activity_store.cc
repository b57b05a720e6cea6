// ActivityStore on MariaDB (NewMySqlActivityStore): all SQL on the
// activities tables (activities, activity_contacts, activity_team_members)
// and the quiet_hours_policy row (one row, id 1; both in
// migrations/0001_activities.sql): activities with their participants, their
// filters, the batched insert CreateActivity goes through, and the policy.
// Prepared statements only; every value is bound, never spliced into the
// text.
#include <cppconn/exception.h>

#include <algorithm>
#include <iterator>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/api/etag.h"
#include "common/base/coalescer.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"
#include "common/db/filter_sql.h"
#include "common/db/id_allocator.h"
#include "common/db/mysql_pool.h"
#include "common/db/queries.h"
#include "common/db/row_reader.h"
#include "common/db/sql_error.h"
#include "common/db/transaction.h"
#include "common/metrics/batch_sizes.h"
#include "services/interaction/activity/activity_fields.h"
#include "services/interaction/activity/activity_store.h"
#include "services/interaction/shared/names.h"
#include "services/interaction/shared/store_sql.h"

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

constexpr ResourceRows<StoredActivity> kActivities{kActivityColumns, "activities", "a",
                                                   ReadActivity};

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

absl::Status ComparisonToSql(const common::FilterComparison& c, SqlFragment* out) {
  const std::string& f = c.field;
  const bool equal = c.op == common::FilterOp::kEq;
  // Enums are given short ("CALL") or in full ("ACTIVITY_KIND_CALL");
  // UNSPECIFIED too, which matches no activity.
  if (f == "account") return AccountTerm(c, "a.account_id", out);
  auto enum_term = [&](absl::string_view column, absl::string_view prefix, auto parse) {
    return EnumTerm(c, column, prefix, parse, /*accept_unspecified=*/true, out);
  };
  if (f == "kind") return enum_term("a.kind", "ACTIVITY_KIND_", v1::ActivityKind_Parse);
  if (f == "level") return enum_term("a.level", "ACTIVITY_LEVEL_", v1::ActivityLevel_Parse);
  if (f == "status") return enum_term("a.status", "ACTIVITY_STATUS_", v1::ActivityStatus_Parse);
  if (f == "team_member") {
    KAM_RETURN_IF_ERROR(OnlyEquality(c));
    absl::StrAppend(&out->sql, equal ? "" : "NOT ",
                    "EXISTS (SELECT 1 FROM activity_team_members t "
                    "WHERE t.activity_id = a.id AND t.user_id = ?)");
    out->params.emplace_back(c.value);
    return absl::OkStatus();
  }
  if (f == "contact") {
    KAM_RETURN_IF_ERROR(OnlyEquality(c));
    KAM_ASSIGN_OR_RETURN(ContactRef ref, ParseContactName("filter value for contact", c.value));
    absl::StrAppend(&out->sql, equal ? "" : "NOT ",
                    "(a.account_id = ? AND EXISTS (SELECT 1 FROM activity_contacts k "
                    "WHERE k.activity_id = a.id AND k.contact_id = ?))");
    out->params.emplace_back(ref.account_id);
    out->params.emplace_back(ref.contact_id);
    return absl::OkStatus();
  }
  if (f == "planned_time" || f == "actual_time" || f == "next_follow_up_time" ||
      f == "create_time" || f == "update_time") {
    return common::TimeTerm(c, absl::StrCat("a.", f), out);
  }
  return UnsupportedFilterField(
      c,
      "account, kind, level, status, team_member, contact, planned_time, actual_time, "
      "next_follow_up_time, create_time or update_time");
}

// --- the quiet-hours policy -----------------------------------------------

constexpr char kQuietHoursPolicy[] = "quiet-hours policy";

absl::Status Corrupt(const absl::Status& why) { return UnreadablePolicy(kQuietHoursPolicy, why); }

std::string HolidaysText(const QuietHoursPolicy& policy) {
  std::vector<std::string> days;
  days.reserve(policy.holidays.size());
  for (absl::CivilDay day : policy.holidays) days.push_back(FormatLocalDate(day));
  return absl::StrJoin(days, ",");
}

// The policy's columns, in the order of GetQuietHoursPolicy's SELECT.
absl::StatusOr<StoredQuietHoursPolicy> ReadPolicy(sql::ResultSet& rs) {
  StoredQuietHoursPolicy stored;
  QuietHoursPolicy& p = stored.policy;
  std::string times[6];
  for (int i = 0; i < 6; ++i) times[i] = ReadText(rs, i + 1);
  if (absl::Status s = ParseQuietHoursTimes(
          {times[0], times[1], times[2], times[3], times[4], times[5]}, "", &p);
      !s.ok()) {
    return Corrupt(s);
  }
  for (absl::string_view text : absl::StrSplit(ReadText(rs, 7), ',', absl::SkipEmpty())) {
    absl::StatusOr<absl::CivilDay> day = ParseLocalDate("holidays", text);
    if (!day.ok()) return Corrupt(day.status());
    p.holidays.insert(*day);
  }
  stored.version = rs.getInt64(8);
  stored.update_time = common::ReadTime(rs, 9);
  stored.updated_by = ReadText(rs, 10);
  return stored;
}

// --- the store --------------------------------------------------------------

// Largest CreateActivity batch (one multi-row INSERT). One batch is written
// at a time and the next gathers meanwhile: on two shared cores the CPU per
// create limits, and one statement for many rows costs least (measured:
// two batches at a time gave 0.05-0.1 less of interaction_bench's limit).
constexpr int kMaxInsertBatch = 32;

class MySqlActivityStore final : public ActivityStore, private MySqlStoreBase {
 public:
  explicit MySqlActivityStore(common::ConnectionPool* pool)
      : MySqlStoreBase(pool),
        inserts_(common::metrics::ObserveBatchSize(
                     "activity_inserts",
                     [this](const std::vector<const PendingInsert*>& inserts) {
                       return InsertBatch(inserts);
                     }),
                 kMaxInsertBatch),
        ids_(pool, "activities") {}

  absl::StatusOr<int64_t> NewActivityId() override { return ids_.Next(); }

  // Concurrent calls share multi-row INSERT statements
  // (common/base/coalescer.h).
  absl::StatusOr<InsertOutcome> InsertActivity(const StoredActivity& row,
                                               const RequestKey& key) override {
    return inserts_.Call(PendingInsert{&row, &key});
  }

  absl::StatusOr<StoredActivity> GetActivity(int64_t id) override {
    return QueryById(*pool_, "reading activity", kActivities,
                     absl::NotFoundError(absl::StrCat("activity ", ActivityName(id), " not found")),
                     id);
  }

  absl::StatusOr<std::optional<common::CreatedByRequest<StoredActivity>>> FindActivityByRequest(
      const std::string& request_id) override {
    return QueryByCreateRequest(*pool_, "reading activity", kActivities, request_id);
  }

  absl::StatusOr<bool> WriteActivityIfVersion(const StoredActivity& row, int64_t expected_version,
                                              bool participants_changed) override {
    bool written = false;
    absl::Status status =
        common::RunInTransaction(*pool_, "updating activity", [&](SqlConnection& connection) {
          written = connection.Update(absl::StrCat("UPDATE activities SET ", kMutableAssignments,
                                                   " WHERE id = ? AND version = ?"),
                                      MutableValues(row), row.id, expected_version) == 1;
          if (!written || !participants_changed) return absl::OkStatus();
          connection.Update("DELETE FROM activity_contacts WHERE activity_id = ?", row.id);
          connection.Update("DELETE FROM activity_team_members WHERE activity_id = ?", row.id);
          InsertParticipants(connection, row);
          return absl::OkStatus();
        });
    if (!status.ok()) return status;
    return written;
  }

  absl::StatusOr<common::Page<StoredActivity>> ListActivities(
      const common::FilterNode& filter, bool show_deleted,
      const std::optional<common::PageCursor>& cursor, int limit) override {
    KAM_ASSIGN_OR_RETURN(SqlFragment where, common::FilterSql(filter, ComparisonToSql));
    return common::QueryPage(
        *pool_, "listing activities", limit, ReadActivity,
        absl::StrCat("SELECT ", kActivityColumns, " FROM activities a WHERE ", where.sql,
                     show_deleted ? "" : " AND a.delete_time IS NULL", " AND a.id > ?",
                     " ORDER BY a.id LIMIT ?"),
        where.params, common::CursorId(cursor), static_cast<int64_t>(limit) + 1);
  }

  absl::StatusOr<StoredQuietHoursPolicy> GetQuietHoursPolicy() override {
    return ReadPolicyRow<StoredQuietHoursPolicy>(
        *pool_, kQuietHoursPolicy,
        "SELECT summer_start, summer_end, midday_rest_start, midday_rest_end, "
        "winter_earliest_call_time, weekend_earliest_call_time, holidays, version, "
        "update_time, updated_by FROM quiet_hours_policy WHERE id = 1",
        ReadPolicy);
  }

  absl::StatusOr<bool> WriteQuietHoursPolicyIfVersion(const QuietHoursPolicy& policy,
                                                      int64_t expected_version, absl::Time now,
                                                      const std::string& actor) override {
    return WritePolicyRow(
        *pool_, kQuietHoursPolicy,
        "UPDATE quiet_hours_policy SET summer_start = ?, summer_end = ?, "
        "midday_rest_start = ?, midday_rest_end = ?, winter_earliest_call_time = ?, "
        "weekend_earliest_call_time = ?, holidays = ?, version = ?, update_time = ?, "
        "updated_by = ? WHERE id = 1 AND version = ?",
        FormatMonthDay(policy.summer_start), FormatMonthDay(policy.summer_end),
        FormatTimeOfDay(policy.midday_rest_start_minute),
        FormatTimeOfDay(policy.midday_rest_end_minute),
        FormatTimeOfDay(policy.winter_earliest_minute),
        FormatTimeOfDay(policy.weekend_earliest_minute), common::TextOrNull(HolidaysText(policy)),
        expected_version + 1, common::SqlTime(now), actor, expected_version);
  }

 private:
  struct PendingInsert {
    const StoredActivity* row;
    const RequestKey* key;
  };
  using InsertResult = absl::StatusOr<InsertOutcome>;

  std::vector<InsertResult> InsertBatch(const std::vector<const PendingInsert*>& inserts) {
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

  // One activity in its own transaction.
  InsertResult InsertOne(const StoredActivity& row, const RequestKey& key) {
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

  common::Coalescer<PendingInsert, InsertResult> inserts_;
  common::IdAllocator ids_;
};

}  // namespace

const std::string& InsertActivitySql() {
  static const std::string sql =
      "INSERT INTO activities (id, account_id, kind, subject, level, status, "
      "planned_time, actual_time, outcome, next_follow_up_time, cost_minor, "
      "cost_currency, contact_ids_text, team_members_text, version, update_time, "
      "delete_time, creator, create_time, create_request_id, create_request_hash) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  return sql;
}

std::unique_ptr<ActivityStore> NewMySqlActivityStore(common::ConnectionPool* pool) {
  return std::make_unique<MySqlActivityStore>(pool);
}

}  // namespace kam::interaction::activity
