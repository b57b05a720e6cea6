#include "common/api/list_request.h"

#include "absl/strings/str_cat.h"
#include "common/api/validation.h"
#include "common/base/fingerprint.h"
#include "common/base/status_macros.h"

namespace kam::common {

int64_t CursorId(const std::optional<PageCursor>& cursor) {
  return cursor.has_value() ? cursor->last_id : 0;
}

absl::Status ListRequest::ExpectCursorKeys(size_t count) const {
  if (cursor.has_value() && cursor->key_values.size() != count) {
    return InvalidField("page_token", "is not a token of this listing");
  }
  return absl::OkStatus();
}

absl::StatusOr<ListRequest> ReadListRequest(int32_t page_size, absl::string_view page_token,
                                            absl::string_view filter,
                                            std::initializer_list<absl::string_view> query_parts) {
  ListRequest list;
  absl::StatusOr<int> limit = ResolvePageSize(page_size);
  if (!limit.ok()) return limit.status();
  list.limit = *limit;
  KAM_ASSIGN_OR_RETURN(FilterNode parsed, ParseFilter(filter));
  list.filter = std::move(parsed);
  list.query = Fingerprint64(query_parts);
  if (!page_token.empty()) {
    absl::StatusOr<PageCursor> cursor = DecodePageToken(page_token, list.query);
    if (!cursor.ok()) return cursor.status();
    list.cursor = *std::move(cursor);
  }
  return list;
}

}  // namespace kam::common
