// What the export reads: account snapshots in id order, each with the
// handovers and business-churn events of a time window (the scoring
// service's inputs, docs/domain.md §5). No SQL here: mysql_export_store.cc
// has it (mysql_account_database.h).
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "kam/account/v1/account.pb.h"

namespace kam::account::exports {

class ExportStore {
 public:
  virtual ~ExportStore() = default;

  // One page of the export: accounts with id > `after_id` in id order, at
  // most `limit`, deleted ones only with `include_deleted`, with handovers
  // and business-churn events counted in (window_start, window_end].
  virtual absl::StatusOr<std::vector<v1::AccountSnapshot>> ExportPage(int64_t after_id, int limit,
                                                                      bool include_deleted,
                                                                      absl::Time window_start,
                                                                      absl::Time window_end) = 0;
};

}  // namespace kam::account::exports
