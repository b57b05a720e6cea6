// PolicyStore over MariaDB (kam_scoring.policies, policy_versions): the only
// SQL of the policies. Made by NewMySqlPolicyStore (mysql_stores.h).

#include <cppconn/exception.h>

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/db/id_allocator.h"
#include "common/db/row_reader.h"
#include "common/db/sql_error.h"
#include "common/db/transaction.h"
#include "services/scoring/mysql_stores.h"

namespace kam::scoring {
namespace policy {
namespace {

using common::SqlConnection;

constexpr char kPolicyColumns[] =
    "v.policy_id, v.version, v.body, v.used, v.revision, v.create_time, v.update_time";
// The latest version of each policy.
constexpr char kLatest[] =
    " FROM policies p JOIN policy_versions v ON v.policy_id = p.id AND v.version = "
    "p.latest_version ";

StoredPolicy ReadPolicy(sql::ResultSet& rs) {
  v1::ScoringPolicy settings;
  settings.ParseFromString(common::ReadText(rs, 3));
  StoredPolicy stored = MakeStoredPolicy(rs.getInt64(1), rs.getInt(2), rs.getInt64(5),
                                         rs.getInt(4) != 0, std::move(settings));
  if (auto t = common::ReadTimestamp(rs, 6)) *stored.policy.mutable_create_time() = *t;
  if (auto t = common::ReadTimestamp(rs, 7)) *stored.policy.mutable_update_time() = *t;
  return stored;
}

std::string Body(const v1::ScoringPolicy& policy) { return SettingsOf(policy).SerializeAsString(); }

class MySqlPolicyTx final : public ScoringTx, public PolicyTx {
 public:
  using ScoringTx::ScoringTx;

  absl::StatusOr<common::InsertOutcome> InsertPolicy(int64_t id, absl::Time now,
                                                     const common::RequestKey& key) override {
    return Step([&]() -> absl::StatusOr<common::InsertOutcome> {
      try {
        connection_.Update(
            "INSERT INTO policies (id, latest_version, create_time, create_request_id, "
            "create_request_hash) VALUES (?, 1, ?, ?, ?)",
            id, common::SqlTime(now), common::TextOrNull(key.id),
            key.id.empty() ? std::nullopt : std::optional<std::string>(key.hash));
      } catch (const sql::SQLException& e) {
        if (e.getErrorCode() != common::kErDupEntry) throw;
        return common::InsertOutcome::kDuplicateRequest;
      }
      return common::InsertOutcome::kInserted;
    });
  }

  absl::Status InsertVersion(int64_t id, int version, const v1::ScoringPolicy& policy,
                             absl::Time now) override {
    return Exec(
        "INSERT INTO policy_versions (policy_id, version, body, used, revision, create_time, "
        "update_time) VALUES (?, ?, ?, 0, 1, ?, ?)",
        id, version, Body(policy), common::SqlTime(now), common::SqlTime(now));
  }

  absl::StatusOr<StoredPolicy> LockLatest(int64_t id) override { return Latest(id, " FOR UPDATE"); }

  absl::Status SetLatest(int64_t id, int version) override {
    return Exec("UPDATE policies SET latest_version = ? WHERE id = ?", version, id);
  }

  absl::Status RewriteVersion(int64_t id, int version, const v1::ScoringPolicy& policy,
                              absl::Time now) override {
    return Exec(
        "UPDATE policy_versions SET body = ?, revision = revision + 1, update_time = ? "
        "WHERE policy_id = ? AND version = ?",
        Body(policy), common::SqlTime(now), id, version);
  }

  absl::StatusOr<StoredPolicy> ReadLatest(int64_t id) override { return Latest(id, ""); }

 private:
  absl::StatusOr<StoredPolicy> Latest(int64_t id, const char* lock) {
    return Step([&]() -> absl::StatusOr<StoredPolicy> {
      auto rs = connection_.Query(
          absl::StrCat("SELECT ", kPolicyColumns, kLatest, "WHERE p.id = ?", lock), id);
      if (!rs->next()) return PolicyNotFound(id);
      return ReadPolicy(*rs);
    });
  }
};

class MySqlPolicyStore final : public PolicyStore, private MySqlStoreBase {
 public:
  explicit MySqlPolicyStore(common::ConnectionPool* pool) : MySqlStoreBase(pool, "policies", 100) {}

  absl::StatusOr<int64_t> NewPolicyId() override { return ids_.Next(); }

  absl::Status Transact(absl::string_view context,
                        absl::FunctionRef<absl::Status(PolicyTx&)> fn) override {
    return common::RunInTransaction(*pool_, context, [&](SqlConnection& c) {
      MySqlPolicyTx tx(c, context);
      return fn(tx);
    });
  }

  absl::StatusOr<std::optional<common::CreatedByRequest<StoredPolicy>>> FindPolicyByRequest(
      const std::string& request_id) override {
    // The first result of a create is version 1 as it was created.
    return FindCreatedByRequest(
        *pool_, "reading policy",
        absl::StrCat("SELECT ", kPolicyColumns,
                     ", p.create_request_hash FROM policies p JOIN policy_versions v ON "
                     "v.policy_id = p.id AND v.version = 1 WHERE p.create_request_id = ?"),
        request_id, ReadPolicy);
  }

  absl::StatusOr<StoredPolicy> GetPolicy(int64_t id, int version) override {
    return common::ReadWithConnection<StoredPolicy>(
        *pool_, "reading policy", [&](SqlConnection& c) -> absl::StatusOr<StoredPolicy> {
          auto rs =
              version == 0
                  ? c.Query(absl::StrCat("SELECT ", kPolicyColumns, kLatest, "WHERE p.id = ?"), id)
                  : c.Query(absl::StrCat("SELECT ", kPolicyColumns,
                                         " FROM policy_versions v WHERE v.policy_id = ? AND "
                                         "v.version = ?"),
                            id, version);
          if (!rs->next()) return PolicyNotFound(id, version);
          return ReadPolicy(*rs);
        });
  }

  absl::StatusOr<std::vector<StoredPolicy>> ListPolicies(int64_t after_id, int limit) override {
    return ReadRows(
        *pool_, "listing policies",
        absl::StrCat("SELECT ", kPolicyColumns, kLatest, "WHERE p.id > ? ORDER BY p.id LIMIT ?"),
        {after_id, static_cast<int64_t>(limit) + 1}, ReadPolicy);
  }

  absl::StatusOr<std::vector<StoredPolicy>> ListVersions(int64_t id, int before_version,
                                                         int limit) override {
    absl::StatusOr<std::vector<StoredPolicy>> rows = ReadRows(
        *pool_, "listing versions",
        absl::StrCat("SELECT ", kPolicyColumns,
                     " FROM policy_versions v WHERE v.policy_id = ? AND (? = 0 OR "
                     "v.version < ?) ORDER BY v.version DESC LIMIT ?"),
        {id, int64_t{before_version}, int64_t{before_version}, static_cast<int64_t>(limit) + 1},
        ReadPolicy);
    if (rows.ok() && rows->empty() && before_version == 0) return PolicyNotFound(id);
    return rows;
  }

  absl::Status MarkVersionUsed(int64_t id, int version) override {
    return common::WithConnection(*pool_, "marking policy used", [&](SqlConnection& c) {
      c.Update("UPDATE policy_versions SET used = 1 WHERE policy_id = ? AND version = ?", id,
               version);
      return absl::OkStatus();
    });
  }
};

}  // namespace

}  // namespace policy

std::unique_ptr<policy::PolicyStore> NewMySqlPolicyStore(common::ConnectionPool* pool) {
  return std::make_unique<policy::MySqlPolicyStore>(pool);
}

}  // namespace kam::scoring
