// The two reads every fake store of the interaction areas makes of a table
// (common::testing::FakeTable) it keeps in its common::testing::FakeDatabase:
// a row by id, and the row a create request made. Test-only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "common/api/idempotency.h"
#include "common/testing/fake_database.h"

namespace kam::interaction {

// Row `id` of `table`: NOT_FOUND in the real store's words when there is
// none, UNAVAILABLE while the fake is down.
template <typename Data, typename Row>
absl::StatusOr<Row> ReadRow(const common::testing::FakeDatabase<Data>& db,
                            common::testing::FakeTable<Row> Data::*table, int64_t id) {
  return db.template Read<Row>("reading a row",
                               [&](const Data& data) { return (data.*table).Get(id); });
}

// The row of `table` a create with `request_id` made, with that request's
// hash; nullopt when none did.
template <typename Data, typename Row>
absl::StatusOr<std::optional<common::CreatedByRequest<Row>>> ReadRowByRequest(
    const common::testing::FakeDatabase<Data>& db, common::testing::FakeTable<Row> Data::*table,
    const std::string& request_id) {
  return db.template Read<std::optional<common::CreatedByRequest<Row>>>(
      "finding a row by request id",
      [&](const Data& data) { return (data.*table).FindByRequest(request_id); });
}

}  // namespace kam::interaction
