// Test helpers for common/auth: keys generated in-process (no key file is
// committed), a temporary folder, and a clock the test moves.
#pragma once

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/time/time.h"
#include "common/auth/keys.h"

namespace kam::auth::testing {

// A fresh EC P-256 key pair (ES256).
inline KeyPtr NewEcKey() { return KeyPtr(EVP_EC_gen("P-256"), EVP_PKEY_free); }

// A fresh RSA key pair (RS256); 2048 bits unless told (a test of a short key).
inline KeyPtr NewRsaKey(unsigned bits = 2048) { return KeyPtr(EVP_RSA_gen(bits), EVP_PKEY_free); }

// The private key as unencrypted PKCS#8 PEM text.
inline std::string PrivateKeyPem(const KeyPtr& key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  std::string pem(data, length);
  BIO_free(bio);
  return pem;
}

// A folder under $TMPDIR (or /tmp), removed with everything in it at the end.
class TempDir {
 public:
  TempDir() {
    const char* base = getenv("TMPDIR");
    std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/kam-auth-XXXXXX";
    path_ = mkdtemp(pattern.data()) != nullptr ? pattern : "";
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // Writes `text` to `name` in the folder (through a new file renamed into
  // place, as a rotation script should) and returns its path.
  std::string Write(const std::string& name, const std::string& text) const {
    const std::string target = path_ + "/" + name;
    const std::string staging = target + ".tmp";
    std::ofstream(staging, std::ios::binary | std::ios::trunc) << text;
    std::rename(staging.c_str(), target.c_str());
    return target;
  }

 private:
  std::string path_;
};

// A clock tests move by hand; `Function()` is what TokenVerifierOptions takes.
class FakeClock {
 public:
  explicit FakeClock(absl::Time now) : now_(now) {}
  absl::Time Now() const { return now_; }
  void Advance(absl::Duration by) { now_ += by; }
  auto Function() {
    return [this] { return now_; };
  }

 private:
  absl::Time now_;
};

}  // namespace kam::auth::testing
