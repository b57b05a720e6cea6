// The byte-level pieces of a JSON Web Token (RFC 7515, 7518) shared by the
// signer and the verifier: base64url without padding, and the two encodings of
// an ECDSA signature (JWS carries raw r||s, OpenSSL speaks DER).
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kam::auth {

// Base64url (RFC 4648 §5) without padding, as every JWT part is written.
std::string Base64UrlEncode(absl::string_view bytes);

// Strict inverse of Base64UrlEncode: padding, whitespace, characters outside
// the url-safe alphabet and a length no encoding produces are
// INVALID_ARGUMENT, so a token has exactly one spelling.
absl::StatusOr<std::string> Base64UrlDecode(absl::string_view text);

// An ES256 signature as JWS writes it (32-byte r then 32-byte s, big-endian)
// turned into the DER ECDSA-Sig-Value OpenSSL verifies. INVALID_ARGUMENT
// unless `raw` is 64 bytes.
absl::StatusOr<std::string> EcdsaRawToDer(absl::string_view raw);

// The inverse, for signing: DER from OpenSSL to 64 bytes r||s.
// INVALID_ARGUMENT when `der` is not a P-256 ECDSA-Sig-Value.
absl::StatusOr<std::string> EcdsaDerToRaw(absl::string_view der);

// SHA-256 of `bytes` (32 raw bytes).
std::string Sha256(absl::string_view bytes);

}  // namespace kam::auth
