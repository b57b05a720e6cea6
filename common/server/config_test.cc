// Settings as a deployment gives them: environment variables
// (KAM_<SERVICE>_DB_TLS_*, KAM_<SERVICE>_MAX_CONNECTION_AGE*,
// KAM_<SERVICE>_METRICS_LISTEN) read by
// LoadServiceConfig, and the start-up errors that name the flag; and what the
// connection age does to a server's clients.
#include "common/server/config.h"

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "absl/flags/reflection.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/server/grpc_server.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"

namespace kam::common {
namespace {

const ServiceDefaults kDefaults = {.env_prefix = "KAM_CONFIGTEST",
                                   .listen = "127.0.0.1:50051",
                                   .db_name = "kam_configtest",
                                   .db_user = "kam_configtest"};

class DbTlsConfigTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir();
    ca_ = Write("ca.pem");
    cert_ = Write("client.pem");
    key_ = Write("client.key");
  }
  void TearDown() override { ClearEnv(); }

  void ClearEnv() {
    for (const std::string& name : set_) unsetenv(name.c_str());
    set_.clear();
  }

  // Sets KAM_CONFIGTEST_<FLAG> for this test.
  void Env(const std::string& flag, const std::string& value) {
    std::string name = absl::StrCat("KAM_CONFIGTEST_", flag);
    for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    setenv(name.c_str(), value.c_str(), 1);
    set_.push_back(name);
  }

  // The configuration of a service started with no flags, only the
  // environment of the test.
  absl::StatusOr<ServiceConfig> Load() {
    char program[] = "kam-configtest";
    char* argv[] = {program, nullptr};
    return LoadServiceConfig(kDefaults, 1, argv);
  }

  std::string Write(const std::string& name) {
    const std::string path = absl::StrCat(dir_, "/db-tls-", name);
    std::ofstream(path) << "-----BEGIN CERTIFICATE-----\n";
    return path;
  }

  absl::FlagSaver saver_;  // every test starts from the defaults
  std::string dir_;
  std::string ca_, cert_, key_;
  std::vector<std::string> set_;
};

TEST_F(DbTlsConfigTest, OffUnlessACaIsGiven) {
  absl::StatusOr<ServiceConfig> config = Load();
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_FALSE(config->db.tls.enabled());
  EXPECT_TRUE(config->db.tls.verify_host);
}

TEST_F(DbTlsConfigTest, TheEnvironmentTurnsItOn) {
  Env("db_tls_ca_file", ca_);
  Env("db_tls_cert_file", cert_);
  Env("db_tls_key_file", key_);
  Env("db_tls_verify_host", "false");
  absl::StatusOr<ServiceConfig> config = Load();
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_TRUE(config->db.tls.enabled());
  EXPECT_EQ(config->db.tls.ca_file, ca_);
  EXPECT_EQ(config->db.tls.cert_file, cert_);
  EXPECT_EQ(config->db.tls.key_file, key_);
  EXPECT_FALSE(config->db.tls.verify_host);
}

TEST_F(DbTlsConfigTest, MistakesNameTheFlag) {
  struct Case {
    std::vector<std::pair<std::string, std::string>> env;
    std::string error;
  };
  const std::string missing = dir_ + "/no-such.pem";
  const std::vector<Case> cases = {
      {{{"db_tls_ca_file", missing}}, "--db_tls_ca_file=" + missing + ": cannot be read"},
      {{{"db_tls_ca_file", ca_}, {"db_tls_cert_file", cert_}},
       "--db_tls_cert_file and --db_tls_key_file go together"},
      {{{"db_tls_ca_file", ca_}, {"db_tls_key_file", key_}},
       "--db_tls_cert_file and --db_tls_key_file go together"},
      {{{"db_tls_cert_file", cert_}, {"db_tls_key_file", key_}},
       "--db_tls_cert_file needs --db_tls_ca_file"},
      {{{"db_tls_ca_file", ca_}, {"db_tls_cert_file", cert_}, {"db_tls_key_file", missing}},
       "--db_tls_key_file=" + missing + ": cannot be read"},
      {{{"db_tls_verify_host", "maybe"}}, "KAM_CONFIGTEST_DB_TLS_VERIFY_HOST=\"maybe\""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.error);
    absl::FlagSaver saver;
    for (const auto& [flag, value] : c.env) Env(flag, value);
    absl::StatusOr<ServiceConfig> config = Load();
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StrContains(config.status().message(), c.error)) << config.status();
    ClearEnv();
  }
}

// The connection age that makes clients re-resolve (deploy/README.md, "Load
// spread"): off unless set, set from the environment like every flag.
using ConnectionAgeConfigTest = DbTlsConfigTest;

TEST_F(ConnectionAgeConfigTest, OffUnlessSet) {
  absl::StatusOr<ServiceConfig> config = Load();
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->max_connection_age, absl::ZeroDuration());
  EXPECT_EQ(config->max_connection_age_grace, absl::InfiniteDuration());

  Env("max_connection_age", "5m");
  Env("max_connection_age_grace", "2h15m");
  config = Load();
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->max_connection_age, absl::Minutes(5));
  EXPECT_EQ(config->max_connection_age_grace, absl::Minutes(135));
}

TEST_F(ConnectionAgeConfigTest, NegativeAgesAreRefused) {
  for (const std::string flag : {"max_connection_age", "max_connection_age_grace"}) {
    SCOPED_TRACE(flag);
    absl::FlagSaver saver;
    Env(flag, "-1s");
    absl::StatusOr<ServiceConfig> config = Load();
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StrContains(config.status().message(), "--" + flag + " must not be negative"))
        << config.status();
    ClearEnv();
  }
}

// The metrics endpoint (docs/metrics.md): off unless set; the manifests set
// it in the environment; a malformed address stops the start naming the flag.
using MetricsConfigTest = DbTlsConfigTest;

TEST_F(MetricsConfigTest, OffUnlessTheEnvironmentGivesAWellFormedAddress) {
  struct Case {
    const char* env;     // null: not set
    const char* listen;  // null: refused
  };
  for (const Case& c : {Case{nullptr, ""}, Case{"0.0.0.0:9464", "0.0.0.0:9464"},
                        Case{"127.0.0.1:0", "127.0.0.1:0"}, Case{"9464", nullptr}}) {
    SCOPED_TRACE(c.env == nullptr ? "unset" : c.env);
    absl::FlagSaver saver;
    if (c.env != nullptr) Env("metrics_listen", c.env);
    absl::StatusOr<ServiceConfig> config = Load();
    ClearEnv();
    if (c.listen == nullptr) {
      EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
      EXPECT_TRUE(absl::StrContains(config.status().message(), "--metrics_listen"));
    } else {
      ASSERT_TRUE(config.ok()) << config.status();
      EXPECT_EQ(config->metrics_listen, c.listen);
    }
  }
}

// A server with a max connection age sends its client GOAWAY: the channel
// leaves READY (to IDLE) by itself, and its next call dials again. The wait
// has a generous bound; it ends as soon as the state changes.
TEST(MaxConnectionAgeTest, TheServerClosesAnAgedConnection) {
  GrpcServer::Options options;
  options.threads = 1;
  options.max_connection_age = absl::Milliseconds(300);
  options.max_connection_age_grace = absl::Milliseconds(300);
  GrpcServer server(options);
  ASSERT_TRUE(server.Start().ok());
  std::shared_ptr<grpc::Channel> channel = grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", server.port()), grpc::InsecureChannelCredentials());
  ASSERT_TRUE(channel->WaitForConnected(absl::ToChronoTime(absl::Now() + absl::Seconds(10))));
  ASSERT_EQ(channel->GetState(false), GRPC_CHANNEL_READY);
  EXPECT_TRUE(channel->WaitForStateChange(GRPC_CHANNEL_READY,
                                          absl::ToChronoTime(absl::Now() + absl::Seconds(30))));
  EXPECT_NE(channel->GetState(false), GRPC_CHANNEL_READY);
  server.Shutdown();
}

}  // namespace
}  // namespace kam::common
