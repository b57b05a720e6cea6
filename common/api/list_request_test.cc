#include "common/api/list_request.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kam/account/v1/account.pb.h"
#include "kam/interaction/v1/billing.pb.h"

namespace kam::common {
namespace {

struct Row {
  int64_t id;
};

TEST(TrimPageTest, KeepsLimitAndSaysWhetherMoreFollow) {
  Page<Row> more = TrimPage<Row>({{1}, {2}, {3}}, 2);
  EXPECT_TRUE(more.more);
  ASSERT_EQ(more.rows.size(), 2u);
  EXPECT_EQ(more.rows.back().id, 2);
  Page<Row> last = TrimPage<Row>({{1}, {2}}, 2);
  EXPECT_FALSE(last.more);
  EXPECT_EQ(last.rows.size(), 2u);
}

TEST(ListRequestTest, ReadsSizeFilterAndCursorFromTheRequest) {
  interaction::v1::ListOrdersRequest request;
  request.set_page_size(20);
  request.set_filter("status = OPEN");
  absl::StatusOr<ListRequest> first = ReadListRequest(request, {"ListOrders", request.filter()});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->limit, 20);
  EXPECT_EQ(first->filter.comparison.field, "status");
  EXPECT_FALSE(first->cursor.has_value());
  EXPECT_EQ(CursorId(first->cursor), 0);

  // The token of a page resumes the same listing after its last row.
  std::string token;
  WritePage(*first, Page<Row>{{{4}, {9}}, true}, &token, [](Row&) {});
  ASSERT_FALSE(token.empty());
  request.set_page_token(token);
  absl::StatusOr<ListRequest> next = ReadListRequest(request, {"ListOrders", request.filter()});
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(CursorId(next->cursor), 9);
  EXPECT_TRUE(next->ExpectCursorKeys(0).ok());
  EXPECT_EQ(next->ExpectCursorKeys(1).code(), absl::StatusCode::kInvalidArgument);

  // ... and is refused when the filter changed.
  request.set_filter("status = CANCELLED");
  EXPECT_EQ(ReadListRequest(request, {"ListOrders", request.filter()}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ListRequestTest, RequestsWithoutAFilterListEverything) {
  account::v1::ListContactsRequest request;
  request.set_parent("accounts/1");
  absl::StatusOr<ListRequest> list = ReadListRequest(request, {"ListContacts", request.parent()});
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->limit, 50);
  EXPECT_EQ(list->filter.kind, FilterNode::Kind::kAnd);
  EXPECT_TRUE(list->filter.children.empty());
}

TEST(ListRequestTest, NamesTheBadField) {
  interaction::v1::ListOrdersRequest request;
  request.set_page_size(-1);
  EXPECT_EQ(ReadListRequest(request, {"ListOrders"}).status().message().substr(0, 9), "page_size");
  request.set_page_size(0);
  request.set_filter("status = ");
  EXPECT_EQ(ReadListRequest(request, {"ListOrders"}).status().message().substr(0, 6), "filter");
  request.set_filter("");
  request.set_page_token("not a token");
  EXPECT_EQ(ReadListRequest(request, {"ListOrders"}).status().message().substr(0, 10),
            "page_token");
}

TEST(WritePageTest, NoTokenOnTheLastPageAndRowsInOrder) {
  ListRequest list;
  std::string token;
  std::vector<int64_t> seen;
  WritePage(list, Page<Row>{{{1}, {2}}, false}, &token, [&](Row& row) { seen.push_back(row.id); });
  EXPECT_TRUE(token.empty());
  EXPECT_EQ(seen, (std::vector<int64_t>{1, 2}));
}

}  // namespace
}  // namespace kam::common
