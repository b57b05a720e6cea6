// An in-memory OpportunityStore for the handler unit tests (built into
// kam_interaction_fakes, never into the service). It keeps opportunities as
// MySqlOpportunityStore reads them back (the etag of their version), their
// stage history and the probability table (the defaults at version 0 until
// written), refuses a request id used before (kDuplicateRequest), runs
// Transact all or nothing (a failed transaction leaves nothing behind) one
// at a time, and answers every call UNAVAILABLE while "down", like a
// database that cannot be reached. Listing opportunities and the weighted
// pipeline are not in the fake (UNIMPLEMENTED).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "common/testing/fake_database.h"
#include "services/interaction/opportunity/opportunity_store.h"
#include "services/interaction/shared/fake_rows.h"

namespace kam::interaction::opportunity {

// What the fake stores.
struct FakeOpportunityData {
  common::testing::FakeTable<StoredOpportunity> opportunities{"opportunity opportunities/"};
  std::map<int64_t, StoredStageMove> moves;  // by move id
  std::map<int64_t, int64_t> move_owner;     // move id -> opportunity id
  StoredStageProbabilities probabilities;    // the defaults at version 0 at first
  std::map<int64_t, int64_t> agreement_accounts;  // agreement id -> account id
  int64_t next_move_id = 1;
};

class FakeOpportunityStore final : public OpportunityStore {
 public:
  FakeOpportunityStore();

  // While down, every call is UNAVAILABLE.
  void SetDown(bool down) { db_.SetDown(down); }

  // Every opportunity stored, in id order, and the stage history of one:
  // what tests check was (not) written.
  std::vector<StoredOpportunity> Opportunities() const;
  std::vector<v1::OpportunityStageMove> MovesOf(int64_t opportunity_id) const;

  absl::Status Transact(absl::string_view context,
                        absl::FunctionRef<absl::Status(OpportunityTx&)> fn) override;
  absl::StatusOr<int64_t> NewOpportunityId() override;

  absl::StatusOr<StoredOpportunity> Get(int64_t id) override {
    return ReadRow(db_, &FakeOpportunityData::opportunities, id);
  }
  absl::StatusOr<std::optional<common::CreatedByRequest<StoredOpportunity>>> FindByRequest(
      const std::string& request_id) override {
    return ReadRowByRequest(db_, &FakeOpportunityData::opportunities, request_id);
  }
  absl::StatusOr<bool> Exists(int64_t id) override;
  absl::StatusOr<common::Page<StoredStageMove>> ListMoves(
      int64_t opportunity_id, const std::optional<common::PageCursor>& cursor, int limit) override;
  absl::StatusOr<StoredStageProbabilities> GetProbabilities() override;
  absl::StatusOr<int64_t> AgreementAccount(absl::string_view field, int64_t agreement_id) override;
  // Makes agreement `agreement_id` one of account `account_id`.
  void AddAgreement(int64_t agreement_id, int64_t account_id);

  // Not in the fake.
  absl::StatusOr<common::Page<StoredOpportunity>> List(const common::FilterNode&, bool,
                                                       const std::optional<common::PageCursor>&,
                                                       int) override {
    return absl::UnimplementedError("not in the fake");
  }
  absl::StatusOr<PipelineSums> ReadPipeline(const PipelineScope&) override {
    return absl::UnimplementedError("not in the fake");
  }

 private:
  common::testing::FakeDatabase<FakeOpportunityData> db_;  // locked for a whole transaction
};

}  // namespace kam::interaction::opportunity
