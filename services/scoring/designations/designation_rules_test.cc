// The designation rules: what a valid designation is (errors name the
// field), which accounts a run puts on the key list and why, and which
// designations a run reports as lapsed.
#include "services/scoring/designations/designation_rules.h"

#include <vector>

#include "absl/strings/match.h"
#include "common/base/proto_time.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace kam::scoring::designations {
namespace {

using account::v1::TIER_A;
using account::v1::TIER_D;

const absl::Time kNow = absl::FromUnixSeconds(1796083200);  // 2026-12-01
constexpr absl::Duration kDay = absl::Hours(24);

v1::Designation Asked() {
  v1::Designation d;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"pb(account: "accounts/7"
           kind: DESIGNATION_KIND_STRATEGIC
           reason: "reference customer for the Nordic launch")pb",
      &d));
  *d.mutable_end_time() = common::ToProtoTimestamp(kNow + 365 * kDay);
  return d;
}

void ExpectInvalid(const v1::Designation& asked, const std::string& field) {
  absl::StatusOr<StoredDesignation> made = NewDesignation(asked, "alice", kNow);
  ASSERT_EQ(made.status().code(), absl::StatusCode::kInvalidArgument) << field;
  EXPECT_TRUE(absl::StartsWith(made.status().message(), field)) << made.status();
}

TEST(NewDesignationTest, DefaultsTheStartAndRecordsWhoDecided) {
  absl::StatusOr<StoredDesignation> made = NewDesignation(Asked(), "alice", kNow);
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_EQ(made->start_time, kNow);
  EXPECT_EQ(made->end_time, kNow + 365 * kDay);
  EXPECT_EQ(made->decided_by, "alice");
  EXPECT_EQ(made->kind, v1::DESIGNATION_KIND_STRATEGIC);
}

TEST(NewDesignationTest, BadInputNamesTheField) {
  v1::Designation d = Asked();
  d.set_kind(v1::DESIGNATION_KIND_UNSPECIFIED);
  ExpectInvalid(d, "designation.kind");
  d = Asked();
  d.set_reason("  ");
  ExpectInvalid(d, "designation.reason");
  d.set_reason(std::string(1001, 'x'));
  ExpectInvalid(d, "designation.reason");
  d = Asked();
  d.clear_end_time();
  ExpectInvalid(d, "designation.end_time is required");
  d = Asked();
  *d.mutable_end_time() = common::ToProtoTimestamp(kNow - kDay);
  ExpectInvalid(d, "designation.end_time must be after start_time");
  d = Asked();
  *d.mutable_start_time() = common::ToProtoTimestamp(kNow - 10 * kDay);
  *d.mutable_end_time() = common::ToProtoTimestamp(kNow - kDay);
  ExpectInvalid(d, "designation.end_time must be in the future");
  d = Asked();
  *d.mutable_end_time() = common::ToProtoTimestamp(kNow + 3654 * kDay);
  ExpectInvalid(d, "designation.end_time must be at most ten years");
  d = Asked();
  *d.mutable_start_time() = common::ToProtoTimestamp(kNow - 400 * kDay);
  ExpectInvalid(d, "designation.start_time");
}

StoredDesignation Designation(int64_t id, int64_t account, v1::DesignationKind kind,
                              absl::Time start, absl::Time end) {
  StoredDesignation d;
  d.id = id;
  d.account_id = account;
  d.kind = kind;
  d.reason = "why";
  d.decided_by = "alice";
  d.start_time = start;
  d.end_time = end;
  return d;
}

rules::AlertDetector Detector() { return *rules::AlertDetector::Create(rules::AlertPolicy()); }

rules::RatingRow Rated(int64_t account, account::v1::Tier tier, account::v1::Tier previous) {
  rules::RatingRow row;
  row.account_id = account;
  row.tier = tier;
  row.previous_tier = previous;
  row.movement = v1::MOVEMENT_UNCHANGED;
  row.key_account = Detector().IsKeyTier(tier);
  return row;
}

v1::AccountRating Why(const rules::RatingRow& row) {
  v1::AccountRating rating;
  EXPECT_TRUE(rating.ParseFromString(row.details));
  return rating;
}

TEST(RunDesignationsTest, AnActiveDesignationPutsADAccountOnTheListWithItsReason) {
  const RunDesignations run(
      {Designation(1, 7, v1::DESIGNATION_KIND_POTENTIAL, kNow - kDay, kNow + kDay),
       Designation(2, 7, v1::DESIGNATION_KIND_STRATEGIC, kNow - kDay, kNow + kDay),
       Designation(3, 8, v1::DESIGNATION_KIND_STRATEGIC, kNow - 9 * kDay, kNow - kDay),
       Designation(4, 9, v1::DESIGNATION_KIND_STRATEGIC, kNow + kDay, kNow + 9 * kDay)},
      kNow, std::nullopt);
  rules::RatingRow designated = Rated(7, TIER_D, TIER_D);
  run.Apply(Detector(), &designated);
  EXPECT_TRUE(designated.key_account);
  EXPECT_FALSE(designated.was_key);
  const v1::AccountRating why = Why(designated);
  ASSERT_EQ(why.key_reasons_size(), 2);
  EXPECT_EQ(why.key_reasons(0), v1::KEY_ACCOUNT_REASON_STRATEGIC);  // enum order
  EXPECT_EQ(why.key_reasons(1), v1::KEY_ACCOUNT_REASON_POTENTIAL);
  EXPECT_EQ(why.designations(0), "designations/2");

  // Expired and not yet started: not key.
  for (int64_t account : {8, 9}) {
    rules::RatingRow row = Rated(account, TIER_D, TIER_D);
    run.Apply(Detector(), &row);
    EXPECT_FALSE(row.key_account) << account;
    EXPECT_TRUE(row.details.empty()) << account;
  }
  EXPECT_TRUE(run.Lapsed().empty());  // a first run reports none
}

TEST(RunDesignationsTest, TierComesFirstAndAChurnedAccountStaysOff) {
  const RunDesignations run(
      {Designation(1, 7, v1::DESIGNATION_KIND_LONG_TERM_AGREEMENT, kNow - kDay, kNow + kDay),
       Designation(2, 8, v1::DESIGNATION_KIND_STRATEGIC, kNow - kDay, kNow + kDay)},
      kNow, std::nullopt);
  rules::RatingRow a = Rated(7, TIER_A, TIER_A);
  run.Apply(Detector(), &a);
  const v1::AccountRating why = Why(a);
  ASSERT_EQ(why.key_reasons_size(), 2);
  EXPECT_EQ(why.key_reasons(0), v1::KEY_ACCOUNT_REASON_TIER);
  EXPECT_EQ(why.key_reasons(1), v1::KEY_ACCOUNT_REASON_LONG_TERM_AGREEMENT);
  EXPECT_TRUE(a.was_key);

  rules::RatingRow churned = Rated(8, account::v1::TIER_UNSPECIFIED, TIER_D);
  churned.movement = v1::MOVEMENT_NOT_TIERED;
  run.Apply(Detector(), &churned);
  EXPECT_FALSE(churned.key_account);
  EXPECT_TRUE(churned.details.empty());
}

TEST(RunDesignationsTest, ReportsWhatLapsedSinceThePreviousRunOnce) {
  const absl::Time previous = kNow - 7 * kDay;
  const RunDesignations run(
      {// Lapsed between the runs: reported.
       Designation(1, 7, v1::DESIGNATION_KIND_STRATEGIC, kNow - 90 * kDay, kNow - kDay),
       // Lapsed before the previous run (reported by it): not again.
       Designation(2, 8, v1::DESIGNATION_KIND_STRATEGIC, kNow - 90 * kDay, previous),
       // Ends at this run's as_of: lapsed now.
       Designation(3, 9, v1::DESIGNATION_KIND_POTENTIAL, kNow - 90 * kDay, kNow),
       // Still active.
       Designation(4, 10, v1::DESIGNATION_KIND_POTENTIAL, kNow - 90 * kDay, kNow + kDay)},
      kNow, previous);
  std::vector<StoredDesignation> ended_early = {
      Designation(5, 11, v1::DESIGNATION_KIND_STRATEGIC, kNow - 90 * kDay, kNow - kDay)};
  ended_early[0].ended_by = "bob";
  const std::vector<rules::Alert> lapsed = run.Lapsed();
  ASSERT_EQ(lapsed.size(), 2u);
  EXPECT_EQ(lapsed[0].account_id, 7);
  EXPECT_EQ(lapsed[0].kind, rules::AlertKind::kDesignationLapsed);
  EXPECT_TRUE(absl::StrContains(lapsed[0].message, "designations/1")) << lapsed[0].message;
  EXPECT_TRUE(absl::StrContains(lapsed[0].evidence, "alice")) << lapsed[0].evidence;
  EXPECT_EQ(lapsed[1].account_id, 9);
  EXPECT_TRUE(RunDesignations(ended_early, kNow, previous).Lapsed().empty());

  // The account whose designation lapsed was on the list before this run.
  rules::RatingRow row = Rated(7, TIER_D, TIER_D);
  run.Apply(Detector(), &row);
  EXPECT_FALSE(row.key_account);
  EXPECT_TRUE(row.was_key);
}

}  // namespace
}  // namespace kam::scoring::designations
