// Verifies bearer tokens: JWTs (RFC 7519) signed ES256 or RS256 by one of the
// keys of a KeyRing, for one issuer and one audience.
//
// A token is accepted when all of these hold, checked in this order:
//   - it is at most `max_token_bytes` long and is three base64url parts;
//   - its header is a JSON object whose `alg` is ES256 or RS256 (`none`, HS*
//     and anything else are refused before any key is looked at) with a `kid`
//     naming a key of the ring of that algorithm, and no `crit` extension;
//   - the signature over the first two parts verifies with that key;
//   - its claims are a JSON object with `iss` equal to the issuer, `aud` (a
//     string or an array of strings) containing the audience, a numeric
//     `exp` after now - leeway, `nbf` and `iat` (when present, numeric) not
//     after now + leeway, a non-empty string `sub`, `roles` (when present) an
//     array of strings, and `kam_manager` (when present) a string.
// Claims out (principal.h): `sub`, `roles`, `kam_manager` and `exp`.
//
// Every refusal is UNAUTHENTICATED with a message a caller can act on and
// that says nothing about the server's keys beyond the kid it was sent:
//   "malformed token: ..."        not a JWT, or a claim of the wrong type
//   "token too large: ..."        over max_token_bytes
//   "algorithm not allowed: ..."  alg none, HS256, ...
//   "unknown key id: ..."         no key of the ring has the token's kid
//   "bad signature"               the signature does not verify
//   "wrong issuer", "wrong audience", "token expired", "token not yet valid"
//
// Verified tokens are cached (token_cache.h) until they expire, so a client
// that reuses its token pays for one signature check. Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/auth/keys.h"
#include "common/auth/principal.h"
#include "common/auth/token_cache.h"

namespace kam::auth {

struct TokenVerifierOptions {
  // The `iss` every token must carry, exactly.
  std::string issuer;
  // A value the token's `aud` must contain (the service's name, e.g.
  // "kam-account").
  std::string audience;
  // Clock skew tolerated on exp, nbf and iat between the issuer and us.
  absl::Duration leeway = absl::Seconds(30);
  // Longer tokens are refused unread (a header is limited in size anyway;
  // this keeps the cost of a hostile token bounded).
  size_t max_token_bytes = 8 * 1024;
  // Verified tokens remembered; 0 turns the cache off.
  size_t cache_capacity = 10000;
  // How often Verify() looks at the key files' modification times and
  // reloads them when they changed (one caller does it, the others go on with
  // the keys they have); zero means only explicit ReloadKeys() calls.
  absl::Duration key_check_interval = absl::Seconds(10);
  // Told when a reload of changed key files fails (the previous keys stay in
  // use); the server logs it.
  std::function<void(const absl::Status&)> on_key_reload_error;
  // The time; tests set a fake clock.
  std::function<absl::Time()> clock = [] { return absl::Now(); };
};

class TokenVerifier {
 public:
  // INVALID_ARGUMENT when the issuer or audience is empty.
  static absl::StatusOr<std::unique_ptr<TokenVerifier>> Create(TokenVerifierOptions options,
                                                               std::unique_ptr<KeyRing> keys);

  // The principal of a valid `token` (the JWT itself, without "Bearer "), or
  // UNAUTHENTICATED as described above.
  absl::StatusOr<Principal> Verify(absl::string_view token);

  // Re-reads the key files now (see KeyRing::Reload); tokens cached under the
  // previous keys are verified again on their next use.
  absl::Status ReloadKeys() { return keys_->Reload(); }

  // Reloads the key files if they changed (see KeyRing::ReloadIfChanged).
  absl::StatusOr<bool> ReloadKeysIfChanged();

  const TokenVerifierOptions& options() const { return options_; }
  size_t cached_tokens() const { return cache_.size(); }

 private:
  TokenVerifier(TokenVerifierOptions options, std::unique_ptr<KeyRing> keys);

  // Verify() without the cache: the signature and every claim.
  absl::StatusOr<Principal> VerifyUncached(absl::string_view token, const KeySet& keys,
                                           absl::Time now) const;
  void MaybeCheckKeyFiles(absl::Time now);

  const TokenVerifierOptions options_;
  const std::unique_ptr<KeyRing> keys_;
  TokenCache cache_;
  // Tells this verifier's entries of the per-thread memo (Verify) from those
  // of another verifier, even one later made at the same address.
  const uint64_t instance_;
  // When MaybeCheckKeyFiles() next looks at the files (absl::ToUnixNanos).
  std::atomic<int64_t> next_key_check_ns_;
};

}  // namespace kam::auth
