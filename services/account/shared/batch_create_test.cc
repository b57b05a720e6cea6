#include "services/account/shared/batch_create.h"

#include <algorithm>
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

// CreateBatch over an in-memory "table" of ints (a row is its id):
// earlier items answer what they made, fresh ones get new ids, in order.
struct Table {
  std::map<std::string, common::CreatedByRequest<int>> by_request;
  int next_id = 100;
  std::vector<size_t> created;  // the items `create` was given
  absl::Status refuse;          // what `create` answers

  absl::StatusOr<std::vector<int>> Run(const std::vector<common::RequestKey>& keys) {
    return CreateBatch<int>(
        keys, {"thing", "request_id"},
        [&](const std::vector<std::string>& ids) {
          EXPECT_EQ(ids.size(), static_cast<size_t>(std::count_if(
                                    keys.begin(), keys.end(),
                                    [](const common::RequestKey& k) { return !k.id.empty(); })));
          return absl::StatusOr<std::map<std::string, common::CreatedByRequest<int>>>(by_request);
        },
        [&](size_t count) {
          std::vector<int64_t> ids;
          while (ids.size() < count) ids.push_back(next_id++);
          return absl::StatusOr<std::vector<int64_t>>(ids);
        },
        [](size_t, int64_t id, absl::Time) { return static_cast<int>(id); },
        [&](const std::vector<size_t>& items, const std::vector<int>& rows,
            const std::vector<common::RequestKey>& fresh_keys, absl::Time) {
          if (!refuse.ok()) return refuse;
          created = items;
          for (size_t j = 0; j < rows.size(); ++j) {
            if (!fresh_keys[j].id.empty())
              by_request[fresh_keys[j].id] = {rows[j], fresh_keys[j].hash};
          }
          return absl::OkStatus();
        });
  }
};

common::RequestKey Key(const std::string& id, const std::string& hash = "h") {
  return common::RequestKey{id, hash, "CreateThing"};
}

TEST(BatchCreateTest, ABatchCreatesItsFreshItemsAndAnswersEarlierOnesInOrder) {
  Table table;
  EXPECT_EQ(*table.Run({Key("a"), Key(""), Key("b")}), (std::vector<int>{100, 101, 102}));
  EXPECT_EQ(table.created, (std::vector<size_t>{0, 1, 2}));
  // Re-sent with one more item: only that one is created.
  EXPECT_EQ(*table.Run({Key("a"), Key("c"), Key("b")}), (std::vector<int>{100, 103, 102}));
  EXPECT_EQ(table.created, (std::vector<size_t>{1}));
  // Nothing fresh: `create` is not called.
  table.created.clear();
  EXPECT_EQ(*table.Run({Key("b"), Key("a")}), (std::vector<int>{102, 100}));
  EXPECT_TRUE(table.created.empty());
}

TEST(BatchCreateTest, ABatchIsRefusedWholeNamingTheItem) {
  Table table;
  ASSERT_TRUE(table.Run({Key("a")}).ok());
  EXPECT_EQ(table.Run({Key("x"), Key("a", "other")}).status().message(),
            "requests[1].request_id \"a\" was already used by a different CreateThing request");
  EXPECT_EQ(table.Run({Key("x"), Key("y"), Key("x")}).status().code(),
            absl::StatusCode::kInvalidArgument);
  table.refuse = absl::NotFoundError("requests[0]: gone");
  EXPECT_EQ(table.Run({Key("x")}).status(), table.refuse);
  EXPECT_EQ(table.by_request.count("x"), 0u);
}

}  // namespace
}  // namespace kam::account
