// Times outside year 1 to 9999 through the scoring API (docs/architecture.md,
// "Times"): a run whose period would start before year 1 is refused naming
// as_of (it used to be accepted, fail later, and break every ListRatingRuns
// answer for JSON-converting clients); out-of-range request times are
// refused naming the field with nothing written; and a run stored with a
// period starting in year 0 by an older version still lists, in range.
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "google/protobuf/util/json_util.h"
#include "kam/scoring/v1/alert.grpc.pb.h"
#include "tests/harness/time_range_util.h"
#include "tests/scoring/rating_test_helpers.h"

namespace kam::testing {
namespace {

constexpr int64_t kYear1 = -62135596800;     // 0001-01-01T00:00:00Z
constexpr int64_t kYear9999 = 253402300799;  // 9999-12-31T23:59:59Z
constexpr int64_t kDay = 86400;

std::vector<sv1::RatingRun> AllRuns() {
  sv1::ListRatingRunsRequest request;
  request.set_page_size(100);
  return AllPages<sv1::RatingRun>(Ratings(), &RatingStub::ListRatingRuns, request);
}

Reply<sv1::RatingRun> StartAsOf(const std::string& policy, int64_t seconds, int32_t nanos = 0) {
  sv1::StartRatingRunRequest request;
  request.set_policy(policy);
  request.mutable_as_of()->set_seconds(seconds);
  request.mutable_as_of()->set_nanos(nanos);
  return Call(Ratings(), &RatingStub::StartRatingRun, request);
}

// Every Timestamp of `message` converts to JSON (it cannot outside the range).
::testing::AssertionResult JsonConvertible(const google::protobuf::Message& message) {
  std::string json;
  const auto status = google::protobuf::util::MessageToJsonString(message, &json);
  if (status.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << status.ToString();
}

// A run as of year 1 with the default 365-day period, or as of any time
// less than the period after year 1, is refused naming as_of and the
// period, as are as_of values outside the range: no run is written.
TEST(TimeRange, ARunsPeriodCannotStartBeforeYearOne) {
  const std::string policy = MustCreatePolicy(RevenuePolicy()).name();
  const size_t before = AllRuns().size();
  for (int64_t as_of : {kYear1, kYear1 + 364 * kDay, kYear1 + 365 * kDay - 1}) {
    const Reply<sv1::RatingRun> reply = StartAsOf(policy, as_of);
    EXPECT_TRUE(IsInvalidField(reply.status, "as_of")) << as_of;
    EXPECT_EQ(reply.status.error_message(),
              "as_of must be at least the policy's period (365 days) after 0001-01-01T00:00:00Z: "
              "a run's period cannot start before year 1");
  }
  for (const auto& [seconds, nanos] : std::vector<std::pair<int64_t, int32_t>>{
           {kYear1 - 1, 0}, {kYear9999 + 1, 0}, {0, -1}, {0, 1000000000}}) {
    const Reply<sv1::RatingRun> reply = StartAsOf(policy, seconds, nanos);
    EXPECT_TRUE(IsInvalidField(reply.status, "as_of")) << seconds << " " << nanos;
    EXPECT_TRUE(absl::StrContains(reply.status.error_message(), "year 1 to 9999"));
  }
  const std::vector<sv1::RatingRun> runs = AllRuns();
  EXPECT_EQ(runs.size(), before);
  for (const sv1::RatingRun& run : runs) EXPECT_TRUE(JsonConvertible(run)) << run.name();

  // The first as_of that leaves the whole period in range is taken.
  const Reply<sv1::RatingRun> first = StartAsOf(policy, kYear1 + 365 * kDay);
  ASSERT_OK(first.status);
  EXPECT_EQ(first.value.period_start().seconds(), kYear1);
  WaitForRun(first.value.name());
  sv1::ListRatingRunsResponse page =
      OkValue(Call(Ratings(), &RatingStub::ListRatingRuns, sv1::ListRatingRunsRequest()));
  EXPECT_TRUE(JsonConvertible(page));
}

// WatchAlerts' `after` out of range is refused naming it.
TEST(TimeRange, WatchAlertsAfterOutOfRangeIsRefused) {
  auto stub = sv1::AlertService::NewStub(ScoringChannel());
  for (int64_t seconds : {kYear1 - 1, kYear9999 + 1}) {
    sv1::WatchAlertsRequest request;
    request.mutable_after()->set_seconds(seconds);
    auto context = Context();
    EXPECT_TRUE(IsInvalidField(ReadToEnd(*stub->WatchAlerts(context.get(), request)), "after"))
        << seconds;
  }
}

// An older version stored a period that started in year 0 (DATETIME takes
// it); such a row reads as starting at 0001-01-01T00:00:00Z, so every List
// answer still converts to JSON.
TEST(TimeRange, AStoredPeriodStartInYearZeroStillLists) {
  const std::string policy = MustCreatePolicy(RevenuePolicy()).name();
  const sv1::RatingRun run = RunToEnd(policy);
  const std::string id = run.name().substr(run.name().find('/') + 1);
  ASSERT_TRUE(Suite()
                  .db()
                  .ExecuteAsRoot(absl::StrCat("UPDATE kam_scoring.rating_runs SET period_start = "
                                              "'0000-01-02 00:00:00' WHERE id = ",
                                              id))
                  .ok());
  const absl::StatusOr<std::string> year = Suite().db().QueryAsRoot(
      absl::StrCat("SELECT YEAR(period_start) FROM kam_scoring.rating_runs WHERE id = ", id));
  ASSERT_TRUE(year.ok()) << year.status();
  ASSERT_EQ(absl::StripAsciiWhitespace(*year), "0");
  const Reply<sv1::RatingRun> got = GetRun(run.name());
  ASSERT_OK(got.status);
  EXPECT_EQ(got.value.period_start().seconds(), kYear1);
  EXPECT_EQ(got.value.period_start().nanos(), 0);
  EXPECT_TRUE(JsonConvertible(got.value));
  bool listed = false;
  for (const sv1::RatingRun& r : AllRuns()) {
    EXPECT_TRUE(JsonConvertible(r)) << r.name();
    listed = listed || r.name() == run.name();
  }
  EXPECT_TRUE(listed);
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) {
  return kam::testing::RunTestsOnSuite(argc, argv, kam::testing::ScoringSuiteOptions());
}
