// DesignationStore in memory, for the unit tests of the handlers.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "services/scoring/designations/designation_store.h"

namespace kam::scoring::designations {

class FakeDesignationStore final : public DesignationStore {
 public:
  // Designations stored.
  size_t size() {
    absl::MutexLock lock(&mu_);
    return rows_.size();
  }

  absl::StatusOr<int64_t> NewId() override;
  absl::StatusOr<common::InsertOutcome> Create(const StoredDesignation& d,
                                               const common::RequestKey& key,
                                               std::optional<StoredDesignation>* conflict) override;
  absl::StatusOr<std::optional<common::CreatedByRequest<StoredDesignation>>> FindByRequest(
      const std::string& request_id) override;
  absl::StatusOr<StoredDesignation> Get(int64_t id) override;
  absl::StatusOr<std::vector<StoredDesignation>> List(const common::FilterNode& filter,
                                                      absl::Time now, int64_t before_id,
                                                      int limit) override;
  absl::StatusOr<StoredDesignation> End(int64_t id, absl::Time at, const std::string& by,
                                        const std::string& reason) override;
  absl::StatusOr<std::vector<StoredDesignation>> Around(absl::Time since,
                                                        absl::Time as_of) override;

 private:
  absl::Mutex mu_;
  int64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  std::map<int64_t, StoredDesignation> rows_ ABSL_GUARDED_BY(mu_);
  // request id -> (designation id, request hash)
  std::map<std::string, std::pair<int64_t, std::string>> requests_ ABSL_GUARDED_BY(mu_);
};

}  // namespace kam::scoring::designations
