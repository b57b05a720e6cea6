#include "common/auth/token_signer.h"

#include <openssl/err.h>
#include <openssl/evp.h>

#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/auth/jwt_codec.h"
#include "nlohmann/json.hpp"

namespace kam::auth {

using Json = nlohmann::json;

absl::StatusOr<TokenSigner> TokenSigner::Create(KeyPtr key, std::string kid) {
  if (key == nullptr) return absl::InvalidArgumentError("no signing key");
  if (kid.empty()) return absl::InvalidArgumentError("a signing key needs a kid");
  absl::StatusOr<Algorithm> algorithm = AlgorithmOfKey(key.get());
  if (!algorithm.ok()) return algorithm.status();
  return TokenSigner(std::move(key), std::move(kid), *algorithm);
}

absl::StatusOr<TokenSigner> TokenSigner::FromPemFile(const std::string& path, std::string kid) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat(path, ": cannot be read"));
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<KeyPtr> key = ParsePrivateKeyPem(text.str());
  if (!key.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", key.status().message()));
  }
  return Create(*std::move(key), std::move(kid));
}

absl::StatusOr<std::string> TokenSigner::Sign(const TokenClaims& claims) const {
  Json payload = {{"iss", claims.issuer},
                  {"sub", claims.subject},
                  {"roles", claims.roles},
                  {"iat", absl::ToUnixSeconds(claims.issued_at)},
                  {"nbf", absl::ToUnixSeconds(claims.issued_at)},
                  {"exp", absl::ToUnixSeconds(claims.expires)}};
  if (claims.audiences.size() == 1) {
    payload["aud"] = claims.audiences.front();
  } else {
    payload["aud"] = claims.audiences;
  }
  if (!claims.account_manager.empty()) payload["kam_manager"] = claims.account_manager;
  return SignClaimsJson(payload.dump());
}

absl::StatusOr<std::string> TokenSigner::SignClaimsJson(absl::string_view claims_json) const {
  const Json header = {
      {"alg", std::string(AlgorithmName(algorithm_))}, {"typ", "JWT"}, {"kid", kid_}};
  return SignRaw(header.dump(), claims_json);
}

absl::StatusOr<std::string> TokenSigner::SignRaw(absl::string_view header_json,
                                                 absl::string_view claims_json) const {
  std::string token = absl::StrCat(Base64UrlEncode(header_json), ".", Base64UrlEncode(claims_json));
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  size_t length = 0;
  std::string signature;
  bool signed_ok =
      context != nullptr &&
      EVP_DigestSignInit(context, nullptr, EVP_sha256(), nullptr, key_.get()) == 1 &&
      EVP_DigestSign(context, nullptr, &length,
                     reinterpret_cast<const unsigned char*>(token.data()), token.size()) == 1;
  if (signed_ok) {
    signature.resize(length);
    signed_ok =
        EVP_DigestSign(context, reinterpret_cast<unsigned char*>(signature.data()), &length,
                       reinterpret_cast<const unsigned char*>(token.data()), token.size()) == 1;
    signature.resize(length);
  }
  EVP_MD_CTX_free(context);
  if (!signed_ok) {
    ERR_clear_error();
    return absl::InternalError("signing failed (is the key a private key?)");
  }
  if (algorithm_ == Algorithm::kES256) {
    absl::StatusOr<std::string> raw = EcdsaDerToRaw(signature);
    if (!raw.ok()) return raw.status();
    signature = *std::move(raw);
  }
  absl::StrAppend(&token, ".", Base64UrlEncode(signature));
  return token;
}

}  // namespace kam::auth
