// SLA breaches and the sweeper, through the public API: automatic escalation
// on a first-response and a resolution breach (each breach exactly once), a
// breach at the top level, the breach filters, and two interaction replicas
// sweeping the same database at once. The suite's service sweeps every
// 200 ms; targets of 0 minutes (UpdateSlaPolicy) make a case due at once.
// Each test uses its own SLA policy, so the tests do not disturb each other.
#include <sys/wait.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/harness/service_process.h"
#include "tests/interaction/case_client.h"

namespace kam::testing {
namespace {

int CountKind(const std::vector<iv1::CaseEvent>& events, iv1::CaseEventKind kind) {
  int n = 0;
  for (const iv1::CaseEvent& e : events) n += e.kind() == kind ? 1 : 0;
  return n;
}

std::vector<std::string> Names(const std::vector<iv1::Case>& cases) {
  std::vector<std::string> names;
  for (const iv1::Case& c : cases) names.push_back(c.name());
  return names;
}

TEST(EscalationTest, FirstResponseBreachEscalatesOnce) {
  SetPolicy("slaPolicies/critical-d", 0, 60);
  const av1::Account account = NewAccount("breach-fr", av1::TIER_D);
  // A routine request: the one type that starts at the service centre.
  const iv1::Case c =
      NewCase(account.name(), iv1::CASE_TYPE_ROUTINE_REQUEST, iv1::CASE_PRIORITY_CRITICAL);
  EXPECT_EQ(c.level(), iv1::CASE_LEVEL_SERVICE_CENTRE);
  EXPECT_EQ(c.first_response_target_minutes(), 0);
  ASSERT_TRUE(PollUntil([&] { return GetCase(c.name()).level() != iv1::CASE_LEVEL_SERVICE_CENTRE; },
                        absl::Seconds(10), absl::Milliseconds(20)));
  absl::SleepFor(absl::Seconds(1));  // five more sweeps
  const iv1::Case after = GetCase(c.name());
  EXPECT_EQ(after.level(), iv1::CASE_LEVEL_ACCOUNT_MANAGER);
  EXPECT_TRUE(after.first_response_breached());
  EXPECT_TRUE(after.first_response_breach_escalated());
  EXPECT_FALSE(after.resolution_breached());
  EXPECT_FALSE(after.resolution_breach_escalated());
  const std::vector<iv1::CaseEvent> events = Events(c.name());
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(Described(events[1]),
            "LEVEL_CHANGE SERVICE_CENTRE->ACCOUNT_MANAGER by sla-sweeper: SLA breach: first "
            "response");

  const std::string mine = absl::StrCat("account = \"", account.name(), "\"");
  EXPECT_EQ(Names(ListAllCases(absl::StrCat(mine, " AND breached = true"))),
            std::vector<std::string>{c.name()});
  EXPECT_EQ(Names(ListAllCases(absl::StrCat(mine, " AND first_response_breached = true"))),
            std::vector<std::string>{c.name()});
  EXPECT_TRUE(ListAllCases(absl::StrCat(mine, " AND resolution_breached = true")).empty());
  EXPECT_TRUE(ListAllCases(absl::StrCat(mine, " AND breached = false")).empty());

  // Answering late keeps the breach recorded and escalates nothing more.
  iv1::RecordFirstResponseRequest answer = ByName<iv1::RecordFirstResponseRequest>(c.name());
  iv1::Case answered;
  ASSERT_OK(Cases().RecordFirstResponse(Context().get(), answer, &answered));
  EXPECT_TRUE(answered.first_response_breached());
  absl::SleepFor(absl::Milliseconds(600));
  EXPECT_EQ(GetCase(c.name()).level(), iv1::CASE_LEVEL_ACCOUNT_MANAGER);
  EXPECT_EQ(CountKind(Events(c.name()), iv1::CASE_EVENT_KIND_LEVEL_CHANGE), 1);
}

TEST(EscalationTest, EachBreachEscalatesOneLevel) {
  SetPolicy("slaPolicies/critical-c", 0, 0);
  const av1::Account account = NewAccount("breach-both", av1::TIER_C);
  const iv1::Case c =
      NewCase(account.name(), iv1::CASE_TYPE_ROUTINE_REQUEST, iv1::CASE_PRIORITY_CRITICAL);
  ASSERT_TRUE(PollUntil([&] { return GetCase(c.name()).level() == iv1::CASE_LEVEL_SENIOR_MANAGER; },
                        absl::Seconds(10), absl::Milliseconds(20)));
  absl::SleepFor(absl::Seconds(1));
  const iv1::Case after = GetCase(c.name());
  EXPECT_EQ(after.level(), iv1::CASE_LEVEL_SENIOR_MANAGER);
  EXPECT_TRUE(after.first_response_breach_escalated());
  EXPECT_TRUE(after.resolution_breach_escalated());
  EXPECT_EQ(
      EventLines(c.name()),
      (std::vector<std::string>{"CREATED ->OPEN", "LEVEL_CHANGE SERVICE_CENTRE->ACCOUNT_MANAGER",
                                "LEVEL_CHANGE ACCOUNT_MANAGER->SENIOR_MANAGER"}));
  const std::vector<iv1::CaseEvent> events = Events(c.name());
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[1].reason(), "SLA breach: first response");
  EXPECT_EQ(events[2].reason(), "SLA breach: resolution");
  EXPECT_EQ(events[2].actor(), "sla-sweeper");
  // Resolving late: the breach stays recorded on the closed books.
  iv1::Case resolved;
  ASSERT_OK(ChangeStatus(c.name(), iv1::CASE_STATUS_RESOLVED, "", &resolved));
  EXPECT_TRUE(resolved.resolution_breached());
  EXPECT_TRUE(resolved.first_response_breached());
}

TEST(EscalationTest, BreachAtTheTopIsRecordedNotEscalated) {
  SetPolicy("slaPolicies/critical-b", 0, 0);
  const av1::Account account = NewAccount("breach-top", av1::TIER_B);
  // medium-b (8 h / 3 days) does not breach; walk it to the top by hand.
  iv1::Case c = NewCase(account.name(), iv1::CASE_TYPE_COLLECTION, iv1::CASE_PRIORITY_MEDIUM);
  ASSERT_OK(Escalate(c.name(), "customer in dispute", &c));
  ASSERT_OK(Escalate(c.name(), "legal threat", &c));
  ASSERT_EQ(c.level(), iv1::CASE_LEVEL_EXECUTIVE);
  // Raising the priority re-targets it to critical-b: due at once.
  iv1::UpdateCaseRequest raise;
  raise.mutable_case_()->set_name(c.name());
  raise.mutable_case_()->set_priority(iv1::CASE_PRIORITY_CRITICAL);
  ASSERT_OK(Cases().UpdateCase(Context().get(), raise, &c));
  ASSERT_TRUE(PollUntil(
      [&] {
        const iv1::Case now = GetCase(c.name());
        return now.first_response_breach_escalated() && now.resolution_breach_escalated();
      },
      absl::Seconds(10), absl::Milliseconds(20)));
  absl::SleepFor(absl::Milliseconds(600));
  EXPECT_EQ(GetCase(c.name()).level(), iv1::CASE_LEVEL_EXECUTIVE);
  const std::vector<iv1::CaseEvent> events = Events(c.name());
  EXPECT_EQ(CountKind(events, iv1::CASE_EVENT_KIND_SLA_BREACH), 2);
  EXPECT_EQ(CountKind(events, iv1::CASE_EVENT_KIND_LEVEL_CHANGE), 2);  // the manual ones
  ASSERT_EQ(events.size(), 6u);
  EXPECT_EQ(events[4].kind(), iv1::CASE_EVENT_KIND_SLA_BREACH);
  EXPECT_EQ(events[4].to_value(), "FIRST_RESPONSE");
  EXPECT_EQ(events[4].reason(), "SLA breach: first response; already at EXECUTIVE, the top level");
  EXPECT_EQ(events[4].actor(), "sla-sweeper");
  EXPECT_EQ(events[5].to_value(), "RESOLUTION");
}

TEST(EscalationTest, TwoReplicasEscalateEachBreachExactlyOnce) {
  // A second kam-interaction process on the same database, sweeping every
  // 20 ms.
  const int port = PickFreePort();
  absl::StatusOr<std::unique_ptr<ServiceProcess>> replica =
      Suite().StartReplica("interaction", port, {"--sweep_interval=20ms"});
  ASSERT_TRUE(replica.ok()) << replica.status();
  std::unique_ptr<CaseStub> replica_stub = iv1::ServiceCaseService::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));

  SetPolicy("slaPolicies/high-d", 0, 600);
  const av1::Account account = NewAccount("replicas", av1::TIER_D);
  // Operators asking both replicas for sweeps all the while, on top of the
  // two background sweepers.
  std::atomic<bool> done{false};
  std::atomic<int> swept_breaches{0};
  std::atomic<int> sweep_calls{0};
  std::vector<std::thread> sweepers;
  for (int i = 0; i < 4; ++i) {
    sweepers.emplace_back([&, i] {
      CaseStub& stub = i % 2 == 0 ? Cases() : *replica_stub;
      while (!done.load()) {
        iv1::RunSlaSweepResponse response;
        if (stub.RunSlaSweep(Context("operator").get(), iv1::RunSlaSweepRequest(), &response)
                .ok()) {
          swept_breaches += response.breaches();
          ++sweep_calls;
        }
      }
    });
  }
  constexpr int kCases = 30;
  std::vector<std::string> names;
  for (int i = 0; i < kCases; ++i) {
    names.push_back(
        NewCase(account.name(), iv1::CASE_TYPE_ROUTINE_REQUEST, iv1::CASE_PRIORITY_HIGH).name());
  }
  const std::string mine = absl::StrCat("account = \"", account.name(), "\"");
  const bool all_escalated = PollUntil(
      [&] {
        return ListAllCases(absl::StrCat(mine, " AND level = ACCOUNT_MANAGER")).size() ==
               static_cast<size_t>(kCases);
      },
      absl::Seconds(15), absl::Milliseconds(20));
  absl::SleepFor(absl::Milliseconds(500));  // many more sweeps on both sides
  done.store(true);
  for (std::thread& t : sweepers) t.join();
  ASSERT_TRUE(all_escalated);
  EXPECT_GT(sweep_calls.load(), 4);
  EXPECT_LE(swept_breaches.load(), kCases);
  for (const std::string& name : names) {
    SCOPED_TRACE(name);
    const iv1::Case c = GetCase(name);
    EXPECT_EQ(c.level(), iv1::CASE_LEVEL_ACCOUNT_MANAGER);
    EXPECT_TRUE(c.first_response_breach_escalated());
    const std::vector<iv1::CaseEvent> events = Events(name);
    EXPECT_EQ(CountKind(events, iv1::CASE_EVENT_KIND_LEVEL_CHANGE), 1);
    EXPECT_EQ(events.size(), 2u);
  }

  // The replica stops on SIGTERM by itself, sweeper and all: it exits 0.
  // One that hangs is killed after the grace (60 s, only to catch a hang; how
  // fast it stops is not timed here) and then has no exit code.
  absl::StatusOr<int> exit_status = (*replica)->Stop(absl::Seconds(60));
  ASSERT_TRUE(exit_status.ok()) << exit_status.status();
  EXPECT_TRUE(WIFEXITED(*exit_status) && WEXITSTATUS(*exit_status) == 0) << *exit_status;
}

TEST(EscalationTest, RunSlaSweepOnDemand) {
  iv1::RunSlaSweepResponse response;
  ASSERT_OK(Cases().RunSlaSweep(Context("operator").get(), iv1::RunSlaSweepRequest(), &response));
  EXPECT_GE(response.breaches(), response.escalations());
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) {
  kam::testing::LocalSuite::Options options = kam::testing::InteractionSuiteOptions();
  options.args["interaction"] = {"--sweep_interval=200ms"};
  return kam::testing::RunTestsOnSuite(argc, argv, options);
}
