// What the fake stores of the interaction areas do the same way with the
// data they keep in a common::testing::FakeDatabase: run a transaction, and
// read a table (common::testing::FakeTable) by row id or by create request.
// Test-only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/api/etag.h"
#include "common/api/idempotency.h"
#include "common/testing/fake_database.h"

namespace kam::interaction {

// A fake store's Transact: `fn` runs its steps on a `Tx` over a copy of the
// data, which replaces the data only when `fn` succeeds (a rolled-back
// transaction leaves nothing behind); UNAVAILABLE while the fake is down.
template <typename Tx, typename Data, typename Fn>
absl::Status TransactOn(common::testing::FakeDatabase<Data>& db, absl::string_view context,
                        const Fn& fn) {
  return db.Write(context, [&](Data& data) {
    Tx tx(data);
    return fn(tx);
  });
}

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

// A fake's UPDATE of row `id` of `table`: `change(row)` edits the stored row
// in place when there is one; when there is none nothing happens and the
// answer is OK, as for an UPDATE that matches no row.
template <typename Row, typename Change>
absl::Status UpdateRow(common::testing::FakeTable<Row>& table, int64_t id, Change change) {
  auto it = table.rows.find(id);
  if (it == table.rows.end()) return absl::OkStatus();
  change(it->second);
  return absl::OkStatus();
}

// A fake's write of a resource row (`resource` is the row's message, e.g.
// &StoredOpportunity::opportunity): everything but the id, the account and
// the create time, as the real stores' UPDATE; the etag is the one of the
// version written.
template <typename Row, typename Resource>
absl::Status WriteResourceRow(common::testing::FakeTable<Row>& table, const Row& row,
                              Resource Row::*resource) {
  return UpdateRow(table, row.id, [&](Row& stored) {
    Resource& written = stored.*resource;
    const google::protobuf::Timestamp create_time = written.create_time();
    stored.version = row.version;
    written = row.*resource;
    *written.mutable_create_time() = create_time;
    written.set_etag(common::MakeEtag(written.name(), stored.version));
  });
}

}  // namespace kam::interaction
