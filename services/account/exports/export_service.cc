#include "services/account/exports/export_service.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/validation.h"
#include "common/base/proto_time.h"
#include "services/account/shared/account_names.h"

namespace kam::account::exports {
namespace {

constexpr int kDefaultExportPage = 1000;
constexpr int kMaxExportPage = 5000;

}  // namespace

void ExportService::Register(common::GrpcServer& server) {
  common::ServeMethods(server, &service_, this, &ExportService::ExportAccounts);
}

absl::Status ExportService::ExportAccounts(
    const common::CallContext&, const v1::ExportAccountsRequest& request,
    common::ResponseWriter<v1::ExportAccountsResponse>& writer) {
  const int window_days = request.window_days() == 0 ? 365 : request.window_days();
  if (absl::Status s = common::CheckRange("window_days", window_days, 1, 3650); !s.ok()) {
    return s;
  }
  const int page_size = request.page_size() == 0 ? kDefaultExportPage : request.page_size();
  if (absl::Status s = common::CheckRange("page_size", page_size, 1, kMaxExportPage); !s.ok()) {
    return s;
  }
  absl::Time as_of = common::NowMicros();
  if (request.has_as_of()) {
    if (absl::Status s = common::CheckTimestamp("as_of", request.as_of()); !s.ok()) {
      return s;
    }
    as_of = common::FromProtoTimestamp(request.as_of());
  }
  int64_t after = 0;
  if (!request.start_after().empty()) {
    absl::StatusOr<int64_t> id = ParseAccountName("start_after", request.start_after());
    if (!id.ok()) return id.status();
    after = *id;
  }
  const absl::Time window_start = as_of - absl::Hours(24) * window_days;
  for (;;) {
    absl::StatusOr<std::vector<v1::AccountSnapshot>> page =
        store_->ExportPage(after, page_size, request.include_deleted(), window_start, as_of);
    if (!page.ok()) return page.status();
    if (page->empty()) return absl::OkStatus();
    v1::ExportAccountsResponse response;
    response.mutable_accounts()->Reserve(static_cast<int>(page->size()));
    for (v1::AccountSnapshot& account : *page) {
      *response.add_accounts() = std::move(account);
    }
    after = std::stoll(response.accounts(response.accounts_size() - 1).name().substr(9));
    if (!writer.Write(response)) {
      return absl::CancelledError("the caller stopped reading the export");
    }
    if (static_cast<int>(page->size()) < page_size) return absl::OkStatus();
  }
}

}  // namespace kam::account::exports
