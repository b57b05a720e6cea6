#include "common/auth/token_verifier.h"

#include <openssl/err.h>
#include <openssl/evp.h>

#include <cmath>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/auth/jwt_codec.h"
#include "nlohmann/json.hpp"

namespace kam::auth {
namespace {

using Json = nlohmann::json;

// NumericDates beyond this (year 5138) are not times but mistakes or attacks
// on the arithmetic.
constexpr double kMaxNumericDate = 1e11;
// A kid echoed in a refusal is cut to this many characters.
constexpr size_t kMaxEchoedKid = 64;

absl::Status Refuse(absl::string_view reason) { return absl::UnauthenticatedError(reason); }

std::string Quoted(absl::string_view text) {
  const bool cut = text.size() > kMaxEchoedKid;
  return absl::StrCat("\"", absl::CHexEscape(text.substr(0, kMaxEchoedKid)), cut ? "...\"" : "\"");
}

std::string Rfc3339(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", time, absl::UTCTimeZone());
}

// A JSON object from `text`; nullopt when it is not one or when an object in
// it repeats a member name (RFC 7515 §5.2 asks to refuse those: two parsers
// taking different copies of "sub" must not disagree on who is calling).
std::optional<Json> ParseObject(absl::string_view text) {
  std::vector<std::set<std::string>> open_objects;
  bool repeated = false;
  auto watch = [&](int, Json::parse_event_t event, Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start: open_objects.emplace_back(); break;
      case Json::parse_event_t::object_end: open_objects.pop_back(); break;
      case Json::parse_event_t::key:
        if (!open_objects.back().insert(parsed.get<std::string>()).second) repeated = true;
        break;
      default: break;
    }
    return true;
  };
  Json value = Json::parse(text.begin(), text.end(), watch, /*allow_exceptions=*/false);
  if (value.is_discarded() || !value.is_object() || repeated) return std::nullopt;
  return value;
}

// A JSON object from a token part; `what` starts the refusal ("the header is").
absl::StatusOr<Json> DecodeObject(absl::string_view part, absl::string_view what) {
  absl::StatusOr<std::string> bytes = Base64UrlDecode(part);
  if (!bytes.ok()) return Refuse(absl::StrCat("malformed token: ", what, " not base64url"));
  std::optional<Json> object = ParseObject(*bytes);
  if (!object) return Refuse(absl::StrCat("malformed token: ", what, " not a JSON object"));
  return *std::move(object);
}

// The claim `name` as a time when present; nullopt when absent.
absl::StatusOr<std::optional<absl::Time>> NumericDate(const Json& claims, const char* name) {
  auto it = claims.find(name);
  if (it == claims.end()) return std::nullopt;
  if (it->is_number_integer()) {
    const int64_t seconds = it->get<int64_t>();
    if (std::abs(static_cast<double>(seconds)) <= kMaxNumericDate) {
      return absl::FromUnixSeconds(seconds);
    }
  } else if (it->is_number()) {
    const double seconds = it->get<double>();
    if (std::isfinite(seconds) && std::abs(seconds) <= kMaxNumericDate) {
      return absl::FromUnixMicros(std::llround(seconds * 1e6));
    }
  }
  return Refuse(absl::StrCat("malformed token: \"", name, "\" is not a NumericDate"));
}

// The claim `name` when it is a string; "" when absent; an error otherwise.
absl::StatusOr<std::string> StringClaim(const Json& claims, const char* name) {
  auto it = claims.find(name);
  if (it == claims.end()) return std::string();
  if (!it->is_string()) {
    return Refuse(absl::StrCat("malformed token: \"", name, "\" is not a string"));
  }
  return it->get<std::string>();
}

bool HasAudience(const Json& claims, const std::string& audience) {
  auto it = claims.find("aud");
  if (it == claims.end()) return false;
  if (it->is_string()) return it->get<std::string>() == audience;
  if (!it->is_array()) return false;
  for (const Json& one : *it) {
    if (one.is_string() && one.get<std::string>() == audience) return true;
  }
  return false;
}

absl::StatusOr<std::vector<std::string>> Roles(const Json& claims) {
  std::vector<std::string> roles;
  auto it = claims.find("roles");
  if (it == claims.end()) return roles;
  if (!it->is_array()) return Refuse("malformed token: \"roles\" is not an array of strings");
  for (const Json& role : *it) {
    if (!role.is_string()) return Refuse("malformed token: \"roles\" is not an array of strings");
    std::string name = role.get<std::string>();
    if (std::find(roles.begin(), roles.end(), name) == roles.end()) {
      roles.push_back(std::move(name));
    }
  }
  return roles;
}

bool SignatureVerifies(const VerificationKey& key, absl::string_view signing_input,
                       absl::string_view signature) {
  std::string der;
  if (key.algorithm == Algorithm::kES256) {
    absl::StatusOr<std::string> converted = EcdsaRawToDer(signature);
    if (!converted.ok()) return false;
    der = *std::move(converted);
    signature = der;
  } else if (static_cast<int>(signature.size()) != EVP_PKEY_get_size(key.key.get())) {
    return false;
  }
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  const bool verified =
      context != nullptr &&
      EVP_DigestVerifyInit(context, nullptr, EVP_sha256(), nullptr, key.key.get()) == 1 &&
      EVP_DigestVerify(
          context, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
          reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) == 1;
  EVP_MD_CTX_free(context);
  ERR_clear_error();  // a failed check leaves its reason in the thread's queue
  return verified;
}

// The last token a thread verified, answered again without hashing or
// locking: a caller sends the same token on every call, and a server thread
// serves few callers in a row. Same rules as the cache: the exact token, the
// same key generation, before valid_until.
struct LastVerified {
  uint64_t verifier = 0;  // TokenVerifier::instance_; 0: none
  uint64_t generation = 0;
  absl::Time valid_until;
  std::string token;
  Principal principal;
};

thread_local LastVerified last_verified;

std::atomic<uint64_t> next_instance{1};

}  // namespace

absl::StatusOr<std::unique_ptr<TokenVerifier>> TokenVerifier::Create(
    TokenVerifierOptions options, std::unique_ptr<KeyRing> keys) {
  if (options.issuer.empty() || options.audience.empty()) {
    return absl::InvalidArgumentError("a token verifier needs an issuer and an audience");
  }
  if (keys == nullptr) return absl::InvalidArgumentError("a token verifier needs keys");
  return std::unique_ptr<TokenVerifier>(new TokenVerifier(std::move(options), std::move(keys)));
}

TokenVerifier::TokenVerifier(TokenVerifierOptions options, std::unique_ptr<KeyRing> keys)
    : options_(std::move(options)),
      keys_(std::move(keys)),
      cache_(options_.cache_capacity),
      instance_(next_instance.fetch_add(1)),
      next_key_check_ns_(absl::ToUnixNanos(options_.clock() + options_.key_check_interval)) {}

absl::StatusOr<Principal> TokenVerifier::Verify(absl::string_view token) {
  if (token.empty()) return Refuse("malformed token: empty");
  if (token.size() > options_.max_token_bytes) {
    return Refuse(absl::StrCat("token too large: ", token.size(), " bytes, at most ",
                               options_.max_token_bytes));
  }
  const absl::Time now = options_.clock();
  MaybeCheckKeyFiles(now);
  const std::shared_ptr<const KeySet> keys = keys_->Current();
  LastVerified& last = last_verified;
  if (options_.cache_capacity > 0 && last.verifier == instance_ &&
      last.generation == keys->generation() && now < last.valid_until && last.token == token) {
    return last.principal;
  }
  const std::string digest = Sha256(token);
  absl::StatusOr<Principal> principal = absl::UnknownError("not verified");
  if (std::optional<Principal> cached = cache_.Find(digest, keys->generation(), now)) {
    principal = *std::move(cached);
  } else {
    principal = VerifyUncached(token, *keys, now);
    if (!principal.ok()) return principal;
    cache_.Insert(digest, keys->generation(), now, principal->expires + options_.leeway,
                  *principal);
  }
  if (options_.cache_capacity > 0) {
    last = {instance_, keys->generation(), principal->expires + options_.leeway,
            std::string(token), *principal};
  }
  return principal;
}

absl::StatusOr<bool> TokenVerifier::ReloadKeysIfChanged() { return keys_->ReloadIfChanged(); }

void TokenVerifier::MaybeCheckKeyFiles(absl::Time now) {
  if (options_.key_check_interval <= absl::ZeroDuration()) return;
  const int64_t now_ns = absl::ToUnixNanos(now);
  int64_t due = next_key_check_ns_.load(std::memory_order_relaxed);
  if (now_ns < due) return;
  // Whoever moves the deadline does the check; the others go on at once.
  const int64_t next = absl::ToUnixNanos(now + options_.key_check_interval);
  if (!next_key_check_ns_.compare_exchange_strong(due, next)) return;
  absl::StatusOr<bool> reloaded = keys_->ReloadIfChanged();
  if (!reloaded.ok() && options_.on_key_reload_error) {
    options_.on_key_reload_error(reloaded.status());
  }
}

absl::StatusOr<Principal> TokenVerifier::VerifyUncached(absl::string_view token, const KeySet& keys,
                                                        absl::Time now) const {
  const std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3) return Refuse("malformed token: a JWT is three parts separated by dots");
  absl::StatusOr<Json> header = DecodeObject(parts[0], "the header is");
  if (!header.ok()) return header.status();

  absl::StatusOr<std::string> alg = StringClaim(*header, "alg");
  if (!alg.ok()) return alg.status();
  Algorithm algorithm;
  if (*alg == "ES256") {
    algorithm = Algorithm::kES256;
  } else if (*alg == "RS256") {
    algorithm = Algorithm::kRS256;
  } else {
    return Refuse(absl::StrCat("algorithm not allowed: ", Quoted(*alg), " (ES256 or RS256 only)"));
  }
  if (header->contains("crit")) return Refuse("malformed token: unsupported critical header");
  absl::StatusOr<std::string> kid = StringClaim(*header, "kid");
  if (!kid.ok()) return kid.status();
  if (kid->empty()) return Refuse("malformed token: no key id (kid) in the header");
  const VerificationKey* key = keys.Find(*kid);
  if (key == nullptr) return Refuse(absl::StrCat("unknown key id: ", Quoted(*kid)));
  if (key->algorithm != algorithm) {
    return Refuse(absl::StrCat("algorithm not allowed: key ", Quoted(*kid), " signs ",
                               AlgorithmName(key->algorithm), ", the token says ", *alg));
  }

  absl::StatusOr<std::string> signature = Base64UrlDecode(parts[2]);
  if (!signature.ok()) return Refuse("malformed token: the signature is not base64url");
  const absl::string_view signing_input = token.substr(0, parts[0].size() + 1 + parts[1].size());
  if (!SignatureVerifies(*key, signing_input, *signature)) return Refuse("bad signature");

  // Only signed claims are read from here on.
  absl::StatusOr<Json> claims = DecodeObject(parts[1], "the claims are");
  if (!claims.ok()) return claims.status();
  absl::StatusOr<std::string> issuer = StringClaim(*claims, "iss");
  if (!issuer.ok()) return issuer.status();
  if (*issuer != options_.issuer) {
    return Refuse(absl::StrCat("wrong issuer: tokens must be issued by ", Quoted(options_.issuer)));
  }
  if (!HasAudience(*claims, options_.audience)) {
    return Refuse(absl::StrCat("wrong audience: the token is not for ", Quoted(options_.audience)));
  }

  using MaybeTime = std::optional<absl::Time>;
  absl::StatusOr<MaybeTime> expires = NumericDate(*claims, "exp");
  if (!expires.ok()) return expires.status();
  if (!expires->has_value()) return Refuse("malformed token: no expiry (exp)");
  if (now >= **expires + options_.leeway) {
    return Refuse(absl::StrCat("token expired at ", Rfc3339(**expires)));
  }
  absl::StatusOr<MaybeTime> not_before = NumericDate(*claims, "nbf");
  if (!not_before.ok()) return not_before.status();
  if (not_before->has_value() && **not_before > now + options_.leeway) {
    return Refuse(absl::StrCat("token not yet valid: not before ", Rfc3339(**not_before)));
  }
  absl::StatusOr<MaybeTime> issued = NumericDate(*claims, "iat");
  if (!issued.ok()) return issued.status();
  if (issued->has_value() && **issued > now + options_.leeway) {
    return Refuse(
        absl::StrCat("token not yet valid: issued in the future (", Rfc3339(**issued), ")"));
  }

  Principal principal;
  principal.expires = **expires;
  absl::StatusOr<std::string> subject = StringClaim(*claims, "sub");
  if (!subject.ok()) return subject.status();
  if (subject->empty()) return Refuse("malformed token: no subject (sub)");
  principal.subject = *std::move(subject);
  absl::StatusOr<std::vector<std::string>> roles = Roles(*claims);
  if (!roles.ok()) return roles.status();
  principal.roles = *std::move(roles);
  absl::StatusOr<std::string> manager = StringClaim(*claims, "kam_manager");
  if (!manager.ok()) return manager.status();
  principal.account_manager = *std::move(manager);
  return principal;
}

}  // namespace kam::auth
