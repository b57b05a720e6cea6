// What BatchCreateAccounts and BatchCreateContacts share (AIP-233): the size
// of a batch, the errors of one item, request ids that must differ within a
// batch, and the parent a contact item is created under. Each item is the
// request of the single create (CreateAccountRequest, CreateContactRequest),
// checked by the same code; what changes is that an error names the item.
// Pure: no I/O.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/api/idempotency.h"

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

// ABORTED: the request id of an item was taken, by a concurrent call, after
// the batch looked for earlier results; the caller may send the batch again
// and get that call's result for the item.
absl::Status RequestIdTakenMeanwhile();

// Whether a BatchCreateContacts `parent` lets each item name its own: empty
// or "accounts/-".
bool EachItemNamesItsParent(absl::string_view batch_parent);

// The parent item `index` is created under: the item's own when
// EachItemNamesItsParent(batch_parent); otherwise `batch_parent`, which the
// item's must equal unless it is empty (INVALID_ARGUMENT naming
// requests[N].parent).
absl::StatusOr<std::string> ItemParent(absl::string_view batch_parent, size_t index,
                                       absl::string_view item_parent);

}  // namespace kam::account
