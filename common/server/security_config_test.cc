// The flags of issue 11: defaults (everything off), what they turn on, and
// the start-up errors that name the flag.
#include "common/server/security_config.h"

#include <string>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "common/auth/auth_testing.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

ABSL_DECLARE_FLAG(std::string, auth_key_files);
ABSL_DECLARE_FLAG(std::string, auth_issuer);
ABSL_DECLARE_FLAG(std::string, audit_log);
ABSL_DECLARE_FLAG(std::string, rate_limits);
ABSL_DECLARE_FLAG(bool, plaintext_behind_mesh);

namespace kam::common {
namespace {

using ::testing::HasSubstr;

class SecurityConfigTest : public testing::Test {
 protected:
  absl::FlagSaver saver_;  // every test starts from the defaults
  auth::testing::TempDir dir_;
};

TEST_F(SecurityConfigTest, EverythingIsOffByDefault) {
  absl::StatusOr<SecurityConfig> config = ReadSecurityFlags("KAM_ACCOUNT");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_TRUE(config->key_files.empty());
  EXPECT_EQ(config->audience, "kam-account");
  EXPECT_EQ(config->audit_log, "");
  EXPECT_FALSE(config->dependencies.tls.enabled());
  absl::StatusOr<ServerSecurity> security = MakeServerSecurity(*config, "127.0.0.1:50051");
  ASSERT_TRUE(security.ok()) << security.status();
  EXPECT_EQ(security->transport.mode, "plaintext loopback");
  EXPECT_FALSE(security->gate->tokens_required());
  EXPECT_FALSE(security->gate->audits());
  EXPECT_FALSE(MakeServerSecurity(*config, "0.0.0.0:50051").ok());
  absl::SetFlag(&FLAGS_plaintext_behind_mesh, true);
  config = ReadSecurityFlags("KAM_ACCOUNT");
  EXPECT_EQ(MakeServerSecurity(*config, "0.0.0.0:50051")->transport.mode, "plaintext behind mesh");
}

TEST_F(SecurityConfigTest, KeyFilesTurnTokensAndTheAuditOn) {
  const std::string pem =
      dir_.Write("signing.pem", auth::PublicKeyPem(auth::testing::NewEcKey().get()));
  absl::SetFlag(&FLAGS_auth_key_files, pem);
  EXPECT_THAT(ReadSecurityFlags("KAM_SCORING").status().message(),
              HasSubstr("--auth_key_files needs --auth_issuer"));
  absl::SetFlag(&FLAGS_auth_issuer, "kam-local");
  absl::StatusOr<SecurityConfig> config = ReadSecurityFlags("KAM_SCORING");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->audience, "kam-scoring");
  EXPECT_EQ(config->audit_log, "-");  // auto: standard output when tokens are on
  absl::StatusOr<ServerSecurity> security = MakeServerSecurity(*config, "127.0.0.1:0");
  ASSERT_TRUE(security.ok()) << security.status();
  EXPECT_TRUE(security->gate->tokens_required());
  EXPECT_TRUE(security->gate->audits());

  absl::SetFlag(&FLAGS_audit_log, "off");
  EXPECT_EQ(ReadSecurityFlags("KAM_SCORING")->audit_log, "");
  absl::SetFlag(&FLAGS_audit_log, dir_.path() + "/no/such/folder/audit.log");
  EXPECT_THAT(
      MakeServerSecurity(*ReadSecurityFlags("KAM_SCORING"), "127.0.0.1:0").status().message(),
      HasSubstr("--audit_log"));
  absl::SetFlag(&FLAGS_auth_key_files, dir_.path() + "/missing.pem");
  EXPECT_THAT(
      MakeServerSecurity(*ReadSecurityFlags("KAM_SCORING"), "127.0.0.1:0").status().message(),
      HasSubstr("--auth_key_files"));
}

TEST_F(SecurityConfigTest, KeyFilesAreJwksByTheirEnding) {
  const std::vector<auth::KeyFile> files = ParseKeyFiles(" a/jwks.json, b/old.pem,,c.pem ");
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[0].format, auth::KeyFile::Format::kJwks);
  EXPECT_EQ(files[0].path, "a/jwks.json");
  EXPECT_EQ(files[1].format, auth::KeyFile::Format::kPem);
  EXPECT_EQ(files[2].path, "c.pem");
}

TEST_F(SecurityConfigTest, RateLimitsNameTheFlag) {
  absl::SetFlag(&FLAGS_rate_limits, "analyst=lots");
  EXPECT_THAT(ReadSecurityFlags("KAM_ACCOUNT").status().message(),
              HasSubstr("--rate_limits: analyst"));
  absl::SetFlag(&FLAGS_rate_limits, "analyst=5/10");
  EXPECT_EQ(ReadSecurityFlags("KAM_ACCOUNT")->rate_limits.Of(auth::kAnalyst).burst, 10);
}

TEST(RoleRateLimitsTest, EntriesReplaceTheirRolesDefaultsOnly) {
  RoleRateLimits limits = RoleRateLimits::Defaults();
  ASSERT_TRUE(limits.Apply("analyst=5/10, service:scoring=100/200,other=1").ok());
  EXPECT_EQ(limits.Of(auth::kAnalyst).per_second, 5);
  EXPECT_EQ(limits.Of(auth::kScoringService).burst, 200);
  EXPECT_EQ(limits.other.burst, 1);
  EXPECT_EQ(limits.Of(auth::kAdmin).per_second,
            RoleRateLimits::Defaults().Of(auth::kAdmin).per_second);
  EXPECT_TRUE(RoleRateLimits::Defaults().Of(auth::kInteractionService).unlimited());
  const absl::Status unknown = limits.Apply("root=1/1");
  EXPECT_EQ(unknown.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.message().find("unknown role \"root\""), absl::string_view::npos);
  EXPECT_FALSE(limits.Apply("admin").ok());
  EXPECT_FALSE(limits.Apply("admin=fast").ok());
}

}  // namespace
}  // namespace kam::common
