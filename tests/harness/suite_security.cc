#include "tests/harness/suite_security.h"

#include <sys/stat.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/auth/token_signer.h"

namespace kam::testing {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kAllServices = {"kam-account", "kam-interaction", "kam-scoring"};
// The services the scoring service calls (its token is for them only).
const std::vector<std::string> kScoringCalls = {"kam-account", "kam-interaction"};

// Writes `text` to `path` through a file renamed into place, so a service
// re-reading its token file never sees half a token.
absl::Status WriteAtomically(const std::string& path, const std::string& text) {
  const std::string staging = path + ".tmp";
  {
    std::ofstream out(staging, std::ios::binary | std::ios::trunc);
    out << text << "\n";
    if (!out) return absl::InternalError(absl::StrCat("cannot write ", staging));
  }
  chmod(staging.c_str(), 0600);
  if (std::rename(staging.c_str(), path.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("cannot rename ", staging, " to ", path));
  }
  return absl::OkStatus();
}

}  // namespace

const std::vector<TokenSpec>& LocalTokens() {
  static const std::vector<TokenSpec>* const kTokens = new std::vector<TokenSpec>{
      {"admin", "admin", {"admin"}, "", kAllServices},
      // On the team of the demo accounts HX-GROUP and CM-BANK.
      {"account_manager", "am.liu", {"account_manager"}, "am.liu", kAllServices},
      {"service_agent", "svc.xu", {"service_agent"}, "", kAllServices},
      {"analyst", "analyst.ma", {"analyst"}, "", kAllServices},
      {"service_interaction", "service:interaction", {"service:interaction"}, "", {"kam-account"}},
      {"service_scoring", "service:scoring", {"service:scoring"}, "", kScoringCalls},
  };
  return *kTokens;
}

std::string SuiteSecurity::TokenPath(const std::string& role) const {
  return absl::StrCat(tokens_dir, "/", role, ".jwt");
}

std::vector<std::string> SuiteSecurity::ServiceFlags(const std::string& name,
                                                     const std::string& data_dir) const {
  std::vector<std::string> flags = {
      absl::StrCat("--auth_key_files=", jwks_file),
      absl::StrCat("--auth_issuer=", kLocalIssuer),
      absl::StrCat("--audit_log=", data_dir, "/kam-", name, "-audit.log"),
      absl::StrCat("--db_tls_ca_file=", ca_file),
  };
  if (tls) {
    flags.push_back(absl::StrCat("--tls_cert_file=", pki_dir, "/server/", name, ".pem"));
    flags.push_back(absl::StrCat("--tls_key_file=", pki_dir, "/server/", name, ".key"));
  }
  if (name != "account") {
    if (tls) flags.push_back(absl::StrCat("--dependency_ca_file=", ca_file));
    flags.push_back(absl::StrCat("--dependency_token_file=", TokenPath("service_" + name)));
  }
  return flags;
}

MariaDbServer::Options::Tls SuiteSecurity::DatabaseTls() const {
  return {absl::StrCat(pki_dir, "/server/mariadb.pem"),
          absl::StrCat(pki_dir, "/server/mariadb.key"), ca_file};
}

absl::StatusOr<SuiteSecurity> PrepareSuiteSecurity(const std::string& data_dir,
                                                   absl::Duration ttl) {
  SuiteSecurity security;
  security.pki_dir = absl::StrCat(data_dir, "/pki");
  security.tokens_dir = absl::StrCat(data_dir, "/tokens");
  security.ca_file = absl::StrCat(security.pki_dir, "/ca.pem");
  security.signing_key_file = absl::StrCat(security.pki_dir, "/tokens/signing.key");
  security.jwks_file = absl::StrCat(security.pki_dir, "/tokens/jwks.json");
  const std::string command =
      absl::StrCat("bash '", KAM_SOURCE_DIR, "/deploy/pki/make-dev-pki.sh' '", security.pki_dir,
                   "' 2>/dev/null");
  if (std::system(command.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("make-dev-pki.sh failed: ", command));
  }
  std::error_code error;
  fs::create_directories(security.tokens_dir, error);
  chmod(security.tokens_dir.c_str(), 0700);
  absl::StatusOr<auth::TokenSigner> signer =
      auth::TokenSigner::FromPemFile(security.signing_key_file, "signing");
  if (!signer.ok()) return signer.status();
  const absl::Time now = absl::Now();
  for (const TokenSpec& spec : LocalTokens()) {
    absl::StatusOr<std::string> token =
        signer->Sign({kLocalIssuer, spec.audiences, spec.subject, spec.roles, spec.account_manager,
                      now, now + ttl});
    if (!token.ok()) return token.status();
    if (absl::Status s = WriteAtomically(security.TokenPath(spec.role), *token); !s.ok()) return s;
    security.tokens[spec.role] = *token;
  }
  return security;
}

std::string TokenVariable(const std::string& role) {
  std::string name = absl::StrCat("KAM_TOKEN_", role);
  for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

}  // namespace kam::testing
