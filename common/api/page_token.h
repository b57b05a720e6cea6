// Opaque page tokens for keyset pagination (AIP-158).
//
// A token holds the sort key and the id of the last row a page returned, so
// the next page starts strictly after it: rows inserted or deleted between
// calls never make a page repeat or skip a row that existed when listing
// began. The token also carries a fingerprint of the query that produced it;
// a token sent with a different filter, order or parent is refused.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kam::common {

// Where the previous page ended.
struct PageCursor {
  // The sort key values of the last row returned, as strings (empty when the
  // listing is ordered by id only).
  std::vector<std::string> key_values;
  // The id of the last row returned (the tie-breaker of every ordering).
  int64_t last_id = 0;
};

// Encodes `cursor` for the query whose fingerprint is `query_fingerprint`
// (see Fingerprint64 over every request field that shapes the result).
// Base64url text, no padding.
std::string EncodePageToken(uint64_t query_fingerprint, const PageCursor& cursor);

// Decodes a token. INVALID_ARGUMENT naming `page_token` when the text is not a
// token this service issued (bad base64, truncated, bad checksum) or when it
// was issued for a different query.
absl::StatusOr<PageCursor> DecodePageToken(absl::string_view token, uint64_t query_fingerprint);

// The page size to use for a request's `page_size` (AIP-158): 0 means
// `default_size`; above `max_size` is lowered to `max_size`; negative is
// INVALID_ARGUMENT naming `page_size`.
absl::StatusOr<int> ResolvePageSize(int32_t page_size, int default_size = 50, int max_size = 1000);

}  // namespace kam::common
