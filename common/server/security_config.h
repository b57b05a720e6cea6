// The flags of issue 11 (docs/security.md lists them with their environment
// variables): transport security of the server and of calls to other
// services, bearer tokens, rate limits and the audit log. All are off by
// default: plaintext on loopback, no tokens, no audit.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/auth/keys.h"
#include "common/client/rpc_client.h"
#include "common/server/call_gate.h"
#include "common/server/transport.h"

namespace kam::common {

struct SecurityConfig {
  ServerTlsOptions tls;
  // --auth_key_files: tokens are required when there is at least one.
  std::vector<auth::KeyFile> key_files;
  std::string issuer;
  std::string audience;
  absl::Duration leeway;
  RoleRateLimits rate_limits;
  int max_streams_per_subject = 16;
  // Resolved --audit_log: empty for none, "-" for standard output, or a path.
  std::string audit_log;
  DependencyOptions dependencies;
};

// The names of the flags below, for the environment (config.h).
const std::vector<std::string>& SecurityFlagNames();

// Reads the flags (after parsing and the environment). `service` names the
// service in the default audience ("kam-account" from the prefix
// "KAM_ACCOUNT"). INVALID_ARGUMENT naming the flag for a bad value.
absl::StatusOr<SecurityConfig> ReadSecurityFlags(absl::string_view env_prefix);

// "a.pem,b.json" as key files: a name ending in ".json" is a JWKS, anything
// else a PEM public key whose kid is its file name without ".pem".
std::vector<auth::KeyFile> ParseKeyFiles(absl::string_view list);

// What the server runs with.
struct ServerSecurity {
  ServerTransport transport;
  std::shared_ptr<CallGate> gate;
};

// Reads the certificates, keys and the audit log's file and builds the
// server's transport and gate for listening on `listen`. INVALID_ARGUMENT
// naming the flag when something cannot be read or does not fit.
absl::StatusOr<ServerSecurity> MakeServerSecurity(const SecurityConfig& config,
                                                  absl::string_view listen);

}  // namespace kam::common
