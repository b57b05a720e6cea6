#include "services/interaction/facts/facts_service.h"

#include "common/api/validation.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"
#include "services/interaction/shared/names.h"

namespace kam::interaction::facts {
namespace {

constexpr int kDefaultPage = 1000;
constexpr int kMaxPage = 5000;
constexpr absl::Duration kMaxPeriod = absl::Hours(24 * 3661);

}  // namespace

void FactsService::Register(common::GrpcServer& server) {
  common::ServeMethods(server, &service_, this, &FactsService::StreamAccountFacts);
}

absl::Status FactsService::StreamAccountFacts(
    const common::CallContext&, const v1::StreamAccountFactsRequest& request,
    common::ResponseWriter<v1::StreamAccountFactsResponse>& writer) {
  if (!request.has_start_time()) return common::InvalidField("start_time", "is required");
  if (!request.has_end_time()) return common::InvalidField("end_time", "is required");
  for (auto [field, ts] : {std::pair{"start_time", &request.start_time()},
                           std::pair{"end_time", &request.end_time()}}) {
    KAM_RETURN_IF_ERROR(common::CheckTimestamp(field, *ts));
  }
  FactsPeriod period{common::FromProtoTimestamp(request.start_time()),
                     common::FromProtoTimestamp(request.end_time())};
  if (period.end <= period.start) {
    return common::InvalidField("end_time", "must be after start_time");
  }
  if (period.end - period.start > kMaxPeriod) {
    return common::InvalidField("end_time", "must be at most 10 years after start_time");
  }
  const int page_size = request.page_size() == 0 ? kDefaultPage : request.page_size();
  KAM_RETURN_IF_ERROR(common::CheckRange("page_size", page_size, 1, kMaxPage));
  int64_t after = 0;
  if (!request.start_after().empty()) {
    KAM_ASSIGN_OR_RETURN(int64_t id, ParseAccountName("start_after", request.start_after()));
    after = id;
  }
  KAM_ASSIGN_OR_RETURN(int64_t max_id, store_->MaxAccountId());
  // Ranges of ids twice a page wide: about a page of accounts per range
  // where ids are dense, never more than two pages in memory.
  const int64_t width = 2 * static_cast<int64_t>(page_size);
  v1::StreamAccountFactsResponse page;
  auto send = [&]() -> absl::Status {
    if (page.facts_size() == 0) return absl::OkStatus();
    if (!writer.Write(page)) {
      return absl::CancelledError("the caller stopped reading the facts");
    }
    page.clear_facts();
    return absl::OkStatus();
  };
  // Written so that no step can overflow: start_after may name any
  // positive int64, up to the largest (after + 1 would wrap).
  for (int64_t first = after; first < max_id;) {
    ++first;
    const int64_t last = max_id - first < width ? max_id : first + width - 1;
    absl::StatusOr<std::map<int64_t, v1::AccountFacts>> range = store_->Range(first, last, period);
    if (!range.ok()) return range.status();
    for (auto& [id, facts] : *range) {
      *page.add_facts() = std::move(facts);
      if (page.facts_size() == page_size) {
        KAM_RETURN_IF_ERROR(send());
      }
    }
    first = last;
  }
  return send();
}

}  // namespace kam::interaction::facts
