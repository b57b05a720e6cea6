#include "services/interaction/opportunity/fake_opportunity_store.h"

#include "absl/strings/str_cat.h"
#include "services/interaction/opportunity/opportunity_fields.h"

namespace kam::interaction::opportunity {
namespace {

using Data = FakeOpportunityData;

class FakeOpportunityTx final : public OpportunityTx {
 public:
  explicit FakeOpportunityTx(Data& data) : data_(data) {}

  absl::StatusOr<StoredOpportunity> Lock(int64_t id) override {
    return data_.opportunities.Get(id);
  }

  absl::StatusOr<common::InsertOutcome> Insert(const StoredOpportunity& row,
                                               const common::RequestKey& key) override {
    return data_.opportunities.Insert(row, key);
  }

  absl::Status Write(const StoredOpportunity& row) override {
    return WriteResourceRow(data_.opportunities, row, &StoredOpportunity::opportunity);
  }

  absl::Status InsertMove(int64_t opportunity_id, v1::OpportunityStageMove* move) override {
    const int64_t id = data_.next_move_id++;
    move->set_name(absl::StrCat(OpportunityName(opportunity_id), "/stageMoves/", id));
    data_.moves[id] = StoredStageMove{id, *move};
    data_.move_owner[id] = opportunity_id;
    return absl::OkStatus();
  }

  absl::StatusOr<StoredStageProbabilities> LockProbabilities() override {
    return data_.probabilities;
  }

  absl::Status WriteProbabilities(const StoredStageProbabilities& table) override {
    data_.probabilities = table;
    return absl::OkStatus();
  }

 private:
  Data& data_;
};

}  // namespace

FakeOpportunityStore::FakeOpportunityStore() {
  db_.Write("seeding the defaults",
            [](Data& data) {
              data.probabilities.percents = DefaultStageProbabilities();
              return absl::OkStatus();
            })
      .IgnoreError();  // a new fake is never down
}

std::vector<StoredOpportunity> FakeOpportunityStore::Opportunities() const {
  return db_.Snapshot().opportunities.All();
}

std::vector<v1::OpportunityStageMove> FakeOpportunityStore::MovesOf(int64_t opportunity_id) const {
  const Data data = db_.Snapshot();
  std::vector<v1::OpportunityStageMove> moves;
  for (const auto& [id, row] : data.moves) {
    if (data.move_owner.at(id) == opportunity_id) moves.push_back(row.move);
  }
  return moves;
}

absl::Status FakeOpportunityStore::Transact(absl::string_view context,
                                            absl::FunctionRef<absl::Status(OpportunityTx&)> fn) {
  return TransactOn<FakeOpportunityTx>(db_, context, fn);
}

absl::StatusOr<int64_t> FakeOpportunityStore::NewOpportunityId() {
  return db_.NewId("allocating an opportunity id");
}

absl::StatusOr<bool> FakeOpportunityStore::Exists(int64_t id) {
  return db_.Read<bool>("reading an opportunity",
                        [&](const Data& data) { return data.opportunities.rows.count(id) > 0; });
}

absl::StatusOr<common::Page<StoredStageMove>> FakeOpportunityStore::ListMoves(
    int64_t opportunity_id, const std::optional<common::PageCursor>& cursor, int limit) {
  return db_.Read<common::Page<StoredStageMove>>("listing stage moves", [&](const Data& data) {
    std::vector<StoredStageMove> rows;
    for (auto it = data.moves.upper_bound(common::CursorId(cursor));
         it != data.moves.end() && static_cast<int>(rows.size()) <= limit; ++it) {
      if (data.move_owner.at(it->first) == opportunity_id) rows.push_back(it->second);
    }
    return common::TrimPage(std::move(rows), limit);
  });
}

absl::StatusOr<int64_t> FakeOpportunityStore::AgreementAccount(absl::string_view field,
                                                              int64_t agreement_id) {
  return db_.Read<int64_t>("reading an agreement", [&](const Data& data) -> absl::StatusOr<int64_t> {
    auto it = data.agreement_accounts.find(agreement_id);
    if (it == data.agreement_accounts.end()) {
      return absl::NotFoundError(absl::StrCat(field, " agreements/", agreement_id, " not found"));
    }
    return it->second;
  });
}

void FakeOpportunityStore::AddAgreement(int64_t agreement_id, int64_t account_id) {
  db_.Write("adding an agreement",
            [&](Data& data) {
              data.agreement_accounts[agreement_id] = account_id;
              return absl::OkStatus();
            })
      .IgnoreError();
}

absl::StatusOr<StoredStageProbabilities> FakeOpportunityStore::GetProbabilities() {
  return db_.Read<StoredStageProbabilities>("reading stage probabilities",
                                            [](const Data& data) { return data.probabilities; });
}

}  // namespace kam::interaction::opportunity
