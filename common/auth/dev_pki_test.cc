// Runs deploy/pki/make-dev-pki.sh into a temporary folder and checks that what
// it makes works with common/auth and with TLS: the JWKS and the signing key
// make tokens the verifier accepts, the certificates chain to the CA and name
// what the services and their clients will be reached as.
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "common/auth/auth_testing.h"
#include "common/auth/token_signer.h"
#include "common/auth/token_verifier.h"
#include "gtest/gtest.h"

namespace kam::auth {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;

X509Ptr Certificate(const std::string& path) {
  const std::string pem = ReadFile(path);
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509Ptr cert(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr), X509_free);
  BIO_free(bio);
  return cert;
}

bool SignedBy(X509* cert, X509* ca) {
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, ca);
  X509_STORE_CTX* context = X509_STORE_CTX_new();
  X509_STORE_CTX_init(context, store, cert, nullptr);
  const bool ok = X509_verify_cert(context) == 1;
  X509_STORE_CTX_free(context);
  X509_STORE_free(store);
  return ok;
}

class DevPkiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir;
    ASSERT_EQ(Run(), 0);
  }
  static void TearDownTestSuite() { delete dir_; }

  static int Run() {
    const std::string command = std::string("bash " KAM_SOURCE_DIR "/deploy/pki/make-dev-pki.sh ") +
                                dir_->path() + " 2>/dev/null";
    return std::system(command.c_str());
  }
  static std::string Path(const std::string& name) { return dir_->path() + "/" + name; }

  static testing::TempDir* dir_;
};

testing::TempDir* DevPkiTest::dir_ = nullptr;

TEST_F(DevPkiTest, SigningKeyAndJwksMakeTokensTheVerifierAccepts) {
  TokenVerifierOptions options;
  options.issuer = "kam-local";
  options.audience = "kam-account";
  absl::StatusOr<std::unique_ptr<KeyRing>> ring =
      KeyRing::Load({KeyFile::Jwks(Path("tokens/jwks.json")),
                     KeyFile::Pem(Path("tokens/signing.pub.pem"), "signing-pem")});
  ASSERT_TRUE(ring.ok()) << ring.status();
  auto verifier = *TokenVerifier::Create(options, *std::move(ring));

  for (const char* kid : {"signing", "signing-pem"}) {
    absl::StatusOr<TokenSigner> signer = TokenSigner::FromPemFile(Path("tokens/signing.key"), kid);
    ASSERT_TRUE(signer.ok()) << signer.status();
    TokenClaims claims{"kam-local",
                       {"kam-account"},
                       "alice",
                       {"admin"},
                       "",
                       absl::Now(),
                       absl::Now() + absl::Minutes(1)};
    absl::StatusOr<Principal> principal = verifier->Verify(*signer->Sign(claims));
    ASSERT_TRUE(principal.ok()) << kid << ": " << principal.status();
    EXPECT_EQ(principal->subject, "alice");
  }
}

TEST_F(DevPkiTest, CertificatesChainToTheCaAndNameTheServices) {
  X509Ptr ca = Certificate(Path("ca.pem"));
  ASSERT_NE(ca, nullptr);
  for (const char* service : {"account", "interaction", "scoring"}) {
    SCOPED_TRACE(service);
    X509Ptr server = Certificate(Path(std::string("server/") + service + ".pem"));
    ASSERT_NE(server, nullptr);
    EXPECT_TRUE(SignedBy(server.get(), ca.get()));
    EXPECT_EQ(X509_check_purpose(server.get(), X509_PURPOSE_SSL_SERVER, 0), 1);
    EXPECT_EQ(X509_check_ip_asc(server.get(), "127.0.0.1", 0), 1);
    const std::string name = std::string("kam-") + service;
    for (const std::string& host :
         {std::string("localhost"), name, name + ".kam.svc", name + ".kam.svc.cluster.local"}) {
      EXPECT_EQ(X509_check_host(server.get(), host.c_str(), host.size(), 0, nullptr), 1) << host;
    }
    EXPECT_EQ(X509_check_host(server.get(), "example.com", 0, 0, nullptr), 0);

    X509Ptr client = Certificate(Path(std::string("client/") + service + ".pem"));
    ASSERT_NE(client, nullptr);
    EXPECT_TRUE(SignedBy(client.get(), ca.get()));
    EXPECT_EQ(X509_check_purpose(client.get(), X509_PURPOSE_SSL_CLIENT, 0), 1);
    EXPECT_EQ(X509_check_purpose(client.get(), X509_PURPOSE_SSL_SERVER, 0), 0);
  }
}

TEST_F(DevPkiTest, RunningAgainChangesNothingAndRemakesWhatIsMissing) {
  const char* files[] = {"ca.pem",
                         "ca.key",
                         "server/account.pem",
                         "server/account.key",
                         "client/scoring.pem",
                         "tokens/signing.key",
                         "tokens/jwks.json"};
  std::map<std::string, std::string> before;
  for (const char* file : files) before[file] = ReadFile(Path(file));
  ASSERT_EQ(Run(), 0);
  for (const char* file : files) EXPECT_EQ(ReadFile(Path(file)), before[file]) << file;

  std::remove(Path("server/account.pem").c_str());
  ASSERT_EQ(Run(), 0);
  X509Ptr remade = Certificate(Path("server/account.pem"));
  ASSERT_NE(remade, nullptr);
  EXPECT_NE(ReadFile(Path("server/account.pem")), before["server/account.pem"]);
  EXPECT_EQ(ReadFile(Path("server/account.key")), before["server/account.key"]);
  EXPECT_TRUE(SignedBy(remade.get(), Certificate(Path("ca.pem")).get()));
}

}  // namespace
}  // namespace kam::auth
