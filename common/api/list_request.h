// Keyset pages (AIP-132, AIP-158), from the request to the response, the
// same way for every List method:
//
//   absl::StatusOr<common::ListRequest> list =
//       common::ReadListRequest(request, {"ListOrders", request.filter()});
//   if (!list.ok()) return list.status();
//   absl::StatusOr<common::Page<StoredOrder>> page =
//       store_->ListOrders(list->filter, list->cursor, list->limit);
//   if (!page.ok()) return page.status();
//   common::WritePage(*list, *std::move(page), response->mutable_next_page_token(),
//                     [&](StoredOrder& row) { *response->add_orders() = std::move(row.order); });
//
// Stores read `limit + 1` rows after the cursor and TrimPage() them: the
// extra row only says that another page follows.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/api/filter.h"
#include "common/api/page_token.h"

namespace kam::common {

// One page of a listing: at most `limit` rows, and whether more follow.
template <typename Row>
struct Page {
  std::vector<Row> rows;
  bool more = false;
};

// A store's `limit + 1` rows as a page of at most `limit`.
template <typename Row>
Page<Row> TrimPage(std::vector<Row> rows, int limit) {
  Page<Row> page;
  page.more = static_cast<int>(rows.size()) > limit;
  if (page.more) rows.resize(limit);
  page.rows = std::move(rows);
  return page;
}

// The id a page starts after (0: the first page).
int64_t CursorId(const std::optional<PageCursor>& cursor);

// A List request, checked: the page size, the filter and where the previous
// page ended, bound to a fingerprint of everything that shapes the result.
struct ListRequest {
  int limit = 0;
  FilterNode filter;  // an empty AND (everything) when the request has none
  uint64_t query = 0;
  std::optional<PageCursor> cursor;  // nullopt: the first page

  // INVALID_ARGUMENT naming page_token unless the cursor (if any) holds
  // `count` sort key values, as the listing's order needs.
  absl::Status ExpectCursorKeys(size_t count) const;
};

// `query_parts` are the method's name and every request field that shapes
// the result (parent, filter, order_by, show_deleted, ...): a token is
// refused with any other. Errors name page_size, page_token or filter.
absl::StatusOr<ListRequest> ReadListRequest(int32_t page_size, absl::string_view page_token,
                                            absl::string_view filter,
                                            std::initializer_list<absl::string_view> query_parts);

template <typename Request, typename = void>
struct HasFilterField : std::false_type {};
template <typename Request>
struct HasFilterField<Request, std::void_t<decltype(std::declval<const Request&>().filter())>>
    : std::true_type {};

// The same, reading page_size, page_token and (when it has one) filter from
// the request message.
template <typename Request>
absl::StatusOr<ListRequest> ReadListRequest(const Request& request,
                                            std::initializer_list<absl::string_view> query_parts) {
  absl::string_view filter;
  if constexpr (HasFilterField<Request>::value) filter = request.filter();
  return ReadListRequest(request.page_size(), request.page_token(), filter, query_parts);
}

// Fills a List response from a page: `add(row)` moves each row's resource
// into the response, and when more rows follow, `*next_page_token` resumes
// after `cursor_of(last row)`.
template <typename Row, typename Add, typename CursorOf>
void WritePage(const ListRequest& list, Page<Row> page, std::string* next_page_token, Add add,
               CursorOf cursor_of) {
  if (page.more && !page.rows.empty()) {
    *next_page_token = EncodePageToken(list.query, cursor_of(page.rows.back()));
  }
  for (Row& row : page.rows) add(row);
}

// For listings in id order (rows with an `id`).
template <typename Row, typename Add>
void WritePage(const ListRequest& list, Page<Row> page, std::string* next_page_token, Add add) {
  WritePage(list, std::move(page), next_page_token, add, [](const Row& row) {
    return PageCursor{{}, row.id};
  });
}

}  // namespace kam::common
