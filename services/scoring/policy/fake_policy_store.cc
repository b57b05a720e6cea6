#include "services/scoring/policy/fake_policy_store.h"

#include <utility>

#include "common/base/proto_time.h"

namespace kam::scoring::policy {
namespace {

using Data = FakePolicyStore::Data;

StoredPolicy* Find(Data& data, int64_t id, int version) {
  auto it = data.policies.find(id);
  if (it == data.policies.end()) return nullptr;
  const int v = version == 0 ? it->second.latest : version;
  if (v < 1 || v > static_cast<int>(it->second.versions.size())) return nullptr;
  return &it->second.versions[v - 1];
}

StoredPolicy Stamped(int64_t id, int version, int64_t revision, bool used,
                     const v1::ScoringPolicy& policy, absl::Time created, absl::Time updated) {
  StoredPolicy stored = MakeStoredPolicy(id, version, revision, used, SettingsOf(policy));
  *stored.policy.mutable_create_time() = common::ToProtoTimestamp(created);
  *stored.policy.mutable_update_time() = common::ToProtoTimestamp(updated);
  return stored;
}

class FakePolicyTx final : public PolicyTx {
 public:
  explicit FakePolicyTx(Data& data) : data_(data) {}

  absl::StatusOr<common::InsertOutcome> InsertPolicy(int64_t id, absl::Time,
                                                     const common::RequestKey& key) override {
    if (!key.id.empty()) {
      for (const auto& [other, policy] : data_.policies) {
        if (policy.request_id == key.id) return common::InsertOutcome::kDuplicateRequest;
      }
    }
    FakePolicyStore::Policy& policy = data_.policies[id];
    policy.request_id = key.id;
    policy.request_hash = key.hash;
    return common::InsertOutcome::kInserted;
  }

  absl::Status InsertVersion(int64_t id, int version, const v1::ScoringPolicy& policy,
                             absl::Time now) override {
    std::vector<StoredPolicy>& versions = data_.policies[id].versions;
    if (static_cast<int>(versions.size()) != version - 1) {
      return absl::InternalError("versions are inserted in order");
    }
    versions.push_back(Stamped(id, version, 1, false, policy, now, now));
    return absl::OkStatus();
  }

  absl::StatusOr<StoredPolicy> LockLatest(int64_t id) override { return ReadLatest(id); }

  absl::Status SetLatest(int64_t id, int version) override {
    data_.policies[id].latest = version;
    return absl::OkStatus();
  }

  absl::Status RewriteVersion(int64_t id, int version, const v1::ScoringPolicy& policy,
                              absl::Time now) override {
    StoredPolicy* stored = Find(data_, id, version);
    if (stored == nullptr) return PolicyNotFound(id, version);
    *stored = Stamped(id, version, stored->revision + 1, stored->policy.used(), policy,
                      common::FromProtoTimestamp(stored->policy.create_time()), now);
    return absl::OkStatus();
  }

  absl::StatusOr<StoredPolicy> ReadLatest(int64_t id) override {
    const StoredPolicy* stored = Find(data_, id, 0);
    if (stored == nullptr) return PolicyNotFound(id);
    return *stored;
  }

 private:
  Data& data_;
};

}  // namespace

int64_t FakePolicyStore::PutPolicy(const v1::ScoringPolicy& settings) {
  const int64_t id = NewPolicyId().value_or(0);
  absl::Status status = db_.Write("storing policy", [&](Data& data) {
    data.policies[id].versions.push_back(
        Stamped(id, 1, 1, false, settings, absl::UnixEpoch(), absl::UnixEpoch()));
    return absl::OkStatus();
  });
  return status.ok() ? id : 0;
}

absl::Status FakePolicyStore::Transact(absl::string_view context,
                                       absl::FunctionRef<absl::Status(PolicyTx&)> fn) {
  return db_.Write(context, [&](Data& data) {
    FakePolicyTx tx(data);
    return fn(tx);
  });
}

absl::StatusOr<std::optional<common::CreatedByRequest<StoredPolicy>>>
FakePolicyStore::FindPolicyByRequest(const std::string& request_id) {
  using Found = std::optional<common::CreatedByRequest<StoredPolicy>>;
  return db_.Read<Found>("reading policy", [&](const Data& data) -> absl::StatusOr<Found> {
    for (const auto& [id, policy] : data.policies) {
      if (policy.request_id == request_id && !policy.versions.empty()) {
        return Found(
            common::CreatedByRequest<StoredPolicy>{policy.versions[0], policy.request_hash});
      }
    }
    return Found();
  });
}

absl::StatusOr<StoredPolicy> FakePolicyStore::GetPolicy(int64_t id, int version) {
  return db_.Read<StoredPolicy>(
      "reading policy", [&](const Data& data) -> absl::StatusOr<StoredPolicy> {
        const StoredPolicy* stored = Find(const_cast<Data&>(data), id, version);
        if (stored == nullptr) return PolicyNotFound(id, version);
        return *stored;
      });
}

absl::StatusOr<std::vector<StoredPolicy>> FakePolicyStore::ListPolicies(int64_t, int) {
  return absl::UnimplementedError("not in the fake");
}

absl::StatusOr<std::vector<StoredPolicy>> FakePolicyStore::ListVersions(int64_t, int, int) {
  return absl::UnimplementedError("not in the fake");
}

absl::Status FakePolicyStore::MarkVersionUsed(int64_t id, int version) {
  return db_.Write("marking policy used", [&](Data& data) {
    if (StoredPolicy* stored = Find(data, id, version)) stored->policy.set_used(true);
    return absl::OkStatus();
  });
}

}  // namespace kam::scoring::policy
