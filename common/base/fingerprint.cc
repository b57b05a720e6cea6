#include "common/base/fingerprint.h"

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/message.h"

namespace kam::common {
namespace {

// FNV-1a 64 parameters (http://www.isthe.com/chongo/tech/comp/fnv/). These
// are part of the stored format: changing them changes every etag and page
// token already handed out.
constexpr uint64_t kFnvOffsetBasis = 14695981039346656037ULL;
constexpr uint64_t kFnvPrime = 1099511628211ULL;

uint64_t FoldBytes(uint64_t state, absl::string_view data) {
  for (unsigned char c : data) {
    state ^= c;
    state *= kFnvPrime;
  }
  return state;
}

// Folds `length` as 8 little-endian bytes, so the result does not depend on
// the host's byte order or on the width of size_t.
uint64_t FoldLength(uint64_t state, uint64_t length) {
  for (int i = 0; i < 8; ++i) {
    state ^= static_cast<unsigned char>(length >> (8 * i));
    state *= kFnvPrime;
  }
  return state;
}

}  // namespace

uint64_t Fingerprint64(absl::string_view data) { return FoldBytes(kFnvOffsetBasis, data); }

uint64_t Fingerprint64(std::initializer_list<absl::string_view> parts) {
  uint64_t state = kFnvOffsetBasis;
  for (absl::string_view part : parts) {
    state = FoldLength(state, part.size());
    state = FoldBytes(state, part);
  }
  return state;
}

uint64_t MessageFingerprint(const google::protobuf::Message& message) {
  std::string bytes;
  {
    // The stream must be destroyed before `bytes` is read: it trims the
    // string to what was written only then.
    google::protobuf::io::StringOutputStream string_stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&string_stream);
    // Map entries are otherwise written in hash order, which differs between
    // processes; two equal requests must fingerprint the same.
    coded.SetSerializationDeterministic(true);
    // Partial: a proto2 message with a missing required field still gets a
    // fingerprint instead of an error log and an empty serialization.
    message.SerializePartialToCodedStream(&coded);
  }
  return Fingerprint64(bytes);
}

std::string FingerprintHex(uint64_t fingerprint) {
  static constexpr char kHexDigits[] = "0123456789abcdef";
  std::string hex(16, '0');
  for (int i = 15; i >= 0; --i) {
    hex[static_cast<size_t>(i)] = kHexDigits[fingerprint & 0xf];
    fingerprint >>= 4;
  }
  return hex;
}

}  // namespace kam::common
