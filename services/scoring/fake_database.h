// What the in-memory stores of the scoring unit tests share (each
// fake_<area>_store.h): their data behind one mutex, a switch that makes the
// "database" unavailable, and writes that commit whole or not at all.
// Test-only: nothing in the service includes it.
#pragma once

#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace kam::scoring {

template <typename Data>
class FakeDatabase {
 public:
  // While down, every read and write is UNAVAILABLE, as the real stores
  // answer when MariaDB is unreachable.
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
  // failed write leaves nothing behind, as a rolled-back transaction.
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

  // The next id of the fake's one sequence: ids are never reused, also when
  // the write that took one fails (as common::IdAllocator hands them out).
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

}  // namespace kam::scoring
