#include "common/api/order_by.h"

#include "gtest/gtest.h"

namespace kam::common {
namespace {

TEST(ParseOrderByTest, FieldAndDirection) {
  struct Case {
    const char* order_by;
    const char* field;
    bool descending;
  };
  for (const Case& c : {Case{"", "", false}, Case{"  ", "", false},
                        Case{"tier", "tier", false}, Case{"tier desc", "tier", true},
                        Case{"  create_time \t DESC ", "create_time", true},
                        Case{"create_time asc", "create_time", false}}) {
    SCOPED_TRACE(c.order_by);
    absl::StatusOr<OrderBy> order = ParseOrderBy(c.order_by, {"tier", "create_time"});
    ASSERT_TRUE(order.ok()) << order.status();
    EXPECT_EQ(order->field, c.field);
    EXPECT_EQ(order->descending, c.descending);
  }
}

TEST(ParseOrderByTest, RefusesWhatTheListingCannotOrderBy) {
  for (const char* order_by : {"name", "tier descending", "tier desc x", "Tier", "desc"}) {
    SCOPED_TRACE(order_by);
    absl::StatusOr<OrderBy> order = ParseOrderBy(order_by, {"tier", "create_time"});
    EXPECT_EQ(order.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(order.status().message(),
              std::string("order_by must be one of tier, create_time, optionally followed by "
                          "\" desc\" (got \"") +
                  order_by + "\")");
  }
}

}  // namespace
}  // namespace kam::common
