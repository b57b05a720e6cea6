#include "services/interaction/billing/payment_allocation.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace kam::interaction::billing {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1772323200);
constexpr absl::Duration kDay = absl::Hours(24);

OpenBalance Open(int64_t id, int64_t balance, int due_day, int issue_day = 0) {
  return OpenBalance{id, balance, kT0 + due_day * kDay, kT0 + issue_day * kDay};
}

std::vector<std::pair<int64_t, int64_t>> Pairs(const std::vector<Allocation>& allocations) {
  std::vector<std::pair<int64_t, int64_t>> out;
  for (const Allocation& a : allocations) out.emplace_back(a.invoice_id, a.amount);
  return out;
}

using P = std::vector<std::pair<int64_t, int64_t>>;

TEST(AllocateOldestDueFirst, PaysOldestDueFirstInFull) {
  absl::StatusOr<std::vector<Allocation>> a =
      AllocateOldestDueFirst(650, {Open(1, 300, 20), Open(2, 200, 5), Open(3, 400, 10)});
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(Pairs(*a), (P{{2, 200}, {3, 400}, {1, 50}}));
}

TEST(AllocateOldestDueFirst, TiesGoToTheOldestIssuedThenLowestId) {
  absl::StatusOr<std::vector<Allocation>> a = AllocateOldestDueFirst(
      600, {Open(9, 100, 5, 2), Open(4, 100, 5, 1), Open(7, 100, 5, 2), Open(8, 500, 6)});
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(Pairs(*a), (P{{4, 100}, {7, 100}, {9, 100}, {8, 300}}));
}

TEST(AllocateOldestDueFirst, ExactlyTheTotalPaysEverything) {
  absl::StatusOr<std::vector<Allocation>> a =
      AllocateOldestDueFirst(500, {Open(1, 300, 1), Open(2, 200, 2)});
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(Pairs(*a), (P{{1, 300}, {2, 200}}));
}

TEST(AllocateOldestDueFirst, OnePartialPayment) {
  absl::StatusOr<std::vector<Allocation>> a = AllocateOldestDueFirst(1, {Open(1, 300, 1)});
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(Pairs(*a), (P{{1, 1}}));
}

TEST(AllocateOldestDueFirst, MoreThanIsOwedIsRefused) {
  absl::StatusOr<std::vector<Allocation>> a =
      AllocateOldestDueFirst(501, {Open(1, 300, 1), Open(2, 200, 2)});
  ASSERT_EQ(a.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(a.status().message(), "501")) << a.status();
  EXPECT_TRUE(absl::StrContains(a.status().message(), "(500 minor units)")) << a.status();
}

TEST(AllocateOldestDueFirst, NothingOwedRefusesAnyPayment) {
  EXPECT_EQ(AllocateOldestDueFirst(1, {}).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(CheckAllocationsAgainstBalances, UpToTheBalanceIsFine) {
  EXPECT_TRUE(CheckAllocationsAgainstBalances({{1, 300}, {2, 1}},
                                              {Open(1, 300, 1), Open(2, 200, 2)})
                  .ok());
}

TEST(CheckAllocationsAgainstBalances, OverTheBalanceIsRefused) {
  const absl::Status s =
      CheckAllocationsAgainstBalances({{2, 100}, {1, 301}}, {Open(1, 300, 1), Open(2, 200, 2)});
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StartsWith(s.message(), "payment.allocations[1].amount 301")) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "invoices/1 (300 minor units)")) << s;
}

TEST(CheckAllocationsAgainstBalances, AnInvoiceThatIsNotOpenIsRefused) {
  const absl::Status s = CheckAllocationsAgainstBalances({{1, 10}, {5, 10}}, {Open(1, 300, 1)});
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StartsWith(s.message(), "payment.allocations[1].invoice invoices/5 is not open"))
      << s;
}

}  // namespace
}  // namespace kam::interaction::billing
