// What the handlers of several areas check and answer alike: the limits
// they share, free-text notes, times a caller may give, and listings of the
// records below one account. Pure but for the listings (their store, and
// the narrowing check of an account manager's call: narrowing.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/api/list_request.h"
#include "common/base/status_macros.h"
#include "google/protobuf/timestamp.pb.h"
#include "services/account/shared/account_names.h"
#include "services/account/shared/narrowing.h"
#include "services/account/shared/record.h"

namespace kam::account {

// A reason or a note: at most this many characters, several lines allowed.
inline constexpr size_t kMaxReason = 1000;
// The most accounts one BatchGetAccounts or SetAccountTiers call may name.
inline constexpr int kMaxBatch = 1000;

// The first of `checks` that failed (all are evaluated), or OK.
absl::Status FirstError(std::initializer_list<absl::Status> checks);

// A reason or note (`field`): text of at most kMaxReason characters.
absl::Status CheckNote(absl::string_view field, absl::string_view text);

// An optional caller-supplied time (`present`: whether the request has it):
// `now` when absent; INVALID_ARGUMENT naming `field` when it is invalid or
// more than a minute (clock skew) in the future. Truncated to microseconds,
// as the database keeps it.
absl::StatusOr<absl::Time> PastOrNow(absl::string_view field, bool present,
                                     const google::protobuf::Timestamp& time, absl::Time now);

// A List method over the records of one account in id order (contacts,
// stage, churn and tier history): reads `request.parent()` and the page
// request (`query_parts`: the method's name and every field that shapes the
// result), asks `list(account_id, list_request)` for a page and writes it
// with `add(row)` and `*next_page_token`. An account manager's call (`ctx`)
// on an account not theirs answers NOT_FOUND as for a missing account.
template <typename Request, typename List, typename Add>
absl::Status ListUnderAccount(const common::CallContext& ctx, Transactions& transactions,
                              const Request& request,
                              std::initializer_list<absl::string_view> query_parts, List list,
                              std::string* next_page_token, Add add) {
  KAM_ASSIGN_OR_RETURN(int64_t account_id,
                       AccountOnTeam(transactions, ctx, "parent", request.parent()));
  KAM_ASSIGN_OR_RETURN(common::ListRequest list_request,
                       common::ReadListRequest(request, query_parts));
  auto page = list(account_id, list_request);
  if (!page.ok()) return page.status();
  common::WritePage(list_request, *std::move(page), next_page_token, add);
  return absl::OkStatus();
}

// A history list (stage, churn, tier changes): ListUnderAccount with the
// query parts {method, parent}, the page of `(store->*list)(account_id,
// cursor, limit)`, each record's resource added by `(response->*add)()`.
template <typename Request, typename Response, typename Store, typename Resource>
absl::Status ListHistory(const common::CallContext& ctx, Transactions& transactions,
                         const Request& request, absl::string_view method, Store* store,
                         absl::StatusOr<common::Page<Record<Resource>>> (Store::*list)(
                             int64_t, const std::optional<common::PageCursor>&, int),
                         Response* response, Resource* (Response::*add)()) {
  return ListUnderAccount(
      ctx, transactions, request, {method, request.parent()},
      [&](int64_t account_id, const common::ListRequest& page) {
        return (store->*list)(account_id, page.cursor, page.limit);
      },
      response->mutable_next_page_token(),
      [&](Record<Resource>& row) { *(response->*add)() = std::move(row.resource); });
}

}  // namespace kam::account
