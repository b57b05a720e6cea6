// What BatchCreateAccounts and BatchCreateContacts share (AIP-233): the size
// of a batch, the errors of one item, request ids that must differ within a
// batch, and the parent a contact item is created under. Each item is the
// request of the single create (CreateAccountRequest, CreateContactRequest),
// checked by the same code; what changes is that an error names the item.
// Pure: no I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/api/idempotency.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"

namespace kam::account {

// The most creates one Batch* call may carry: the transaction of a full
// batch stays well under a second and its statements well under the
// server's placeholder limit.
inline constexpr int kMaxBatchCreate = 500;

// INVALID_ARGUMENT naming `requests` unless it holds 1 to kMaxBatchCreate
// items.
absl::Status CheckBatchCreateSize(int size);

// Item `index`'s error as the batch answers it, with the code the single
// create gives. When the single create's message starts with one of the
// item's `fields` ("account.display_name must not be empty"), the message is
// prefixed with the item: "requests[3].account.display_name must not be
// empty"; otherwise it is put after it: "requests[3]: account accounts/9 not
// found". OK stays OK.
absl::Status ItemError(size_t index, const absl::Status& status,
                       std::initializer_list<absl::string_view> fields);

// INVALID_ARGUMENT naming both items when two of `request_ids` (one per
// item, in order; empty: none) are the same: a batch that creates one thing
// twice is a mistake of the caller's, never a retry.
absl::Status CheckDistinctRequestIds(const std::vector<std::string>& request_ids);

// ABORTED: the request id of an item was taken, by a concurrent call, after
// the batch looked for earlier results; the caller may send the batch again
// and get that call's result for the item.
absl::Status RequestIdTakenMeanwhile();

// The non-empty of `request_ids`: what a batch looks up earlier results by.
std::vector<std::string> UsedRequestIds(const std::vector<std::string>& request_ids);

// What an item with `key` answers from `earlier` (request id -> the row that
// create made, one look-up for the whole batch): as common::EarlierResult,
// nullopt when the item has no request id or its id was never used.
template <typename Row>
absl::StatusOr<std::optional<Row>> EarlierResultOf(
    const common::RequestKey& key,
    const std::map<std::string, common::CreatedByRequest<Row>>& earlier) {
  auto it = key.id.empty() ? earlier.end() : earlier.find(key.id);
  if (it == earlier.end()) return std::optional<Row>();
  return common::EarlierResult<Row>(
      key, absl::StatusOr<std::optional<common::CreatedByRequest<Row>>>(it->second));
}

// Whether a BatchCreateContacts `parent` lets each item name its own: empty
// or "accounts/-".
bool EachItemNamesItsParent(absl::string_view batch_parent);

// The parent item `index` is created under: the item's own when
// EachItemNamesItsParent(batch_parent); otherwise `batch_parent`, which the
// item's must equal unless it is empty (INVALID_ARGUMENT naming
// requests[N].parent).
absl::StatusOr<std::string> ItemParent(absl::string_view batch_parent, size_t index,
                                       absl::string_view item_parent);

// What a batch create does once every item is checked (`keys[i]`: item i's
// request key), for accounts and contacts alike:
//   1. two items with one request id refuse the batch
//      (CheckDistinctRequestIds);
//   2. `find_earlier(request_ids)` looks up what earlier creates with the
//      items' request ids made, in one query; such an item answers that
//      (EarlierResultOf), and writes nothing;
//   3. the others are the fresh items: `new_ids(count)` gives their ids in
//      one step, `new_row(i, id, now)` makes item i's row, and
//      `create(items, rows, keys, now)` writes them in one transaction
//      (`rows[j]` and `keys[j]` are item `items[j]`'s), all or nothing.
// Returns every item's row in request order. An item's error names it
// (ItemError with `fields`); `create` names its items itself.
template <typename Row>
absl::StatusOr<std::vector<Row>> CreateBatch(
    const std::vector<common::RequestKey>& keys, std::initializer_list<absl::string_view> fields,
    absl::FunctionRef<absl::StatusOr<std::map<std::string, common::CreatedByRequest<Row>>>(
        const std::vector<std::string>& request_ids)>
        find_earlier,
    absl::FunctionRef<absl::StatusOr<std::vector<int64_t>>(size_t count)> new_ids,
    absl::FunctionRef<Row(size_t item, int64_t id, absl::Time now)> new_row,
    absl::FunctionRef<absl::Status(const std::vector<size_t>& items, const std::vector<Row>& rows,
                                   const std::vector<common::RequestKey>& keys, absl::Time now)>
        create) {
  std::vector<std::string> request_ids;
  for (const common::RequestKey& key : keys) request_ids.push_back(key.id);
  KAM_RETURN_IF_ERROR(CheckDistinctRequestIds(request_ids));
  KAM_ASSIGN_OR_RETURN(auto earlier, find_earlier(UsedRequestIds(request_ids)));
  std::vector<std::optional<Row>> results(keys.size());
  std::vector<size_t> fresh;
  for (size_t i = 0; i < keys.size(); ++i) {
    absl::StatusOr<std::optional<Row>> first = EarlierResultOf(keys[i], earlier);
    if (!first.ok()) return ItemError(i, first.status(), fields);
    if (first->has_value()) {
      results[i] = **std::move(first);
    } else {
      fresh.push_back(i);
    }
  }
  if (!fresh.empty()) {
    KAM_ASSIGN_OR_RETURN(std::vector<int64_t> ids, new_ids(fresh.size()));
    const absl::Time now = common::NowMicros();
    std::vector<Row> rows;
    std::vector<common::RequestKey> fresh_keys;
    for (size_t j = 0; j < fresh.size(); ++j) {
      rows.push_back(new_row(fresh[j], ids[j], now));
      fresh_keys.push_back(keys[fresh[j]]);
    }
    KAM_RETURN_IF_ERROR(create(fresh, rows, fresh_keys, now));
    for (size_t j = 0; j < fresh.size(); ++j) results[fresh[j]] = std::move(rows[j]);
  }
  std::vector<Row> answer;
  answer.reserve(results.size());
  for (std::optional<Row>& row : results) answer.push_back(*std::move(row));
  return answer;
}

}  // namespace kam::account
