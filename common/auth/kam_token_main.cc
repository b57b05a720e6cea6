// kam-token: mints a bearer token for the KAM suite, or prints the JWKS of a
// signing key. `./kam up` uses it to make one token per role in .kam/tokens/.
//
//   kam-token --key=signing.pem --issuer=kam-local --audience=kam-account,kam-interaction
//             --subject=alice --roles=account_manager --manager=alice --ttl=12h > alice.jwt
//   kam-token --key=signing.pem --jwks > jwks.json
//
// The key is a PEM private key, EC P-256 (ES256) or RSA >= 2048 bits (RS256).
// The token goes to standard output followed by a newline; errors go to
// standard error and the exit status is 1 (2 for a usage error).
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/auth/token_signer.h"

ABSL_FLAG(std::string, key, "", "PEM private key to sign with (required)");
ABSL_FLAG(std::string, kid, "",
          "key id written in the token's header; default: the key file's name without its "
          "folder and extension (signing.key -> signing)");
ABSL_FLAG(std::string, issuer, "", "iss claim (required unless --jwks)");
ABSL_FLAG(std::vector<std::string>, audience, {},
          "aud claim: the services the token is for, comma-separated (required unless --jwks)");
ABSL_FLAG(std::string, subject, "", "sub claim: who the token names (required unless --jwks)");
ABSL_FLAG(std::vector<std::string>, roles, {}, "roles claim, comma-separated");
ABSL_FLAG(std::string, manager, "",
          "kam_manager claim: the account manager's user id in account teams");
ABSL_FLAG(absl::Duration, ttl, absl::Hours(12), "how long the token is valid");
ABSL_FLAG(bool, jwks, false, "print the JWKS of the key's public half instead of a token");

namespace {

int Fail(const std::string& message, int code = 1) {
  std::fprintf(stderr, "kam-token: %s\n", message.c_str());
  return code;
}

std::string DefaultKid(const std::string& path) {
  std::string name = path.substr(path.find_last_of('/') + 1);
  if (name.size() > 4 && name.compare(name.size() - 4, 4, ".pem") == 0)
    name.resize(name.size() - 4);
  return name;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "mints a KAM bearer token (JWT, ES256 or RS256) from a PEM private key:\n"
      "  kam-token --key=K.pem --issuer=I --audience=A[,A2] --subject=S --roles=R[,R2] "
      "[--manager=M] [--ttl=12h] [--kid=ID]\n"
      "  kam-token --key=K.pem --jwks");
  std::vector<char*> rest = absl::ParseCommandLine(argc, argv);
  if (rest.size() > 1) return Fail(std::string("unexpected argument ") + rest[1], 2);
  const std::string key = absl::GetFlag(FLAGS_key);
  if (key.empty()) return Fail("--key is required", 2);
  std::string kid = absl::GetFlag(FLAGS_kid);
  if (kid.empty()) kid = DefaultKid(key);

  absl::StatusOr<kam::auth::TokenSigner> signer = kam::auth::TokenSigner::FromPemFile(key, kid);
  if (!signer.ok()) return Fail(std::string(signer.status().message()));
  if (absl::GetFlag(FLAGS_jwks)) {
    std::printf("%s\n", kam::auth::JwksOf({signer->public_key()}).c_str());
    return 0;
  }

  kam::auth::TokenClaims claims;
  claims.issuer = absl::GetFlag(FLAGS_issuer);
  claims.audiences = absl::GetFlag(FLAGS_audience);
  claims.subject = absl::GetFlag(FLAGS_subject);
  claims.roles = absl::GetFlag(FLAGS_roles);
  claims.account_manager = absl::GetFlag(FLAGS_manager);
  if (claims.issuer.empty() || claims.audiences.empty() || claims.subject.empty()) {
    return Fail("--issuer, --audience and --subject are required", 2);
  }
  const absl::Duration ttl = absl::GetFlag(FLAGS_ttl);
  if (ttl <= absl::ZeroDuration()) return Fail("--ttl must be positive", 2);
  claims.issued_at = absl::Now();
  claims.expires = claims.issued_at + ttl;
  absl::StatusOr<std::string> token = signer->Sign(claims);
  if (!token.ok()) return Fail(std::string(token.status().message()));
  std::printf("%s\n", token->c_str());
  return 0;
}
