#include "services/interaction/billing/credit_check.h"

#include <limits>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace kam::interaction::billing {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

TEST(FitsCreditLimit, ExactBoundaryIsAllowed) {
  EXPECT_TRUE(FitsCreditLimit(1000, 600, 400));   // == limit
  EXPECT_FALSE(FitsCreditLimit(1000, 600, 401));  // one over
  EXPECT_TRUE(FitsCreditLimit(1000, 600, 399));
  EXPECT_TRUE(FitsCreditLimit(1000, 0, 1000));
  EXPECT_FALSE(FitsCreditLimit(1000, 0, 1001));
}

TEST(FitsCreditLimit, ZeroLimitMeansNoCredit) {
  EXPECT_FALSE(FitsCreditLimit(0, 0, 1));
  EXPECT_TRUE(FitsCreditLimit(0, 0, 0));  // adding nothing never fails
}

TEST(FitsCreditLimit, ExposureAlreadyOverTheLimit) {
  // A limit lowered below the exposure refuses everything that adds to it.
  EXPECT_FALSE(FitsCreditLimit(500, 800, 1));
  EXPECT_TRUE(FitsCreditLimit(500, 800, -300));
}

TEST(FitsCreditLimit, NoOverflowAtTheEdgesOfInt64) {
  EXPECT_TRUE(FitsCreditLimit(kMax, kMax - 1, 1));
  EXPECT_FALSE(FitsCreditLimit(kMax, kMax, 1));     // would wrap to negative
  EXPECT_FALSE(FitsCreditLimit(kMax, kMax, kMax));  // would wrap to -2
  EXPECT_FALSE(FitsCreditLimit(0, 1, kMax));
  EXPECT_TRUE(FitsCreditLimit(kMax, 0, kMax));
  EXPECT_FALSE(FitsCreditLimit(kMin, 0, 0));
  EXPECT_TRUE(FitsCreditLimit(0, kMin, kMax));  // -1 <= 0
}

TEST(PositionOf, SumsOnlyTheCreditCurrency) {
  const CreditPosition p =
      PositionOf("EUR", 5000, {{"EUR", 100, 250}, {"USD", 7, 9}, {"EUR", 1, 2}});
  EXPECT_EQ(p.currency_code, "EUR");
  EXPECT_EQ(p.credit_limit, 5000);
  EXPECT_EQ(p.open_orders, 101);
  EXPECT_EQ(p.open_invoices, 252);
  EXPECT_EQ(p.exposure, 353);
  EXPECT_EQ(AvailableCredit(p), 5000 - 353);
}

TEST(PositionOf, SaturatesInsteadOfWrapping) {
  const CreditPosition p = PositionOf("EUR", 10, {{"EUR", kMax, kMax}});
  EXPECT_EQ(p.exposure, kMax);
  EXPECT_EQ(AvailableCredit(p), 10 - kMax);
  EXPECT_FALSE(FitsCreditLimit(p.credit_limit, p.exposure, 1));
}

TEST(PositionOf, NoTotalsIsZero) {
  const CreditPosition p = PositionOf("CNY", 0, {});
  EXPECT_EQ(p.exposure, 0);
  EXPECT_EQ(AvailableCredit(p), 0);
}

TEST(CheckCredit, PassesWithinAndAtTheLimit) {
  EXPECT_TRUE(CheckCredit("accounts/7", "order", "EUR", 1000, {{"EUR", 300, 300}}, 400).ok());
  EXPECT_TRUE(CheckCredit("accounts/7", "order", "EUR", 1000, {}, 1000).ok());
}

TEST(CheckCredit, RefusalGivesEveryFigure) {
  const absl::Status s = CheckCredit("accounts/7", "order", "EUR", 1000, {{"EUR", 300, 300}}, 401);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  const std::string m(s.message());
  EXPECT_TRUE(absl::StrContains(m, "accounts/7")) << m;
  EXPECT_TRUE(absl::StrContains(m, "credit limit 1000")) << m;
  EXPECT_TRUE(absl::StrContains(m, "exposure 600")) << m;
  EXPECT_TRUE(absl::StrContains(m, "open orders 300")) << m;
  EXPECT_TRUE(absl::StrContains(m, "unpaid invoices 300")) << m;
  EXPECT_TRUE(absl::StrContains(m, "order 401")) << m;
  EXPECT_TRUE(absl::StrContains(m, "available 400")) << m;
  EXPECT_TRUE(absl::StrContains(m, "EUR")) << m;
}

TEST(CheckCredit, ZeroLimitRefusesAnyOrder) {
  const absl::Status s = CheckCredit("accounts/1", "order", "USD", 0, {}, 1);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(s.message(), "credit limit 0")) << s.message();
}

TEST(CheckCredit, OpenAmountsInAnOldCurrencyBlockNewExposure) {
  const absl::Status s = CheckCredit("accounts/3", "order", "USD", 1000000, {{"EUR", 0, 50}}, 1);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(s.message(), "EUR")) << s.message();
  EXPECT_TRUE(absl::StrContains(s.message(), "credit currency is now USD")) << s.message();
  // Settled totals in the old currency do not block.
  EXPECT_TRUE(CheckCredit("accounts/3", "order", "USD", 1000000, {{"EUR", 0, 0}}, 1).ok());
}

GroupLimit Group(int64_t limit) {
  GroupLimit group;
  group.group = "accounts/1";
  group.group_id = 1;
  group.currency_code = "EUR";
  group.limit = limit;
  group.member_ids = {1, 2, 3, 4};
  return group;
}

TEST(CheckGroupCredit, PassesUpToTheGroupLimitExactly) {
  // Members owe 600 + 300 together; 100 more reaches the limit of 1000.
  EXPECT_TRUE(CheckGroupCredit(Group(1000), "accounts/3", "order", "EUR", {{"EUR", 600, 300}}, 100)
                  .ok());
  EXPECT_TRUE(CheckGroupCredit(Group(1000), "accounts/3", "order", "EUR", {}, 1000).ok());
}

TEST(CheckGroupCredit, RefusalNamesTheGroupAndGivesItsFigures) {
  const absl::Status s =
      CheckGroupCredit(Group(1000), "accounts/3", "order", "EUR", {{"EUR", 600, 300}}, 101);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  for (const char* part :
       {"group credit limit exceeded for group accounts/1", "4 accounts, accounts/3 among them",
        "group credit limit 1000", "exposure 900", "order 101", "available 100"}) {
    EXPECT_TRUE(absl::StrContains(s.message(), part)) << s.message();
  }
}

TEST(CheckGroupCredit, OtherCurrenciesAreNotCounted) {
  EXPECT_TRUE(
      CheckGroupCredit(Group(1000), "accounts/2", "order", "EUR", {{"USD", 5000, 5000}}, 1000).ok());
}

TEST(CheckGroupCredit, AMemberInAnotherCurrencyCannotTakeCreditUnderIt) {
  const absl::Status s = CheckGroupCredit(Group(1000000), "accounts/4", "order", "USD", {}, 1);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(s.message(), "credit currency USD is not the currency of the "
                                             "group credit limit of accounts/1 (EUR)"))
      << s.message();
}

}  // namespace
}  // namespace kam::interaction::billing
