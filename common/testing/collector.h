// The caller of a server-streaming handler in its unit tests: a
// common::ResponseWriter that keeps what the handler writes. Test-only.
//
//   common::testing::Collector<v1::ExportAccountsResponse> out;
//   ASSERT_TRUE(service.ExportAccounts(ctx, request, out).ok());
//   EXPECT_EQ(out.messages.size(), 3u);
//
// Collector(n) reads n messages and then stops reading, as a caller that
// goes away does: every later Write answers false and keeps nothing.
#pragma once

#include <cstddef>
#include <limits>
#include <vector>

#include "common/server/service_methods.h"

namespace kam::common::testing {

template <typename Response>
class Collector final : public ResponseWriter<Response> {
 public:
  explicit Collector(size_t accept = std::numeric_limits<size_t>::max()) : accept_(accept) {}

  bool Write(const Response& response) override {
    if (messages.size() >= accept_) return false;
    messages.push_back(response);
    return true;
  }

  std::vector<Response> messages;  // in the order written

 private:
  size_t accept_;
};

}  // namespace kam::common::testing
