// What FactsService.StreamAccountFacts reads: set-based aggregates over every
// area's records (billing, cases, surveys, activities, opportunities,
// agreements) for one range of account ids at a time, so a stream over a
// million accounts holds only one range in memory. Read-only. The handler depends on this interface;
// the MySQL store (NewMySqlFactsStore below) holds the SQL and FakeFactsStore
// (fake_facts_store.h) stands in for it in unit tests. While the database is
// down every method is UNAVAILABLE.
#pragma once

#include <cstdint>
#include <map>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "kam/interaction/v1/facts.pb.h"
#include "services/interaction/shared/connection_pool_fwd.h"

namespace kam::interaction::facts {

// The period facts are counted over, and the previous one of equal length.
struct FactsPeriod {
  absl::Time start;
  absl::Time end;
};

class FactsStore {
 public:
  virtual ~FactsStore() = default;

  // The highest account id any area has a record of (0 when none).
  virtual absl::StatusOr<int64_t> MaxAccountId() = 0;

  // The facts of every account with an id in [first, last] that has any
  // record, keyed by id.
  virtual absl::StatusOr<std::map<int64_t, v1::AccountFacts>> Range(int64_t first, int64_t last,
                                                                    const FactsPeriod& period) = 0;
};

// The real store, over MySQL (mysql_facts_store.cc). `pool` outlives it.
std::unique_ptr<FactsStore> NewMySqlFactsStore(common::ConnectionPool* pool);

}  // namespace kam::interaction::facts
