#include "services/account/exports/export_service.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/validation.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"
#include "services/account/shared/account_names.h"

namespace kam::account::exports {
namespace {

constexpr int kDefaultExportPage = 1000;
constexpr int kMaxExportPage = 5000;

}  // namespace

absl::Status ExportService::ExportAccounts(
    const common::CallContext&, const v1::ExportAccountsRequest& request,
    common::ResponseWriter<v1::ExportAccountsResponse>& writer) {
  const int window_days = request.window_days() == 0 ? 365 : request.window_days();
  KAM_RETURN_IF_ERROR(common::CheckRange("window_days", window_days, 1, 3650));
  const int page_size = request.page_size() == 0 ? kDefaultExportPage : request.page_size();
  KAM_RETURN_IF_ERROR(common::CheckRange("page_size", page_size, 1, kMaxExportPage));
  absl::Time as_of = common::NowMicros();
  if (request.has_as_of()) {
    KAM_RETURN_IF_ERROR(common::CheckTimestamp("as_of", request.as_of()));
    as_of = common::FromProtoTimestamp(request.as_of());
  }
  int64_t after = 0;
  if (!request.start_after().empty()) {
    KAM_ASSIGN_OR_RETURN(int64_t id, ParseAccountName("start_after", request.start_after()));
    after = id;
  }
  const absl::Time window_start = as_of - absl::Hours(24) * window_days;
  for (;;) {
    KAM_ASSIGN_OR_RETURN(
        std::vector<v1::AccountSnapshot> page,
        store_->ExportPage(after, page_size, request.include_deleted(), window_start, as_of));
    if (page.empty()) return absl::OkStatus();
    v1::ExportAccountsResponse response;
    response.mutable_accounts()->Reserve(static_cast<int>(page.size()));
    for (v1::AccountSnapshot& account : page) {
      *response.add_accounts() = std::move(account);
    }
    after = std::stoll(response.accounts(response.accounts_size() - 1).name().substr(9));
    if (!writer.Write(response)) {
      return absl::CancelledError("the caller stopped reading the export");
    }
    if (static_cast<int>(page.size()) < page_size) return absl::OkStatus();
  }
}

}  // namespace kam::account::exports
