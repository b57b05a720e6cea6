// Paging through a List handler in the interaction areas' handler unit
// tests. Test-only.
#pragma once

#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/testing/handler_checks.h"

namespace kam::interaction {

// Every page `list` answers for `request`, from its first page on, following
// next_page_token until it is empty; the first error as it is. INTERNAL when
// there are more than `max_pages` (a token that never ends).
template <typename Request, typename Response>
absl::StatusOr<std::vector<Response>> AllPages(const common::testing::Call<Request, Response>& list,
                                               Request request, int max_pages = 100) {
  std::vector<Response> pages;
  do {
    if (static_cast<int>(pages.size()) == max_pages) {
      return absl::InternalError("next_page_token never ends");
    }
    absl::StatusOr<Response> page = common::testing::Answer(list, request);
    if (!page.ok()) return page.status();
    request.set_page_token(page->next_page_token());
    pages.push_back(*std::move(page));
  } while (!request.page_token().empty());
  return pages;
}

}  // namespace kam::interaction
