// FactsService.StreamAccountFacts against FakeFactsStore: pages in account
// order, resuming after an account, and a database that is down.
#include "services/interaction/facts/facts_service.h"

#include <string>
#include <vector>

#include "common/base/proto_time.h"
#include "gtest/gtest.h"
#include "services/interaction/facts/fake_facts_store.h"

namespace kam::interaction::facts {
namespace {

// Collects what the handler writes; refuses after `accept` messages.
class Collector final : public common::ResponseWriter<v1::StreamAccountFactsResponse> {
 public:
  explicit Collector(int accept = 1 << 30) : accept_(accept) {}
  bool Write(const v1::StreamAccountFactsResponse& response) override {
    if (static_cast<int>(pages.size()) >= accept_) return false;
    pages.push_back(response);
    return true;
  }
  // Every account streamed, in order.
  std::vector<std::string> Accounts() const {
    std::vector<std::string> names;
    for (const auto& page : pages) {
      for (const v1::AccountFacts& f : page.facts()) names.push_back(f.account());
    }
    return names;
  }
  std::vector<v1::StreamAccountFactsResponse> pages;

 private:
  int accept_;
};

class FactsServiceTest : public ::testing::Test {
 protected:
  static v1::StreamAccountFactsRequest Request(int page_size, const std::string& start_after = "") {
    v1::StreamAccountFactsRequest request;
    *request.mutable_start_time() = common::ToProtoTimestamp(absl::FromUnixSeconds(1'700'000'000));
    *request.mutable_end_time() =
        common::ToProtoTimestamp(absl::FromUnixSeconds(1'700'000'000) + absl::Hours(24 * 365));
    request.set_page_size(page_size);
    request.set_start_after(start_after);
    return request;
  }

  FakeFactsStore store_;
  FactsService service_{&store_};
  common::CallContext ctx_;
};

TEST_F(FactsServiceTest, StreamsEveryAccountInOrderInPages) {
  for (int64_t id : {3, 4, 9, 10, 11}) store_.Put(id);
  Collector out;
  ASSERT_TRUE(service_.StreamAccountFacts(ctx_, Request(2), out).ok());
  EXPECT_EQ(out.Accounts(), (std::vector<std::string>{"accounts/3", "accounts/4", "accounts/9",
                                                      "accounts/10", "accounts/11"}));
  ASSERT_EQ(out.pages.size(), 3u);
  EXPECT_EQ(out.pages[0].facts_size(), 2);
  EXPECT_EQ(out.pages[2].facts_size(), 1);
}

TEST_F(FactsServiceTest, ResumesAfterTheNamedAccount) {
  for (int64_t id : {3, 4, 9}) store_.Put(id);
  Collector out;
  ASSERT_TRUE(service_.StreamAccountFacts(ctx_, Request(10, "accounts/4"), out).ok());
  EXPECT_EQ(out.Accounts(), std::vector<std::string>{"accounts/9"});
}

TEST_F(FactsServiceTest, AnEmptyBookStreamsNothing) {
  Collector out;
  ASSERT_TRUE(service_.StreamAccountFacts(ctx_, Request(10), out).ok());
  EXPECT_TRUE(out.pages.empty());
}

TEST_F(FactsServiceTest, DatabaseDownIsUnavailable) {
  store_.Put(1);
  store_.SetDown(true);
  Collector out;
  EXPECT_EQ(service_.StreamAccountFacts(ctx_, Request(10), out).code(),
            absl::StatusCode::kUnavailable);
  EXPECT_TRUE(out.pages.empty());
}

TEST_F(FactsServiceTest, StopsWhenTheCallerStopsReading) {
  for (int64_t id = 1; id <= 10; ++id) store_.Put(id);
  Collector out(/*accept=*/1);
  EXPECT_EQ(service_.StreamAccountFacts(ctx_, Request(2), out).code(),
            absl::StatusCode::kCancelled);
  EXPECT_EQ(out.pages.size(), 1u);
  EXPECT_LT(store_.ranges(), 5);
}

TEST_F(FactsServiceTest, RejectsABackwardPeriod) {
  v1::StreamAccountFactsRequest request = Request(10);
  std::swap(*request.mutable_start_time(), *request.mutable_end_time());
  Collector out;
  absl::Status status = service_.StreamAccountFacts(ctx_, request, out);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_.ranges(), 0);
}

}  // namespace
}  // namespace kam::interaction::facts
