// Idempotent creates (AIP-155). Every Create takes a client-chosen
// request_id: a retry with the same id and the same request returns the
// first call's result and writes nothing; the same id with a different
// request is ALREADY_EXISTS.
//
// The flow every create handler follows:
//   1. RequestKeyOf(request, "CreateOrder") checks the id and fingerprints
//      the request without it;
//   2. the store writes the row with key.id and key.hash; a unique key on
//      the id column makes a second insert report
//      InsertOutcome::kDuplicateRequest instead of writing;
//   3. on kDuplicateRequest the store finds the first call's row and hash
//      by the id (common/db/row_reader.h: ReadCreatedByRequest), and
//      AnswerRetry(key, found) is the caller's answer. A handler that must
//      answer a retry before doing anything else (say, before asking
//      another service) calls EarlierResult(key, found) first.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/api/validation.h"
#include "common/base/fingerprint.h"
#include "common/base/status_macros.h"

namespace kam::common {

// What an insert that carries a request id did.
enum class InsertOutcome { kInserted, kDuplicateRequest };

// A row found by the request id that created it, with the fingerprint of
// that request.
template <typename Row>
struct CreatedByRequest {
  Row row;
  std::string request_hash;
};

// A create request's idempotency key.
struct RequestKey {
  std::string id;      // empty: the caller sent none, every call creates
  std::string hash;    // fingerprint of the request without its id
  std::string method;  // "CreateOrder", for messages
};

// The fingerprint of a create request without its request id: a retry must
// match it exactly.
template <typename Request>
std::string RequestHash(const Request& request) {
  Request copy = request;
  copy.clear_request_id();
  return FingerprintHex(MessageFingerprint(copy));
}

// INVALID_ARGUMENT naming `request_id` when the id is malformed (see
// CheckRequestId).
template <typename Request>
absl::StatusOr<RequestKey> RequestKeyOf(const Request& request, absl::string_view method) {
  KAM_RETURN_IF_ERROR(CheckRequestId("request_id", request.request_id()));
  return RequestKey{request.request_id(), RequestHash(request), std::string(method)};
}

// ALREADY_EXISTS: the id was used by a different request.
absl::Status RequestIdReused(const RequestKey& key);

// ABORTED: a concurrent call with the same id took it and rolled back, so
// there is no first result (yet); the caller may retry.
absl::Status ConcurrentRetryRolledBack();

// What a store found under key.id: the first call's result when the
// requests match, nullopt when the id was never used, ALREADY_EXISTS when it
// was used by a different request (and the store's error as it is).
template <typename Row>
absl::StatusOr<std::optional<Row>> EarlierResult(
    const RequestKey& key, absl::StatusOr<std::optional<CreatedByRequest<Row>>> found) {
  if (!found.ok()) return found.status();
  if (!found->has_value()) return std::optional<Row>();
  if ((*found)->request_hash != key.hash) return RequestIdReused(key);
  return std::optional<Row>(std::move((*found)->row));
}

// The answer to a create whose insert found key.id taken: the first result
// when the requests match, ALREADY_EXISTS when they differ, ABORTED when the
// first call's row is not there (it rolled back).
template <typename Row>
absl::StatusOr<Row> AnswerRetry(const RequestKey& key,
                                absl::StatusOr<std::optional<CreatedByRequest<Row>>> found) {
  absl::StatusOr<std::optional<Row>> earlier = EarlierResult(key, std::move(found));
  if (!earlier.ok()) return earlier.status();
  if (!earlier->has_value()) return ConcurrentRetryRolledBack();
  return std::move(**earlier);
}

}  // namespace kam::common
