#include "common/server/security_config.h"

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "common/auth/access_table.h"
#include "common/base/log.h"

ABSL_FLAG(std::string, tls_cert_file, "",
          "PEM certificate chain the server presents; with --tls_key_file turns TLS on");
ABSL_FLAG(std::string, tls_key_file, "", "PEM private key of --tls_cert_file");
ABSL_FLAG(std::string, tls_client_ca_file, "",
          "PEM CA bundle; when set, callers must present a certificate it signed (mutual TLS)");
ABSL_FLAG(absl::Duration, tls_refresh_interval, absl::Seconds(60),
          "how often certificate, key and CA files (server and dependencies) are checked for "
          "changes");
ABSL_FLAG(bool, plaintext_behind_mesh, false,
          "allow plaintext on a non-loopback --listen: only when a service mesh sidecar provides "
          "mutual TLS in front of this process");
ABSL_FLAG(std::string, auth_key_files, "",
          "comma-separated token verification keys: PEM public keys (kid = file name without "
          ".pem) and JWKS files (*.json); when set, every call needs a bearer token");
ABSL_FLAG(std::string, auth_issuer, "", "the iss every token must carry (with --auth_key_files)");
ABSL_FLAG(std::string, auth_audience, "",
          "a value every token's aud must contain; empty means the service's name (kam-account)");
ABSL_FLAG(absl::Duration, auth_leeway, absl::Seconds(30),
          "clock skew tolerated on a token's exp, nbf and iat");
ABSL_FLAG(std::string, rate_limits,
          "admin=1000/2000,account_manager=200/400,service_agent=200/400,analyst=50/100,"
          "service:scoring=0,service:interaction=0,other=10/20",
          "calls per second and burst per subject, by role (role=rate/burst; 0: no limit); "
          "entries given replace the defaults of their role only");
ABSL_FLAG(int, max_streams_per_subject, 16, "server streams one subject may hold open at once");
ABSL_FLAG(std::string, audit_log, "auto",
          "where the audit log of write calls goes: a file path (appended), - for standard "
          "output, off, or auto (standard output when tokens are required, else off)");
ABSL_FLAG(std::string, dependency_ca_file, "",
          "PEM CA bundle the other services' certificates must chain to; turns TLS on for calls "
          "to them");
ABSL_FLAG(std::string, dependency_cert_file, "",
          "client certificate presented to the other services (mutual TLS)");
ABSL_FLAG(std::string, dependency_key_file, "", "PEM private key of --dependency_cert_file");
ABSL_FLAG(std::string, dependency_token_file, "",
          "file holding this service's own bearer token for calls to the others (re-read when "
          "it changes)");

namespace kam::common {

const std::vector<std::string>& SecurityFlagNames() {
  static const auto* names = new std::vector<std::string>{
      // The server's transport.
      "tls_cert_file", "tls_key_file", "tls_client_ca_file", "tls_refresh_interval",
      "plaintext_behind_mesh",
      // Tokens, limits, audit.
      "auth_key_files", "auth_issuer", "auth_audience", "auth_leeway", "rate_limits",
      "max_streams_per_subject", "audit_log",
      // Calls to other services.
      "dependency_ca_file", "dependency_cert_file", "dependency_key_file", "dependency_token_file"};
  return *names;
}

std::vector<auth::KeyFile> ParseKeyFiles(absl::string_view list) {
  std::vector<auth::KeyFile> files;
  for (absl::string_view path : absl::StrSplit(list, ',', absl::SkipWhitespace())) {
    path = absl::StripAsciiWhitespace(path);
    files.push_back(absl::EndsWith(path, ".json") ? auth::KeyFile::Jwks(std::string(path))
                                                  : auth::KeyFile::Pem(std::string(path)));
  }
  return files;
}

absl::StatusOr<SecurityConfig> ReadSecurityFlags(absl::string_view env_prefix) {
  SecurityConfig config;
  config.tls.cert_file = absl::GetFlag(FLAGS_tls_cert_file);
  config.tls.key_file = absl::GetFlag(FLAGS_tls_key_file);
  config.tls.client_ca_file = absl::GetFlag(FLAGS_tls_client_ca_file);
  config.tls.refresh_interval = absl::GetFlag(FLAGS_tls_refresh_interval);
  config.tls.plaintext_behind_mesh = absl::GetFlag(FLAGS_plaintext_behind_mesh);
  if (config.tls.refresh_interval < absl::Seconds(1)) {
    return absl::InvalidArgumentError("--tls_refresh_interval must be at least 1s");
  }
  config.key_files = ParseKeyFiles(absl::GetFlag(FLAGS_auth_key_files));
  config.issuer = absl::GetFlag(FLAGS_auth_issuer);
  config.audience = absl::GetFlag(FLAGS_auth_audience);
  if (config.audience.empty()) {
    config.audience = absl::AsciiStrToLower(absl::StrReplaceAll(env_prefix, {{"_", "-"}}));
  }
  config.leeway = absl::GetFlag(FLAGS_auth_leeway);
  const bool tokens = !config.key_files.empty();
  if (tokens && config.issuer.empty()) {
    return absl::InvalidArgumentError("--auth_key_files needs --auth_issuer");
  }
  if (config.leeway < absl::ZeroDuration() || config.leeway > absl::Minutes(10)) {
    return absl::InvalidArgumentError("--auth_leeway must be from 0 to 10m");
  }
  config.rate_limits = RoleRateLimits::Defaults();
  if (absl::Status applied = config.rate_limits.Apply(absl::GetFlag(FLAGS_rate_limits));
      !applied.ok()) {
    return applied;
  }
  config.max_streams_per_subject = absl::GetFlag(FLAGS_max_streams_per_subject);
  if (config.max_streams_per_subject < 1 || config.max_streams_per_subject > 10000) {
    return absl::InvalidArgumentError("--max_streams_per_subject must be from 1 to 10000");
  }
  const std::string audit = absl::GetFlag(FLAGS_audit_log);
  if (audit == "auto") {
    config.audit_log = tokens ? "-" : "";
  } else if (audit != "off") {
    if (audit.empty()) return absl::InvalidArgumentError("--audit_log must not be empty");
    config.audit_log = audit;
  }
  config.dependencies.tls.ca_file = absl::GetFlag(FLAGS_dependency_ca_file);
  config.dependencies.tls.cert_file = absl::GetFlag(FLAGS_dependency_cert_file);
  config.dependencies.tls.key_file = absl::GetFlag(FLAGS_dependency_key_file);
  config.dependencies.tls.refresh_interval = config.tls.refresh_interval;
  config.dependencies.token_file = absl::GetFlag(FLAGS_dependency_token_file);
  return config;
}

absl::StatusOr<ServerSecurity> MakeServerSecurity(const SecurityConfig& config,
                                                  absl::string_view listen) {
  ServerSecurity security;
  absl::StatusOr<ServerTransport> transport = MakeServerTransport(listen, config.tls);
  if (!transport.ok()) return transport.status();
  security.transport = *std::move(transport);

  CallGateOptions gate;
  absl::StatusOr<auth::AccessPolicy> policy = auth::KamAccessPolicy();
  if (!policy.ok()) return policy.status();
  gate.policy = std::make_shared<const auth::AccessPolicy>(*std::move(policy));
  if (!config.key_files.empty()) {
    absl::StatusOr<std::unique_ptr<auth::KeyRing>> keys = auth::KeyRing::Load(config.key_files);
    if (!keys.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--auth_key_files: ", keys.status().message()));
    }
    auth::TokenVerifierOptions verifier;
    verifier.issuer = config.issuer;
    verifier.audience = config.audience;
    verifier.leeway = config.leeway;
    verifier.on_key_reload_error = [](const absl::Status& error) {
      Log(LogLevel::kWarning, "token keys not reloaded; the previous keys stay in use",
          {{"error", error.message()}});
    };
    absl::StatusOr<std::unique_ptr<auth::TokenVerifier>> made =
        auth::TokenVerifier::Create(std::move(verifier), *std::move(keys));
    if (!made.ok()) return made.status();
    gate.verifier = *std::move(made);
  }
  gate.rate_limits = config.rate_limits;
  gate.max_streams_per_subject = config.max_streams_per_subject;
  if (!config.audit_log.empty()) {
    absl::StatusOr<std::unique_ptr<AuditLog>> audit = AuditLog::Open(config.audit_log);
    if (!audit.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--audit_log: ", audit.status().message()));
    }
    gate.audit = *std::move(audit);
  }
  security.gate = std::make_shared<CallGate>(std::move(gate));
  return security;
}

}  // namespace kam::common
