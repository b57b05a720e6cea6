#include "common/base/status_macros.h"

#include <memory>
#include <string>

#include "gtest/gtest.h"

namespace kam::common {
namespace {

absl::StatusOr<int> Half(int n) {
  if (n % 2 != 0) return absl::InvalidArgumentError("n must be even");
  return n / 2;
}

absl::Status CheckPositive(int n) {
  if (n <= 0) return absl::OutOfRangeError("n must be positive");
  return absl::OkStatus();
}

// Halves twice, checking on the way.
absl::StatusOr<int> Quarter(int n) {
  KAM_RETURN_IF_ERROR(CheckPositive(n));
  KAM_ASSIGN_OR_RETURN(const int half, Half(n));
  KAM_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

absl::Status StoreQuarter(int n, int* out) {
  KAM_ASSIGN_OR_RETURN(*out, Quarter(n));
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<std::string>> Boxed(bool ok) {
  if (!ok) return absl::NotFoundError("nothing in the box");
  return std::make_unique<std::string>("value");
}

absl::StatusOr<std::string> Unbox(bool ok) {
  KAM_ASSIGN_OR_RETURN(std::unique_ptr<std::string> box, Boxed(ok));  // move-only values
  return *box;
}

TEST(StatusMacrosTest, ReturnTheFirstErrorOrCarryOn) {
  EXPECT_EQ(*Quarter(12), 3);
  EXPECT_EQ(Quarter(-4).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(Quarter(6).status().message(), "n must be even");  // the second halving
  int out = 0;
  EXPECT_TRUE(StoreQuarter(8, &out).ok());
  EXPECT_EQ(out, 2);
  EXPECT_EQ(StoreQuarter(7, &out).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(out, 2);  // untouched
  EXPECT_EQ(*Unbox(true), "value");
  EXPECT_EQ(Unbox(false).status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace kam::common
