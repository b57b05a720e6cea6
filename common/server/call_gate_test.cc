// The call gate on a real in-process gRPC server (127.0.0.1, plaintext): every
// refusal with its code and reason and the handler never run, the actor and
// grant a handler sees, on-behalf-of from services only, the audit log of
// writes, rate limits with their retry hint, stream caps, the inter-service
// client's token and forwarding, and request ids and trace context: read,
// made when absent, returned and forwarded.
#include "common/server/call_gate.h"

#include <atomic>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "common/auth/access_table.h"
#include "common/auth/auth_testing.h"
#include "common/auth/token_signer.h"
#include "common/base/log.h"
#include "common/client/rpc_client.h"
#include "common/server/service_methods.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "kam/account/v1/account.grpc.pb.h"
#include "nlohmann/json.hpp"

namespace kam::common {
namespace {

using account::v1::Account;
using account::v1::AccountExportService;
using account::v1::AccountService;
using account::v1::CreateAccountRequest;
using account::v1::DeleteAccountRequest;
using account::v1::ExportAccountsRequest;
using account::v1::ExportAccountsResponse;
using account::v1::GetAccountRequest;
using account::v1::SetAccountTiersRequest;
using account::v1::SetAccountTiersResponse;
using account::v1::UpdateAccountRequest;
using ::testing::HasSubstr;

constexpr char kIssuer[] = "kam-test";
constexpr char kAudience[] = "kam-account";

// Counts its calls and answers with what the gate told it: GetAccount's
// owner is the actor, its display name the `via`, its region the grant.
class RecordingAccounts {
 public:
  absl::Status GetAccount(const CallContext& context, const GetAccountRequest& request,
                          Account* response) {
    ++calls;
    response->set_name(request.name());
    response->set_owner(context.actor);
    response->set_display_name(context.via);
    response->set_external_id(context.request_id);
    response->set_industry(context.traceparent);
    response->set_tier_rating_run(context.tracestate);
    if (context.grant.has_value()) {
      response->set_region(
          absl::StrCat(auth::RoleName(context.grant->role), "/", context.grant->own_accounts_of));
    }
    return absl::OkStatus();
  }
  absl::Status CreateAccount(const CallContext&, const CreateAccountRequest&, Account* response) {
    ++calls;
    response->set_name("accounts/99");
    return absl::OkStatus();
  }
  absl::Status DeleteAccount(const CallContext&, const DeleteAccountRequest&, Account*) {
    ++calls;
    return absl::OkStatus();
  }
  absl::Status UpdateAccount(const CallContext&, const UpdateAccountRequest& request, Account*) {
    ++calls;
    return absl::NotFoundError(absl::StrCat("account ", request.account().name(), " not found"));
  }
  absl::Status SetAccountTiers(const CallContext&, const SetAccountTiersRequest&,
                               SetAccountTiersResponse*) {
    ++calls;
    return absl::OkStatus();
  }
  // Holds the stream open until `release` (or the caller goes away).
  absl::Status ExportAccounts(const CallContext&, const ExportAccountsRequest&,
                              ResponseWriter<ExportAccountsResponse>& writer) {
    ++calls;
    ++open_streams;
    writer.SendInitialMetadata();
    while (!release.HasBeenNotified() && !writer.Cancelled()) {
      release.WaitForNotificationWithTimeout(absl::Milliseconds(20));
    }
    --open_streams;
    return absl::OkStatus();
  }

  std::atomic<int> calls{0};
  std::atomic<int> open_streams{0};
  absl::Notification release;
};

// A clock the rate limiter reads and the test moves (read from the server's
// threads, so atomic).
class TestClock {
 public:
  absl::Time Now() const { return absl::FromUnixNanos(ns_.load()); }
  void Advance(absl::Duration by) { ns_ += absl::ToInt64Nanoseconds(by); }

 private:
  std::atomic<int64_t> ns_{
      absl::ToUnixNanos(absl::FromCivil(absl::CivilSecond(2026, 12, 7), absl::UTCTimeZone()))};
};

class CallGateTest : public testing::Test {
 protected:
  void SetUp() override {
    signer_ = std::make_unique<auth::TokenSigner>(
        *auth::TokenSigner::Create(auth::testing::NewEcKey(), "signing"));
    const std::string key_file =
        dir_.Write("signing.pem", auth::PublicKeyPem(signer_->public_key().key.get()));
    audit_path_ = dir_.path() + "/audit.log";

    CallGateOptions gate;
    auth::TokenVerifierOptions verifier;
    verifier.issuer = kIssuer;
    verifier.audience = kAudience;
    gate.verifier = *auth::TokenVerifier::Create(
        verifier, *auth::KeyRing::Load({auth::KeyFile::Pem(key_file)}));
    gate.policy = std::make_shared<const auth::AccessPolicy>(*auth::KamAccessPolicy());
    gate.rate_limits = RoleRateLimits::Defaults();
    ASSERT_TRUE(gate.rate_limits.Apply("service_agent=2/2").ok());
    gate.limiter.clock = [this] { return clock_.Now(); };
    gate.max_streams_per_subject = 1;
    gate.audit = *AuditLog::Open(audit_path_);

    GrpcServer::Options options;
    options.threads = 2;
    options.gate = std::make_shared<CallGate>(std::move(gate));
    server_ = std::make_unique<GrpcServer>(options);
    ServeMethods(*server_, &accounts_service_, &handler_, &RecordingAccounts::GetAccount,
                 &RecordingAccounts::CreateAccount, &RecordingAccounts::DeleteAccount, &RecordingAccounts::UpdateAccount,
                 &RecordingAccounts::SetAccountTiers);
    ServeMethods(*server_, &export_service_, &handler_, &RecordingAccounts::ExportAccounts);
    ASSERT_TRUE(server_->Start().ok());
    server_->MarkReady();
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                   grpc::InsecureChannelCredentials());
    accounts_ = AccountService::NewStub(channel_);
    exports_ = AccountExportService::NewStub(channel_);
  }
  void TearDown() override {
    if (!handler_.release.HasBeenNotified()) handler_.release.Notify();
    server_->Shutdown();
  }

  auth::TokenClaims Claims(const std::string& subject, std::vector<std::string> roles) {
    auth::TokenClaims claims;
    claims.issuer = kIssuer;
    claims.audiences = {kAudience};
    claims.subject = subject;
    claims.roles = std::move(roles);
    claims.issued_at = absl::Now() - absl::Minutes(1);
    claims.expires = absl::Now() + absl::Hours(1);
    return claims;
  }
  std::string Token(const std::string& subject, std::vector<std::string> roles) {
    return *signer_->Sign(Claims(subject, std::move(roles)));
  }

  // A client context with `authorization: Bearer <token>` (none when empty)
  // and the other metadata given.
  static std::unique_ptr<grpc::ClientContext> Context(
      const std::string& token, std::vector<std::pair<std::string, std::string>> metadata = {}) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
    for (const auto& [key, value] : metadata) context->AddMetadata(key, value);
    return context;
  }

  grpc::Status Get(const std::string& token, Account* account = nullptr,
                   std::vector<std::pair<std::string, std::string>> metadata = {}) {
    Account ignored;
    GetAccountRequest request;
    request.set_name("accounts/42");
    return accounts_->GetAccount(Context(token, std::move(metadata)).get(), request,
                                 account != nullptr ? account : &ignored);
  }
  grpc::Status Delete(const std::string& token,
                      std::vector<std::pair<std::string, std::string>> metadata = {}) {
    Account ignored;
    DeleteAccountRequest request;
    request.set_name("accounts/7");
    return accounts_->DeleteAccount(Context(token, std::move(metadata)).get(), request, &ignored);
  }

  std::vector<nlohmann::json> AuditLines() const {
    std::ifstream in(audit_path_);
    std::vector<nlohmann::json> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
    return lines;
  }

  auth::testing::TempDir dir_;
  std::string audit_path_;
  std::unique_ptr<auth::TokenSigner> signer_;
  TestClock clock_;
  RecordingAccounts handler_;
  AccountService::Service accounts_service_;
  AccountExportService::Service export_service_;
  std::unique_ptr<GrpcServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<AccountService::Stub> accounts_;
  std::unique_ptr<AccountExportService::Stub> exports_;
};

TEST_F(CallGateTest, RefusesAMissingOrBadTokenWithItsReasonAndNeverRunsTheHandler) {
  auth::TokenClaims expired = Claims("alice", {"admin"});
  expired.issued_at = absl::Now() - absl::Hours(2);
  expired.expires = absl::Now() - absl::Hours(1);
  auth::TokenClaims other_audience = Claims("alice", {"admin"});
  other_audience.audiences = {"kam-scoring"};
  auth::TokenClaims other_issuer = Claims("alice", {"admin"});
  other_issuer.issuer = "somebody-else";
  const auth::TokenSigner unknown_kid =
      *auth::TokenSigner::Create(auth::testing::NewEcKey(), "retired");
  const auth::TokenSigner same_kid_other_key =
      *auth::TokenSigner::Create(auth::testing::NewEcKey(), "signing");
  struct Case {
    std::string authorization;  // the whole metadata value; empty: none sent
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"", "missing bearer token"},
      {"Basic YWxpY2U6c2VjcmV0", "malformed authorization metadata"},
      {"Bearer not-a-jwt", "malformed token"},
      {"Bearer " + *signer_->Sign(expired), "token expired"},
      {"Bearer " + *signer_->Sign(other_audience), "wrong audience"},
      {"Bearer " + *signer_->Sign(other_issuer), "wrong issuer"},
      {"Bearer " + *unknown_kid.Sign(Claims("alice", {"admin"})), "unknown key id"},
      {"Bearer " + *same_kid_other_key.Sign(Claims("alice", {"admin"})), "bad signature"},
  };
  for (const Case& c : cases) {
    std::vector<std::pair<std::string, std::string>> metadata;
    if (!c.authorization.empty()) metadata.emplace_back("authorization", c.authorization);
    const grpc::Status get = Get("", nullptr, metadata);
    EXPECT_EQ(get.error_code(), grpc::StatusCode::UNAUTHENTICATED) << c.reason;
    EXPECT_THAT(get.error_message(), HasSubstr(c.reason));
    EXPECT_EQ(Delete("", metadata).error_code(), grpc::StatusCode::UNAUTHENTICATED) << c.reason;
    auto stream_context = Context("", metadata);
    auto reader = exports_->ExportAccounts(stream_context.get(), ExportAccountsRequest());
    ExportAccountsResponse page;
    EXPECT_FALSE(reader->Read(&page));
    const grpc::Status stream = reader->Finish();
    EXPECT_EQ(stream.error_code(), grpc::StatusCode::UNAUTHENTICATED) << c.reason;
    EXPECT_THAT(stream.error_message(), HasSubstr(c.reason));
  }
  EXPECT_EQ(handler_.calls.load(), 0);
  EXPECT_TRUE(AuditLines().empty());  // no subject to record: the request log has them
}

TEST_F(CallGateTest, RefusesARoleTheTableDoesNotAllowAndNeverRunsTheHandler) {
  const grpc::Status analyst_delete = Delete(Token("ann", {"analyst"}));
  EXPECT_EQ(analyst_delete.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(analyst_delete.error_message(),
            "role analyst may not call /kam.account.v1.AccountService/DeleteAccount");
  EXPECT_EQ(Delete(Token("service:interaction", {"service:interaction"})).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Get(Token("nobody", {})).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  {
    SetAccountTiersRequest request;
    SetAccountTiersResponse response;
    const grpc::Status admin_tiers =
        accounts_->SetAccountTiers(Context(Token("root", {"admin"})).get(), request, &response);
    EXPECT_EQ(admin_tiers.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  }
  auto context = Context(Token("mia", {"account_manager"}));
  auto reader = exports_->ExportAccounts(context.get(), ExportAccountsRequest());
  ExportAccountsResponse page;
  EXPECT_FALSE(reader->Read(&page));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(handler_.calls.load(), 0);
}

TEST_F(CallGateTest, TheActorIsTheVerifiedSubjectNeverTheHeader) {
  Account account;
  ASSERT_TRUE(Get(Token("alice", {"admin"}), &account, {{"x-kam-actor", "mallory"}}).ok());
  EXPECT_EQ(account.owner(), "alice");
  EXPECT_EQ(account.display_name(), "");  // no via
  EXPECT_EQ(account.region(), "admin/");

  auth::TokenClaims manager = Claims("u-17", {"analyst", "account_manager"});
  manager.account_manager = "mgr-17";
  ASSERT_TRUE(Get("", &account, {{"authorization", "Bearer " + *signer_->Sign(manager)}}).ok());
  EXPECT_EQ(account.owner(), "u-17");
  EXPECT_EQ(account.region(), "account_manager/mgr-17");  // narrowed to their accounts
}

TEST_F(CallGateTest, HonoursOnBehalfOfOnlyFromAServiceIdentity) {
  Account account;
  ASSERT_TRUE(Get(Token("service:interaction", {"service:interaction"}), &account,
                  {{std::string(kOnBehalfOfHeader), "alice"}})
                  .ok());
  EXPECT_EQ(account.owner(), "alice");
  EXPECT_EQ(account.display_name(), "service:interaction");

  ASSERT_TRUE(
      Get(Token("bob", {"admin"}), &account, {{std::string(kOnBehalfOfHeader), "alice"}}).ok());
  EXPECT_EQ(account.owner(), "bob");
  EXPECT_EQ(account.display_name(), "");
}

TEST_F(CallGateTest, AuditsEveryWriteOfAnAuthenticatedCallerAndNoRead) {
  ASSERT_TRUE(Get(Token("alice", {"admin"})).ok());
  ASSERT_TRUE(Delete(Token("alice", {"admin"}), {{"x-request-id", "req-1"}}).ok());
  {
    UpdateAccountRequest request;
    request.mutable_account()->set_name("accounts/8");
    Account response;
    EXPECT_EQ(
        accounts_
            ->UpdateAccount(Context(Token("mia", {"account_manager"})).get(), request, &response)
            .error_code(),
        grpc::StatusCode::NOT_FOUND);
  }
  EXPECT_EQ(Delete(Token("ann", {"analyst"})).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  {
    CreateAccountRequest request;
    request.set_request_id("create-1");
    Account response;
    ASSERT_TRUE(
        accounts_->CreateAccount(Context(Token("alice", {"admin"})).get(), request, &response)
            .ok());
  }
  {
    SetAccountTiersRequest request;
    SetAccountTiersResponse response;
    ASSERT_TRUE(accounts_
                    ->SetAccountTiers(Context(Token("service:scoring", {"service:scoring"}),
                                              {{std::string(kOnBehalfOfHeader), "dave"}})
                                          .get(),
                                      request, &response)
                    .ok());
  }
  struct Line {
    const char* subject;
    const char* on_behalf_of;
    const char* method;  // within AccountService
    const char* resource;
    const char* request_id;
    const char* code;
  };
  const Line expected[] = {
      {"alice", "", "DeleteAccount", "accounts/7", "req-1", "OK"},
      // An update's resource is the name of the resource it carries.
      {"mia", "", "UpdateAccount", "accounts/8", "", "NOT_FOUND"},
      {"ann", "", "DeleteAccount", "accounts/7", "", "PERMISSION_DENIED"},
      // A create: the resource it made, and its request_id when the caller
      // sent no x-request-id.
      {"alice", "", "CreateAccount", "accounts/99", "create-1", "OK"},
      {"service:scoring", "dave", "SetAccountTiers", "", "", "OK"},
  };
  const std::vector<nlohmann::json> lines = AuditLines();
  ASSERT_EQ(lines.size(), std::size(expected));
  for (size_t i = 0; i < lines.size(); ++i) {
    const nlohmann::json want = {
        {"subject", expected[i].subject},
        {"on_behalf_of", expected[i].on_behalf_of},
        {"method", absl::StrCat("/kam.account.v1.AccountService/", expected[i].method)},
        {"resource", expected[i].resource},
        {"request_id", expected[i].request_id},
        {"code", expected[i].code},
        {"time", lines[i]["time"]}};
    EXPECT_EQ(lines[i], want) << i;
    EXPECT_THAT(lines[i]["time"].get<std::string>(), testing::MatchesRegex("20..-..-..T.*Z"));
  }
}

TEST_F(CallGateTest, RateLimitsEachSubjectWithARetryHint) {
  const std::string agent = Token("sam", {"service_agent"});  // 2 calls/s, bursts of 2
  EXPECT_TRUE(Get(agent).ok());
  EXPECT_TRUE(Get(agent).ok());
  {
    GetAccountRequest request;
    Account account;
    auto context = Context(agent);
    const grpc::Status refused = accounts_->GetAccount(context.get(), request, &account);
    EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
    EXPECT_THAT(refused.error_message(), HasSubstr("retry after 500 ms"));
    const auto& trailers = context->GetServerTrailingMetadata();
    auto pushback = trailers.find(kRetryPushbackTrailer);
    ASSERT_NE(pushback, trailers.end());
    EXPECT_EQ(std::string(pushback->second.data(), pushback->second.size()), "500");
  }
  EXPECT_EQ(handler_.calls.load(), 2);
  EXPECT_TRUE(Get(Token("sue", {"service_agent"})).ok());  // another subject has its own bucket
  clock_.Advance(absl::Milliseconds(500));
  EXPECT_TRUE(Get(agent).ok());
  EXPECT_EQ(Get(agent).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
}

TEST_F(CallGateTest, CapsTheStreamsASubjectHoldsOpen) {
  const std::string analyst = Token("ann", {"analyst"});
  auto first_context = Context(analyst);
  auto first = exports_->ExportAccounts(first_context.get(), ExportAccountsRequest());
  first->WaitForInitialMetadata();  // the handler runs: the stream holds its slot
  auto second_context = Context(analyst);
  auto second = exports_->ExportAccounts(second_context.get(), ExportAccountsRequest());
  ExportAccountsResponse page;
  EXPECT_FALSE(second->Read(&page));
  const grpc::Status refused = second->Finish();
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(refused.error_message(), HasSubstr("retry after"));
  EXPECT_EQ(handler_.calls.load(), 1);

  handler_.release.Notify();
  EXPECT_FALSE(first->Read(&page));
  EXPECT_TRUE(first->Finish().ok());
  auto third_context = Context(analyst);  // the slot was given back
  auto third = exports_->ExportAccounts(third_context.get(), ExportAccountsRequest());
  EXPECT_FALSE(third->Read(&page));
  EXPECT_TRUE(third->Finish().ok());
}

TEST_F(CallGateTest, DependencyCallsCarryTheServiceTokenAndTheCaller) {
  auth::TokenClaims expired = Claims("service:interaction", {"service:interaction"});
  expired.issued_at = absl::Now() - absl::Hours(2);
  expired.expires = absl::Now() - absl::Hours(1);
  const std::string token_file = dir_.Write("interaction.jwt", *signer_->Sign(expired) + "\n");
  DependencyOptions options;
  options.token_file = token_file;
  ASSERT_TRUE(ConfigureDependencies(options).ok());
  auto stub =
      AccountService::NewStub(DependencyChannel(absl::StrCat("127.0.0.1:", server_->port())));
  CallContext caller;
  caller.actor = "carol";
  caller.request_id = "req-9";
  GetAccountRequest request;
  request.set_name("accounts/3");
  absl::StatusOr<Account> refused = CallDependency(*stub, &AccountService::Stub::GetAccount,
                                                   request, &caller, absl::Seconds(5), "account");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnauthenticated);

  // A renewed token on disk is used without a restart (checked once a second).
  dir_.Write("interaction.jwt", Token("service:interaction", {"service:interaction"}));
  absl::SleepFor(absl::Milliseconds(1100));
  absl::StatusOr<Account> account = CallDependency(*stub, &AccountService::Stub::GetAccount,
                                                   request, &caller, absl::Seconds(5), "account");
  ASSERT_TRUE(account.ok()) << account.status();
  EXPECT_EQ(account->owner(), "carol");
  EXPECT_EQ(account->display_name(), "service:interaction");
  ASSERT_TRUE(ConfigureDependencies({}).ok());
}

constexpr char kTraceparent[] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

TEST(RequestIdTest, UsesACallersIdOnlyWhenShortAndPlain) {
  const struct {
    std::string id;
    bool valid;
  } cases[] = {
      {"req-1", true},
      {"3f2a9c1e-8b7d-4e6f-a1b2-c3d4e5f60718", true},
      {"run-42-facts", true},
      {"a.b_c:d/e+f=g@h", true},
      {std::string(kMaxRequestIdLength, 'x'), true},
      {"", false},
      {std::string(kMaxRequestIdLength + 1, 'x'), false},
      {"has space", false},
      {"quote\"", false},
      {"new\nline", false},
      {"caf\xC3\xA9", false},
  };
  for (const auto& c : cases) EXPECT_EQ(IsValidRequestId(c.id), c.valid) << c.id;
}

TEST(RequestIdTest, NewIdsAreSixteenHexCharactersAndDiffer) {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = NewRequestId();
    EXPECT_THAT(id, testing::MatchesRegex("[0-9a-f]{16}"));
    EXPECT_TRUE(IsValidRequestId(id));
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 1000u);
}

TEST(RequestIdTest, KeepsOnlyWellFormedTraceparents) {
  const struct {
    std::string value;
    bool valid;
  } cases[] = {
      {kTraceparent, true},
      {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", true},
      // A later version may carry more after the flags.
      {"01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", true},
      {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", false},
      {"01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01extra", false},
      {"ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", false},
      {"00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", false},
      {"00-00000000000000000000000000000000-00f067aa0ba902b7-01", false},
      {"00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", false},
      {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7", false},
      {"00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01", false},
      {"00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01", false},
      {"", false},
  };
  for (const auto& c : cases) EXPECT_EQ(IsValidTraceparent(c.value), c.valid) << c.value;
}

// The x-request-id the server answered with.
std::string AnsweredRequestId(const grpc::ClientContext& context) {
  const auto& metadata = context.GetServerInitialMetadata();
  auto it = metadata.find(kRequestIdHeader);
  if (it == metadata.end()) return "(none)";
  return std::string(it->second.data(), it->second.size());
}

TEST_F(CallGateTest, EveryAnswerCarriesTheCallsRequestIdAndTheHandlerItsTraceContext) {
  const std::string admin = Token("alice", {"admin"});
  const struct {
    std::string token;
    std::vector<std::pair<std::string, std::string>> metadata;
    grpc::StatusCode code;
    std::string id;  // empty: a new one is expected
    std::string traceparent;
    std::string tracestate;
  } cases[] = {
      {admin, {}, grpc::StatusCode::OK, "", "", ""},
      {admin, {{kRequestIdHeader, "req-7"}}, grpc::StatusCode::OK, "req-7", "", ""},
      {admin, {{kRequestIdHeader, "has space"}}, grpc::StatusCode::OK, "", "", ""},
      {admin,
       {{kTraceparentHeader, kTraceparent}, {kTracestateHeader, "kam=1"}},
       grpc::StatusCode::OK,
       "",
       kTraceparent,
       "kam=1"},
      // A malformed traceparent is dropped with its tracestate.
      {admin,
       {{kTraceparentHeader, "00-zz"}, {kTracestateHeader, "kam=1"}},
       grpc::StatusCode::OK,
       "",
       "",
       ""},
      // Refusals name their call too.
      {"", {{kRequestIdHeader, "req-8"}}, grpc::StatusCode::UNAUTHENTICATED, "req-8", "", ""},
      {"", {}, grpc::StatusCode::UNAUTHENTICATED, "", "", ""},
  };
  for (const auto& c : cases) {
    auto context = Context(c.token, c.metadata);
    GetAccountRequest request;
    Account account;
    EXPECT_EQ(accounts_->GetAccount(context.get(), request, &account).error_code(), c.code);
    const std::string answered = AnsweredRequestId(*context);
    if (c.id.empty()) {
      EXPECT_THAT(answered, testing::MatchesRegex("[0-9a-f]{16}"));
    } else {
      EXPECT_EQ(answered, c.id);
    }
    if (c.code != grpc::StatusCode::OK) continue;
    EXPECT_EQ(account.external_id(), answered);
    EXPECT_EQ(account.industry(), c.traceparent);
    EXPECT_EQ(account.tier_rating_run(), c.tracestate);
  }
}

TEST_F(CallGateTest, ServerStreamsAnswerTheirRequestId) {
  auto context = Context(Token("ann", {"analyst"}), {{kRequestIdHeader, "stream-1"}});
  auto stream = exports_->ExportAccounts(context.get(), ExportAccountsRequest());
  stream->WaitForInitialMetadata();
  EXPECT_EQ(AnsweredRequestId(*context), "stream-1");
  handler_.release.Notify();
  ExportAccountsResponse page;
  EXPECT_FALSE(stream->Read(&page));
  EXPECT_TRUE(stream->Finish().ok());
}

TEST_F(CallGateTest, DependencyCallsForwardTheRequestIdAndTraceContext) {
  DependencyOptions options;
  options.token_file =
      dir_.Write("interaction.jwt", Token("service:interaction", {"service:interaction"}));
  ASSERT_TRUE(ConfigureDependencies(options).ok());
  auto stub =
      AccountService::NewStub(DependencyChannel(absl::StrCat("127.0.0.1:", server_->port())));
  GetAccountRequest request;
  const auto call = [&](const CallContext* caller) {
    return *CallDependency(*stub, &AccountService::Stub::GetAccount, request, caller,
                           absl::Seconds(5), "account");
  };
  CallContext caller;
  caller.actor = "carol";
  caller.request_id = "req-10";
  caller.traceparent = kTraceparent;
  caller.tracestate = "kam=2";
  Account account = call(&caller);
  EXPECT_EQ(account.external_id(), "req-10");
  EXPECT_EQ(account.industry(), kTraceparent);
  EXPECT_EQ(account.tier_rating_run(), "kam=2");
  {
    // Background work: the id of the work in scope, else a new one.
    const LogScope scope("run-5-tiers");
    EXPECT_EQ(call(nullptr).external_id(), "run-5-tiers");
  }
  EXPECT_THAT(call(nullptr).external_id(), testing::MatchesRegex("[0-9a-f]{16}"));
  ASSERT_TRUE(ConfigureDependencies({}).ok());
}

}  // namespace
}  // namespace kam::common
