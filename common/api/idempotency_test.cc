#include "common/api/idempotency.h"

#include <optional>
#include <string>

#include "gtest/gtest.h"
#include "kam/interaction/v1/billing.pb.h"

namespace kam::common {
namespace {

using interaction::v1::CreateOrderRequest;

CreateOrderRequest Order(const std::string& request_id, const std::string& description) {
  CreateOrderRequest request;
  request.set_request_id(request_id);
  request.mutable_order()->set_description(description);
  return request;
}

struct Row {
  std::string name;
};

TEST(RequestKeyTest, SameRequestSameHashWhateverTheId) {
  absl::StatusOr<RequestKey> a = RequestKeyOf(Order("id-1", "ten chairs"), "CreateOrder");
  absl::StatusOr<RequestKey> b = RequestKeyOf(Order("id-2", "ten chairs"), "CreateOrder");
  absl::StatusOr<RequestKey> c = RequestKeyOf(Order("id-1", "ten tables"), "CreateOrder");
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(a->id, "id-1");
  EXPECT_EQ(a->hash, b->hash);
  EXPECT_NE(a->hash, c->hash);
}

TEST(RequestKeyTest, RefusesAMalformedRequestId) {
  absl::StatusOr<RequestKey> key = RequestKeyOf(Order("has space", "x"), "CreateOrder");
  ASSERT_EQ(key.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(key.status().message().substr(0, 10), "request_id");
  EXPECT_TRUE(RequestKeyOf(Order("", "x"), "CreateOrder").ok());
}

TEST(EarlierResultTest, NoneFirstResultOrReused) {
  const RequestKey key = *RequestKeyOf(Order("id-1", "ten chairs"), "CreateOrder");
  using Found = absl::StatusOr<std::optional<CreatedByRequest<Row>>>;

  absl::StatusOr<std::optional<Row>> none = EarlierResult(key, Found(std::nullopt));
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());

  absl::StatusOr<std::optional<Row>> same =
      EarlierResult(key, Found(CreatedByRequest<Row>{{"orders/7"}, key.hash}));
  ASSERT_TRUE(same.ok());
  ASSERT_TRUE(same->has_value());
  EXPECT_EQ((*same)->name, "orders/7");

  absl::StatusOr<std::optional<Row>> other =
      EarlierResult(key, Found(CreatedByRequest<Row>{{"orders/7"}, "another hash"}));
  EXPECT_EQ(other.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(other.status().message(),
            "request_id \"id-1\" was already used by a different CreateOrder request");

  absl::StatusOr<std::optional<Row>> down =
      EarlierResult(key, Found(absl::UnavailableError("database unavailable")));
  EXPECT_EQ(down.status().code(), absl::StatusCode::kUnavailable);
}

TEST(AnswerRetryTest, MissingFirstRowIsAborted) {
  const RequestKey key = *RequestKeyOf(Order("id-1", "ten chairs"), "CreateOrder");
  using Found = absl::StatusOr<std::optional<CreatedByRequest<Row>>>;
  EXPECT_EQ(AnswerRetry(key, Found(std::nullopt)).status().code(), absl::StatusCode::kAborted);
  absl::StatusOr<Row> first =
      AnswerRetry(key, Found(CreatedByRequest<Row>{{"orders/7"}, key.hash}));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->name, "orders/7");
}

}  // namespace
}  // namespace kam::common
