#include "services/interaction/agreements/fake_agreement_store.h"

#include "common/api/etag.h"

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

  // Everything but the id, the account and the create time, as the real
  // store's UPDATE.
  absl::Status Write(const StoredAgreement& row) override {
    return UpdateRow(data_.agreements, row.id, [&](StoredAgreement& stored) {
      const google::protobuf::Timestamp create_time = stored.agreement.create_time();
      stored.version = row.version;
      stored.agreement = row.agreement;
      *stored.agreement.mutable_create_time() = create_time;
      stored.agreement.set_etag(common::MakeEtag(stored.agreement.name(), stored.version));
    });
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
