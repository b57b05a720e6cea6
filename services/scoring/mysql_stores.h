// The MySQL side of the scoring stores (schema kam_scoring).
//
// Each area's store interface (policy/policy_store.h, rating/rating_store.h,
// reports/report_store.h, alerts/alert_store.h) has its MariaDB
// implementation in <area>/mysql_<area>_store.cc: the only SQL of the area,
// prepared statements only, defined beside its statements and made by the
// New*Store functions below for main.cc. The rest of this header is what
// those implementations share.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/db/id_allocator.h"
#include "common/db/mysql_pool.h"
#include "common/db/row_reader.h"
#include "common/db/transaction.h"
#include "services/scoring/alerts/alert_store.h"
#include "services/scoring/designations/designation_store.h"
#include "services/scoring/policy/policy_store.h"
#include "services/scoring/rating/rating_store.h"
#include "services/scoring/reports/report_store.h"

namespace kam::scoring {

// Policy ids come from the kam_sequences row "policies".
std::unique_ptr<policy::PolicyStore> NewMySqlPolicyStore(common::ConnectionPool* pool);
// Run ids come from the kam_sequences row "rating_runs".
std::unique_ptr<rating::RatingStore> NewMySqlRatingStore(common::ConnectionPool* pool);
std::unique_ptr<reports::ReportStore> NewMySqlReportStore(common::ConnectionPool* pool);
// Alert ids come from the kam_sequences row "alerts".
std::unique_ptr<alerts::AlertStore> NewMySqlAlertStore(common::ConnectionPool* pool);
// Designation ids come from the kam_sequences row "designations".
std::unique_ptr<designations::DesignationStore> NewMySqlDesignationStore(
    common::ConnectionPool* pool);

// What the MySQL stores that create rows hold: the pool and the allocator of
// the new rows' ids (kam_sequences row `sequence`, reserved `block` at a
// time).
class MySqlStoreBase {
 protected:
  MySqlStoreBase(common::ConnectionPool* pool, std::string sequence, int64_t block)
      : pool_(pool), ids_(pool, std::move(sequence), block) {}

  common::ConnectionPool* const pool_;
  common::IdAllocator ids_;
};

// A store transaction's steps (common::StoreTx) with a shorthand for the
// steps that run one statement.
class ScoringTx : public common::StoreTx {
 protected:
  using StoreTx::StoreTx;

  // Runs one INSERT, UPDATE or DELETE.
  template <typename... Args>
  absl::Status Exec(const std::string& sql, const Args&... args) {
    return Step([&] {
      connection_.Update(sql, args...);
      return absl::OkStatus();
    });
  }
};

// The row created by the create request `request_id`, read with `read(rs)`
// from `select` (see common::ReadCreatedByRequest), on a connection of
// `pool`.
template <typename Read>
auto FindCreatedByRequest(common::ConnectionPool& pool, absl::string_view context,
                          const std::string& select, const std::string& request_id, Read read)
    -> absl::StatusOr<
        std::optional<common::CreatedByRequest<decltype(read(std::declval<sql::ResultSet&>()))>>> {
  using Found =
      std::optional<common::CreatedByRequest<decltype(read(std::declval<sql::ResultSet&>()))>>;
  return common::ReadWithConnection<Found>(pool, context, [&](common::SqlConnection& c) {
    return common::ReadCreatedByRequest(c, select, request_id, read);
  });
}

// Every row of `select` (its `?`s bound to `params`), each read with
// `read(rs)`, on a connection of `pool` (errors as common::WithConnection).
template <typename Read>
auto ReadRows(common::ConnectionPool& pool, absl::string_view context, const std::string& select,
              const std::vector<common::SqlValue>& params, Read read)
    -> absl::StatusOr<std::vector<decltype(read(std::declval<sql::ResultSet&>()))>> {
  using Rows = std::vector<decltype(read(std::declval<sql::ResultSet&>()))>;
  return common::ReadWithConnection<Rows>(pool, context, [&](common::SqlConnection& c) {
    Rows rows;
    auto rs = c.Query(select, params);
    while (rs->next()) rows.push_back(read(*rs));
    return rows;
  });
}

}  // namespace kam::scoring
