#include "common/auth/token_verifier.h"

#include <openssl/hmac.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/auth/auth_testing.h"
#include "common/auth/jwt_codec.h"
#include "common/auth/token_signer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace kam::auth {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using Json = nlohmann::json;

constexpr char kIssuer[] = "https://login.example.com/kam";
constexpr char kAudience[] = "kam-account";
const absl::Time kNow = absl::FromUnixSeconds(1796600000);  // 2026-12-04

// Three keys, made once for the whole suite (an RSA key takes a while):
// "ec-1" in a PEM file, "ec-2" and "rsa-1" in a JWKS file.
struct Keys {
  TokenSigner ec1 = *TokenSigner::Create(testing::NewEcKey(), "ec-1");
  TokenSigner ec2 = *TokenSigner::Create(testing::NewEcKey(), "ec-2");
  TokenSigner rsa1 = *TokenSigner::Create(testing::NewRsaKey(), "rsa-1");
  // Not trusted by the verifier, but carrying a trusted kid.
  TokenSigner impostor = *TokenSigner::Create(testing::NewEcKey(), "ec-1");
};

const Keys& SharedKeys() {
  static const Keys* keys = new Keys;
  return *keys;
}

Json GoodClaims() {
  return {{"iss", kIssuer},
          {"aud", kAudience},
          {"sub", "alice"},
          {"roles", {"account_manager", "analyst"}},
          {"kam_manager", "u-alice"},
          {"iat", absl::ToUnixSeconds(kNow) - 60},
          {"nbf", absl::ToUnixSeconds(kNow) - 60},
          {"exp", absl::ToUnixSeconds(kNow) + 3600}};
}

// The message of a status, as a std::string for the matchers (this Abseil's
// string_view is its own type).
std::string Reason(const absl::Status& status) { return std::string(status.message()); }

std::string Sign(const TokenSigner& signer, const Json& claims) {
  return *signer.SignClaimsJson(claims.dump());
}

std::string Unsigned(const Json& header, const Json& claims, absl::string_view signature) {
  return absl::StrCat(Base64UrlEncode(header.dump()), ".", Base64UrlEncode(claims.dump()), ".",
                      Base64UrlEncode(signature));
}

class TokenVerifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pem_ = dir_.Write("ec-1.pem", PublicKeyPem(keys_.ec1.public_key().key.get()));
    jwks_ = dir_.Write("jwks.json", JwksOf({keys_.ec2.public_key(), keys_.rsa1.public_key()}));
    verifier_ = MakeVerifier();
  }

  std::unique_ptr<TokenVerifier> MakeVerifier(absl::Duration key_check_interval = {}) {
    TokenVerifierOptions options;
    options.issuer = kIssuer;
    options.audience = kAudience;
    options.clock = clock_.Function();
    options.key_check_interval = key_check_interval;
    auto ring = KeyRing::Load({KeyFile::Pem(pem_), KeyFile::Jwks(jwks_)});
    EXPECT_TRUE(ring.ok()) << ring.status();
    return *TokenVerifier::Create(std::move(options), *std::move(ring));
  }

  const Keys& keys_ = SharedKeys();
  testing::TempDir dir_;
  testing::FakeClock clock_{kNow};
  std::string pem_;
  std::string jwks_;
  std::unique_ptr<TokenVerifier> verifier_;
};

TEST_F(TokenVerifierTest, AcceptsGoodTokensOfEveryKey) {
  for (const TokenSigner* signer : {&keys_.ec1, &keys_.ec2, &keys_.rsa1}) {
    absl::StatusOr<Principal> principal = verifier_->Verify(Sign(*signer, GoodClaims()));
    ASSERT_TRUE(principal.ok()) << signer->kid() << ": " << principal.status();
    EXPECT_EQ(principal->subject, "alice");
    EXPECT_EQ(principal->roles, (std::vector<std::string>{"account_manager", "analyst"}));
    EXPECT_EQ(principal->account_manager, "u-alice");
    EXPECT_EQ(principal->expires, kNow + absl::Hours(1));
  }
}

TEST_F(TokenVerifierTest, AcceptsWhatTheSignerMints) {
  TokenClaims claims;
  claims.issuer = kIssuer;
  claims.audiences = {"kam-interaction", kAudience};
  claims.subject = "service:scoring";
  claims.roles = {"service:scoring", "service:scoring"};
  claims.issued_at = kNow;
  claims.expires = kNow + absl::Minutes(5);
  absl::StatusOr<Principal> principal = verifier_->Verify(*keys_.rsa1.Sign(claims));
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->subject, "service:scoring");
  EXPECT_EQ(principal->roles, std::vector<std::string>{"service:scoring"});  // deduplicated
  EXPECT_EQ(principal->account_manager, "");
}

TEST_F(TokenVerifierTest, ToleratesClockSkewWithinTheLeeway) {
  Json claims = GoodClaims();
  claims["exp"] = absl::ToUnixSeconds(kNow) - 20;  // leeway is 30 s
  claims["nbf"] = absl::ToUnixSeconds(kNow) + 20;
  claims["iat"] = absl::ToUnixSeconds(kNow) + 20;
  EXPECT_TRUE(verifier_->Verify(Sign(keys_.ec1, claims)).ok());
}

// One refused token: how it is made, and how its refusal starts.
struct Refusal {
  std::string name;
  std::function<std::string(const Keys&)> token;
  std::string reason;
};

Json With(Json claims, const std::string& name, Json value) {
  claims[name] = std::move(value);
  return claims;
}

Json Without(Json claims, const std::string& name) {
  claims.erase(name);
  return claims;
}

// A refused token's maker: GoodClaims with claim `name` set to `value`,
// signed by `signer` (ec-1 unless told).
std::function<std::string(const Keys&)> SignedWith(const std::string& name, const Json& value,
                                                   TokenSigner Keys::*signer = &Keys::ec1) {
  return [=](const Keys& k) { return Sign(k.*signer, With(GoodClaims(), name, value)); };
}

// A refused token's maker: GoodClaims without claim `name`, signed by ec-1.
std::function<std::string(const Keys&)> SignedWithout(const std::string& name) {
  return [=](const Keys& k) { return Sign(k.ec1, Without(GoodClaims(), name)); };
}

std::string Hs256(const std::string& secret, const Json& claims) {
  const std::string input =
      absl::StrCat(Base64UrlEncode(Json{{"alg", "HS256"}, {"kid", "ec-1"}}.dump()), ".",
                   Base64UrlEncode(claims.dump()));
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &length);
  return absl::StrCat(input, ".",
                      Base64UrlEncode(std::string(reinterpret_cast<char*>(mac), length)));
}

std::vector<Refusal> Refusals() {
  const int64_t now = absl::ToUnixSeconds(kNow);
  return {
      {"expired", SignedWith("exp", now - 31), "token expired at "},
      {"not yet valid", SignedWith("nbf", now + 31, &Keys::ec2), "token not yet valid"},
      {"issued in the future", SignedWith("iat", now + 3600, &Keys::rsa1), "token not yet valid"},
      {"wrong issuer", SignedWith("iss", "https://evil"), "wrong issuer"},
      {"no issuer", SignedWithout("iss"), "wrong issuer"},
      {"wrong audience", SignedWith("aud", "kam-scoring"), "wrong audience"},
      {"wrong audiences", SignedWith("aud", {"kam-scoring", "kam-interaction"}), "wrong audience"},
      {"no audience", SignedWithout("aud"), "wrong audience"},
      {"signed by another key with a trusted kid",
       [](const Keys& k) { return Sign(k.impostor, GoodClaims()); }, "bad signature"},
      {"claims changed after signing",
       [](const Keys& k) {
         std::string token = Sign(k.ec1, GoodClaims());
         const size_t first = token.find('.'), second = token.rfind('.');
         return absl::StrCat(token.substr(0, first + 1),
                             Base64UrlEncode(With(GoodClaims(), "roles", {"admin"}).dump()),
                             token.substr(second));
       },
       "bad signature"},
      {"RSA signature cut short",
       [](const Keys& k) {
         const std::string token = Sign(k.rsa1, GoodClaims());
         const size_t dot = token.rfind('.');
         const std::string signature = *Base64UrlDecode(token.substr(dot + 1));
         return token.substr(0, dot + 1) + Base64UrlEncode(signature.substr(1));
       },
       "bad signature"},
      {"unknown kid",
       [](const Keys& k) {
         return Sign(*TokenSigner::Create(k.ec2.public_key().key, "ec-9"), GoodClaims());
       },
       "unknown key id: \"ec-9\""},
      {"no kid",
       [](const Keys& k) { return *k.ec1.SignRaw(R"({"alg":"ES256"})", GoodClaims().dump()); },
       "malformed token: no key id"},
      {"alg none",
       [](const Keys&) {
         return Unsigned({{"alg", "none"}, {"kid", "ec-1"}}, GoodClaims(), "");
       },
       "algorithm not allowed: \"none\""},
      {"HS256 keyed with the public key",
       [](const Keys& k) {
         return Hs256(PublicKeyPem(k.ec1.public_key().key.get()), GoodClaims());
       },
       "algorithm not allowed: \"HS256\""},
      {"RS256 header on an EC key",
       [](const Keys& k) {
         return *k.rsa1.SignRaw(R"({"alg":"RS256","kid":"ec-1"})", GoodClaims().dump());
       },
       "algorithm not allowed: key \"ec-1\" signs ES256"},
      {"critical extension",
       [](const Keys& k) {
         return *k.ec1.SignRaw(R"({"alg":"ES256","kid":"ec-1","crit":["exp"]})",
                               GoodClaims().dump());
       },
       "malformed token: unsupported critical header"},
      {"empty", [](const Keys&) { return std::string(); }, "malformed token: empty"},
      {"not a JWT", [](const Keys&) { return std::string("Bearer abc"); }, "malformed token"},
      {"four parts", [](const Keys& k) { return Sign(k.ec1, GoodClaims()) + ".e30"; },
       "malformed token"},
      {"header not base64url",
       [](const Keys& k) {
         const std::string token = Sign(k.ec1, GoodClaims());
         return "e30=" + token.substr(token.find('.'));
       },
       "malformed token: the header is not base64url"},
      {"header not JSON",
       [](const Keys&) { return absl::StrCat(Base64UrlEncode("{alg"), ".e30.AAAA"); },
       "malformed token: the header is not a JSON object"},
      {"claims not JSON", [](const Keys& k) { return *k.ec1.SignClaimsJson("[\"sub\"]"); },
       "malformed token: the claims are not a JSON object"},
      {"repeated claim",
       [](const Keys& k) {
         std::string claims = GoodClaims().dump();
         claims.insert(1, "\"sub\":\"admin\",");
         return *k.ec1.SignClaimsJson(claims);
       },
       "malformed token: the claims are not a JSON object"},
      {"no expiry", SignedWithout("exp"), "malformed token: no expiry"},
      {"expiry as text", SignedWith("exp", "tomorrow"),
       "malformed token: \"exp\" is not a NumericDate"},
      {"no subject", SignedWithout("sub"), "malformed token: no subject"},
      {"roles not a list", SignedWith("roles", "admin"),
       "malformed token: \"roles\" is not an array of strings"},
      {"oversized", SignedWith("padding", std::string(8192, 'x')), "token too large: "},
  };
}

TEST_F(TokenVerifierTest, RefusesBadTokensWithAReason) {
  for (const Refusal& refusal : Refusals()) {
    SCOPED_TRACE(refusal.name);
    absl::StatusOr<Principal> principal = verifier_->Verify(refusal.token(keys_));
    ASSERT_FALSE(principal.ok());
    EXPECT_EQ(principal.status().code(), absl::StatusCode::kUnauthenticated);
    EXPECT_THAT(Reason(principal.status()), StartsWith(refusal.reason));
  }
  EXPECT_EQ(verifier_->cached_tokens(), 0u);
}

TEST_F(TokenVerifierTest, CachesVerifiedTokensUntilTheyExpire) {
  const std::string token =
      Sign(keys_.ec1, With(GoodClaims(), "exp", absl::ToUnixSeconds(kNow) + 60));
  absl::StatusOr<Principal> first = verifier_->Verify(token);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(verifier_->cached_tokens(), 1u);
  absl::StatusOr<Principal> again = verifier_->Verify(token);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, *first);
  EXPECT_EQ(verifier_->cached_tokens(), 1u);

  clock_.Advance(absl::Seconds(60 + 30));  // past exp and the leeway
  absl::StatusOr<Principal> late = verifier_->Verify(token);
  EXPECT_EQ(late.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(Reason(late.status()), StartsWith("token expired"));
  EXPECT_EQ(verifier_->cached_tokens(), 0u);
}

TEST_F(TokenVerifierTest, RotatesKeysOnReload) {
  // Both EC keys in one JWKS; then the first is withdrawn.
  dir_.Write("jwks.json", JwksOf({keys_.ec1.public_key(), keys_.ec2.public_key()}));
  TokenVerifierOptions options;
  options.issuer = kIssuer;
  options.audience = kAudience;
  options.clock = clock_.Function();
  options.key_check_interval = absl::ZeroDuration();
  auto verifier = *TokenVerifier::Create(options, *KeyRing::Load({KeyFile::Jwks(jwks_)}));
  const std::string old_token = Sign(keys_.ec1, GoodClaims());
  const std::string new_token = Sign(keys_.ec2, GoodClaims());
  ASSERT_TRUE(verifier->Verify(old_token).ok());  // now cached
  ASSERT_TRUE(verifier->Verify(new_token).ok());

  dir_.Write("jwks.json", JwksOf({keys_.ec2.public_key()}));
  ASSERT_TRUE(verifier->ReloadKeys().ok());
  EXPECT_THAT(Reason(verifier->Verify(old_token).status()), StartsWith("unknown key id"));
  EXPECT_TRUE(verifier->Verify(new_token).ok());

  // A broken file (a rotation half done) keeps the keys in use.
  dir_.Write("jwks.json", "{\"keys\": [");
  EXPECT_EQ(verifier->ReloadKeys().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(verifier->Verify(new_token).ok());
}

TEST_F(TokenVerifierTest, ReloadsChangedKeyFilesWhenTheIntervalIsDue) {
  std::vector<absl::Status> errors;
  TokenVerifierOptions options;
  options.issuer = kIssuer;
  options.audience = kAudience;
  options.clock = clock_.Function();
  options.key_check_interval = absl::Seconds(10);
  options.on_key_reload_error = [&](const absl::Status& status) { errors.push_back(status); };
  auto verifier = *TokenVerifier::Create(options, *KeyRing::Load({KeyFile::Jwks(jwks_)}));
  const std::string token = Sign(keys_.ec1, GoodClaims());
  EXPECT_THAT(Reason(verifier->Verify(token).status()), StartsWith("unknown key id"));

  dir_.Write("jwks.json", JwksOf({keys_.ec1.public_key(), keys_.ec2.public_key()}));
  EXPECT_FALSE(verifier->Verify(token).ok());  // not due yet
  clock_.Advance(absl::Seconds(10));
  EXPECT_TRUE(verifier->Verify(token).ok());

  EXPECT_EQ(*verifier->ReloadKeysIfChanged(), false);  // nothing changed since
  dir_.Write("jwks.json", "not json");
  clock_.Advance(absl::Seconds(10));
  EXPECT_TRUE(verifier->Verify(Sign(keys_.ec2, GoodClaims())).ok());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(Reason(errors[0]), HasSubstr("jwks.json"));
}

TEST_F(TokenVerifierTest, VerifiesWhileKeysAreReloaded) {
  std::vector<std::string> tokens;
  for (int i = 0; i < 20; ++i) {
    tokens.push_back(
        Sign(i % 2 ? keys_.ec2 : keys_.rsa1, With(GoodClaims(), "sub", absl::StrCat("user-", i))));
  }
  std::atomic<bool> stop{false};
  std::thread reloader([&] {
    while (!stop) ASSERT_TRUE(verifier_->ReloadKeys().ok());
  });
  std::atomic<int> failures{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < 4; ++t) {
    callers.emplace_back([&] {
      for (int round = 0; round < 50; ++round) {
        for (const std::string& token : tokens) failures += !verifier_->Verify(token).ok();
      }
    });
  }
  for (std::thread& caller : callers) caller.join();
  stop = true;
  reloader.join();
  EXPECT_EQ(failures, 0);
}

TEST(TokenVerifierCreateTest, NeedsIssuerAudienceAndKeys) {
  TokenVerifierOptions options;
  options.audience = kAudience;
  EXPECT_EQ(TokenVerifier::Create(options, nullptr).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kam::auth
