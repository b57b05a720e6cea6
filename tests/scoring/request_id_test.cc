// Following a request across the suite (docs/operations.md, "Following a
// request"): a call without an x-request-id gets one back, on success and on
// failure; a call with an id and a W3C traceparent finds both in the log
// lines of every service it touched (kam-interaction and kam-account for a
// CreateActivity); a rating run's calls carry the run's id into the account
// and interaction services' logs.
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/interaction/activity_test_helpers.h"
#include "tests/scoring/rating_test_helpers.h"

namespace kam::testing {
namespace {

constexpr char kTraceparent[] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

// The x-request-id a call was answered with ("" when none).
std::string AnsweredRequestId(const grpc::ClientContext& context) {
  const auto& metadata = context.GetServerInitialMetadata();
  auto it = metadata.find("x-request-id");
  return it == metadata.end() ? "" : std::string(it->second.data(), it->second.size());
}

// CreateActivity of a visit to `account` with `metadata` added to the
// context; the context is kept for its answered metadata.
grpc::Status CreateVisit(const std::string& account,
                         const std::vector<std::pair<std::string, std::string>>& metadata,
                         grpc::ClientContext* context) {
  for (const auto& [key, value] : metadata) context->AddMetadata(key, value);
  iv1::CreateActivityRequest request;
  *request.mutable_activity() = Visit(account);
  iv1::Activity activity;
  return Activities().CreateActivity(context, request, &activity);
}

// The lines of `service`'s log that contain every one of `parts`, waiting
// (up to 10 s) until there are some: the services flush their logs every
// 200 ms.
std::vector<std::string> LogLines(const std::string& service,
                                  const std::vector<std::string>& parts) {
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  for (;;) {
    std::vector<std::string> found;
    std::ifstream in(Suite().log_path(service));
    for (std::string line; std::getline(in, line);) {
      bool all = true;
      for (const std::string& part : parts) all = all && absl::StrContains(line, part);
      if (all) found.push_back(line);
    }
    if (!found.empty() || absl::Now() > give_up) return found;
    absl::SleepFor(absl::Milliseconds(100));
  }
}

std::string Field(const std::string& key, const std::string& value) {
  return absl::StrCat("\"", key, "\":\"", value, "\"");
}

TEST(RequestIdTest, ACallWithoutAnIdGetsOneBackOnSuccessAndOnFailure) {
  const std::string account = ValuedAccount(0);
  for (const std::string& target : {account, std::string("accounts/999999999")}) {
    grpc::ClientContext context;
    const grpc::Status status = CreateVisit(target, {{"x-kam-actor", "test"}}, &context);
    EXPECT_EQ(status.ok(), target == account) << status.error_message();
    const std::string id = AnsweredRequestId(context);
    EXPECT_EQ(id.size(), 16u) << target;
    EXPECT_EQ(LogLines("interaction", {Field("request_id", id), "CreateActivity"}).size(), 1u)
        << Suite().LogTail("interaction");
  }
}

TEST(RequestIdTest, AnIdAndTraceparentReachEveryServiceTheCallTouched) {
  const std::string account = ValuedAccount(0);
  const std::string id = Unique("follow-me");
  grpc::ClientContext context;
  ASSERT_TRUE(CreateVisit(account,
                          {{"x-kam-actor", "test"},
                           {"x-request-id", id},
                           {"traceparent", kTraceparent},
                           {"tracestate", "kam=1"}},
                          &context)
                  .ok());
  EXPECT_EQ(AnsweredRequestId(context), id);
  const std::string with_id = Field("request_id", id);
  const std::string with_trace = Field("traceparent", kTraceparent);
  EXPECT_FALSE(LogLines("interaction",
                        {with_id, with_trace, "/kam.interaction.v1.ActivityService/CreateActivity"})
                   .empty())
      << Suite().LogTail("interaction");
  // The account look-up the create made (a batch of its own: nothing else runs).
  EXPECT_FALSE(
      LogLines("account", {with_id, with_trace, "/kam.account.v1.AccountService/"}).empty())
      << Suite().LogTail("account");
}

TEST(RequestIdTest, ARatingRunsCallsCarryTheRunsIdIntoTheOtherServicesLogs) {
  ValuedAccount(100);
  const sv1::RatingRun run = RunToEnd(MustCreatePolicy(RevenuePolicy()).name());
  ASSERT_EQ(run.state(), sv1::RUN_STATE_SUCCEEDED);
  const std::string run_id = absl::StrCat("run-", run.name().substr(run.name().find('/') + 1));
  const struct {
    const char* service;
    const char* id_suffix;
    const char* method;
  } calls[] = {
      {"account", "-accounts", "/kam.account.v1.AccountExportService/ExportAccounts"},
      {"interaction", "-facts", "/kam.interaction.v1.FactsService/StreamAccountFacts"},
      {"account", "-tiers", "/kam.account.v1.AccountService/SetAccountTiers"},
  };
  for (const auto& call : calls) {
    EXPECT_FALSE(
        LogLines(call.service, {Field("request_id", run_id + call.id_suffix), call.method}).empty())
        << call.service << " " << call.method << "\n"
        << Suite().LogTail(call.service);
  }
  // The runner's own lines carry the run's id too.
  EXPECT_FALSE(LogLines("scoring", {Field("request_id", run_id), "rating run succeeded"}).empty())
      << Suite().LogTail("scoring");
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) {
  return kam::testing::RunTestsOnSuite(argc, argv, kam::testing::ScoringSuiteOptions());
}
