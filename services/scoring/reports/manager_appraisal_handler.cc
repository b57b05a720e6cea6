// ReportService.ListManagerAppraisals: each account manager's accounts over a
// finished run's period (docs/domain.md §8-§9: managers are judged over a
// long period on value, movements, satisfaction, disputes and risk events,
// not on volume alone). The sums come from the run's stored ratings, so every
// figure is of one moment; the CSAT average is rules::CsatAverage's.
#include <string>
#include <utility>
#include <vector>

#include "common/api/list_request.h"
#include "common/api/validation.h"
#include "common/base/status_macros.h"
#include "services/scoring/reports/report_service.h"
#include "services/scoring/rules/risk.h"

namespace kam::scoring::reports {
namespace {

// The longest user id an owner can be (the account service's limit).
constexpr size_t kMaxOwnerChars = 128;

void ToAppraisal(const ManagerTotals& t, const std::string& run, v1::ManagerAppraisal* out) {
  out->set_owner(t.owner);
  out->set_run(run);
  out->set_account_count(t.accounts);
  out->set_key_account_count(t.key_accounts);
  out->set_total_value_minor(t.value);
  out->set_total_clv_minor(t.clv);
  out->set_promoted(t.promoted);
  out->set_demoted(t.demoted);
  out->set_new_accounts(t.new_accounts);
  out->set_churned(t.churned);
  out->set_won_back(t.won_back);
  out->set_csat_responses(t.csat_count);
  out->set_csat_average_hundredths(rules::CsatAverage(t.csat_count, t.csat_sum).average_hundredths);
  out->set_complaints(t.complaints);
  out->set_disputes(t.disputes);
  out->set_sla_breaches(t.sla_breaches);
  out->set_overdue_follow_ups(t.overdue_follow_ups);
  out->set_handovers(t.handovers);
  out->set_currency_code(t.currency);
}

}  // namespace

absl::Status ProgrammeReports::ListManagerAppraisals(
    const common::CallContext&, const v1::ListManagerAppraisalsRequest& request,
    v1::ListManagerAppraisalsResponse* response) {
  KAM_RETURN_IF_ERROR(
      common::CheckIdentifier("owner", request.owner(), kMaxOwnerChars, /*required=*/false));
  KAM_ASSIGN_OR_RETURN(
      common::ListRequest list,
      common::ReadListRequest(request.page_size(), request.page_token(), "",
                              {"ListManagerAppraisals", request.run(), request.owner()}));
  KAM_RETURN_IF_ERROR(list.ExpectCursorKeys(1));
  KAM_ASSIGN_OR_RETURN(int64_t run, checks_.SucceededRun("run", request.run()));
  KAM_ASSIGN_OR_RETURN(int64_t previous, runs_->PreviousSucceededRun(run));
  const std::string after = list.cursor.has_value() ? list.cursor->key_values[0] : "";
  KAM_ASSIGN_OR_RETURN(
      std::vector<ManagerTotals> rows,
      reports_->ManagerTotalsPage(run, previous, request.owner(), after, list.limit));
  common::WritePage(
      list, common::TrimPage(std::move(rows), list.limit), response->mutable_next_page_token(),
      [&](const ManagerTotals& t) { ToAppraisal(t, request.run(), response->add_appraisals()); },
      [](const ManagerTotals& t) {
        return common::PageCursor{{t.owner}, 0};
      });
  return absl::OkStatus();
}

}  // namespace kam::scoring::reports
