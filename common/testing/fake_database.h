// Building blocks of the in-memory stand-ins that handler unit tests run on
// (each service's fake_*_store.h and fake clients). Test-only: nothing a
// service runs includes this.
//
//   FakeOutage      the switch every fake has: while "down", every call
//                   answers UNAVAILABLE, as the real store does when MariaDB
//                   (or a client when the other service) cannot be reached;
//   FakeDatabase    a fake's data behind one mutex, writes that commit whole
//                   or not at all (a rolled-back transaction), and ids that
//                   are never reused;
//   FakeTable       one table: rows by id, and the unique key on the create
//                   request id (common/api/idempotency.h).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "common/api/idempotency.h"

namespace kam::common::testing {

class FakeOutage {
 public:
  // While down, every call is UNAVAILABLE.
  void SetDown(bool down) { down_.store(down); }
  bool down() const { return down_.load(); }

  // UNAVAILABLE "<what> unavailable (fake is down)" while down.
  absl::Status Reachable(absl::string_view what) const {
    if (!down_.load()) return absl::OkStatus();
    return absl::UnavailableError(absl::StrCat(what, " unavailable (fake is down)"));
  }

 private:
  std::atomic<bool> down_{false};
};

template <typename Data>
class FakeDatabase {
 public:
  // While down, every read and write is UNAVAILABLE ("database unavailable
  // while <context>", as common::SqlErrorToStatus words it).
  void SetDown(bool down) {
    absl::MutexLock lock(&mu_);
    down_ = down;
  }

  // fn(data) under the lock.
  template <typename T>
  absl::StatusOr<T> Read(absl::string_view context,
                         absl::FunctionRef<absl::StatusOr<T>(const Data&)> fn) const {
    absl::MutexLock lock(&mu_);
    if (down_) return Unavailable(context);
    return fn(data_);
  }

  // fn(data) on a copy that replaces the data only when fn returns OK: a
  // failed write leaves nothing behind.
  absl::Status Write(absl::string_view context, absl::FunctionRef<absl::Status(Data&)> fn) {
    absl::MutexLock lock(&mu_);
    if (down_) return Unavailable(context);
    Data copy = data_;
    absl::Status status = fn(copy);
    if (status.ok()) data_ = std::move(copy);
    return status;
  }

  // As Write, for a change that answers a value.
  template <typename T>
  absl::StatusOr<T> Change(absl::string_view context,
                           absl::FunctionRef<absl::StatusOr<T>(Data&)> fn) {
    absl::StatusOr<T> result = absl::UnknownError("not run");
    absl::Status status = Write(context, [&](Data& data) {
      result = fn(data);
      return result.status();
    });
    if (!status.ok()) return status;
    return result;
  }

  // The next id of the fake's one sequence: never reused, also when the
  // write that took one fails (as common::IdAllocator hands them out).
  absl::StatusOr<int64_t> NewId(absl::string_view context) {
    absl::MutexLock lock(&mu_);
    if (down_) return Unavailable(context);
    return next_id_++;
  }

  // The data as it is, for tests that look behind the store (never down).
  Data Snapshot() const {
    absl::MutexLock lock(&mu_);
    return data_;
  }

 private:
  static absl::Status Unavailable(absl::string_view context) {
    return absl::UnavailableError(absl::StrCat("database unavailable while ", context));
  }

  mutable absl::Mutex mu_;
  bool down_ ABSL_GUARDED_BY(mu_) = false;
  int64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  Data data_ ABSL_GUARDED_BY(mu_);
};

// `Row` has an int64_t `id`. Not thread-safe (the fake's lock guards it).
template <typename Row>
class FakeTable {
 public:
  // `what` starts the NOT_FOUND message, "<what><id> not found", as the real
  // store words it: "order orders/".
  explicit FakeTable(absl::string_view what) : what_(what) {}

  // NOT_FOUND when there is no row `id`.
  absl::StatusOr<Row> Get(int64_t id) const {
    auto it = rows.find(id);
    if (it == rows.end()) return absl::NotFoundError(absl::StrCat(what_, id, " not found"));
    return it->second;
  }

  // The row a create with `request_id` made, with that request's hash;
  // nullopt when none did.
  std::optional<CreatedByRequest<Row>> FindByRequest(const std::string& request_id) const {
    auto it = requests_.find(request_id);
    if (it == requests_.end()) return std::nullopt;
    return CreatedByRequest<Row>{rows.at(it->second.first), it->second.second};
  }

  bool RequestUsed(const std::string& request_id) const { return requests_.count(request_id) > 0; }

  // Inserts `row`; kDuplicateRequest, and nothing written, when key.id was
  // used before.
  InsertOutcome Insert(const Row& row, const RequestKey& key) {
    if (!key.id.empty() && !requests_.emplace(key.id, std::pair(row.id, key.hash)).second) {
      return InsertOutcome::kDuplicateRequest;
    }
    rows[row.id] = row;
    return InsertOutcome::kInserted;
  }

  // Every row, in id order.
  std::vector<Row> All() const {
    std::vector<Row> all;
    for (const auto& [id, row] : rows) all.push_back(row);
    return all;
  }

  std::map<int64_t, Row> rows;  // by id: the fake's writes change them in place

 private:
  std::string what_;
  std::map<std::string, std::pair<int64_t, std::string>> requests_;  // -> (row id, hash)
};

}  // namespace kam::common::testing
