// Token keys: the public keys a verifier trusts, by key id (`kid`), read from
// PEM files and JWKS files (RFC 7517), several at once so a signing key can be
// rotated without refusing tokens signed by the previous one.
//
// Only two kinds of key are accepted, one per algorithm the suite allows:
// EC P-256 (ES256) and RSA of at least 2048 bits (RS256). A key of any other
// kind in a PEM file is an error; in a JWKS file keys the suite cannot use
// (other curves, symmetric keys, encryption keys) are skipped, because a JWKS
// published by an identity provider may hold them.
#pragma once

#include <openssl/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace kam::auth {

// The JWS algorithms the suite signs and verifies with.
enum class Algorithm { kES256, kRS256 };

// "ES256" or "RS256".
absl::string_view AlgorithmName(Algorithm algorithm);

// An OpenSSL key (public, or private for signing), freed with its last owner.
using KeyPtr = std::shared_ptr<EVP_PKEY>;

// The algorithm a key signs with: ES256 for EC P-256, RS256 for RSA of 2048
// bits or more; INVALID_ARGUMENT for any other key.
absl::StatusOr<Algorithm> AlgorithmOfKey(const EVP_PKEY* key);

// A PEM "PUBLIC KEY" (SubjectPublicKeyInfo). INVALID_ARGUMENT when the text is
// not one or the key is neither EC P-256 nor RSA >= 2048 bits.
absl::StatusOr<KeyPtr> ParsePublicKeyPem(absl::string_view pem);

// A PEM private key (PKCS#8 "PRIVATE KEY", or "EC PRIVATE KEY" / "RSA PRIVATE
// KEY"), unencrypted. Same key kinds as ParsePublicKeyPem.
absl::StatusOr<KeyPtr> ParsePrivateKeyPem(absl::string_view pem);

// The public half of `key` as PEM "PUBLIC KEY" text.
std::string PublicKeyPem(const EVP_PKEY* key);

// One trusted key.
struct VerificationKey {
  std::string kid;
  Algorithm algorithm = Algorithm::kES256;
  KeyPtr key;
};

// The usable keys of a JWKS document ({"keys": [...]}): EC keys on P-256 and
// RSA keys, each with a non-empty `kid`, not marked `"use": "enc"`, and whose
// `alg`, when present, matches the key. INVALID_ARGUMENT naming the key's
// position when a usable-looking key is malformed (bad base64url, a point not
// on the curve, a short modulus, no kid) or the document is not a JWKS.
absl::StatusOr<std::vector<VerificationKey>> ParseJwks(absl::string_view json);

// `key` as a public JWK object with `kid`, `use: sig` and `alg` (compact JSON).
std::string PublicJwk(const VerificationKey& key);

// A JWKS document holding `keys` (compact JSON).
std::string JwksOf(const std::vector<VerificationKey>& keys);

// An immutable set of keys by kid.
class KeySet {
 public:
  // INVALID_ARGUMENT when two keys share a kid (a token could not say which
  // one signed it).
  static absl::StatusOr<KeySet> Of(std::vector<VerificationKey> keys);

  // The key with this kid, or nullptr.
  const VerificationKey* Find(absl::string_view kid) const;
  size_t size() const { return keys_.size(); }

  // Which load of a KeyRing made this set (0 for a set made by Of()): a
  // decision taken under an older generation (a cached verification) may rest
  // on a key since removed.
  uint64_t generation() const { return generation_; }

 private:
  friend class KeyRing;
  absl::flat_hash_map<std::string, VerificationKey> keys_;
  uint64_t generation_ = 0;
};

// Where keys are read from.
struct KeyFile {
  enum class Format { kPem, kJwks };
  Format format = Format::kPem;
  std::string path;
  // For a PEM file, the kid tokens signed by its key carry; empty means the
  // file's name without its folder and a ".pem" ending
  // ("keys/signing-2026-12.pem" -> "signing-2026-12"). Unused for JWKS.
  std::string kid;

  static KeyFile Pem(std::string path, std::string kid = "") {
    return {Format::kPem, std::move(path), std::move(kid)};
  }
  static KeyFile Jwks(std::string path) { return {Format::kJwks, std::move(path), ""}; }
};

// The keys of a list of files, re-readable while in use. Thread-safe:
// Current() is a pointer copy under a mutex that a reload holds only to swap
// the pointer, so verifying tokens never waits for files to be read.
class KeyRing {
 public:
  // Reads every file. INVALID_ARGUMENT (naming the file) when one cannot be
  // read or parsed, when two keys share a kid, or when no key at all is found.
  static absl::StatusOr<std::unique_ptr<KeyRing>> Load(std::vector<KeyFile> files);

  // The keys as of the last successful (re)load; its generation() counts the
  // successful loads (1 after Load).
  std::shared_ptr<const KeySet> Current() const;

  // Re-reads every file now. On error the previous keys stay in use (a
  // half-written file during a rotation must not lock everybody out) and the
  // error is returned for the caller to log.
  absl::Status Reload();

  // Reload() if any file's modification time, size or inode changed since the
  // last load (or a file appeared or went). True when the keys were re-read.
  absl::StatusOr<bool> ReloadIfChanged();

 private:
  struct Stamp {
    bool exists = false;
    uint64_t inode = 0;  // a file renamed into place is a new inode
    int64_t size = 0;
    int64_t mtime_ns = 0;
    bool operator==(const Stamp& other) const {
      return exists == other.exists && inode == other.inode && size == other.size &&
             mtime_ns == other.mtime_ns;
    }
  };

  explicit KeyRing(std::vector<KeyFile> files) : files_(std::move(files)) {}
  std::vector<Stamp> StampFiles() const;
  absl::Status ReloadLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(reload_mu_);

  const std::vector<KeyFile> files_;
  // Serialises reloads (file reads happen under it, never under mu_).
  absl::Mutex reload_mu_;
  std::vector<Stamp> stamps_ ABSL_GUARDED_BY(reload_mu_);
  uint64_t generation_ ABSL_GUARDED_BY(reload_mu_) = 0;
  mutable absl::Mutex mu_;
  std::shared_ptr<const KeySet> current_ ABSL_GUARDED_BY(mu_);
};

}  // namespace kam::auth
