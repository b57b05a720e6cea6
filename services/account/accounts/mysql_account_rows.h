// The accounts table as the MySQL account store reads and writes it: the
// column list every account read selects, the row reader, the values of an
// insert and the ListAccounts filter. Used only by the mysql_*.cc files of
// this folder.
#ifndef KAM_SERVICES_ACCOUNT_ACCOUNTS_MYSQL_ACCOUNT_ROWS_H_
#define KAM_SERVICES_ACCOUNT_ACCOUNTS_MYSQL_ACCOUNT_ROWS_H_

#include <cppconn/resultset.h>

#include <vector>

#include "absl/status/status.h"
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
    "a.handover_count, a.version, a.create_time, a.update_time, a.delete_time";
inline constexpr int kAccountColumnCount = 27;

StoredAccount ReadAccount(sql::ResultSet& rs);

// The values InsertAccountSql() binds, in its order.
std::vector<common::SqlValue> InsertValues(const StoredAccount& row, const common::RequestKey& key);

// The condition of one ListAccounts filter comparison (over the accounts
// table as `a`); INVALID_ARGUMENT for fields, operators and values it
// cannot map.
absl::Status AccountComparisonToSql(const common::FilterComparison& c, common::SqlFragment* out);

}  // namespace kam::account::accounts

#endif  // KAM_SERVICES_ACCOUNT_ACCOUNTS_MYSQL_ACCOUNT_ROWS_H_
