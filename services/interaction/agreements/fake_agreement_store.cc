#include "services/interaction/agreements/fake_agreement_store.h"


namespace kam::interaction::agreements {
namespace {

class FakeAgreementTx final : public AgreementTx {
 public:
  explicit FakeAgreementTx(FakeAgreementData& data) : data_(data) {}

  absl::StatusOr<StoredAgreement> Lock(int64_t id) override { return data_.agreements.Get(id); }

  absl::StatusOr<common::InsertOutcome> Insert(const StoredAgreement& row,
                                               const common::RequestKey& key) override {
    return data_.agreements.Insert(row, key);
  }

  absl::Status Write(const StoredAgreement& row) override {
    return WriteResourceRow(data_.agreements, row, &StoredAgreement::agreement);
  }

 private:
  FakeAgreementData& data_;
};

}  // namespace

absl::Status FakeAgreementStore::Transact(absl::string_view context,
                                          absl::FunctionRef<absl::Status(AgreementTx&)> fn) {
  return TransactOn<FakeAgreementTx>(db_, context, fn);
}

}  // namespace kam::interaction::agreements
