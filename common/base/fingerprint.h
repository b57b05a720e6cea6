// Stable 64-bit fingerprints: the same bytes give the same value in every
// process, on every machine and across releases (absl::Hash is salted per
// process, so it cannot be stored or sent to callers).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace kam::common {

// FNV-1a 64 over `data`.
uint64_t Fingerprint64(absl::string_view data);

// Fingerprint of several strings; the parts are length-delimited, so
// {"ab","c"} and {"a","bc"} differ.
uint64_t Fingerprint64(std::initializer_list<absl::string_view> parts);

// Fingerprint of a message's deterministic serialization. Used to tell a
// retried create (same request) from a reused request id (different request).
uint64_t MessageFingerprint(const google::protobuf::Message& message);

// 16 lower-case hex digits.
std::string FingerprintHex(uint64_t fingerprint);

}  // namespace kam::common
