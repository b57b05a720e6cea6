// One table of an in-memory store (fake_*_store.h): rows by id and, per
// create request id, the row it made and that request's fingerprint, as the
// unique key on the request id keeps them in the real tables. For unit tests
// only; not thread-safe (the fake's mutex guards it).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/api/idempotency.h"

namespace kam::interaction {

// `Row` has an int64_t `id`.
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
  std::optional<common::CreatedByRequest<Row>> FindByRequest(const std::string& request_id) const {
    auto it = requests_.find(request_id);
    if (it == requests_.end()) return std::nullopt;
    return common::CreatedByRequest<Row>{rows.at(it->second.first), it->second.second};
  }
  bool RequestUsed(const std::string& request_id) const { return requests_.count(request_id) > 0; }

  // Inserts `row`; kDuplicateRequest, and nothing written, when key.id was
  // used before.
  common::InsertOutcome Insert(const Row& row, const common::RequestKey& key) {
    if (!key.id.empty() && !requests_.emplace(key.id, std::pair(row.id, key.hash)).second) {
      return common::InsertOutcome::kDuplicateRequest;
    }
    rows[row.id] = row;
    return common::InsertOutcome::kInserted;
  }

  // Every row, in id order.
  std::vector<Row> All() const {
    std::vector<Row> all;
    for (const auto& [id, row] : rows) all.push_back(row);
    return all;
  }

  std::map<int64_t, Row> rows;  // by id: writes of the fake change them in place

 private:
  std::string what_;
  // request id -> (row id, request hash)
  std::map<std::string, std::pair<int64_t, std::string>> requests_;
};

}  // namespace kam::interaction
