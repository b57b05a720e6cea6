// An in-memory AgreementStore for the handler unit tests (built into
// kam_interaction_fakes, never into the service). It keeps agreements as
// MySqlAgreementStore reads them back (the etag of their version, the
// notice deadline), refuses a request id used before (kDuplicateRequest),
// runs Transact all or nothing, and answers every call UNAVAILABLE while
// "down". Listing is not in the fake (UNIMPLEMENTED): its filters are SQL.
#pragma once

#include <cstdint>
#include <vector>

#include "common/testing/fake_database.h"
#include "services/interaction/agreements/agreement_store.h"
#include "services/interaction/shared/fake_rows.h"

namespace kam::interaction::agreements {

// What the fake stores.
struct FakeAgreementData {
  common::testing::FakeTable<StoredAgreement> agreements{"agreement agreements/"};
};

class FakeAgreementStore final : public AgreementStore {
 public:
  // While down, every call is UNAVAILABLE.
  void SetDown(bool down) { db_.SetDown(down); }

  // Every agreement stored, in id order.
  std::vector<StoredAgreement> Agreements() const { return db_.Snapshot().agreements.All(); }

  absl::Status Transact(absl::string_view context,
                        absl::FunctionRef<absl::Status(AgreementTx&)> fn) override;
  absl::StatusOr<int64_t> NewAgreementId() override {
    return db_.NewId("allocating an agreement id");
  }
  absl::StatusOr<StoredAgreement> Get(int64_t id) override {
    return ReadRow(db_, &FakeAgreementData::agreements, id);
  }
  absl::StatusOr<std::optional<common::CreatedByRequest<StoredAgreement>>> FindByRequest(
      const std::string& request_id) override {
    return ReadRowByRequest(db_, &FakeAgreementData::agreements, request_id);
  }
  absl::StatusOr<common::Page<StoredAgreement>> List(const common::FilterNode&, absl::Time,
                                                     const std::optional<common::PageCursor>&,
                                                     int) override {
    return absl::UnimplementedError("not in the fake");
  }

 private:
  common::testing::FakeDatabase<FakeAgreementData> db_;
};

}  // namespace kam::interaction::agreements
