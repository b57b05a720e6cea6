// The server's transport modes and the dependency client's TLS, on real
// in-process servers with certificates made by deploy/pki/make-dev-pki.sh in
// a temporary folder: TLS, mutual TLS, the refusals, and a server certificate
// rotated on disk while calls keep succeeding.
#include "common/server/transport.h"

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/auth/auth_testing.h"
#include "common/server/service_methods.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "kam/account/v1/account.grpc.pb.h"

namespace kam::common {
namespace {

using account::v1::Account;
using account::v1::AccountService;
using account::v1::GetAccountRequest;
using ::testing::HasSubstr;

class Accounts {
 public:
  absl::Status GetAccount(const CallContext&, const GetAccountRequest& request, Account* response) {
    response->set_name(request.name());
    return absl::OkStatus();
  }
};

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs the dev PKI script into `folder`; 0 on success.
int MakeDevPki(const std::string& folder) {
  const std::string command =
      std::string("bash " KAM_SOURCE_DIR "/deploy/pki/make-dev-pki.sh ") + folder + " 2>/dev/null";
  return std::system(command.c_str());
}

TEST(IsLoopbackListenTest, OnlyLoopbackAddresses) {
  for (const char* listen : {"127.0.0.1:50051", "127.1.2.3:0", "[::1]:50051", "localhost:1"}) {
    EXPECT_TRUE(IsLoopbackListen(listen)) << listen;
  }
  for (const char* listen : {"0.0.0.0:50051", "[::]:50051", "10.0.0.7:50051", "kam-account:1",
                             "128.0.0.1:1", "127.0.0:1", "127.0.0.1.5:1", ":50051"}) {
    EXPECT_FALSE(IsLoopbackListen(listen)) << listen;
  }
}

TEST(ServerTransportTest, PlaintextOnlyOnLoopbackUnlessBehindAMesh) {
  EXPECT_EQ(MakeServerTransport("127.0.0.1:0", {})->mode, "plaintext loopback");
  const absl::StatusOr<ServerTransport> open = MakeServerTransport("0.0.0.0:50051", {});
  EXPECT_EQ(open.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(open.status().message(), HasSubstr("--plaintext_behind_mesh"));
  ServerTlsOptions mesh;
  mesh.plaintext_behind_mesh = true;
  EXPECT_EQ(MakeServerTransport("0.0.0.0:50051", mesh)->mode, "plaintext behind mesh");
}

class TlsTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new auth::testing::TempDir;
    ASSERT_EQ(MakeDevPki(Path("pki")), 0);
    ASSERT_EQ(MakeDevPki(Path("other")), 0);  // another CA
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::string Path(const std::string& name) { return dir_->path() + "/" + name; }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown();
  }

  // Starts a server on 127.0.0.1 with `tls`; its mode.
  std::string Serve(const ServerTlsOptions& tls) {
    absl::StatusOr<ServerTransport> transport = MakeServerTransport("127.0.0.1:0", tls);
    EXPECT_TRUE(transport.ok()) << transport.status();
    if (!transport.ok()) return "";
    GrpcServer::Options options;
    options.threads = 2;
    options.credentials = transport->credentials;
    options.transport_mode = transport->mode;
    server_ = std::make_unique<GrpcServer>(options);
    ServeMethods(*server_, &service_, &handler_, &Accounts::GetAccount);
    EXPECT_TRUE(server_->Start().ok());
    server_->MarkReady();
    return transport->mode;
  }

  static ServerTlsOptions ServerFiles(const std::string& pki, bool mutual) {
    ServerTlsOptions tls;
    tls.cert_file = Path(pki + "/server/account.pem");
    tls.key_file = Path(pki + "/server/account.key");
    if (mutual) tls.client_ca_file = Path(pki + "/ca.pem");
    tls.refresh_interval = absl::Seconds(1);
    return tls;
  }

  static ClientTlsOptions ClientFiles(const std::string& ca_pki, const std::string& cert_pki) {
    ClientTlsOptions tls;
    tls.ca_file = Path(ca_pki + "/ca.pem");
    if (!cert_pki.empty()) {
      tls.cert_file = Path(cert_pki + "/client/scoring.pem");
      tls.key_file = Path(cert_pki + "/client/scoring.key");
    }
    tls.refresh_interval = absl::Seconds(1);
    return tls;
  }

  // GetAccount over a new connection with `credentials` (a channel of its
  // own: gRPC otherwise shares connections between channels to the same
  // address); the status, and the server certificate it saw (PEM) in
  // `peer_cert`.
  grpc::Status Call(const std::shared_ptr<grpc::ChannelCredentials>& credentials,
                    std::string* peer_cert = nullptr) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    auto channel =
        grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", server_->port()), credentials, args);
    return CallOn(*channel, peer_cert);
  }
  grpc::Status CallOn(grpc::Channel& channel, std::string* peer_cert = nullptr) {
    auto stub = AccountService::NewStub(std::shared_ptr<grpc::Channel>(&channel, [](auto*) {}));
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    GetAccountRequest request;
    request.set_name("accounts/1");
    Account account;
    const grpc::Status status = stub->GetAccount(&context, request, &account);
    if (peer_cert != nullptr && status.ok()) {
      const auto values = context.auth_context()->FindPropertyValues("x509_pem_cert");
      *peer_cert = values.empty() ? "" : std::string(values[0].data(), values[0].size());
    }
    return status;
  }

  static auth::testing::TempDir* dir_;
  Accounts handler_;
  AccountService::Service service_;
  std::unique_ptr<GrpcServer> server_;
};

auth::testing::TempDir* TlsTest::dir_ = nullptr;

TEST_F(TlsTest, RefusesIncompleteOrMismatchedFiles) {
  ServerTlsOptions tls = ServerFiles("pki", false);
  tls.key_file.clear();
  EXPECT_THAT(MakeServerTransport("127.0.0.1:0", tls).status().message(),
              HasSubstr("--tls_cert_file and --tls_key_file go together"));
  tls = ServerFiles("pki", false);
  tls.key_file = Path("pki/server/interaction.key");
  EXPECT_THAT(MakeServerTransport("127.0.0.1:0", tls).status().message(),
              HasSubstr("is not the key of"));
  tls = ServerFiles("pki", true);
  tls.client_ca_file = Path("pki/missing.pem");
  EXPECT_THAT(MakeServerTransport("127.0.0.1:0", tls).status().message(),
              HasSubstr("--tls_client_ca_file=" + Path("pki/missing.pem") + ": cannot be read"));
  ClientTlsOptions client;
  client.cert_file = Path("pki/client/scoring.pem");
  client.key_file = Path("pki/client/scoring.key");
  EXPECT_EQ(MakeChannelCredentials(client).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(TlsTest, ServesTlsToClientsThatTrustItsCa) {
  ASSERT_EQ(Serve(ServerFiles("pki", false)), "tls");
  std::string peer_cert;
  EXPECT_TRUE(Call(*MakeChannelCredentials(ClientFiles("pki", "")), &peer_cert).ok());
  EXPECT_EQ(absl::StripAsciiWhitespace(peer_cert),
            absl::StripAsciiWhitespace(ReadText(Path("pki/server/account.pem"))));
  EXPECT_FALSE(Call(grpc::InsecureChannelCredentials()).ok());
  EXPECT_FALSE(Call(*MakeChannelCredentials(ClientFiles("other", ""))).ok());
}

TEST_F(TlsTest, MutualTlsRequiresAClientCertificateItsCaSigned) {
  ASSERT_EQ(Serve(ServerFiles("pki", true)), "mtls");
  EXPECT_TRUE(Call(*MakeChannelCredentials(ClientFiles("pki", "pki"))).ok());
  EXPECT_FALSE(Call(*MakeChannelCredentials(ClientFiles("pki", ""))).ok());
  EXPECT_FALSE(Call(*MakeChannelCredentials(ClientFiles("pki", "other"))).ok());
  EXPECT_FALSE(Call(grpc::InsecureChannelCredentials()).ok());
}

// The certificate is re-issued (same key, new serial) and renamed into place
// while a client keeps calling on one channel and on new channels: no call
// fails, and new connections get the new certificate without a restart.
TEST_F(TlsTest, ACertificateRotatedOnDiskIsServedWhileCallsKeepSucceeding) {
  namespace fs = std::filesystem;
  const std::string live = Path("live");
  fs::create_directories(live);
  fs::copy_file(Path("pki/server/account.pem"), live + "/server.pem");
  fs::copy_file(Path("pki/server/account.key"), live + "/server.key");
  ServerTlsOptions tls = ServerFiles("pki", true);
  tls.cert_file = live + "/server.pem";
  tls.key_file = live + "/server.key";
  ASSERT_EQ(Serve(tls), "mtls");
  const std::shared_ptr<grpc::ChannelCredentials> credentials =
      *MakeChannelCredentials(ClientFiles("pki", "pki"));
  const std::string old_cert = ReadText(live + "/server.pem");

  std::atomic<bool> stop{false};
  std::atomic<int> calls{0};
  std::atomic<int> failures{0};
  std::thread load([&] {
    auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()), credentials);
    for (int i = 0; !stop.load(); ++i) {
      const grpc::Status status = i % 10 == 0 ? Call(credentials) : CallOn(*channel);
      ++calls;
      if (!status.ok()) ++failures;
    }
  });

  absl::SleepFor(absl::Milliseconds(300));
  fs::remove(Path("pki/server/account.pem"));
  ASSERT_EQ(MakeDevPki(Path("pki")), 0);  // a new certificate for the same key
  const std::string new_cert = ReadText(Path("pki/server/account.pem"));
  ASSERT_NE(new_cert, old_cert);
  fs::copy_file(Path("pki/server/account.pem"), live + "/server.pem.new");
  fs::rename(live + "/server.pem.new", live + "/server.pem");

  std::string served;
  const absl::Time limit = absl::Now() + absl::Seconds(15);
  while (absl::Now() < limit) {
    ASSERT_TRUE(Call(credentials, &served).ok());
    if (absl::StripAsciiWhitespace(served) == absl::StripAsciiWhitespace(new_cert)) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  absl::SleepFor(absl::Milliseconds(300));
  stop = true;
  load.join();
  EXPECT_EQ(absl::StripAsciiWhitespace(served), absl::StripAsciiWhitespace(new_cert));
  EXPECT_GT(calls.load(), 20);
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace kam::common
