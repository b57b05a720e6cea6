// How a service's gRPC traffic is protected on the wire: the server's
// listening credentials and the credentials of its calls to other services.
//
// Server modes (said in the start-up log line):
//   "tls"                    a certificate and key are given: TLS; callers
//                            check the server's certificate
//   "mtls"                   and a client CA too: mutual TLS; a caller
//                            without a certificate that CA signed cannot
//                            connect
//   "plaintext loopback"     no certificate, and the listen address is
//                            loopback: only processes of this host can call
//   "plaintext behind mesh"  no certificate on a non-loopback address,
//                            allowed only by --plaintext_behind_mesh: a
//                            service mesh's sidecar terminates mutual TLS
//                            in front of the process (callers are still
//                            identified by their tokens)
// Plaintext on any other address is a start-up error.
//
// Certificates, keys and CA bundles are re-read when they change on disk
// (gRPC's FileWatcherCertificateProvider checks every `refresh_interval`):
// new connections use the new files, open connections keep theirs. Replace
// a key and its certificate together (write both into a new folder and swap
// a symlink to it, or rename each file into place when only the certificate
// changes), or new handshakes may briefly pair a new certificate with the
// old key.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"

namespace kam::common {

struct ServerTlsOptions {
  std::string cert_file;       // PEM certificate chain, leaf first
  std::string key_file;        // its PEM private key
  std::string client_ca_file;  // PEM CA bundle: when set, clients must present a certificate
  bool plaintext_behind_mesh = false;
  absl::Duration refresh_interval = absl::Seconds(60);
};

struct ServerTransport {
  std::shared_ptr<grpc::ServerCredentials> credentials;
  std::string mode;  // see the top of this file
};

// Whether `listen` ("host:port") binds only the loopback interface:
// 127.0.0.0/8, [::1] or localhost.
bool IsLoopbackListen(absl::string_view listen);

// The credentials to listen on `listen` with. INVALID_ARGUMENT naming the
// flag when a certificate is given without its key (or the other way round),
// a file cannot be read or parsed, the key does not match the certificate,
// or plaintext is asked for on a non-loopback address without
// plaintext_behind_mesh.
absl::StatusOr<ServerTransport> MakeServerTransport(absl::string_view listen,
                                                    const ServerTlsOptions& options);

struct ClientTlsOptions {
  std::string ca_file;    // PEM CA bundle the servers' certificates must chain to; empty: plaintext
  std::string cert_file;  // the client's own certificate (mutual TLS), with key_file
  std::string key_file;
  absl::Duration refresh_interval = absl::Seconds(60);

  bool enabled() const { return !ca_file.empty(); }
};

// Plaintext credentials when `options` is not enabled; TLS checking the
// server's certificate and name otherwise, presenting a client certificate
// when one is given. Errors as for MakeServerTransport.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeChannelCredentials(
    const ClientTlsOptions& options);

}  // namespace kam::common
