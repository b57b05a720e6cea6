// Answering a retried create in the interaction areas, beyond what
// common/api/idempotency.h does for every service.
#pragma once

#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/api/idempotency.h"
#include "common/base/status_macros.h"
#include "services/interaction/shared/names.h"

namespace kam::interaction {

// What a create of a resource of one account reads before anything else:
// its request key and the account the resource names.
struct CreateTarget {
  common::RequestKey key;
  int64_t account_id = 0;
};

// The request key (common::RequestKeyOf(request, method)), then the account
// (ParseAccountName(account_field, account)): the order in which every
// create of an area reports a bad request id or account name.
template <typename Request>
absl::StatusOr<CreateTarget> ReadCreateTarget(const Request& request, absl::string_view method,
                                              absl::string_view account_field,
                                              absl::string_view account) {
  KAM_ASSIGN_OR_RETURN(common::RequestKey key, common::RequestKeyOf(request, method));
  KAM_ASSIGN_OR_RETURN(int64_t account_id, ParseAccountName(account_field, account));
  return CreateTarget{std::move(key), account_id};
}

// What an area says (ABORTED) when the insert found the request id taken
// but the row of the call that took it is not there to answer with (that
// call has not committed, or rolled back): the words of the activity and
// contact-record handlers for common::ConcurrentRetryRolledBack (the
// opportunity area passes its own to AnswerUnfinishedRetry).
inline constexpr absl::string_view kConcurrentRequestUnfinished =
    "a concurrent request with the same request_id has not finished; retry";

// The answer to a create whose insert found key.id taken, as
// common::AnswerRetry gives it but ABORTED `unfinished` (the area's words)
// when the first call's row is not there.
template <typename Row>
absl::StatusOr<Row> AnswerUnfinishedRetry(
    const common::RequestKey& key,
    absl::StatusOr<std::optional<common::CreatedByRequest<Row>>> found,
    absl::string_view unfinished = kConcurrentRequestUnfinished) {
  absl::StatusOr<std::optional<Row>> earlier = common::EarlierResult(key, std::move(found));
  if (!earlier.ok()) return earlier.status();
  if (!earlier->has_value()) return absl::AbortedError(unfinished);
  return std::move(**earlier);
}

// A create that asks the account service before it writes must still answer
// a retry when the account service now refuses (it is down, or the account
// was deleted after the first call). So on a `refusal`, and only then (a
// first call costs no look-up), the request id is looked up with `find()`
// (the store's FindXByRequest(key.id)): the first call's row when there is
// one, ALREADY_EXISTS when the id was used by another request, the store's
// error as it is, and otherwise the refusal itself.
template <typename Row, typename Find>
absl::StatusOr<Row> EarlierResultOrRefusal(const common::RequestKey& key,
                                           const absl::Status& refusal, Find find) {
  if (key.id.empty()) return refusal;
  absl::StatusOr<std::optional<Row>> earlier = common::EarlierResult<Row>(key, find());
  if (!earlier.ok()) return earlier.status();
  if (!earlier->has_value()) return refusal;
  return std::move(**earlier);
}

// Answers a retried create before anything else is asked (the account
// service may be down, or the credit used up since): when key.id names an
// earlier create of the same request, fills `*response` with
// `view(first row)` and returns true. False when key.id is empty (`find` is
// not called) or new; ALREADY_EXISTS when it was used by another request;
// the store's error as it is. `find(id)` is the store's FindXByRequest.
template <typename Find, typename View, typename Response>
absl::StatusOr<bool> AnsweredEarlier(const common::RequestKey& key, Find find, View view,
                                     Response* response) {
  if (key.id.empty()) return false;
  auto earlier = common::EarlierResult(key, find(key.id));
  if (!earlier.ok()) return earlier.status();
  if (!earlier->has_value()) return false;
  *response = view(**earlier);
  return true;
}

}  // namespace kam::interaction
