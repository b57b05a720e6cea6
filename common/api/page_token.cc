#include "common/api/page_token.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/base/fingerprint.h"

namespace kam::common {
namespace {

// Token layout (all integers little-endian), base64url without padding:
//
//   u8      format version (kTokenVersion)
//   u64     query fingerprint
//   u32     number of key values
//   repeated: u32 length, then that many bytes
//   i64     last id
//   u32     checksum: low 32 bits of Fingerprint64 of all preceding bytes
//
// The checksum is not a security measure (a caller can recompute it); it
// turns accidental damage (truncation, copy/paste errors) into a clean
// INVALID_ARGUMENT instead of a page that starts at a random place. A token
// forged on purpose can only move the caller's own cursor.
constexpr uint8_t kTokenVersion = 1;
constexpr size_t kMaxTokenChars = 4096;
constexpr size_t kChecksumBytes = 4;
// Version + fingerprint + count + last id + checksum.
constexpr size_t kMinTokenBytes = 1 + 8 + 4 + 8 + kChecksumBytes;

void PutFixed32(uint32_t value, std::string* out) {
  for (int i = 0; i < 4; ++i) {
    out->push_back(static_cast<char>((value >> (8 * i)) & 0xff));
  }
}

void PutFixed64(uint64_t value, std::string* out) {
  for (int i = 0; i < 8; ++i) {
    out->push_back(static_cast<char>((value >> (8 * i)) & 0xff));
  }
}

uint32_t Checksum(absl::string_view bytes) {
  return static_cast<uint32_t>(Fingerprint64(bytes) & 0xffffffffu);
}

// Reads fixed-width fields front to back; every Get fails instead of reading
// past the end, so a damaged token can never cause an out-of-bounds read.
class Reader {
 public:
  explicit Reader(absl::string_view data) : data_(data) {}

  bool GetU8(uint8_t* value) {
    if (data_.empty()) return false;
    *value = static_cast<uint8_t>(data_[0]);
    data_.remove_prefix(1);
    return true;
  }

  bool GetFixed32(uint32_t* value) {
    uint64_t wide = 0;
    if (!GetLittleEndian(4, &wide)) return false;
    *value = static_cast<uint32_t>(wide);
    return true;
  }

  bool GetFixed64(uint64_t* value) { return GetLittleEndian(8, value); }

  bool GetBytes(size_t length, std::string* value) {
    if (data_.size() < length) return false;
    value->assign(data_.data(), length);
    data_.remove_prefix(length);
    return true;
  }

  size_t remaining() const { return data_.size(); }

 private:
  bool GetLittleEndian(int width, uint64_t* value) {
    if (data_.size() < static_cast<size_t>(width)) return false;
    uint64_t result = 0;
    for (int i = 0; i < width; ++i) {
      result |= static_cast<uint64_t>(static_cast<uint8_t>(data_[i])) << (8 * i);
    }
    data_.remove_prefix(static_cast<size_t>(width));
    *value = result;
    return true;
  }

  absl::string_view data_;
};

absl::Status InvalidToken(absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("page_token is not valid (", why,
                   "); pass the next_page_token of the previous response unchanged, or "
                   "leave page_token empty to start from the first page"));
}

}  // namespace

std::string EncodePageToken(uint64_t query_fingerprint, const PageCursor& cursor) {
  std::string bytes;
  bytes.push_back(static_cast<char>(kTokenVersion));
  PutFixed64(query_fingerprint, &bytes);
  PutFixed32(static_cast<uint32_t>(cursor.key_values.size()), &bytes);
  for (const std::string& value : cursor.key_values) {
    PutFixed32(static_cast<uint32_t>(value.size()), &bytes);
    bytes.append(value);
  }
  PutFixed64(static_cast<uint64_t>(cursor.last_id), &bytes);
  PutFixed32(Checksum(bytes), &bytes);
  return absl::WebSafeBase64Escape(bytes);
}

absl::StatusOr<PageCursor> DecodePageToken(absl::string_view token, uint64_t query_fingerprint) {
  // Checked before decoding so that a huge token costs nothing.
  if (token.size() > kMaxTokenChars) {
    return InvalidToken(absl::StrCat("longer than ", kMaxTokenChars, " characters"));
  }
  std::string bytes;
  // Re-encoding must give back the same text: this refuses padding,
  // standard-alphabet characters and non-zero unused trailing bits, so each
  // cursor has exactly one valid spelling and any edited character is caught.
  if (!absl::WebSafeBase64Unescape(token, &bytes) || absl::WebSafeBase64Escape(bytes) != token) {
    return InvalidToken("not base64url text");
  }
  if (bytes.size() < kMinTokenBytes) return InvalidToken("truncated");

  absl::string_view body(bytes.data(), bytes.size() - kChecksumBytes);
  uint32_t stored_checksum = 0;
  Reader checksum_reader(absl::string_view(bytes).substr(body.size()));
  checksum_reader.GetFixed32(&stored_checksum);
  if (stored_checksum != Checksum(body)) {
    return InvalidToken("damaged or truncated");
  }

  Reader reader(body);
  uint8_t version = 0;
  reader.GetU8(&version);
  if (version != kTokenVersion) {
    return InvalidToken("unknown token format");
  }
  uint64_t token_fingerprint = 0;
  reader.GetFixed64(&token_fingerprint);
  if (token_fingerprint != query_fingerprint) {
    return absl::InvalidArgumentError(
        "page_token was issued for a different query (filter, order_by, "
        "parent or show_deleted changed); keep those fields the same across "
        "pages, or leave page_token empty to start over");
  }

  PageCursor cursor;
  uint32_t count = 0;
  if (!reader.GetFixed32(&count)) return InvalidToken("truncated");
  // Each value needs at least its 4-byte length, which bounds `count` by
  // the bytes present and keeps a forged count from reserving huge memory.
  if (count > reader.remaining() / 4) return InvalidToken("malformed");
  cursor.key_values.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t length = 0;
    std::string value;
    if (!reader.GetFixed32(&length) || !reader.GetBytes(length, &value)) {
      return InvalidToken("malformed");
    }
    cursor.key_values.push_back(std::move(value));
  }
  uint64_t last_id = 0;
  if (!reader.GetFixed64(&last_id) || reader.remaining() != 0) {
    return InvalidToken("malformed");
  }
  cursor.last_id = static_cast<int64_t>(last_id);
  return cursor;
}

absl::StatusOr<int> ResolvePageSize(int32_t page_size, int default_size, int max_size) {
  if (page_size < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size must not be negative (got ", page_size, ")"));
  }
  if (page_size == 0) return default_size;
  if (page_size > max_size) return max_size;
  return static_cast<int>(page_size);
}

}  // namespace kam::common
