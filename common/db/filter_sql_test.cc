#include "common/db/filter_sql.h"

#include <string>

#include "gtest/gtest.h"
#include "kam/account/v1/account.pb.h"

namespace kam::common {
namespace {

FilterComparison Compare(const std::string& field, FilterOp op, const std::string& value) {
  return FilterComparison{field, op, value};
}

TEST(FilterSqlTest, AndOrGroupsAndTheEmptyFilter) {
  absl::StatusOr<FilterNode> node = ParseFilter("a = 1 AND (b = 2 OR c = 3)");
  ASSERT_TRUE(node.ok());
  absl::StatusOr<SqlFragment> out = FilterSql(*node, [](const FilterComparison& c, SqlFragment* f) {
    return EqualityTerm(c, c.field, SqlValue(c.value), f);
  });
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->sql, "(a = ? AND (b = ? OR c = ?))");
  EXPECT_EQ(out->params.size(), 3u);
  absl::StatusOr<SqlFragment> empty = FilterSql(*ParseFilter(""), nullptr);
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ(empty->sql, "TRUE");
}

TEST(EqualityTermTest, OnlyEqualityThenTheValuesOwnError) {
  SqlFragment out;
  ASSERT_TRUE(EqualityTerm(Compare("owner", FilterOp::kNe, "bob"), "a.owner", SqlValue("bob"), &out)
                  .ok());
  EXPECT_EQ(out.sql, "a.owner <> ?");
  EXPECT_EQ(EqualityTerm(Compare("owner", FilterOp::kLt, "bob"), "a.owner", SqlValue("bob"), &out)
                .message(),
            "filter field owner supports only = and !=");
  EXPECT_EQ(EqualityTerm(Compare("tier", FilterOp::kEq, "Z"), "a.tier",
                         absl::InvalidArgumentError("bad tier"), &out)
                .message(),
            "bad tier");
}

TEST(TimeTermTest, Rfc3339OrAMessageNamingTheField) {
  SqlFragment out;
  ASSERT_TRUE(
      TimeTerm(Compare("create_time", FilterOp::kGe, "2026-01-31T00:00:00Z"), "o.create_time", &out)
          .ok());
  EXPECT_EQ(out.sql, "o.create_time >= ?");
  EXPECT_EQ(std::get<std::string>(out.params[0]), "2026-01-31 00:00:00.000000");
  EXPECT_EQ(TimeTerm(Compare("create_time", FilterOp::kGe, "yesterday"), "o.create_time", &out)
                .message(),
            "filter value for create_time must be an RFC 3339 time like 2026-01-31T00:00:00Z");
}

TEST(FilterEnumTest, ShortOrFullNameAndTheUnspecifiedValue) {
  using account::v1::Tier;
  EXPECT_EQ(*FilterEnum<Tier>(Compare("tier", FilterOp::kEq, "a"), "TIER_", account::v1::Tier_Parse),
            account::v1::TIER_A);
  EXPECT_EQ(
      *FilterEnum<Tier>(Compare("tier", FilterOp::kEq, "TIER_B"), "TIER_", account::v1::Tier_Parse),
      account::v1::TIER_B);
  EXPECT_EQ(FilterEnum<Tier>(Compare("tier", FilterOp::kEq, "UNSPECIFIED"), "TIER_",
                             account::v1::Tier_Parse)
                .status()
                .message(),
            "filter value \"UNSPECIFIED\" is not a valid tier");
  EXPECT_EQ(*FilterEnum<Tier>(Compare("tier", FilterOp::kEq, "UNSPECIFIED"), "TIER_",
                              account::v1::Tier_Parse, /*accept_unspecified=*/true),
            account::v1::TIER_UNSPECIFIED);
}

TEST(FilterWantsTrueTest, TrueFalseAndTheOperator) {
  EXPECT_TRUE(*FilterWantsTrue(Compare("x", FilterOp::kEq, "TRUE")));
  EXPECT_TRUE(*FilterWantsTrue(Compare("x", FilterOp::kNe, "false")));
  EXPECT_FALSE(*FilterWantsTrue(Compare("x", FilterOp::kNe, "true")));
  EXPECT_EQ(FilterWantsTrue(Compare("x", FilterOp::kEq, "yes")).status().message(),
            "filter value for x must be true or false");
}

}  // namespace
}  // namespace kam::common
