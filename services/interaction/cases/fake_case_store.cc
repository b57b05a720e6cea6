#include "services/interaction/cases/fake_case_store.h"

#include "absl/strings/str_cat.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"
#include "services/interaction/cases/case_sla_breach.h"

namespace kam::interaction::cases {
namespace {

using Data = FakeCaseStore::Data;

std::pair<int, int> PolicyIndex(const SlaPolicyKey& key) {
  return {static_cast<int>(key.priority), static_cast<int>(key.tier)};
}

// The rows of `rows` (keyed by id) after the cursor that `keep`, as a page.
template <typename Row, typename Keep>
common::Page<Row> PageOf(const std::map<int64_t, Row>& rows,
                         const std::optional<common::PageCursor>& cursor, int limit, Keep keep) {
  std::vector<Row> found;
  for (auto it = rows.upper_bound(common::CursorId(cursor)); it != rows.end(); ++it) {
    if (keep(it->second)) found.push_back(it->second);
  }
  return common::TrimPage(std::move(found), limit);
}

// The rows of `rows`, in key order.
template <typename Key, typename Row>
std::vector<Row> ValuesOf(const std::map<Key, Row>& rows) {
  std::vector<Row> values;
  for (const auto& [key, row] : rows) values.push_back(row);
  return values;
}

// NOT_FOUND in the real store's words when there is no such policy.
absl::StatusOr<StoredPolicy> PolicyOf(const Data& data, const SlaPolicyKey& key) {
  auto it = data.policies.find(PolicyIndex(key));
  if (it == data.policies.end()) {
    return absl::NotFoundError(absl::StrCat("SLA policy ", SlaPolicyName(key), " not found"));
  }
  return it->second;
}

// A transaction's steps on a copy of the store's data (no locks: the fake
// runs one transaction at a time).
class FakeCaseTx final : public CaseTx {
 public:
  explicit FakeCaseTx(Data& data) : data_(data) {}

  absl::StatusOr<StoredCase> LockCase(int64_t id) override { return data_.cases.Get(id); }
  absl::StatusOr<common::InsertOutcome> InsertCase(const StoredCase& row,
                                                   const common::RequestKey& key) override {
    return data_.cases.Insert(row, key);
  }
  absl::Status WriteCase(const StoredCase& row) override {
    KAM_RETURN_IF_ERROR(data_.cases.Get(row.id).status());
    data_.cases.rows[row.id] = row;
    return absl::OkStatus();
  }
  absl::Status InsertEvent(CaseEventRow* row) override {
    const int64_t id = data_.next_id++;
    row->event.set_name(absl::StrCat(CaseName(row->case_id), "/events/", id));
    data_.events[id] = *row;
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<StoredCase>> LockBreachedCases(SlaTarget target, absl::Time now,
                                                            int limit) override {
    std::vector<StoredCase> rows;
    for (const auto& [id, row] : data_.cases.rows) {
      if (static_cast<int>(rows.size()) < limit && AwaitsBreachEscalation(row, target, now)) {
        rows.push_back(row);
      }
    }
    return rows;
  }
  absl::StatusOr<StoredPolicy> ReadPolicy(const SlaPolicyKey& key, bool) override {
    return PolicyOf(data_, key);
  }
  absl::Status WritePolicy(const StoredPolicy& row) override {
    data_.policies[PolicyIndex(KeyOf(row.policy))] = row;
    return absl::OkStatus();
  }
  absl::StatusOr<v1::SlaPolicyChange> InsertPolicyChange(const StoredPolicy& before,
                                                         const StoredPolicy& after,
                                                         const std::string& reason) override {
    const int64_t id = data_.next_id++;
    v1::SlaPolicyChange change = PolicyChange(before, after, reason);
    change.set_name(absl::StrCat(change.policy(), "/changes/", id));
    data_.policy_changes[id] = change;
    return change;
  }
  absl::StatusOr<StoredRoute> ReadRoute(v1::CaseType type, bool) override {
    auto it = data_.routes.find(type);
    if (it == data_.routes.end()) {
      return absl::NotFoundError(absl::StrCat("no route for case type ", TypeName(type)));
    }
    return it->second;
  }
  absl::Status WriteRoute(const StoredRoute& row) override {
    data_.routes[row.route.case_type()] = row;
    return absl::OkStatus();
  }

 private:
  Data& data_;
};

}  // namespace

FakeCaseStore::FakeCaseStore() {
  const google::protobuf::Timestamp seeded = common::ToProtoTimestamp(common::NowMicros());
  absl::Status seeding = db_.Write("seeding the defaults", [&](Data& data) {
    for (const DefaultSlaPolicy& d : DefaultSlaPolicies()) {
      StoredPolicy row;
      row.version = 1;
      row.policy.set_name(SlaPolicyName(d.key));
      row.policy.set_priority(d.key.priority);
      row.policy.set_tier(d.key.tier);
      row.policy.set_first_response_minutes(d.first_response_minutes);
      row.policy.set_resolution_minutes(d.resolution_minutes);
      row.policy.set_update_actor("default");
      *row.policy.mutable_update_time() = seeded;
      SetEtag(row);
      data.policies[PolicyIndex(d.key)] = row;
    }
    for (const auto& [type, level] : DefaultRoutingTable()) {
      StoredRoute row;
      row.version = 1;
      row.route.set_case_type(type);
      row.route.set_level(level);
      row.route.set_update_actor("default");
      *row.route.mutable_update_time() = seeded;
      SetEtag(row);
      data.routes[type] = row;
    }
    return absl::OkStatus();
  });
  seeding.IgnoreError();  // a new fake is never down
}

void FakeCaseStore::PutCase(const StoredCase& row) {
  db_.Write("putting a case",
            [&](Data& data) {
              data.cases.rows[row.id] = row;
              data.next_id = std::max(data.next_id, row.id + 1);
              return absl::OkStatus();
            })
      .IgnoreError();  // tests put cases while the fake is up
}

int FakeCaseStore::case_count() const { return static_cast<int>(db_.Snapshot().cases.rows.size()); }

int FakeCaseStore::event_count() const { return static_cast<int>(db_.Snapshot().events.size()); }

absl::Status FakeCaseStore::Transact(absl::string_view context,
                                     const std::function<absl::Status(CaseTx&)>& fn) {
  return TransactOn<FakeCaseTx>(db_, context, fn);
}

absl::StatusOr<int64_t> FakeCaseStore::NewCaseId() {
  return db_.Change<int64_t>("allocating a case id",
                             [](Data& data) -> absl::StatusOr<int64_t> { return data.next_id++; });
}

absl::StatusOr<common::Page<v1::CaseEvent>> FakeCaseStore::ListEvents(
    int64_t case_id, const std::optional<common::PageCursor>& cursor, int limit) {
  return db_.Read<common::Page<v1::CaseEvent>>("listing case events", [&](const Data& data) {
    common::Page<CaseEventRow> rows = PageOf(
        data.events, cursor, limit, [&](const CaseEventRow& e) { return e.case_id == case_id; });
    common::Page<v1::CaseEvent> page;
    page.more = rows.more;
    for (CaseEventRow& row : rows.rows) page.rows.push_back(std::move(row.event));
    return page;
  });
}

absl::StatusOr<std::vector<StoredPolicy>> FakeCaseStore::ListPolicies() {
  return db_.Read<std::vector<StoredPolicy>>(
      "listing SLA policies", [](const Data& data) { return ValuesOf(data.policies); });
}

absl::StatusOr<StoredPolicy> FakeCaseStore::GetPolicy(const SlaPolicyKey& key) {
  return db_.Read<StoredPolicy>("reading an SLA policy",
                                [&](const Data& data) { return PolicyOf(data, key); });
}

absl::StatusOr<common::Page<v1::SlaPolicyChange>> FakeCaseStore::ListPolicyChanges(
    const std::optional<SlaPolicyKey>& key, const std::optional<common::PageCursor>& cursor,
    int limit) {
  return db_.Read<common::Page<v1::SlaPolicyChange>>(
      "listing SLA policy changes", [&](const Data& data) {
        return PageOf(data.policy_changes, cursor, limit, [&](const v1::SlaPolicyChange& change) {
          return !key.has_value() || change.policy() == SlaPolicyName(*key);
        });
      });
}

absl::StatusOr<std::vector<StoredRoute>> FakeCaseStore::ListRoutes() {
  return db_.Read<std::vector<StoredRoute>>("listing case routes",
                                            [](const Data& data) { return ValuesOf(data.routes); });
}

}  // namespace kam::interaction::cases
