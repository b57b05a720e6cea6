// The SQL behind FactsService.StreamAccountFacts: set-based aggregates over
// every area's tables (billing, cases, surveys, activities, opportunities)
// for one range of account ids at a time, so a stream over a million
// accounts holds only one range in memory.
//
// It reads other areas' tables (the migrations document what may be relied
// on: status numbers, how balances and costs are kept); it never writes.
#ifndef KAM_SERVICES_INTERACTION_FACTS_FACTS_STORE_H_
#define KAM_SERVICES_INTERACTION_FACTS_FACTS_STORE_H_

#include <cstdint>
#include <map>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/mysql_pool.h"
#include "kam/interaction/v1/facts.pb.h"

namespace kam::interaction::facts {

// The period facts are counted over, and the previous one of equal length.
struct FactsPeriod {
  absl::Time start;
  absl::Time end;
};

class FactsStore {
 public:
  explicit FactsStore(common::ConnectionPool* pool) : pool_(pool) {}

  // The highest account id any area has a record of (0 when none).
  absl::StatusOr<int64_t> MaxAccountId();

  // The facts of every account with an id in [first, last] that has any
  // record, keyed by id.
  absl::StatusOr<std::map<int64_t, v1::AccountFacts>> Range(int64_t first, int64_t last,
                                                            const FactsPeriod& period);

 private:
  common::ConnectionPool* pool_;
};

}  // namespace kam::interaction::facts

#endif  // KAM_SERVICES_INTERACTION_FACTS_FACTS_STORE_H_
