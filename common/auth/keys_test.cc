#include "common/auth/keys.h"

#include <string>

#include "common/auth/auth_testing.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace kam::auth {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

std::string Reason(const absl::Status& status) { return std::string(status.message()); }

TEST(KeyKindTest, AcceptsP256AndRsa2048Only) {
  EXPECT_EQ(*AlgorithmOfKey(testing::NewEcKey().get()), Algorithm::kES256);
  EXPECT_EQ(*AlgorithmOfKey(testing::NewRsaKey().get()), Algorithm::kRS256);
  KeyPtr p384(EVP_EC_gen("P-384"), EVP_PKEY_free);
  EXPECT_THAT(Reason(AlgorithmOfKey(p384.get()).status()), HasSubstr("P-256"));
  EXPECT_THAT(Reason(AlgorithmOfKey(testing::NewRsaKey(1024).get()).status()), HasSubstr("2048"));
  KeyPtr ed25519(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"), EVP_PKEY_free);
  EXPECT_FALSE(AlgorithmOfKey(ed25519.get()).ok());
}

TEST(PemTest, ReadsPublicAndPrivateKeys) {
  const KeyPtr key = testing::NewEcKey();
  absl::StatusOr<KeyPtr> pub = ParsePublicKeyPem(PublicKeyPem(key.get()));
  ASSERT_TRUE(pub.ok()) << pub.status();
  EXPECT_EQ(EVP_PKEY_eq(pub->get(), key.get()), 1);
  absl::StatusOr<KeyPtr> priv = ParsePrivateKeyPem(testing::PrivateKeyPem(key));
  ASSERT_TRUE(priv.ok()) << priv.status();
  EXPECT_FALSE(
      ParsePublicKeyPem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n").ok());
  EXPECT_FALSE(ParsePrivateKeyPem(PublicKeyPem(key.get())).ok());
}

TEST(JwksTest, RoundTripsEcAndRsaKeys) {
  const VerificationKey ec{"ec", Algorithm::kES256, testing::NewEcKey()};
  const VerificationKey rsa{"rsa", Algorithm::kRS256, testing::NewRsaKey()};
  absl::StatusOr<std::vector<VerificationKey>> keys = ParseJwks(JwksOf({ec, rsa}));
  ASSERT_TRUE(keys.ok()) << keys.status();
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[0].kid, "ec");
  EXPECT_EQ((*keys)[0].algorithm, Algorithm::kES256);
  EXPECT_EQ(EVP_PKEY_eq((*keys)[0].key.get(), ec.key.get()), 1);
  EXPECT_EQ((*keys)[1].kid, "rsa");
  EXPECT_EQ(EVP_PKEY_eq((*keys)[1].key.get(), rsa.key.get()), 1);
}

TEST(JwksTest, SkipsKeysTheSuiteCannotUse) {
  const VerificationKey ec{"ec", Algorithm::kES256, testing::NewEcKey()};
  Json jwks = Json::parse(JwksOf({ec}));
  jwks["keys"].push_back({{"kty", "oct"}, {"k", "c2VjcmV0"}, {"kid", "hmac"}});
  jwks["keys"].push_back({{"kty", "EC"}, {"crv", "P-384"}, {"x", "AA"}, {"y", "AA"}});
  Json encryption = jwks["keys"][0];
  encryption["use"] = "enc";
  encryption["kid"] = "enc";
  jwks["keys"].push_back(encryption);
  Json other_algorithm = jwks["keys"][0];
  other_algorithm["alg"] = "ES384";
  other_algorithm["kid"] = "es384";
  jwks["keys"].push_back(other_algorithm);
  absl::StatusOr<std::vector<VerificationKey>> keys = ParseJwks(jwks.dump());
  ASSERT_TRUE(keys.ok()) << keys.status();
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ((*keys)[0].kid, "ec");
}

TEST(JwksTest, RefusesBrokenKeysNamingThem) {
  const Json good = Json::parse(PublicJwk({"ec", Algorithm::kES256, testing::NewEcKey()}));
  std::string off_curve = good["x"];  // x changed by one bit: not a point of the curve
  off_curve[5] = off_curve[5] == 'A' ? 'B' : 'A';
  struct Case {
    std::string member;
    Json value;  // null: the member is removed
  };
  for (const Case& broken : {Case{"x", off_curve}, Case{"y", "AAAA"}, Case{"kid", nullptr},
                             Case{"kid", ""}, Case{"x", "not+b64"}}) {
    Json key = good;
    if (broken.value.is_null()) {
      key.erase(broken.member);
    } else {
      key[broken.member] = broken.value;
    }
    absl::StatusOr<std::vector<VerificationKey>> keys =
        ParseJwks(Json{{"keys", {good, key}}}.dump());
    EXPECT_THAT(Reason(keys.status()), HasSubstr("key #1")) << key.dump();
  }
  EXPECT_FALSE(ParseJwks("[]").ok());
  EXPECT_FALSE(ParseJwks("{\"keys\": {}}").ok());
}

TEST(KeySetTest, RefusesTwoKeysWithOneKid) {
  const VerificationKey a{"same", Algorithm::kES256, testing::NewEcKey()};
  const VerificationKey b{"same", Algorithm::kES256, testing::NewEcKey()};
  EXPECT_THAT(Reason(KeySet::Of({a, b}).status()), HasSubstr("\"same\""));
}

TEST(KeyRingTest, LoadsPemAndJwksFilesAndReloadsWhenTheyChange) {
  testing::TempDir dir;
  const KeyPtr first = testing::NewEcKey();
  const std::string pem = dir.Write("signing-2026-12.pem", PublicKeyPem(first.get()));
  const std::string jwks =
      dir.Write("jwks.json", JwksOf({{"rsa", Algorithm::kRS256, testing::NewRsaKey()}}));
  absl::StatusOr<std::unique_ptr<KeyRing>> ring =
      KeyRing::Load({KeyFile::Pem(pem), KeyFile::Pem(pem, "explicit"), KeyFile::Jwks(jwks)});
  ASSERT_TRUE(ring.ok()) << ring.status();
  std::shared_ptr<const KeySet> keys = (*ring)->Current();
  EXPECT_EQ(keys->size(), 3u);
  EXPECT_NE(keys->Find("signing-2026-12"), nullptr);  // the file's name
  EXPECT_NE(keys->Find("explicit"), nullptr);
  EXPECT_EQ(keys->Find("rsa")->algorithm, Algorithm::kRS256);
  EXPECT_EQ(keys->generation(), 1u);

  EXPECT_FALSE(*(*ring)->ReloadIfChanged());
  dir.Write("jwks.json", JwksOf({{"ec-2", Algorithm::kES256, testing::NewEcKey()}}));
  EXPECT_TRUE(*(*ring)->ReloadIfChanged());
  EXPECT_EQ((*ring)->Current()->generation(), 2u);
  EXPECT_EQ((*ring)->Current()->Find("rsa"), nullptr);
  EXPECT_NE((*ring)->Current()->Find("ec-2"), nullptr);
  EXPECT_EQ(keys->Find("rsa")->kid, "rsa");  // a set in use stays whole

  std::remove(jwks.c_str());
  absl::StatusOr<bool> gone = (*ring)->ReloadIfChanged();
  EXPECT_THAT(Reason(gone.status()), HasSubstr("jwks.json: cannot be read"));
  EXPECT_EQ((*ring)->Current()->generation(), 2u);  // the previous keys stay
}

TEST(KeyRingTest, RefusesToStartWithoutKeys) {
  testing::TempDir dir;
  EXPECT_FALSE(KeyRing::Load({KeyFile::Jwks(dir.Write("jwks.json", "{\"keys\": []}"))}).ok());
  EXPECT_FALSE(KeyRing::Load({KeyFile::Pem(dir.path() + "/missing.pem")}).ok());
  EXPECT_FALSE(KeyRing::Load({KeyFile::Pem(dir.Write(
                                 "rsa.pem", PublicKeyPem(testing::NewRsaKey(1024).get())))})
                   .ok());
}

}  // namespace
}  // namespace kam::auth
