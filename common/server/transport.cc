#include "common/server/transport.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "grpcpp/security/tls_certificate_provider.h"
#include "grpcpp/security/tls_credentials_options.h"

namespace kam::common {
namespace {

using grpc::experimental::FileWatcherCertificateProvider;

absl::Status FileError(absl::string_view flag, absl::string_view path, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("--", flag, "=", path, ": ", what));
}

absl::StatusOr<std::string> ReadFile(absl::string_view flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return FileError(flag, path, "cannot be read");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;
BioPtr MemoryBio(const std::string& text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())), BIO_free);
}

// The certificates of a PEM file (the first one, or nullptr when none).
std::unique_ptr<X509, decltype(&X509_free)> FirstCertificate(const std::string& pem) {
  BioPtr bio = MemoryBio(pem);
  return {PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free};
}

// Checks, at start-up, what gRPC's provider would otherwise only log on each
// failed handshake: the files exist, parse, and the key is the certificate's.
absl::Status CheckKeyPair(absl::string_view cert_flag, const std::string& cert_file,
                          absl::string_view key_flag, const std::string& key_file) {
  absl::StatusOr<std::string> cert_pem = ReadFile(cert_flag, cert_file);
  if (!cert_pem.ok()) return cert_pem.status();
  absl::StatusOr<std::string> key_pem = ReadFile(key_flag, key_file);
  if (!key_pem.ok()) return key_pem.status();
  auto cert = FirstCertificate(*cert_pem);
  if (cert == nullptr) return FileError(cert_flag, cert_file, "holds no PEM certificate");
  BioPtr bio = MemoryBio(*key_pem);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
  if (key == nullptr) return FileError(key_flag, key_file, "holds no unencrypted PEM private key");
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    return FileError(key_flag, key_file, absl::StrCat("is not the key of ", cert_file));
  }
  return absl::OkStatus();
}

absl::Status CheckCa(absl::string_view flag, const std::string& path) {
  absl::StatusOr<std::string> pem = ReadFile(flag, path);
  if (!pem.ok()) return pem.status();
  if (FirstCertificate(*pem) == nullptr) return FileError(flag, path, "holds no PEM certificate");
  return absl::OkStatus();
}

unsigned int RefreshSeconds(absl::Duration interval) {
  return static_cast<unsigned int>(std::max<int64_t>(1, absl::ToInt64Seconds(interval)));
}

}  // namespace

bool IsLoopbackListen(absl::string_view listen) {
  const size_t colon = listen.rfind(':');
  absl::string_view host = listen.substr(0, colon == absl::string_view::npos ? 0 : colon);
  if (absl::ConsumePrefix(&host, "[")) absl::ConsumeSuffix(&host, "]");
  if (host == "::1" || absl::EqualsIgnoreCase(host, "localhost")) return true;
  // 127.0.0.0/8: four decimal octets, the first 127.
  int octets = 0;
  for (absl::string_view part : absl::StrSplit(host, '.')) {
    int value = 0;
    if (!absl::SimpleAtoi(part, &value) || value < 0 || value > 255) return false;
    if (octets == 0 && value != 127) return false;
    ++octets;
  }
  return octets == 4;
}

absl::StatusOr<ServerTransport> MakeServerTransport(absl::string_view listen,
                                                    const ServerTlsOptions& options) {
  ServerTransport transport;
  if (options.cert_file.empty() != options.key_file.empty()) {
    return absl::InvalidArgumentError("--tls_cert_file and --tls_key_file go together");
  }
  if (options.cert_file.empty()) {
    if (!options.client_ca_file.empty()) {
      return absl::InvalidArgumentError(
          "--tls_client_ca_file needs --tls_cert_file and --tls_key_file");
    }
    if (IsLoopbackListen(listen)) {
      transport.mode = "plaintext loopback";
    } else if (options.plaintext_behind_mesh) {
      transport.mode = "plaintext behind mesh";
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "--listen=", listen,
          " is not a loopback address, so calls would cross the network in plaintext: give "
          "--tls_cert_file and --tls_key_file, or --plaintext_behind_mesh when a service mesh "
          "provides mutual TLS in front of this process"));
    }
    transport.credentials = grpc::InsecureServerCredentials();
    return transport;
  }
  if (absl::Status pair =
          CheckKeyPair("tls_cert_file", options.cert_file, "tls_key_file", options.key_file);
      !pair.ok()) {
    return pair;
  }
  const bool mutual = !options.client_ca_file.empty();
  if (mutual) {
    if (absl::Status ca = CheckCa("tls_client_ca_file", options.client_ca_file); !ca.ok()) {
      return ca;
    }
  }
  auto provider = std::make_shared<FileWatcherCertificateProvider>(
      options.key_file, options.cert_file, options.client_ca_file,
      RefreshSeconds(options.refresh_interval));
  grpc::experimental::TlsServerCredentialsOptions tls(provider);
  tls.watch_identity_key_cert_pairs();
  if (mutual) {
    tls.watch_root_certs();
    tls.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  } else {
    tls.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  }
  transport.credentials = grpc::experimental::TlsServerCredentials(tls);
  transport.mode = mutual ? "mtls" : "tls";
  return transport;
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeChannelCredentials(
    const ClientTlsOptions& options) {
  if (options.cert_file.empty() != options.key_file.empty()) {
    return absl::InvalidArgumentError(
        "--dependency_cert_file and --dependency_key_file go together");
  }
  if (!options.enabled()) {
    if (!options.cert_file.empty()) {
      return absl::InvalidArgumentError(
          "--dependency_cert_file needs --dependency_ca_file (the servers' CA)");
    }
    return grpc::InsecureChannelCredentials();
  }
  if (absl::Status ca = CheckCa("dependency_ca_file", options.ca_file); !ca.ok()) return ca;
  const bool mutual = !options.cert_file.empty();
  if (mutual) {
    if (absl::Status pair = CheckKeyPair("dependency_cert_file", options.cert_file,
                                         "dependency_key_file", options.key_file);
        !pair.ok()) {
      return pair;
    }
  }
  auto provider = std::make_shared<FileWatcherCertificateProvider>(
      options.key_file, options.cert_file, options.ca_file,
      RefreshSeconds(options.refresh_interval));
  grpc::experimental::TlsChannelCredentialsOptions tls;
  tls.set_certificate_provider(provider);
  tls.watch_root_certs();
  if (mutual) tls.watch_identity_key_cert_pairs();
  tls.set_verify_server_certs(true);
  return grpc::experimental::TlsCredentials(tls);
}

}  // namespace kam::common
