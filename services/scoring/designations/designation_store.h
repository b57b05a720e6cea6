// The key-account designations (kam_scoring.designations): written by
// DesignationService, read by it and by the rating runner. No SQL here:
// mysql_designation_store.cc is the real store (NewMySqlDesignationStore,
// mysql_stores.h), FakeDesignationStore (fake_designation_store.h) stands in
// for it in unit tests. Every method answers UNAVAILABLE while the database
// is down.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/api/filter.h"
#include "common/api/idempotency.h"
#include "services/scoring/designations/designation_rules.h"

namespace kam::scoring::designations {

class DesignationStore {
 public:
  virtual ~DesignationStore() = default;

  virtual absl::StatusOr<int64_t> NewId() = 0;
  // Inserts `d` with the create request's key (none when key.id is empty),
  // in one transaction with the check that the account holds no designation
  // of the same kind whose period overlaps d's: that one is returned in
  // *conflict and nothing is written. kDuplicateRequest, writing nothing,
  // when key.id was used before.
  virtual absl::StatusOr<common::InsertOutcome> Create(
      const StoredDesignation& d, const common::RequestKey& key,
      std::optional<StoredDesignation>* conflict) = 0;
  // The designation created with `request_id`, with that request's
  // fingerprint; nullopt when none was.
  virtual absl::StatusOr<std::optional<common::CreatedByRequest<StoredDesignation>>>
  FindByRequest(const std::string& request_id) = 0;
  // NOT_FOUND.
  virtual absl::StatusOr<StoredDesignation> Get(int64_t id) = 0;
  // Designations matching `filter` (ListDesignationsRequest.filter: account,
  // kind, active at `now`; = and !=; AND, OR, parentheses) with id <
  // before_id (0: all), newest (highest id) first, at most limit + 1.
  // INVALID_ARGUMENT naming a field or value it cannot map.
  virtual absl::StatusOr<std::vector<StoredDesignation>> List(const common::FilterNode& filter,
                                                              absl::Time now, int64_t before_id,
                                                              int limit) = 0;
  // Ends designation `id` at `at` (its end_time becomes `at`), recording who
  // and why, unless it has ended by then (end_time <= at:
  // FAILED_PRECONDITION). NOT_FOUND. Returns it as ended.
  virtual absl::StatusOr<StoredDesignation> End(int64_t id, absl::Time at, const std::string& by,
                                                const std::string& reason) = 0;
  // What a rating run reads, in one query: every designation with
  // start_time <= as_of and end_time > since (active at some time in
  // [since, as_of], or lapsing in between).
  virtual absl::StatusOr<std::vector<StoredDesignation>> Around(absl::Time since,
                                                                absl::Time as_of) = 0;
};

// NOT_FOUND for designation `id`.
absl::Status DesignationNotFound(int64_t id);

}  // namespace kam::scoring::designations
