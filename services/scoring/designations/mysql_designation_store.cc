// DesignationStore over MariaDB (kam_scoring.designations): the only SQL of
// the designations. Made by NewMySqlDesignationStore (mysql_stores.h).
#include <cppconn/exception.h>

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"
#include "common/db/filter_sql.h"
#include "common/db/row_reader.h"
#include "common/db/sql_error.h"
#include "common/db/transaction.h"
#include "services/scoring/designations/designation_store.h"
#include "services/scoring/mysql_stores.h"
#include "services/scoring/names.h"

namespace kam::scoring {
namespace designations {
namespace {

using common::SqlConnection;
using common::SqlTime;
using common::SqlValue;

constexpr char kColumns[] =
    "id, account_id, kind, reason, decided_by, start_time, end_time, create_time, ended_by, "
    "end_reason";

absl::Time TimeAt(sql::ResultSet& rs, int column) {
  std::optional<google::protobuf::Timestamp> t = common::ReadTimestamp(rs, column);
  return t.has_value() ? common::FromProtoTimestamp(*t) : absl::InfinitePast();
}

StoredDesignation ReadDesignation(sql::ResultSet& rs) {
  StoredDesignation d;
  d.id = rs.getInt64(1);
  d.account_id = rs.getInt64(2);
  d.kind = static_cast<v1::DesignationKind>(rs.getInt(3));
  d.reason = common::ReadText(rs, 4);
  d.decided_by = common::ReadText(rs, 5);
  d.start_time = TimeAt(rs, 6);
  d.end_time = TimeAt(rs, 7);
  d.create_time = TimeAt(rs, 8);
  d.ended_by = common::ReadText(rs, 9);
  d.end_reason = common::ReadText(rs, 10);
  return d;
}

// One comparison of a ListDesignations filter; `active` is at `now`.
absl::Status Comparison(const common::FilterComparison& c, absl::Time now,
                        common::SqlFragment* out) {
  absl::StatusOr<int64_t> value;
  if (c.field == "account") {
    value = ParseAccountName("filter value for account", c.value);
  } else if (c.field == "kind") {
    value = common::FilterEnum(c, "DESIGNATION_KIND_", v1::DesignationKind_Parse);
  }
  if (c.field == "account" || c.field == "kind") {
    const char* column = c.field == "kind" ? "kind" : "account_id";
    if (!value.ok()) return common::EqualityTerm(c, column, value.status(), out);
    return common::EqualityTerm(c, column, SqlValue(*value), out);
  }
  if (c.field == "active") {
    // active = true <=> start_time <= now < end_time; != flips it.
    KAM_RETURN_IF_ERROR(common::OnlyEquality(c));
    KAM_ASSIGN_OR_RETURN(bool want, common::FilterWantsTrue(c));
    out->sql.append(want ? "(start_time <= ? AND end_time > ?)"
                         : "NOT (start_time <= ? AND end_time > ?)");
    out->params.emplace_back(SqlTime(now));
    out->params.emplace_back(SqlTime(now));
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "filter field \"", c.field.substr(0, 64), "\" is not supported; use account, kind or active"));
}

class MySqlDesignationStore final : public DesignationStore, private MySqlStoreBase {
 public:
  explicit MySqlDesignationStore(common::ConnectionPool* pool)
      : MySqlStoreBase(pool, "designations", 100) {}

  absl::StatusOr<int64_t> NewId() override { return ids_.Next(); }

  absl::StatusOr<common::InsertOutcome> Create(
      const StoredDesignation& d, const common::RequestKey& key,
      std::optional<StoredDesignation>* conflict) override {
    common::InsertOutcome outcome = common::InsertOutcome::kInserted;
    KAM_RETURN_IF_ERROR(
        common::RunInTransaction(*pool_, "creating designation", [&](SqlConnection& c) {
          conflict->reset();
          // Locks the account's designations of that kind (and the gap
          // where a new one would go, ix_designations_account), so two
          // concurrent creates cannot both pass the check.
          auto rs = c.Query(absl::StrCat("SELECT ", kColumns,
                                         " FROM designations WHERE account_id = ? AND kind = ? "
                                         "AND end_time > ? AND start_time < ? ORDER BY id "
                                         "LIMIT 1 FOR UPDATE"),
                            d.account_id, static_cast<int>(d.kind), SqlTime(d.start_time),
                            SqlTime(d.end_time));
          if (rs->next()) {
            *conflict = ReadDesignation(*rs);
            return absl::OkStatus();
          }
          try {
            c.Update(
                "INSERT INTO designations (id, account_id, kind, reason, decided_by, start_time, "
                "end_time, create_time, create_request_id, create_request_hash) VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                d.id, d.account_id, static_cast<int>(d.kind), d.reason, d.decided_by,
                SqlTime(d.start_time), SqlTime(d.end_time), SqlTime(d.create_time),
                common::TextOrNull(key.id),
                key.id.empty() ? std::nullopt : std::optional<std::string>(key.hash));
          } catch (const sql::SQLException& e) {
            if (e.getErrorCode() != common::kErDupEntry) throw;
            outcome = common::InsertOutcome::kDuplicateRequest;
          }
          return absl::OkStatus();
        }));
    return outcome;
  }

  absl::StatusOr<std::optional<common::CreatedByRequest<StoredDesignation>>> FindByRequest(
      const std::string& request_id) override {
    // The hash last: ReadCreatedByRequest reads it from there.
    static const std::string* select = new std::string(absl::StrCat(
        "SELECT ", kColumns, ", create_request_hash FROM designations WHERE create_request_id = ?"));
    return FindCreatedByRequest(*pool_, "reading designation", *select, request_id,
                                ReadDesignation);
  }

  absl::StatusOr<StoredDesignation> Get(int64_t id) override {
    KAM_ASSIGN_OR_RETURN(
        std::vector<StoredDesignation> rows,
        ReadRows(*pool_, "reading designation",
                 absl::StrCat("SELECT ", kColumns, " FROM designations WHERE id = ?"), {id},
                 ReadDesignation));
    if (rows.empty()) return DesignationNotFound(id);
    return std::move(rows.front());
  }

  absl::StatusOr<std::vector<StoredDesignation>> List(const common::FilterNode& filter,
                                                      absl::Time now, int64_t before_id,
                                                      int limit) override {
    KAM_ASSIGN_OR_RETURN(
        common::SqlFragment where,
        common::FilterSql(filter, [&](const common::FilterComparison& c, common::SqlFragment* out) {
          return Comparison(c, now, out);
        }));
    std::vector<SqlValue> params = {before_id == 0 ? INT64_MAX : before_id};
    for (SqlValue& v : where.params) params.push_back(std::move(v));
    params.emplace_back(static_cast<int64_t>(limit) + 1);
    return ReadRows(*pool_, "listing designations",
                    absl::StrCat("SELECT ", kColumns, " FROM designations WHERE id < ? AND ",
                                 where.sql, " ORDER BY id DESC LIMIT ?"),
                    params, ReadDesignation);
  }

  absl::StatusOr<StoredDesignation> End(int64_t id, absl::Time at, const std::string& by,
                                        const std::string& reason) override {
    std::optional<StoredDesignation> ended;
    KAM_RETURN_IF_ERROR(
        common::RunInTransaction(*pool_, "ending designation", [&](SqlConnection& c) {
          auto rs = c.Query(
              absl::StrCat("SELECT ", kColumns, " FROM designations WHERE id = ? FOR UPDATE"), id);
          if (!rs->next()) return DesignationNotFound(id);
          StoredDesignation d = ReadDesignation(*rs);
          KAM_RETURN_IF_ERROR(EndEarly(at, by, reason, &d));
          c.Update("UPDATE designations SET end_time = ?, ended_by = ?, end_reason = ? WHERE id = ?",
                   SqlTime(d.end_time), by, reason, id);
          ended = std::move(d);
          return absl::OkStatus();
        }));
    return *std::move(ended);
  }

  absl::StatusOr<std::vector<StoredDesignation>> Around(absl::Time since,
                                                        absl::Time as_of) override {
    // ix_designations_end: the designations not over by `since` (the active
    // ones and those lapsing since): few, whatever the size of the book.
    return ReadRows(*pool_, "reading designations",
                    absl::StrCat("SELECT ", kColumns,
                                 " FROM designations WHERE end_time > ? AND start_time <= ?"),
                    {SqlTime(since), SqlTime(as_of)}, ReadDesignation);
  }
};

}  // namespace
}  // namespace designations

std::unique_ptr<designations::DesignationStore> NewMySqlDesignationStore(
    common::ConnectionPool* pool) {
  return std::make_unique<designations::MySqlDesignationStore>(pool);
}

}  // namespace kam::scoring
