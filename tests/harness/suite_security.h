// The credentials of a secured local suite (LocalSuite::Options::secured):
// the dev PKI of deploy/pki/make-dev-pki.sh in <data_dir>/pki and a bearer
// token per role minted in-process in <data_dir>/tokens/<role>.jwt, and the
// flags each service then runs with (TLS, tokens, audit log, TLS to MariaDB,
// and for the services that call others their dependency credentials). docs/security.md
// says what the pieces do.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tests/harness/mariadb_server.h"

namespace kam::testing {

// The issuer of the local suite's tokens (--auth_issuer).
inline constexpr char kLocalIssuer[] = "kam-local";

// One token the suite mints. `role` names the token (its file is
// tokens/<role>.jwt, its variable KAM_TOKEN_<ROLE>).
struct TokenSpec {
  std::string role;                    // file name and, for people, the role claim
  std::string subject;                 // sub
  std::vector<std::string> roles;      // roles claim
  std::string account_manager;         // kam_manager
  std::vector<std::string> audiences;  // aud: the services it may call
};

// The tokens of a local suite: one per person role (subjects from the demo
// book: the account manager am.liu is on the team of demo accounts) and one
// per service identity that calls others, for the services it calls.
const std::vector<TokenSpec>& LocalTokens();

struct SuiteSecurity {
  std::string pki_dir;                        // <data_dir>/pki
  std::string tokens_dir;                     // <data_dir>/tokens
  std::string ca_file;                        // pki/ca.pem: what clients trust
  std::string signing_key_file;               // pki/tokens/signing.key (kid "signing")
  std::string jwks_file;                      // pki/tokens/jwks.json: what the services trust
  std::map<std::string, std::string> tokens;  // by TokenSpec::role
  bool tls = true;                            // false: tokens over plaintext loopback

  // tokens/<role>.jwt.
  std::string TokenPath(const std::string& role) const;
  // The flags that secure service `name` (account, interaction or scoring)
  // whose logs go to `data_dir`; its database connections too
  // (--db_tls_ca_file).
  std::vector<std::string> ServiceFlags(const std::string& name, const std::string& data_dir) const;
  // The local MariaDB's TLS: pki/server/mariadb.{pem,key}, client
  // certificates checked against the CA.
  MariaDbServer::Options::Tls DatabaseTls() const;
};

// Runs make-dev-pki.sh into <data_dir>/pki (idempotent) and mints
// LocalTokens() valid for `ttl` into <data_dir>/tokens (replacing what was
// there). The error says which step failed.
absl::StatusOr<SuiteSecurity> PrepareSuiteSecurity(const std::string& data_dir,
                                                   absl::Duration ttl = absl::Hours(24));

// "KAM_TOKEN_ACCOUNT_MANAGER" for "account_manager".
std::string TokenVariable(const std::string& role);

}  // namespace kam::testing
