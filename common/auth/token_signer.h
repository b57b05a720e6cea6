// Mints bearer tokens the TokenVerifier accepts: JWTs signed ES256 (EC P-256
// key) or RS256 (RSA key of 2048 bits or more), the algorithm following from
// the key. Used by the `kam-token` tool (one token per role for the local
// suite) and by tests. A production deployment would take its tokens from an
// identity provider instead; the claims are the same (token_verifier.h).
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/auth/keys.h"

namespace kam::auth {

struct TokenClaims {
  std::string issuer;                  // iss
  std::vector<std::string> audiences;  // aud: a string when there is one, else an array
  std::string subject;                 // sub
  std::vector<std::string> roles;      // roles (written even when empty)
  std::string account_manager;         // kam_manager, written when not empty
  absl::Time issued_at;                // iat, also written as nbf
  absl::Time expires;                  // exp
};

class TokenSigner {
 public:
  // A signer with `key` (a private key; see ParsePrivateKeyPem) whose tokens
  // carry `kid`. INVALID_ARGUMENT when the key is of the wrong kind or the kid
  // is empty.
  static absl::StatusOr<TokenSigner> Create(KeyPtr key, std::string kid);

  // Create() with the PEM private key in `path`.
  static absl::StatusOr<TokenSigner> FromPemFile(const std::string& path, std::string kid);

  // A signed token with these claims (times in whole seconds).
  absl::StatusOr<std::string> Sign(const TokenClaims& claims) const;

  // A token whose claims are `claims_json`, given as is (for tests of what
  // the verifier refuses, and for claims the struct does not have).
  absl::StatusOr<std::string> SignClaimsJson(absl::string_view claims_json) const;

  // A token whose header and claims are given as is; the signature is made
  // with this signer's key whatever the header says.
  absl::StatusOr<std::string> SignRaw(absl::string_view header_json,
                                      absl::string_view claims_json) const;

  Algorithm algorithm() const { return algorithm_; }
  const std::string& kid() const { return kid_; }
  // The public half, as a verifier would trust it.
  VerificationKey public_key() const { return {kid_, algorithm_, key_}; }

 private:
  TokenSigner(KeyPtr key, std::string kid, Algorithm algorithm)
      : key_(std::move(key)), kid_(std::move(kid)), algorithm_(algorithm) {}

  KeyPtr key_;
  std::string kid_;
  Algorithm algorithm_;
};

}  // namespace kam::auth
