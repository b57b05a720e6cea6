// Database connections over TLS (docs/security.md, "Database connections").
// The secured suite's MariaDB offers TLS with the dev PKI's
// server/mariadb.pem, and its services connect with --db_tls_ca_file. What
// the server sees decides: a user altered to REQUIRE SSL (or REQUIRE X509)
// cannot log in any other way, so a service serving calls as that user
// connects over TLS. A CA that did not sign the server's certificate, or a
// server without TLS, stops the service (and its migration Job) at start-up
// with a message naming the flag.
#include <cppconn/connection.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/db/mysql_pool.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "kam/account/v1/account.grpc.pb.h"
#include "tests/harness/api_test_util.h"
#include "tests/harness/child_process.h"
#include "tests/harness/suite_environment.h"

namespace kam::testing {
namespace {

namespace av1 = ::kam::account::v1;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A kam-account process of one test, beside the suite's: its own port and
// log, the suite's secured flags (TLS, tokens, --db_tls_ca_file) and then
// `flags`, which win.
class AccountRun {
 public:
  AccountRun(const std::string& name, int db_port, const std::vector<std::string>& flags)
      : address_(absl::StrCat("127.0.0.1:", PickFreePort())),
        log_path_(absl::StrCat(Suite().data_dir(), "/db-tls-", name, ".log")) {
    ServiceProcess::Options options;
    options.binary = absl::StrCat(BuildDir(), "/services/account/kam-account");
    options.args = Suite().security()->ServiceFlags("account", Suite().data_dir());
    options.args.push_back(absl::StrCat("--listen=", address_));
    options.args.push_back("--db_host=127.0.0.1");
    options.args.push_back(absl::StrCat("--db_port=", db_port));
    options.args.insert(options.args.end(), flags.begin(), flags.end());
    options.env["KAM_ACCOUNT_DB_PASSWORD"] = Suite().db_password("account");
    options.log_path = log_path_;
    absl::StatusOr<std::unique_ptr<ServiceProcess>> started = ServiceProcess::Start(options);
    EXPECT_TRUE(started.ok()) << started.status();
    if (started.ok()) process_ = *std::move(started);
  }

  absl::Status WaitForServing() {
    return process_->WaitForServing(address_, absl::Seconds(60), Suite().ca_file());
  }

  // How the process ended by itself ("exit code 2"); "still running" if it
  // had not within a minute.
  std::string WaitForExit() {
    if (!PollUntil([this] { return !process_->Running(); }, absl::Minutes(1))) {
      return "still running";
    }
    absl::StatusOr<int> status = process_->Stop();
    return status.ok() ? DescribeWaitStatus(*status) : status.status().ToString();
  }

  std::string Log() const { return ReadAll(log_path_); }

  std::unique_ptr<av1::AccountService::Stub> Accounts() const {
    return av1::AccountService::NewStub(
        grpc::CreateChannel(address_, ClientCredentials(Suite().ca_file())));
  }

 private:
  std::string address_;
  std::string log_path_;
  std::unique_ptr<ServiceProcess> process_;
};

// A start-up refusal says what is wrong with which flag, and nothing of the
// service's SQL or a crash.
void ExpectRefusal(AccountRun& run, const std::vector<std::string>& says) {
  EXPECT_EQ(run.WaitForExit(), "exit code 2");
  const std::string log = run.Log();
  for (const std::string& part : says) EXPECT_TRUE(absl::StrContains(log, part)) << part;
  for (const char* leak : {"SHOW ", "SELECT ", "terminate called", "Aborted"}) {
    EXPECT_FALSE(absl::StrContains(log, leak)) << leak << " in:\n" << log;
  }
}

class DbTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { common::InitMySqlDriver(); }
  void TearDown() override { Require("NONE"); }

  // ALTER USER kam_account ... REQUIRE `what` (SSL, X509, NONE).
  static void Require(const std::string& what) {
    const absl::Status altered = Suite().db().ExecuteAsRoot(
        absl::StrCat("ALTER USER 'kam_account'@'127.0.0.1' REQUIRE ", what, ";\n",
                     "ALTER USER 'kam_account'@'localhost' REQUIRE ", what, ";\n"));
    ASSERT_TRUE(altered.ok()) << altered;
  }

  // A connection as the account service's user, straight through the pool:
  // the session's cipher ("" in plaintext). TLS with `ca_file` unless empty.
  static absl::StatusOr<std::string> CipherOfADirectConnection(const std::string& ca_file) {
    common::DbOptions options;
    options.port = Suite().db().port();
    options.user = "kam_account";
    options.password = Suite().db_password("account");
    options.schema = "kam_account";
    options.tls.ca_file = ca_file;
    common::ConnectionPool pool(options);
    absl::StatusOr<std::unique_ptr<common::SqlConnection>> connection = pool.OpenDedicated();
    if (!connection.ok()) return connection.status();
    std::unique_ptr<sql::Statement> statement((*connection)->raw().createStatement());
    std::unique_ptr<sql::ResultSet> rows(
        statement->executeQuery("SHOW SESSION STATUS LIKE 'Ssl_cipher'"));
    return rows->next() ? std::string(rows->getString(2)) : "";
  }

  static std::string Pki(const std::string& file) {
    return absl::StrCat(Suite().security()->pki_dir, "/", file);
  }
};

TEST_F(DbTlsTest, AServiceWithTheCaConnectsOverTls) {
  Require("SSL");
  // The requirement holds: plaintext is refused, TLS is let in.
  EXPECT_FALSE(CipherOfADirectConnection("").ok());
  absl::StatusOr<std::string> cipher = CipherOfADirectConnection(Suite().ca_file());
  ASSERT_TRUE(cipher.ok()) << cipher.status();
  EXPECT_NE(*cipher, "");

  // The migration Job and the service, as that user.
  AccountRun migrate("migrate", Suite().db().port(), {"--migrate_only"});
  EXPECT_EQ(migrate.WaitForExit(), "exit code 0") << migrate.Log();
  AccountRun service("serve", Suite().db().port(), {});
  ASSERT_TRUE(service.WaitForServing().ok()) << service.Log();
  // Info lines reach the log when the service's log flusher runs.
  EXPECT_TRUE(
      PollUntil([&] { return absl::StrContains(service.Log(), "database connections use TLS"); },
                absl::Seconds(10), absl::Milliseconds(100)));
  av1::CreateAccountRequest create;
  create.mutable_account()->set_display_name(Unique("over-tls"));
  av1::Account account;
  ASSERT_OK(service.Accounts()->CreateAccount(TokenContext(Suite().token("admin")).get(), create,
                                              &account));
  av1::GetAccountRequest get;
  get.set_name(account.name());
  av1::Account read;
  ASSERT_OK(service.Accounts()->GetAccount(TokenContext(Suite().token("admin")).get(), get, &read));
  EXPECT_EQ(read.display_name(), create.account().display_name());
}

TEST_F(DbTlsTest, AClientCertificateLetsInAUserThatRequiresOne) {
  Require("X509");
  EXPECT_FALSE(CipherOfADirectConnection(Suite().ca_file()).ok());
  AccountRun service("x509", Suite().db().port(),
                     {"--db_tls_cert_file=" + Pki("client/account.pem"),
                      "--db_tls_key_file=" + Pki("client/account.key")});
  ASSERT_TRUE(service.WaitForServing().ok()) << service.Log();
}

TEST_F(DbTlsTest, ACaThatDidNotSignTheServersCertificateStopsTheStart) {
  // Another dev PKI: a CA of its own.
  const std::string other = absl::StrCat(Suite().data_dir(), "/other-pki");
  ASSERT_EQ(std::system(absl::StrCat("bash '", KAM_SOURCE_DIR, "/deploy/pki/make-dev-pki.sh' '",
                                     other, "' 2>/dev/null")
                            .c_str()),
            0);
  for (const bool migrate_only : {false, true}) {
    SCOPED_TRACE(migrate_only ? "the migration Job" : "the service");
    AccountRun run(
        "other-ca", Suite().db().port(),
        {"--db_tls_ca_file=" + other + "/ca.pem", absl::StrCat("--migrate_only=", migrate_only)});
    ExpectRefusal(run, {"--db_tls_ca_file=" + other + "/ca.pem",
                        "no TLS connection to the database at 127.0.0.1:", "certificate"});
  }
}

TEST_F(DbTlsTest, AServerWithoutTlsStopsTheStart) {
  // A second MariaDB as the harness starts it by default: no TLS.
  absl::StatusOr<std::unique_ptr<MariaDbServer>> plain = MariaDbServer::Start({});
  ASSERT_TRUE(plain.ok()) << plain.status();
  ASSERT_TRUE(
      (*plain)
          ->CreateServiceDatabase("kam_account", "kam_account", Suite().db_password("account"))
          .ok());
  // With the host check libmariadb refuses; without it the service's own
  // check of the session's cipher does.
  struct Case {
    const char* verify_host;
    const char* says;
  };
  for (const Case& c : {Case{"true", "SSL is required, but the server does not support it"},
                        Case{"false", "the server does not offer TLS"}}) {
    SCOPED_TRACE(c.verify_host);
    AccountRun run(absl::StrCat("plain-", c.verify_host), (*plain)->port(),
                   {absl::StrCat("--db_tls_verify_host=", c.verify_host)});
    ExpectRefusal(run, {"--db_tls_ca_file=" + Suite().ca_file(), c.says});
  }
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) {
  kam::testing::LocalSuite::Options options;
  options.secured = true;
  return kam::testing::RunTestsOnSuite(argc, argv, options);
}
