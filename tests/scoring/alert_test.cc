// AlertService over real rating runs (issue 5): a key account whose tier
// drops between two runs raises a stored TIER_DROP alert, listed with
// filters and pages, acknowledged with an etag, and streamed by WatchAlerts
// to a subscriber that was watching before the run started.
//
// Accounts (revenue in EUR cents): x 120000 and y 60000. Run 1 (A >= 100000,
// B >= 50000, C >= 10000) rates x A and y B; run 2 raises the thresholds (A
// >= 150000, B >= 100000, C >= 50000): x drops A -> B (still a key tier:
// WARNING), y drops B -> C (off the key-account list: CRITICAL).
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tests/scoring/report_test_helpers.h"

namespace kam::testing {
namespace {

using Stub = sv1::AlertService::Stub;

struct World {
  std::string policy;
  std::string run1;
  std::string run2;
  std::string x;
  std::string y;
  absl::Time before_run2;
  std::vector<sv1::Alert> watched;  // what a watcher subscribed before run 2 received
  grpc::Status watch_end;
};

// A watcher: subscribes (returns once the server has set the watch up),
// then reads `want` alerts on its own thread and cancels.
class Watcher {
 public:
  Watcher(const sv1::WatchAlertsRequest& request, size_t want) {
    context_.AddMetadata("x-kam-actor", "watcher");
    context_.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(120)));
    reader_ = Alerts().WatchAlerts(&context_, request);
    reader_->WaitForInitialMetadata();
    done_ = std::async(std::launch::async, [this, want] {
      sv1::Alert alert;
      bool open = true;
      while (received_.size() < want && (open = reader_->Read(&alert))) {
        received_.push_back(alert);
      }
      if (open) {  // enough read: the subscriber hangs up
        context_.TryCancel();
        while (reader_->Read(&alert)) {
        }
      }
      return reader_->Finish();
    });
  }

  // The alerts read, and how the stream ended.
  std::pair<std::vector<sv1::Alert>, grpc::Status> Wait() {
    grpc::Status status = done_.get();
    return {received_, status};
  }

 private:
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<sv1::Alert>> reader_;
  std::vector<sv1::Alert> received_;
  std::future<grpc::Status> done_;
};

const World& TheWorld() {
  static const World* world = [] {
    auto* w = new World;
    w->x = AccountWithRevenue(120000);
    w->y = AccountWithRevenue(60000);
    w->policy = MustCreatePolicy(ThresholdPolicy(100000, 50000, 10000)).name();
    w->run1 = RunToSuccess(w->policy);
    SetThresholds(w->policy, 150000, 100000, 50000);
    sv1::WatchAlertsRequest watch;
    watch.set_filter("kind = TIER_DROP");
    Watcher watcher(watch, 2);
    w->before_run2 = absl::Now();
    w->run2 = RunToSuccess(w->policy);
    std::tie(w->watched, w->watch_end) = watcher.Wait();
    return w;
  }();
  return *world;
}

Reply<sv1::ListAlertsResponse> List(const std::string& filter, int page_size = 0,
                                    const std::string& token = "") {
  sv1::ListAlertsRequest request;
  request.set_filter(filter);
  request.set_page_size(page_size);
  request.set_page_token(token);
  return Call(Alerts(), &Stub::ListAlerts, request);
}

std::vector<std::string> Accounts(const sv1::ListAlertsResponse& response) {
  std::vector<std::string> out;
  for (const sv1::Alert& a : response.alerts()) out.push_back(a.account());
  return out;
}

Reply<sv1::Alert> Acknowledge(const std::string& name, const std::string& etag,
                              const std::string& actor) {
  return Call(Alerts(), &Stub::AcknowledgeAlert,
              ByNameAndEtag<sv1::AcknowledgeAlertRequest>(name, etag), actor);
}

TEST(ListAlerts, TierDropsOfTheSecondRun) {
  const World& w = TheWorld();
  // Run 1 had no previous run to drop from.
  Reply<sv1::ListAlertsResponse> first = List(absl::StrCat("run = \"", w.run1, "\""));
  ASSERT_OK(first.status);
  EXPECT_EQ(first.value.alerts_size(), 0);

  Reply<sv1::ListAlertsResponse> reply = List(absl::StrCat("run = \"", w.run2, "\""));
  ASSERT_OK(reply.status);
  // Newest first: both were raised together, so by id descending (y after x).
  ASSERT_EQ(Accounts(reply.value), (std::vector<std::string>{w.y, w.x}));
  const sv1::Alert& y = reply.value.alerts(0);
  const sv1::Alert& x = reply.value.alerts(1);
  EXPECT_TRUE(absl::StartsWith(y.name(), "alerts/")) << y.name();
  EXPECT_EQ(y.kind(), sv1::ALERT_KIND_TIER_DROP);
  EXPECT_EQ(y.severity(), sv1::ALERT_SEVERITY_CRITICAL);  // off the key-account list
  EXPECT_EQ(x.kind(), sv1::ALERT_KIND_TIER_DROP);
  EXPECT_EQ(x.severity(), sv1::ALERT_SEVERITY_WARNING);  // A -> B, still key
  EXPECT_EQ(y.run(), w.run2);
  EXPECT_FALSE(y.message().empty());
  EXPECT_FALSE(y.evidence().empty());
  EXPECT_TRUE(y.has_create_time());
  EXPECT_FALSE(y.has_acknowledge_time());
  EXPECT_EQ(y.acknowledged_by(), "");
  EXPECT_FALSE(y.etag().empty());
  EXPECT_NE(x.name(), y.name());
}

TEST(ListAlerts, Filters) {
  const World& w = TheWorld();
  const std::string run = absl::StrCat("run = \"", w.run2, "\"");
  auto accounts = [&](const std::string& filter) {
    Reply<sv1::ListAlertsResponse> reply = List(filter);
    EXPECT_OK(reply.status) << filter;
    return Accounts(reply.value);
  };
  using Names = std::vector<std::string>;
  EXPECT_EQ(accounts(absl::StrCat("account = \"", w.x, "\"")), Names{w.x});
  EXPECT_EQ(accounts(absl::StrCat(run, " AND severity = CRITICAL")), Names{w.y});
  EXPECT_EQ(accounts(absl::StrCat(run, " AND severity = ALERT_SEVERITY_WARNING")), Names{w.x});
  EXPECT_EQ(accounts(absl::StrCat(run, " AND kind = tier_drop")), (Names{w.y, w.x}));
  EXPECT_EQ(accounts(absl::StrCat(run, " AND kind = SLA_BREACHES")), Names{});
  EXPECT_EQ(accounts(absl::StrCat(run, " AND kind != TIER_DROP")), Names{});
  EXPECT_EQ(accounts(absl::StrCat("account = \"", w.x, "\" OR account = \"", w.y, "\"")),
            (Names{w.y, w.x}));

  EXPECT_TRUE(IsInvalidField(List("colour = red").status, "filter"));
  EXPECT_TRUE(IsInvalidField(List("kind = PURPLE").status, "filter"));
  EXPECT_TRUE(IsInvalidField(List("severity > WARNING").status, "filter"));
  EXPECT_TRUE(IsInvalidField(List("acknowledged = maybe").status, "filter"));
  EXPECT_TRUE(IsInvalidField(List("account = \"orders/1\"").status, "filter value for account"));
}

TEST(ListAlerts, Pages) {
  const World& w = TheWorld();
  const std::string run = absl::StrCat("run = \"", w.run2, "\"");
  Reply<sv1::ListAlertsResponse> page1 = List(run, 1);
  ASSERT_OK(page1.status);
  EXPECT_EQ(Accounts(page1.value), std::vector<std::string>{w.y});
  ASSERT_FALSE(page1.value.next_page_token().empty());
  Reply<sv1::ListAlertsResponse> page2 = List(run, 1, page1.value.next_page_token());
  ASSERT_OK(page2.status);
  EXPECT_EQ(Accounts(page2.value), std::vector<std::string>{w.x});
  // The page was full, so a token; the next page is empty and the last.
  Reply<sv1::ListAlertsResponse> page3 = List(run, 1, page2.value.next_page_token());
  if (!page2.value.next_page_token().empty()) {
    ASSERT_OK(page3.status);
    EXPECT_EQ(page3.value.alerts_size(), 0);
    EXPECT_TRUE(page3.value.next_page_token().empty());
  }
  // A token belongs to its filter; page sizes are capped, not refused.
  EXPECT_TRUE(IsInvalidField(List("kind = TIER_DROP", 1, page1.value.next_page_token()).status,
                             "page_token"));
  EXPECT_TRUE(IsInvalidField(List(run, 1, "garbage").status, "page_token"));
  EXPECT_TRUE(IsInvalidField(List(run, -1).status, "page_size"));
  Reply<sv1::ListAlertsResponse> huge = List(run, 100000);
  ASSERT_OK(huge.status);
  EXPECT_EQ(huge.value.alerts_size(), 2);
}

TEST(AcknowledgeAlert, EtagActorAndRepeats) {
  const World& w = TheWorld();
  Reply<sv1::ListAlertsResponse> listed =
      List(absl::StrCat("run = \"", w.run2, "\" AND account = \"", w.y, "\""));
  ASSERT_OK(listed.status);
  ASSERT_EQ(listed.value.alerts_size(), 1);
  const sv1::Alert alert = listed.value.alerts(0);

  // Who acknowledges is recorded, so a caller without x-kam-actor is refused.
  Reply<sv1::Alert> nobody = Acknowledge(alert.name(), alert.etag(), "");
  EXPECT_TRUE(HasCode(nobody.status, grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_TRUE(absl::StartsWith(nobody.status.error_message(), "x-kam-actor"))
      << nobody.status.error_message();

  const absl::Time before = absl::Now() - absl::Seconds(1);
  Reply<sv1::Alert> acked = Acknowledge(alert.name(), alert.etag(), "alice");
  ASSERT_OK(acked.status);
  EXPECT_EQ(acked.value.name(), alert.name());
  EXPECT_EQ(acked.value.acknowledged_by(), "alice");
  ASSERT_TRUE(acked.value.has_acknowledge_time());
  EXPECT_GE(FromTs(acked.value.acknowledge_time()), before);
  EXPECT_NE(acked.value.etag(), alert.etag());
  EXPECT_EQ(acked.value.message(), alert.message());

  // The etag read before the acknowledgement is stale now.
  Reply<sv1::Alert> stale = Acknowledge(alert.name(), alert.etag(), "bob");
  EXPECT_TRUE(HasCode(stale.status, grpc::StatusCode::ABORTED));
  // Without an etag (or with the current one) a repeat succeeds and changes
  // nothing: the first acknowledgement stands.
  Reply<sv1::Alert> again = Acknowledge(alert.name(), "", "bob");
  ASSERT_OK(again.status);
  EXPECT_EQ(again.value.SerializeAsString(), acked.value.SerializeAsString());
  Reply<sv1::Alert> current = Acknowledge(alert.name(), acked.value.etag(), "bob");
  ASSERT_OK(current.status);
  EXPECT_EQ(current.value.acknowledged_by(), "alice");

  // Listing shows it, and the acknowledged filter splits the two.
  Reply<sv1::ListAlertsResponse> done =
      List(absl::StrCat("run = \"", w.run2, "\" AND acknowledged = true"));
  ASSERT_OK(done.status);
  ASSERT_EQ(done.value.alerts_size(), 1);
  EXPECT_EQ(done.value.alerts(0).SerializeAsString(), acked.value.SerializeAsString());
  Reply<sv1::ListAlertsResponse> open =
      List(absl::StrCat("run = \"", w.run2, "\" AND acknowledged = false"));
  ASSERT_OK(open.status);
  EXPECT_EQ(Accounts(open.value), std::vector<std::string>{w.x});

  EXPECT_TRUE(HasCode(Acknowledge("alerts/987654321", "", "alice").status,
                      grpc::StatusCode::NOT_FOUND));
  EXPECT_TRUE(IsInvalidField(Acknowledge("runs/1", "", "alice").status, "name"));
  EXPECT_TRUE(IsInvalidField(Acknowledge("", "", "alice").status, "name"));
}

TEST(WatchAlerts, SubscriberGetsTheAlertsOfALaterRun) {
  const World& w = TheWorld();
  // Subscribed before run 2 started; both drops arrive, in the order raised.
  ASSERT_EQ(w.watched.size(), 2u) << w.watch_end.error_message();
  EXPECT_EQ(w.watched[0].account(), w.x);
  EXPECT_EQ(w.watched[1].account(), w.y);
  for (const sv1::Alert& a : w.watched) {
    EXPECT_EQ(a.run(), w.run2);
    EXPECT_EQ(a.kind(), sv1::ALERT_KIND_TIER_DROP);
    EXPECT_FALSE(a.etag().empty());
  }
  // The watch ran until the subscriber cancelled it.
  EXPECT_EQ(w.watch_end.error_code(), grpc::StatusCode::CANCELLED)
      << w.watch_end.error_message();
}

TEST(WatchAlerts, AfterReplaysStoredAlertsFirst) {
  const World& w = TheWorld();
  sv1::WatchAlertsRequest request;
  *request.mutable_after() = Ts(w.before_run2 - absl::Seconds(1));
  request.set_filter(absl::StrCat("account = \"", w.y, "\""));
  Watcher watcher(request, 1);
  auto [received, status] = watcher.Wait();
  ASSERT_EQ(received.size(), 1u) << status.error_message();
  EXPECT_EQ(received[0].account(), w.y);
  EXPECT_EQ(received[0].run(), w.run2);
}

TEST(WatchAlerts, BadFilterEndsTheStreamAtOnce) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
  sv1::WatchAlertsRequest request;
  request.set_filter("colour = red");
  std::unique_ptr<grpc::ClientReader<sv1::Alert>> reader = Alerts().WatchAlerts(&context, request);
  sv1::Alert alert;
  EXPECT_FALSE(reader->Read(&alert));
  EXPECT_TRUE(IsInvalidField(reader->Finish(), "filter"));
}

// A watch kept open for `open_for`, then ended by its deadline: how it
// ended (DEADLINE_EXCEEDED when the server had set it up).
grpc::Status ShortWatch(absl::Duration open_for) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + open_for));
  std::unique_ptr<grpc::ClientReader<sv1::Alert>> reader =
      Alerts().WatchAlerts(&context, sv1::WatchAlertsRequest());
  sv1::Alert alert;
  while (reader->Read(&alert)) {
  }
  return reader->Finish();
}

void CloseWatch(grpc::ClientContext* context, grpc::ClientReader<sv1::Alert>* reader) {
  context->TryCancel();
  sv1::Alert alert;
  while (reader->Read(&alert)) {
  }
  reader->Finish();
}

// Each watch holds a thread and polls the database, so their number is
// capped (--max_alert_watches=3 in this binary): one more is
// RESOURCE_EXHAUSTED at once, and a watch that ends frees its place.
TEST(WatchAlerts, OpenWatchesAreLimited) {
  grpc::ClientContext contexts[3];
  std::unique_ptr<grpc::ClientReader<sv1::Alert>> readers[3];
  for (int i = 0; i < 3; ++i) {
    contexts[i].set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
    readers[i] = Alerts().WatchAlerts(&contexts[i], sv1::WatchAlertsRequest());
    readers[i]->WaitForInitialMetadata();
  }
  const absl::Time asked = absl::Now();
  grpc::Status extra = ShortWatch(absl::Seconds(5));
  EXPECT_EQ(extra.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << extra.error_message();
  EXPECT_EQ(extra.error_message(), "at most 3 alert watches may be open at once; retry later");
  EXPECT_LT(absl::Now() - asked, absl::Seconds(4));

  CloseWatch(&contexts[0], readers[0].get());
  // The server notices the hang-up at its next poll; then a watch fits.
  grpc::Status again;
  for (int attempt = 0; attempt < 20; ++attempt) {
    again = ShortWatch(absl::Milliseconds(800));
    if (again.error_code() != grpc::StatusCode::RESOURCE_EXHAUSTED) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_EQ(again.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << again.error_message();
  for (int i = 1; i < 3; ++i) CloseWatch(&contexts[i], readers[i].get());
}

// A stopping server ends its watches at once (UNAVAILABLE: reconnect)
// rather than holding its shutdown for the whole grace period. Last: it
// restarts the scoring service.
TEST(WatchAlerts, ServerShutdownEndsTheWatch) {
  TheWorld();
  sv1::WatchAlertsRequest request;
  Watcher watcher(request, 1);
  const absl::Time stop = absl::Now();
  ASSERT_TRUE(Suite().StopService("scoring").ok());
  auto [received, status] = watcher.Wait();
  EXPECT_LT(absl::Now() - stop, absl::Seconds(10));
  EXPECT_TRUE(received.empty());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  EXPECT_EQ(status.error_message(), "the server is shutting down");
  ASSERT_TRUE(Suite().StartService("scoring").ok());
  EXPECT_OK(List("").status);
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) {
  return kam::testing::RunTestsOnSuite(
      argc, argv, kam::testing::ScoringSuiteOptions({"--max_alert_watches=3"}));
}
