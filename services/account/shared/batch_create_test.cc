#include "services/account/shared/batch_create.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace kam::account {
namespace {

TEST(BatchCreateTest, ABatchHoldsOneTo500Creates) {
  struct Case {
    int size;
    std::string message;  // empty: OK
  };
  for (const Case& c : std::vector<Case>{
           {0, "requests must hold at least one create"},
           {1, ""},
           {500, ""},
           {501, "requests must hold at most 500 creates (got 501)"},
       }) {
    const absl::Status status = CheckBatchCreateSize(c.size);
    EXPECT_EQ(status.message(), c.message) << c.size;
    EXPECT_EQ(status.code(),
              c.message.empty() ? absl::StatusCode::kOk : absl::StatusCode::kInvalidArgument);
  }
}

TEST(BatchCreateTest, AnItemsErrorNamesTheItemBeforeTheFieldOrTheMessage) {
  struct Case {
    absl::Status single;
    std::string batch;
  };
  for (const Case& c : std::vector<Case>{
           {absl::InvalidArgumentError("account.display_name must not be empty"),
            "requests[3].account.display_name must not be empty"},
           {absl::InvalidArgumentError("account is required"), "requests[3].account is required"},
           {absl::AlreadyExistsError("request_id \"r\" was already used"),
            "requests[3].request_id \"r\" was already used"},
           {absl::NotFoundError("accounts/9 not found"), "requests[3]: accounts/9 not found"},
           {absl::AbortedError("retry later"), "requests[3]: retry later"},
       }) {
    const absl::Status status = ItemError(3, c.single, {"account", "request_id"});
    EXPECT_EQ(status.code(), c.single.code());
    EXPECT_EQ(status.message(), c.batch);
  }
  EXPECT_EQ(ItemError(0, absl::NotFoundError("account accounts/9 not found"), {"parent"}).message(),
            "requests[0]: account accounts/9 not found");
  EXPECT_TRUE(ItemError(2, absl::OkStatus(), {"account"}).ok());
}

TEST(BatchCreateTest, RequestIdsMustDifferWithinABatch) {
  EXPECT_TRUE(CheckDistinctRequestIds({"a", "", "b", ""}).ok());
  const absl::Status twice = CheckDistinctRequestIds({"a", "b", "", "b"});
  EXPECT_EQ(twice.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(twice.message(),
            "requests[1].request_id and requests[3].request_id are both \"b\"; the items of a "
            "batch must have different request ids");
  EXPECT_EQ(UsedRequestIds({"a", "", "b"}), (std::vector<std::string>{"a", "b"}));
}

TEST(BatchCreateTest, AContactItemsParentIsItsOwnOrTheBatchs) {
  struct Case {
    std::string batch;
    std::string item;
    std::string parent;  // empty: refused
  };
  for (const Case& c : std::vector<Case>{
           {"", "accounts/1", "accounts/1"},
           {"accounts/-", "accounts/2", "accounts/2"},
           {"", "", ""},  // the item's own, empty: CreateContact refuses it
           {"accounts/1", "", "accounts/1"},
           {"accounts/1", "accounts/1", "accounts/1"},
       }) {
    const absl::StatusOr<std::string> parent = ItemParent(c.batch, 4, c.item);
    ASSERT_TRUE(parent.ok()) << parent.status();
    EXPECT_EQ(*parent, c.parent);
  }
  const absl::StatusOr<std::string> other = ItemParent("accounts/1", 4, "accounts/2");
  EXPECT_EQ(other.status(), absl::InvalidArgumentError("requests[4].parent must be empty or equal "
                                                       "to the batch's parent \"accounts/1\""));
  EXPECT_TRUE(EachItemNamesItsParent("accounts/-"));
  EXPECT_FALSE(EachItemNamesItsParent("accounts/1"));
}

TEST(BatchCreateTest, AnItemAnswersTheEarlierResultOfItsRequestId) {
  const std::map<std::string, common::CreatedByRequest<int>> earlier = {{"a", {7, "hash-a"}}};
  auto answer = [&](const std::string& id, const std::string& hash) {
    return EarlierResultOf(common::RequestKey{id, hash, "CreateThing"}, earlier);
  };
  EXPECT_EQ(*answer("a", "hash-a"), std::optional<int>(7));
  EXPECT_EQ(*answer("b", "hash-b"), std::nullopt);
  EXPECT_EQ(*answer("", "hash-a"), std::nullopt);
  EXPECT_EQ(answer("a", "other").status().code(), absl::StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace kam::account
