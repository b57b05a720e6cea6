// ExportAccounts against the in-memory database: pages in id order, the
// parent of a group member, a caller that stops reading, and a database that
// is down.
#include "services/account/exports/export_service.h"

#include <vector>

#include "common/testing/collector.h"
#include "gtest/gtest.h"
#include "services/account/fake_account_database.h"

namespace kam::account::exports {
namespace {

using Collector = common::testing::Collector<v1::ExportAccountsResponse>;

class ExportServiceTest : public ::testing::Test {
 protected:
  absl::Status Export(int page_size, Collector& collector) {
    v1::ExportAccountsRequest request;
    request.set_page_size(page_size);
    return service_.ExportAccounts(common::CallContext(), request, collector);
  }

  FakeAccountDatabase db_;
  ExportService service_{&db_.exports()};
};

TEST_F(ExportServiceTest, PagesInIdOrder) {
  for (const char* name : {"A", "B", "C", "D", "E"}) db_.PutAccount(name);
  Collector collector;
  ASSERT_TRUE(Export(2, collector).ok());
  ASSERT_EQ(collector.messages.size(), 3u);
  EXPECT_EQ(collector.messages[1].accounts(0).display_name(), "C");
  EXPECT_EQ(collector.messages[2].accounts_size(), 1);
}

TEST_F(ExportServiceTest, NamesTheParentOfAChildOnly) {
  const accounts::StoredAccount root = db_.PutAccount("Group");
  const accounts::StoredAccount child = db_.PutAccount("Member");
  db_.rows().accounts[child.id].parent_id = root.id;
  db_.rows().accounts[child.id].account.set_parent_account(root.account.name());
  Collector collector;
  ASSERT_TRUE(Export(10, collector).ok());
  ASSERT_EQ(collector.messages[0].accounts_size(), 2);
  EXPECT_EQ(collector.messages[0].accounts(0).parent(), "");
  EXPECT_EQ(collector.messages[0].accounts(1).parent(), root.account.name());
}

TEST_F(ExportServiceTest, ACallerThatStopsReadingCancels) {
  for (const char* name : {"A", "B", "C"}) db_.PutAccount(name);
  Collector collector(/*accept=*/1);
  EXPECT_EQ(Export(1, collector).code(), absl::StatusCode::kCancelled);
}

TEST_F(ExportServiceTest, DatabaseDownAnswersUnavailable) {
  db_.PutAccount("A");
  db_.SetDown(true);
  Collector collector;
  EXPECT_EQ(Export(10, collector).code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(collector.messages.empty());
}

}  // namespace
}  // namespace kam::account::exports
