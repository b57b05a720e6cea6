// BillingService: the figures (GetCreditExposure, GetReceivablesAging,
// GetCollectionStats). Reads only; GetCreditExposure asks the account
// service for the limit, the others do not call it (except for a manager's
// accounts, shared/narrowing.h).
#include <algorithm>
#include <optional>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/api/list_request.h"
#include "common/api/page_token.h"
#include "common/api/validation.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"
#include "services/interaction/billing/billing_service.h"
#include "services/interaction/billing/collection_stats.h"
#include "services/interaction/billing/credit_check.h"
#include "services/interaction/billing/receivables_aging.h"
#include "services/interaction/shared/account_checks.h"
#include "services/interaction/shared/narrowing.h"

namespace kam::interaction::billing {
namespace {

// A required request time, truncated to microseconds (what the database
// keeps).
absl::StatusOr<absl::Time> RequiredTime(absl::string_view field, bool present,
                                        const google::protobuf::Timestamp& ts) {
  if (!present) return common::InvalidField(field, "is required");
  KAM_RETURN_IF_ERROR(common::CheckTimestamp(field, ts));
  return absl::FromUnixMicros(absl::ToUnixMicros(common::FromProtoTimestamp(ts)));
}

void FillAgingRow(const AgingRow& in, v1::ReceivablesAgingRow* out) {
  const std::string& c = in.currency_code;
  out->set_account(AccountName(in.account_id));
  out->set_currency_code(c);
  *out->mutable_current() = MoneyOf(c, in.buckets[static_cast<int>(AgingBucket::kCurrent)]);
  *out->mutable_days_1_to_30() = MoneyOf(c, in.buckets[static_cast<int>(AgingBucket::kDays1To30)]);
  *out->mutable_days_31_to_60() =
      MoneyOf(c, in.buckets[static_cast<int>(AgingBucket::kDays31To60)]);
  *out->mutable_days_61_to_90() =
      MoneyOf(c, in.buckets[static_cast<int>(AgingBucket::kDays61To90)]);
  *out->mutable_days_over_90() = MoneyOf(c, in.buckets[static_cast<int>(AgingBucket::kDaysOver90)]);
  *out->mutable_total() = MoneyOf(c, in.total);
  *out->mutable_overdue() = MoneyOf(c, in.overdue);
  out->set_open_invoice_count(in.open_invoice_count);
  out->set_max_days_past_due(in.max_days_past_due);
}

// The first `limit` accounts of `histories` (in account id order) and only
// their histories; `more` when other accounts follow.
common::Page<int64_t> FirstAccounts(std::vector<InvoiceHistory>& histories, int limit) {
  std::set<int64_t> owing;
  for (const InvoiceHistory& h : histories) owing.insert(h.account_id);
  common::Page<int64_t> page =
      common::TrimPage(std::vector<int64_t>(owing.begin(), owing.end()), limit);
  if (page.more) {
    const int64_t last = page.rows.back();
    histories.erase(std::remove_if(histories.begin(), histories.end(),
                                   [&](const InvoiceHistory& h) { return h.account_id > last; }),
                    histories.end());
  }
  return page;
}

}  // namespace

absl::Status BillingService::GetCreditExposure(const Ctx& ctx,
                                               const v1::GetCreditExposureRequest& request,
                                               v1::CreditExposure* response) {
  KAM_ASSIGN_OR_RETURN(int64_t account_id, ParseAccountName("account", request.account()));
  KAM_ASSIGN_OR_RETURN(account::v1::Account account,
                       ReadAccount(*accounts_, ctx, request.account()));
  absl::StatusOr<AccountTerms> terms = TermsOf(account);  // a deleted account may be read
  if (!terms.ok()) return terms.status();
  KAM_ASSIGN_OR_RETURN(std::vector<OpenTotals> totals, store_->OpenTotalsOf(account_id));
  const std::string& c = terms->currency_code;
  KAM_ASSIGN_OR_RETURN(int64_t overdue,
                       figures_->OverdueBalance(account_id, c, common::NowMicros()));
  const CreditPosition position = PositionOf(c, terms->credit_limit, totals);
  response->set_account(request.account());
  *response->mutable_credit_limit() = MoneyOf(c, position.credit_limit);
  *response->mutable_open_orders() = MoneyOf(c, position.open_orders);
  *response->mutable_open_invoices() = MoneyOf(c, position.open_invoices);
  *response->mutable_exposure() = MoneyOf(c, position.exposure);
  *response->mutable_available() = MoneyOf(c, AvailableCredit(position));
  *response->mutable_overdue() = MoneyOf(c, overdue);
  response->set_payment_terms_days(terms->payment_terms_days);
  return absl::OkStatus();
}

absl::Status BillingService::GetReceivablesAging(const Ctx& ctx,
                                                 const v1::GetReceivablesAgingRequest& request,
                                                 v1::GetReceivablesAgingResponse* response) {
  absl::Time as_of = common::NowMicros();
  if (request.has_as_of()) {
    KAM_ASSIGN_OR_RETURN(absl::Time t, RequiredTime("as_of", true, request.as_of()));
    as_of = t;
  }
  // A manager's: only their accounts (another's reads as one that owes
  // nothing, as an account that does not exist).
  KAM_ASSIGN_OR_RETURN(std::shared_ptr<const common::TeamAccounts> theirs,
                       common::NarrowedAccounts(*accounts_, ctx));
  // One account, or a page of the accounts that owed anything at as_of.
  common::Page<int64_t> accounts;
  std::vector<InvoiceHistory> histories;
  uint64_t query = 0;
  if (!request.account().empty()) {
    KAM_ASSIGN_OR_RETURN(int64_t id, ParseAccountName("account", request.account()));
    if (theirs == nullptr || theirs->Contains(id)) accounts.rows.push_back(id);
    KAM_ASSIGN_OR_RETURN(histories, figures_->HistoriesOwingAt(accounts.rows, as_of));
  } else {
    KAM_ASSIGN_OR_RETURN(
        common::ListRequest list,
        common::ReadListRequest(request, {ListQueryName("GetReceivablesAging", NarrowedUser(ctx)),
                                          common::ToSqlDateTime(as_of)}));
    query = list.query;
    const int64_t after = common::CursorId(list.cursor);
    if (theirs == nullptr) {
      KAM_ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                           figures_->AccountsOwingAt(as_of, after, list.limit));
      accounts = common::TrimPage(std::move(ids), list.limit);
      KAM_ASSIGN_OR_RETURN(histories, figures_->HistoriesOwingAt(accounts.rows, as_of));
    } else {
      // A manager's accounts are few: the histories of all of them after the
      // cursor in one read, then a full page of those that owe.
      const std::vector<int64_t>& all = theirs->ids();
      std::vector<int64_t> ids(std::upper_bound(all.begin(), all.end(), after), all.end());
      KAM_ASSIGN_OR_RETURN(histories, figures_->HistoriesOwingAt(ids, as_of));
      accounts = FirstAccounts(histories, list.limit);
    }
  }
  for (const AgingRow& row : AgeReceivables(histories, as_of)) {
    FillAgingRow(row, response->add_rows());
  }
  *response->mutable_as_of() = common::ToProtoTimestamp(as_of);
  if (accounts.more) {
    response->set_next_page_token(
        common::EncodePageToken(query, common::PageCursor{{}, accounts.rows.back()}));
  }
  return absl::OkStatus();
}

absl::Status BillingService::GetCollectionStats(const Ctx& ctx,
                                                const v1::GetCollectionStatsRequest& request,
                                                v1::CollectionStats* response) {
  KAM_ASSIGN_OR_RETURN(int64_t account_id, ParseAccountName("account", request.account()));
  // An account that does not exist has no invoices and no payments: its
  // figures are zeros. A manager gets the same for another's account
  // (account 0, which no row has, reads nothing).
  KAM_ASSIGN_OR_RETURN(std::shared_ptr<const common::TeamAccounts> theirs,
                       common::NarrowedAccounts(*accounts_, ctx));
  if (theirs != nullptr && !theirs->Contains(account_id)) account_id = 0;
  KAM_ASSIGN_OR_RETURN(absl::Time start,
                       RequiredTime("start_time", request.has_start_time(), request.start_time()));
  KAM_ASSIGN_OR_RETURN(absl::Time end,
                       RequiredTime("end_time", request.has_end_time(), request.end_time()));
  if (end <= start) return common::InvalidField("end_time", "must be after start_time");
  std::string currency = request.currency_code();
  if (!currency.empty()) {
    KAM_RETURN_IF_ERROR(common::CheckCurrencyCode("currency_code", currency));
  } else {
    KAM_ASSIGN_OR_RETURN(std::vector<std::string> currencies,
                         figures_->InvoiceCurrencies(account_id));
    if (currencies.size() > 1) {
      return common::InvalidField(
          "currency_code", absl::StrCat("is required: ", request.account(), " has invoices in ",
                                        absl::StrJoin(currencies, " and ")));
    }
    if (!currencies.empty()) currency = currencies.front();
  }
  CollectionFigures f = ComputeCollectionFigures({}, start, end);
  int64_t received = 0;
  if (!currency.empty()) {
    KAM_ASSIGN_OR_RETURN(std::vector<InvoiceHistory> histories,
                         figures_->HistoriesForPeriod(account_id, currency, start, end));
    f = ComputeCollectionFigures(histories, start, end);
    KAM_ASSIGN_OR_RETURN(int64_t payments,
                         figures_->PaymentsReceived(account_id, currency, start, end));
    received = payments;
  }
  const std::string& c = currency;
  response->set_account(request.account());
  *response->mutable_start_time() = common::ToProtoTimestamp(start);
  *response->mutable_end_time() = common::ToProtoTimestamp(end);
  response->set_currency_code(c);
  *response->mutable_invoiced_revenue() = MoneyOf(c, f.invoiced_revenue);
  *response->mutable_invoiced_cost() = MoneyOf(c, f.invoiced_cost);
  *response->mutable_gross_profit() = MoneyOf(c, f.gross_profit);
  response->set_invoice_count(f.invoice_count);
  *response->mutable_payments_received() = MoneyOf(c, received);
  *response->mutable_collection_due() = MoneyOf(c, f.collection_due);
  *response->mutable_collection_collected() = MoneyOf(c, f.collection_collected);
  if (f.collection_rate_basis_points.has_value()) {
    response->set_collection_rate_basis_points(*f.collection_rate_basis_points);
  }
  *response->mutable_receivables_at_end() = MoneyOf(c, f.receivables_at_end);
  response->set_period_days(f.period_days);
  if (f.days_sales_outstanding.has_value()) {
    response->set_days_sales_outstanding(*f.days_sales_outstanding);
  }
  *response->mutable_overdue_at_end() = MoneyOf(c, f.overdue_at_end);
  return absl::OkStatus();
}

}  // namespace kam::interaction::billing
