// The accounts table as the MySQL stores read and write it (the mysql_*.cc
// files of this folder; mysql_account_database.h): the column list every
// account read selects, the row reader, the insert and the ListAccounts
// filter.
#pragma once

#include <cppconn/resultset.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/api/filter.h"
#include "common/api/idempotency.h"
#include "common/db/filter_sql.h"
#include "common/db/mysql_pool.h"
#include "services/account/accounts/account_store.h"

namespace kam::account::accounts {

// The columns every account read selects, in the order ReadAccount reads
// them; a query may select more after them (from column
// kAccountColumnCount + 1 on).
inline constexpr char kAccountColumns[] =
    "a.id, a.display_name, a.external_id, a.industry, a.region, a.category, a.parent_id, "
    "a.owner, a.stage, a.share_of_wallet, a.stage_update_time, a.tier, a.tier_rating_run, "
    "a.tier_policy_version, a.tier_update_time, a.credit_limit_minor, a.credit_currency, "
    "a.payment_terms_days, a.credit_risk, a.state, a.labels_text, a.contact_count, "
    "a.handover_count, a.version, a.create_time, a.update_time, a.delete_time, "
    "a.group_credit_minor, a.group_credit_currency";
inline constexpr int kAccountColumnCount = 29;

// The condition that narrows a read of accounts `a` to those whose current
// team has the user it binds (an account manager's calls: shared/narrowing.h).
inline constexpr char kOnTeamOf[] =
    " AND EXISTS (SELECT 1 FROM team_memberships m WHERE m.account_id = a.id"
    " AND m.user_id = ? AND m.end_time IS NULL)";

// The statements behind GetAccount and the single-row CreateAccount, public so
// the benchmark's raw Connector/C++ baseline runs exactly the same SQL.
// GetAccountSql binds the id; InsertAccountSql binds, in order: id,
// display_name, external_id, industry, region, category, parent_id, owner,
// stage, share_of_wallet, stage_update_time, credit_limit_minor,
// credit_currency, payment_terms_days, credit_risk, state, labels_text,
// version, create_time, update_time, create_request_id, create_request_hash,
// group_credit_minor, group_credit_currency.
const std::string& GetAccountSql();
const std::string& InsertAccountSql();

// Largest GetAccount batch: beyond this, batches stop saving much and a
// caller waits for a long result set.
inline constexpr int kMaxReadBatch = 64;
// Largest CreateAccount batch (one multi-row INSERT).
inline constexpr int kMaxInsertBatch = 32;
// Batches running at once: two let the database overlap a query with the
// other core's work, and two commits share one log flush.
inline constexpr int kReadLanes = 1;
inline constexpr int kInsertLanes = 1;

StoredAccount ReadAccount(sql::ResultSet& rs);

// The values InsertAccountSql() binds, in its order.
std::vector<common::SqlValue> InsertValues(const StoredAccount& row, const common::RequestKey& key);

// Runs InsertAccountSql for `row` on `connection` (inside the caller's Step
// or WithConnection: it may throw). kDuplicateRequest when key.id was used;
// ALREADY_EXISTS when the external id is taken.
absl::StatusOr<common::InsertOutcome> InsertAccountRow(common::SqlConnection& connection,
                                                       const StoredAccount& row,
                                                       const common::RequestKey& key);

// The condition of one ListAccounts filter comparison (over the accounts
// table as `a`); INVALID_ARGUMENT for fields, operators and values it
// cannot map.
absl::Status AccountComparisonToSql(const common::FilterComparison& c, common::SqlFragment* out);

}  // namespace kam::account::accounts
