#include "common/auth/keys.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <sys/stat.h>

#include <cstring>
#include <fstream>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/auth/jwt_codec.h"
#include "nlohmann/json.hpp"

namespace kam::auth {
namespace {

using Json = nlohmann::json;

// A key file larger than this is not a key file (a JWKS of a few dozen keys
// is tens of KiB).
constexpr int64_t kMaxKeyFileBytes = 1 << 20;
constexpr int kMinRsaBits = 2048;

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using BignumPtr = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM, OSSL_PARAM_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;

KeyPtr Own(EVP_PKEY* key) { return KeyPtr(key, EVP_PKEY_free); }

// OpenSSL keeps failures in a per-thread queue; a failure we turn into a
// status must not linger there for the next, unrelated call to find.
absl::Status OpenSslError(absl::string_view what) {
  ERR_clear_error();
  return absl::InvalidArgumentError(what);
}

BioPtr MemoryBio(absl::string_view text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

// Refuses to ask for a passphrase: an encrypted key file is an error, never
// a prompt on the terminal of a service.
int NoPassphrase(char*, int, int, void*) { return 0; }

absl::StatusOr<KeyPtr> CheckedKind(EVP_PKEY* raw) {
  if (raw == nullptr) return OpenSslError("not a PEM key");
  KeyPtr key = Own(raw);
  if (absl::StatusOr<Algorithm> algorithm = AlgorithmOfKey(key.get()); !algorithm.ok()) {
    return algorithm.status();
  }
  return key;
}

std::string BignumBytes(const BIGNUM* n, int width = 0) {
  std::string bytes(width > 0 ? width : BN_num_bytes(n), '\0');
  BN_bn2binpad(n, reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  return bytes;
}

std::string BignumParam(const EVP_PKEY* key, const char* name, int width = 0) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) return "";
  BignumPtr n(raw);
  return Base64UrlEncode(BignumBytes(n.get(), width));
}

// Builds a public key of `type` ("EC" or "RSA") from OpenSSL parameters.
absl::StatusOr<KeyPtr> KeyFromParams(const char* type, OSSL_PARAM_BLD* builder) {
  ParamPtr params(OSSL_PARAM_BLD_to_param(builder));
  PkeyCtxPtr context(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (params == nullptr || context == nullptr || EVP_PKEY_fromdata_init(context.get()) != 1 ||
      EVP_PKEY_fromdata(context.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return OpenSslError("not a valid public key");
  }
  KeyPtr key = Own(raw);
  // fromdata takes the numbers as given; a point off the curve would make
  // verification meaningless, so check it here once.
  PkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (check == nullptr || EVP_PKEY_public_check(check.get()) != 1) {
    return OpenSslError("not a valid public key");
  }
  return key;
}

absl::StatusOr<std::string> Member(const Json& jwk, const char* name) {
  auto it = jwk.find(name);
  if (it == jwk.end() || !it->is_string()) {
    return absl::InvalidArgumentError(absl::StrCat("no \"", name, "\""));
  }
  absl::StatusOr<std::string> bytes = Base64UrlDecode(it->get<std::string>());
  if (!bytes.ok()) return absl::InvalidArgumentError(absl::StrCat("\"", name, "\" not base64url"));
  return bytes;
}

absl::StatusOr<KeyPtr> EcKeyOfJwk(const Json& jwk) {
  absl::StatusOr<std::string> x = Member(jwk, "x");
  if (!x.ok()) return x.status();
  absl::StatusOr<std::string> y = Member(jwk, "y");
  if (!y.ok()) return y.status();
  if (x->size() != 32 || y->size() != 32) {
    return absl::InvalidArgumentError("P-256 coordinates are 32 bytes");
  }
  const std::string point = "\x04" + *x + *y;  // uncompressed SEC1 point
  ParamBldPtr builder(OSSL_PARAM_BLD_new());
  if (builder == nullptr ||
      OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) !=
          1 ||
      OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    return OpenSslError("out of memory");
  }
  return KeyFromParams("EC", builder.get());
}

absl::StatusOr<KeyPtr> RsaKeyOfJwk(const Json& jwk) {
  absl::StatusOr<std::string> n = Member(jwk, "n");
  if (!n.ok()) return n.status();
  absl::StatusOr<std::string> e = Member(jwk, "e");
  if (!e.ok()) return e.status();
  auto bignum = [](const std::string& bytes) {
    return BignumPtr(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                               static_cast<int>(bytes.size()), nullptr));
  };
  BignumPtr modulus = bignum(*n);
  BignumPtr exponent = bignum(*e);
  ParamBldPtr builder(OSSL_PARAM_BLD_new());
  if (modulus == nullptr || exponent == nullptr || builder == nullptr ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, modulus.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, exponent.get()) != 1) {
    return OpenSslError("out of memory");
  }
  if (BN_num_bits(modulus.get()) < kMinRsaBits) {
    return absl::InvalidArgumentError("RSA modulus shorter than 2048 bits");
  }
  if (!BN_is_odd(exponent.get()) || BN_is_one(exponent.get())) {
    return absl::InvalidArgumentError("not a valid RSA public exponent");
  }
  return KeyFromParams("RSA", builder.get());
}

// One entry of a JWKS: the key; a key with an empty kid when the suite cannot
// use it (skipped); an error when it looks usable but is broken.
absl::StatusOr<VerificationKey> KeyOfJwk(const Json& jwk) {
  VerificationKey out;
  if (!jwk.is_object()) return absl::InvalidArgumentError("not a JSON object");
  const std::string kty = jwk.value("kty", "");
  const std::string crv = jwk.value("crv", "");
  const std::string use = jwk.value("use", "sig");
  const std::string alg = jwk.value("alg", "");
  absl::StatusOr<KeyPtr> key;
  if (use != "sig") return out;
  if (kty == "EC" && crv == "P-256" && (alg.empty() || alg == "ES256")) {
    out.algorithm = Algorithm::kES256;
    key = EcKeyOfJwk(jwk);
  } else if (kty == "RSA" && (alg.empty() || alg == "RS256")) {
    out.algorithm = Algorithm::kRS256;
    key = RsaKeyOfJwk(jwk);
  } else {
    return out;  // another curve, a symmetric key, another algorithm
  }
  if (!key.ok()) return key.status();
  auto kid = jwk.find("kid");
  if (kid == jwk.end() || !kid->is_string() || kid->get<std::string>().empty()) {
    return absl::InvalidArgumentError("no \"kid\"");
  }
  out.kid = kid->get<std::string>();
  out.key = *std::move(key);
  return out;
}

absl::StatusOr<std::string> ReadKeyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat(path, ": cannot be read"));
  std::string text;
  char buffer[4096];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, in.gcount());
    if (static_cast<int64_t>(text.size()) > kMaxKeyFileBytes) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": larger than 1 MiB"));
    }
  }
  return text;
}

std::string DefaultKid(const std::string& path) {
  std::string name = path.substr(path.find_last_of('/') + 1);  // npos + 1 == 0
  if (absl::EndsWith(name, ".pem")) name.resize(name.size() - 4);
  return name;
}

absl::StatusOr<std::vector<VerificationKey>> ReadKeys(const KeyFile& file) {
  absl::StatusOr<std::string> text = ReadKeyFile(file.path);
  if (!text.ok()) return text.status();
  auto in_file = [&](const absl::Status& status) {
    return absl::InvalidArgumentError(absl::StrCat(file.path, ": ", status.message()));
  };
  if (file.format == KeyFile::Format::kJwks) {
    absl::StatusOr<std::vector<VerificationKey>> keys = ParseJwks(*text);
    if (!keys.ok()) return in_file(keys.status());
    return keys;
  }
  absl::StatusOr<KeyPtr> key = ParsePublicKeyPem(*text);
  if (!key.ok()) return in_file(key.status());
  VerificationKey out;
  out.kid = file.kid.empty() ? DefaultKid(file.path) : file.kid;
  out.algorithm = *AlgorithmOfKey(key->get());
  out.key = *std::move(key);
  return std::vector<VerificationKey>{std::move(out)};
}

}  // namespace

absl::string_view AlgorithmName(Algorithm algorithm) {
  return algorithm == Algorithm::kES256 ? "ES256" : "RS256";
}

absl::StatusOr<Algorithm> AlgorithmOfKey(const EVP_PKEY* key) {
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_EC: {
      char group[80] = {};
      size_t length = 0;
      if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                         &length) == 1 &&
          (std::strcmp(group, "prime256v1") == 0 || std::strcmp(group, "P-256") == 0)) {
        return Algorithm::kES256;
      }
      return OpenSslError("an EC key must be on curve P-256 (ES256)");
    }
    case EVP_PKEY_RSA:
      if (EVP_PKEY_get_bits(key) >= kMinRsaBits) return Algorithm::kRS256;
      return absl::InvalidArgumentError("an RSA key must have at least 2048 bits");
    default: return absl::InvalidArgumentError("only EC P-256 and RSA keys are supported");
  }
}

absl::StatusOr<KeyPtr> ParsePublicKeyPem(absl::string_view pem) {
  BioPtr bio = MemoryBio(pem);
  if (bio == nullptr) return OpenSslError("out of memory");
  return CheckedKind(PEM_read_bio_PUBKEY(bio.get(), nullptr, NoPassphrase, nullptr));
}

absl::StatusOr<KeyPtr> ParsePrivateKeyPem(absl::string_view pem) {
  BioPtr bio = MemoryBio(pem);
  if (bio == nullptr) return OpenSslError("out of memory");
  return CheckedKind(PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
}

std::string PublicKeyPem(const EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || PEM_write_bio_PUBKEY(bio.get(), const_cast<EVP_PKEY*>(key)) != 1) {
    ERR_clear_error();
    return "";
  }
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, length);
}

absl::StatusOr<std::vector<VerificationKey>> ParseJwks(absl::string_view json) {
  const Json document = Json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded() || !document.is_object()) {
    return absl::InvalidArgumentError("not a JWKS document (a JSON object)");
  }
  auto keys = document.find("keys");
  if (keys == document.end() || !keys->is_array()) {
    return absl::InvalidArgumentError("a JWKS document needs a \"keys\" array");
  }
  std::vector<VerificationKey> out;
  for (size_t i = 0; i < keys->size(); ++i) {
    absl::StatusOr<VerificationKey> key = KeyOfJwk((*keys)[i]);
    if (!key.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("key #", i, ": ", key.status().message()));
    }
    if (!key->kid.empty()) out.push_back(*std::move(key));
  }
  return out;
}

std::string PublicJwk(const VerificationKey& key) {
  Json jwk;
  if (key.algorithm == Algorithm::kES256) {
    jwk = {{"kty", "EC"},
           {"crv", "P-256"},
           {"x", BignumParam(key.key.get(), OSSL_PKEY_PARAM_EC_PUB_X, 32)},
           {"y", BignumParam(key.key.get(), OSSL_PKEY_PARAM_EC_PUB_Y, 32)}};
  } else {
    jwk = {{"kty", "RSA"},
           {"n", BignumParam(key.key.get(), OSSL_PKEY_PARAM_RSA_N)},
           {"e", BignumParam(key.key.get(), OSSL_PKEY_PARAM_RSA_E)}};
  }
  jwk["kid"] = key.kid;
  jwk["use"] = "sig";
  jwk["alg"] = std::string(AlgorithmName(key.algorithm));
  return jwk.dump();
}

std::string JwksOf(const std::vector<VerificationKey>& keys) {
  Json list = Json::array();
  for (const VerificationKey& key : keys) list.push_back(Json::parse(PublicJwk(key)));
  return Json{{"keys", list}}.dump();
}

absl::StatusOr<KeySet> KeySet::Of(std::vector<VerificationKey> keys) {
  KeySet set;
  for (VerificationKey& key : keys) {
    std::string kid = key.kid;
    if (!set.keys_.emplace(kid, std::move(key)).second) {
      return absl::InvalidArgumentError(absl::StrCat("two keys have the kid \"", kid, "\""));
    }
  }
  return set;
}

const VerificationKey* KeySet::Find(absl::string_view kid) const {
  auto it = keys_.find(kid);
  return it == keys_.end() ? nullptr : &it->second;
}

absl::StatusOr<std::unique_ptr<KeyRing>> KeyRing::Load(std::vector<KeyFile> files) {
  std::unique_ptr<KeyRing> ring(new KeyRing(std::move(files)));
  absl::Status loaded = ring->Reload();
  if (!loaded.ok()) return loaded;
  return ring;
}

std::shared_ptr<const KeySet> KeyRing::Current() const {
  absl::MutexLock lock(&mu_);
  return current_;
}

absl::Status KeyRing::Reload() {
  absl::MutexLock lock(&reload_mu_);
  return ReloadLocked();
}

absl::StatusOr<bool> KeyRing::ReloadIfChanged() {
  absl::MutexLock lock(&reload_mu_);
  if (StampFiles() == stamps_) return false;
  absl::Status reloaded = ReloadLocked();
  if (!reloaded.ok()) return reloaded;
  return true;
}

std::vector<KeyRing::Stamp> KeyRing::StampFiles() const {
  std::vector<Stamp> stamps;
  for (const KeyFile& file : files_) {
    Stamp stamp;
    struct stat info;
    if (stat(file.path.c_str(), &info) == 0) {
      stamp.exists = true;
      stamp.inode = info.st_ino;
      stamp.size = info.st_size;
      stamp.mtime_ns = int64_t{info.st_mtim.tv_sec} * 1000000000 + info.st_mtim.tv_nsec;
    }
    stamps.push_back(stamp);
  }
  return stamps;
}

absl::Status KeyRing::ReloadLocked() {
  // Stamped before reading, so a file replaced while it is read is seen as
  // changed by the next check and read again.
  std::vector<Stamp> stamps = StampFiles();
  std::vector<VerificationKey> keys;
  for (const KeyFile& file : files_) {
    absl::StatusOr<std::vector<VerificationKey>> some = ReadKeys(file);
    if (!some.ok()) return some.status();
    for (VerificationKey& key : *some) keys.push_back(std::move(key));
  }
  if (keys.empty()) return absl::InvalidArgumentError("no usable token key in the key files");
  absl::StatusOr<KeySet> set = KeySet::Of(std::move(keys));
  if (!set.ok()) return set.status();
  set->generation_ = ++generation_;
  auto shared = std::make_shared<const KeySet>(*std::move(set));
  stamps_ = std::move(stamps);
  absl::MutexLock lock(&mu_);
  current_ = std::move(shared);
  return absl::OkStatus();
}

}  // namespace kam::auth
