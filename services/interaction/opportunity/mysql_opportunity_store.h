// The opportunity store over MySQL: all SQL of the sales pipeline (tables
// opportunities, opportunity_stage_moves and opportunity_stage_probabilities
// in kam_interaction). Prepared statements only; every value is bound, never
// spliced into the text. Reads run on their own (autocommit); Transact runs
// common::RunInTransaction. Database errors become statuses here
// (common/db/transaction.h): nothing throws out of the store.
#ifndef KAM_SERVICES_INTERACTION_OPPORTUNITY_MYSQL_OPPORTUNITY_STORE_H_
#define KAM_SERVICES_INTERACTION_OPPORTUNITY_MYSQL_OPPORTUNITY_STORE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "common/db/id_allocator.h"
#include "common/db/mysql_pool.h"
#include "services/interaction/opportunity/opportunity_store.h"

namespace kam::interaction::opportunity {

class MySqlOpportunityStore final : public OpportunityStore {
 public:
  explicit MySqlOpportunityStore(common::ConnectionPool* pool);

  absl::Status Transact(absl::string_view context,
                        absl::FunctionRef<absl::Status(OpportunityTx&)> fn) override;
  absl::StatusOr<int64_t> NewOpportunityId() override { return opportunity_ids_.Next(); }

  absl::StatusOr<StoredOpportunity> Get(int64_t id) override;
  absl::StatusOr<std::optional<common::CreatedByRequest<StoredOpportunity>>> FindByRequest(
      const std::string& request_id) override;
  absl::StatusOr<bool> Exists(int64_t id) override;
  absl::StatusOr<common::Page<StoredOpportunity>> List(
      const common::FilterNode& filter, bool show_deleted,
      const std::optional<common::PageCursor>& cursor, int limit) override;
  absl::StatusOr<common::Page<StoredStageMove>> ListMoves(
      int64_t opportunity_id, const std::optional<common::PageCursor>& cursor, int limit) override;

  absl::StatusOr<StoredStageProbabilities> GetProbabilities() override;
  absl::StatusOr<PipelineSums> ReadPipeline(const PipelineScope& scope) override;

 private:
  common::ConnectionPool* pool_;
  common::IdAllocator opportunity_ids_;
  common::IdAllocator move_ids_;
};

}  // namespace kam::interaction::opportunity

#endif  // KAM_SERVICES_INTERACTION_OPPORTUNITY_MYSQL_OPPORTUNITY_STORE_H_
