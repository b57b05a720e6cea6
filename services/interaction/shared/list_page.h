// The end every List handler of the interaction areas shares: the store's
// page for the request (common/api/list_request.h) into the response.
#pragma once

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/api/list_request.h"

namespace kam::interaction {

// `page` (what the store listed for `list`: its error as it is) written into
// `*response` with common::WritePage(list, page, next_page_token, add
// [, cursor_of]).
template <typename Row, typename Response, typename Add, typename... CursorOf>
absl::Status AnswerPage(const common::ListRequest& list, absl::StatusOr<common::Page<Row>> page,
                        Response* response, Add add, CursorOf... cursor_of) {
  if (!page.ok()) return page.status();
  common::WritePage(list, *std::move(page), response->mutable_next_page_token(), add,
                    cursor_of...);
  return absl::OkStatus();
}

}  // namespace kam::interaction
