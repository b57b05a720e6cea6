// FactsStore on MariaDB. It reads other areas' tables (the migrations
// document what may be relied on: status numbers, how balances and costs are
// kept); it never writes. Prepared statements only.
#ifndef KAM_SERVICES_INTERACTION_FACTS_MYSQL_FACTS_STORE_H_
#define KAM_SERVICES_INTERACTION_FACTS_MYSQL_FACTS_STORE_H_

#include "common/db/mysql_pool.h"
#include "services/interaction/facts/facts_store.h"

namespace kam::interaction::facts {

class MySqlFactsStore final : public FactsStore {
 public:
  explicit MySqlFactsStore(common::ConnectionPool* pool) : pool_(pool) {}

  absl::StatusOr<int64_t> MaxAccountId() override;
  // Every statement of a range on one connection, in one consistent
  // snapshot.
  absl::StatusOr<std::map<int64_t, v1::AccountFacts>> Range(int64_t first, int64_t last,
                                                            const FactsPeriod& period) override;

 private:
  common::ConnectionPool* pool_;
};

}  // namespace kam::interaction::facts

#endif  // KAM_SERVICES_INTERACTION_FACTS_MYSQL_FACTS_STORE_H_
