#include "services/interaction/opportunity/fake_opportunity_store.h"

#include "absl/strings/str_cat.h"
#include "common/api/etag.h"
#include "common/base/status_macros.h"
#include "services/interaction/opportunity/opportunity_fields.h"

namespace kam::interaction::opportunity {
namespace {

using Data = FakeOpportunityData;

class FakeOpportunityTx final : public OpportunityTx {
 public:
  FakeOpportunityTx(Data& data, const FakeOutage& outage) : data_(data), outage_(outage) {}

  absl::StatusOr<StoredOpportunity> Lock(int64_t id) override {
    KAM_RETURN_IF_ERROR(Reachable());
    return data_.opportunities.Get(id);
  }

  absl::StatusOr<common::InsertOutcome> Insert(const StoredOpportunity& row,
                                               const common::RequestKey& key) override {
    KAM_RETURN_IF_ERROR(Reachable());
    return data_.opportunities.Insert(row, key);
  }

  // Everything but the id, the account and the create time, as the real
  // store's UPDATE; the etag is the one of the version written.
  absl::Status Write(const StoredOpportunity& row) override {
    KAM_RETURN_IF_ERROR(Reachable());
    auto it = data_.opportunities.rows.find(row.id);
    if (it == data_.opportunities.rows.end()) return absl::OkStatus();  // an UPDATE of no row
    StoredOpportunity& stored = it->second;
    const google::protobuf::Timestamp create_time = stored.opportunity.create_time();
    stored.version = row.version;
    stored.opportunity = row.opportunity;
    *stored.opportunity.mutable_create_time() = create_time;
    stored.opportunity.set_etag(common::MakeEtag(stored.opportunity.name(), stored.version));
    return absl::OkStatus();
  }

  absl::Status InsertMove(int64_t opportunity_id, v1::OpportunityStageMove* move) override {
    KAM_RETURN_IF_ERROR(Reachable());
    const int64_t id = data_.next_move_id++;
    move->set_name(absl::StrCat(OpportunityName(opportunity_id), "/stageMoves/", id));
    data_.moves[id] = StoredStageMove{id, *move};
    data_.move_owner[id] = opportunity_id;
    return absl::OkStatus();
  }

  absl::StatusOr<StoredStageProbabilities> LockProbabilities() override {
    KAM_RETURN_IF_ERROR(Reachable());
    return data_.probabilities;
  }

  absl::Status WriteProbabilities(const StoredStageProbabilities& table) override {
    KAM_RETURN_IF_ERROR(Reachable());
    data_.probabilities = table;
    return absl::OkStatus();
  }

 private:
  absl::Status Reachable() const { return outage_.Reachable("database"); }

  Data& data_;
  const FakeOutage& outage_;
};

}  // namespace

FakeOpportunityStore::FakeOpportunityStore() {
  absl::MutexLock lock(&mu_);
  data_.probabilities.percents = DefaultStageProbabilities();
}

std::vector<StoredOpportunity> FakeOpportunityStore::Opportunities() const {
  absl::MutexLock lock(&mu_);
  return data_.opportunities.All();
}

std::vector<v1::OpportunityStageMove> FakeOpportunityStore::MovesOf(int64_t opportunity_id) const {
  absl::MutexLock lock(&mu_);
  std::vector<v1::OpportunityStageMove> moves;
  for (const auto& [id, row] : data_.moves) {
    if (data_.move_owner.at(id) == opportunity_id) moves.push_back(row.move);
  }
  return moves;
}

absl::Status FakeOpportunityStore::Transact(absl::string_view,
                                            absl::FunctionRef<absl::Status(OpportunityTx&)> fn) {
  absl::MutexLock lock(&mu_);
  KAM_RETURN_IF_ERROR(Reachable("database"));
  Data working = data_;
  FakeOpportunityTx tx(working, *this);
  KAM_RETURN_IF_ERROR(fn(tx));
  KAM_RETURN_IF_ERROR(Reachable("database"));  // the commit
  data_ = std::move(working);
  return absl::OkStatus();
}

absl::StatusOr<int64_t> FakeOpportunityStore::NewOpportunityId() {
  absl::MutexLock lock(&mu_);
  KAM_RETURN_IF_ERROR(Reachable("database"));
  return next_id_++;
}

absl::StatusOr<StoredOpportunity> FakeOpportunityStore::Get(int64_t id) {
  absl::MutexLock lock(&mu_);
  KAM_RETURN_IF_ERROR(Reachable("database"));
  return data_.opportunities.Get(id);
}

absl::StatusOr<std::optional<common::CreatedByRequest<StoredOpportunity>>>
FakeOpportunityStore::FindByRequest(const std::string& request_id) {
  absl::MutexLock lock(&mu_);
  KAM_RETURN_IF_ERROR(Reachable("database"));
  return data_.opportunities.FindByRequest(request_id);
}

absl::StatusOr<bool> FakeOpportunityStore::Exists(int64_t id) {
  absl::MutexLock lock(&mu_);
  KAM_RETURN_IF_ERROR(Reachable("database"));
  return data_.opportunities.rows.count(id) > 0;
}

absl::StatusOr<common::Page<StoredStageMove>> FakeOpportunityStore::ListMoves(
    int64_t opportunity_id, const std::optional<common::PageCursor>& cursor, int limit) {
  absl::MutexLock lock(&mu_);
  KAM_RETURN_IF_ERROR(Reachable("database"));
  std::vector<StoredStageMove> rows;
  for (auto it = data_.moves.upper_bound(common::CursorId(cursor));
       it != data_.moves.end() && static_cast<int>(rows.size()) <= limit; ++it) {
    if (data_.move_owner.at(it->first) == opportunity_id) rows.push_back(it->second);
  }
  return common::TrimPage(std::move(rows), limit);
}

absl::StatusOr<StoredStageProbabilities> FakeOpportunityStore::GetProbabilities() {
  absl::MutexLock lock(&mu_);
  KAM_RETURN_IF_ERROR(Reachable("database"));
  return data_.probabilities;
}

}  // namespace kam::interaction::opportunity
