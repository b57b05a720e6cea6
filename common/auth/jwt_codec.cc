#include "common/auth/jwt_codec.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include <memory>

#include "absl/strings/escaping.h"

namespace kam::auth {
namespace {

constexpr size_t kP256FieldBytes = 32;

bool IsBase64UrlChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

struct EcdsaSigFree {
  void operator()(ECDSA_SIG* sig) const { ECDSA_SIG_free(sig); }
};
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, EcdsaSigFree>;

}  // namespace

std::string Base64UrlEncode(absl::string_view bytes) { return absl::WebSafeBase64Escape(bytes); }

absl::StatusOr<std::string> Base64UrlDecode(absl::string_view text) {
  for (char c : text) {
    if (!IsBase64UrlChar(c)) return absl::InvalidArgumentError("not base64url");
  }
  // A final group of one character encodes no whole byte.
  if (text.size() % 4 == 1) return absl::InvalidArgumentError("not base64url");
  std::string bytes;
  if (!absl::WebSafeBase64Unescape(text, &bytes)) {
    return absl::InvalidArgumentError("not base64url");
  }
  // Unused low bits of the last character must be zero: otherwise several
  // spellings would decode to the same bytes.
  if (Base64UrlEncode(bytes) != text) return absl::InvalidArgumentError("not base64url");
  return bytes;
}

absl::StatusOr<std::string> EcdsaRawToDer(absl::string_view raw) {
  if (raw.size() != 2 * kP256FieldBytes) {
    return absl::InvalidArgumentError("an ES256 signature is 64 bytes");
  }
  const auto* data = reinterpret_cast<const unsigned char*>(raw.data());
  EcdsaSigPtr sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(data, kP256FieldBytes, nullptr);
  BIGNUM* s = BN_bin2bn(data + kP256FieldBytes, kP256FieldBytes, nullptr);
  if (sig == nullptr || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return absl::InternalError("out of memory converting an ECDSA signature");
  }
  const int length = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (length <= 0) return absl::InternalError("cannot encode an ECDSA signature");
  std::string der(length, '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  if (i2d_ECDSA_SIG(sig.get(), &out) != length) {
    return absl::InternalError("cannot encode an ECDSA signature");
  }
  return der;
}

absl::StatusOr<std::string> EcdsaDerToRaw(absl::string_view der) {
  const auto* in = reinterpret_cast<const unsigned char*>(der.data());
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &in, static_cast<long>(der.size())));
  if (sig == nullptr) return absl::InvalidArgumentError("not a DER ECDSA signature");
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  std::string raw(2 * kP256FieldBytes, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  if (BN_bn2binpad(r, out, kP256FieldBytes) != kP256FieldBytes ||
      BN_bn2binpad(s, out + kP256FieldBytes, kP256FieldBytes) != kP256FieldBytes) {
    return absl::InvalidArgumentError("not a P-256 ECDSA signature");
  }
  return raw;
}

std::string Sha256(absl::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

}  // namespace kam::auth
