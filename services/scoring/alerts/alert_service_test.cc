// AlertService against FakeAlertStore: acknowledging (the first
// acknowledgement stands, a stale etag changes nothing, the actor is
// required), watching from the newest alert, and a database that is down.
#include "services/scoring/alerts/alert_service.h"

#include <string>
#include <thread>
#include <vector>

#include "common/testing/fake_team_accounts.h"
#include "common/testing/handler_checks.h"
#include "gtest/gtest.h"
#include "services/scoring/alerts/fake_alert_store.h"

namespace kam::scoring::alerts {
namespace {

class AlertServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    rules::Alert alert;
    alert.account_id = 7;
    alert.kind = rules::AlertKind::kTierDrop;
    alert.severity = rules::AlertSeverity::kWarning;
    alert.message = "accounts/7 dropped from A to C";
    ASSERT_TRUE(store_.InsertAlerts(1, {alert}, absl::FromUnixSeconds(1767225600)).ok());
  }

  absl::StatusOr<v1::Alert> Acknowledge(const std::string& actor, const std::string& etag) {
    v1::AcknowledgeAlertRequest request;
    request.set_name("alerts/1");
    request.set_etag(etag);
    return common::testing::Answer(service_, &AlertService::AcknowledgeAlert, request, actor);
  }

  StoredAlert Stored() const { return store_.Snapshot().alerts.at(1); }

  FakeAlertStore store_;
  common::testing::FakeTeamAccounts teams_;
  AlertService service_{&store_, &teams_, absl::Milliseconds(1)};
};

TEST_F(AlertServiceTest, TheFirstAcknowledgementStands) {
  const std::string etag = Stored().alert.etag();
  absl::StatusOr<v1::Alert> first = Acknowledge("ana", etag);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->acknowledged_by(), "ana");
  EXPECT_TRUE(first->has_acknowledge_time());
  EXPECT_NE(first->etag(), etag);
  EXPECT_EQ(first->SerializeAsString(), Stored().alert.SerializeAsString());

  // A retry (no etag) gets the first acknowledgement back, unchanged.
  absl::StatusOr<v1::Alert> again = Acknowledge("ben", "");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->SerializeAsString(), first->SerializeAsString());
  EXPECT_EQ(Stored().version, 2);
}

TEST_F(AlertServiceTest, AStaleEtagChangesNothing) {
  const std::string etag = Stored().alert.etag();
  ASSERT_TRUE(Acknowledge("ana", etag).ok());
  const StoredAlert before = Stored();
  absl::StatusOr<v1::Alert> stale = Acknowledge("ben", etag);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(stale.status().message(),
            "etag does not match the current version of alerts/1; read it again and retry");
  EXPECT_EQ(Stored().alert.SerializeAsString(), before.alert.SerializeAsString());
  EXPECT_EQ(Stored().version, before.version);
}

TEST_F(AlertServiceTest, AnAcknowledgementSaysWhoMadeIt) {
  for (const std::string actor : {"", "anonymous"}) {
    EXPECT_EQ(Acknowledge(actor, "").status().code(), absl::StatusCode::kInvalidArgument);
  }
  EXPECT_FALSE(Stored().alert.has_acknowledge_time());
  v1::AcknowledgeAlertRequest request;
  request.set_name("alerts/2");
  absl::StatusOr<v1::Alert> missing =
      common::testing::Answer(service_, &AlertService::AcknowledgeAlert, request, "ana");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "alert alerts/2 not found");
}

TEST_F(AlertServiceTest, ADatabaseThatIsDownIsUnavailableAndWritesNothing) {
  store_.SetDown(true);
  EXPECT_EQ(Acknowledge("ana", "").status().code(), absl::StatusCode::kUnavailable);
  store_.SetDown(false);
  EXPECT_FALSE(Stored().alert.has_acknowledge_time());
  EXPECT_EQ(Stored().version, 1);
}

// Collects what a watch sends and stops it after `want` alerts.
class Collector final : public common::ResponseWriter<v1::Alert> {
 public:
  explicit Collector(size_t want) : want_(want) {}
  bool Write(const v1::Alert& alert) override {
    alerts.push_back(alert);
    return alerts.size() < want_;
  }
  std::vector<v1::Alert> alerts;

 private:
  size_t want_;
};

TEST_F(AlertServiceTest, AWatchSendsOnlyAlertsRaisedAfterItStarted) {
  rules::Alert later;
  later.account_id = 8;
  later.kind = rules::AlertKind::kTierDrop;
  later.severity = rules::AlertSeverity::kWarning;
  Collector collector(1);
  std::thread raise([&] {
    absl::SleepFor(absl::Milliseconds(20));
    ASSERT_TRUE(store_.InsertAlerts(2, {later}, absl::FromUnixSeconds(1767312000)).ok());
  });
  common::CallContext ctx{nullptr, "ana", ""};
  absl::Status watched = service_.WatchAlerts(ctx, v1::WatchAlertsRequest(), collector);
  raise.join();
  EXPECT_EQ(watched.code(), absl::StatusCode::kCancelled);
  ASSERT_EQ(collector.alerts.size(), 1u);
  EXPECT_EQ(collector.alerts[0].name(), "alerts/2");
  EXPECT_EQ(collector.alerts[0].account(), "accounts/8");
}

// An account manager acknowledges only the alerts of their accounts:
// another's answers exactly as a missing alert, and nothing is written.
TEST_F(AlertServiceTest, AManagerAcknowledgesOnlyTheirAccountsAlerts) {
  teams_.Put("am.liu", {8});
  const common::CallContext liu = common::testing::GrantedCaller(auth::kAccountManager, "am.liu");
  v1::AcknowledgeAlertRequest request;
  v1::Alert out;
  request.set_name("alerts/2");
  const absl::Status missing = service_.AcknowledgeAlert(liu, request, &out);
  request.set_name("alerts/1");
  const absl::Status other = service_.AcknowledgeAlert(liu, request, &out);
  EXPECT_EQ(missing.message(), "alert alerts/2 not found");
  EXPECT_EQ(other.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(other.message(), "alert alerts/1 not found");
  EXPECT_FALSE(Stored().alert.has_acknowledge_time());
  EXPECT_EQ(Stored().version, 1);

  teams_.Put("am.liu", {7, 8});
  ASSERT_TRUE(service_.AcknowledgeAlert(liu, request, &out).ok());
  EXPECT_EQ(out.acknowledged_by(), "am.liu");
}

}  // namespace
}  // namespace kam::scoring::alerts
