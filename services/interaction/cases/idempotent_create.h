// Answering a create that is retried with its request id before doing
// anything else (common/api/idempotency.h has the flow; this is its first
// step as the case and satisfaction handlers take it, a candidate for
// common/).
#ifndef KAM_SERVICES_INTERACTION_CASES_IDEMPOTENT_CREATE_H_
#define KAM_SERVICES_INTERACTION_CASES_IDEMPOTENT_CREATE_H_

#include <utility>

#include "absl/status/statusor.h"
#include "common/api/idempotency.h"

namespace kam::interaction::cases {

// When key.id names an earlier create of the same request, fills
// `*response` with `view(first row)` and returns true. False when key.id is
// empty (`find` is not called) or new; ALREADY_EXISTS when it was used by
// another request; the store's error as it is. `find(id)` is the store's
// FindXByRequest.
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

}  // namespace kam::interaction::cases

#endif  // KAM_SERVICES_INTERACTION_CASES_IDEMPOTENT_CREATE_H_
