// BillingService: the figures (GetCreditExposure, GetReceivablesAging,
// GetCollectionStats). Reads only; GetCreditExposure asks the account
// service for the limit, the others do not call it.
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/api/page_token.h"
#include "common/api/validation.h"
#include "common/base/fingerprint.h"
#include "common/base/proto_time.h"
#include "services/interaction/billing/billing_service.h"
#include "services/interaction/billing/billing_service_util.h"
#include "services/interaction/billing/collection_stats.h"
#include "services/interaction/billing/credit_check.h"
#include "services/interaction/billing/receivables_aging.h"

namespace kam::interaction::billing {
namespace {

type::Money Money(const std::string& currency, int64_t units) {
  type::Money m;
  m.set_currency_code(currency);
  m.set_minor_units(units);
  return m;
}

// A required request time, truncated to microseconds (what the database
// keeps).
absl::StatusOr<absl::Time> RequiredTime(absl::string_view field, bool present,
                                        const google::protobuf::Timestamp& ts) {
  if (!present) return common::InvalidField(field, "is required");
  if (absl::Status s = common::CheckTimestamp(field, ts); !s.ok()) return s;
  return absl::FromUnixMicros(absl::ToUnixMicros(common::FromProtoTimestamp(ts)));
}

void FillAgingRow(const AgingRow& in, v1::ReceivablesAgingRow* out) {
  const std::string& c = in.currency_code;
  out->set_account(absl::StrCat("accounts/", in.account_id));
  out->set_currency_code(c);
  *out->mutable_current() = Money(c, in.buckets[static_cast<int>(AgingBucket::kCurrent)]);
  *out->mutable_days_1_to_30() = Money(c, in.buckets[static_cast<int>(AgingBucket::kDays1To30)]);
  *out->mutable_days_31_to_60() =
      Money(c, in.buckets[static_cast<int>(AgingBucket::kDays31To60)]);
  *out->mutable_days_61_to_90() =
      Money(c, in.buckets[static_cast<int>(AgingBucket::kDays61To90)]);
  *out->mutable_days_over_90() =
      Money(c, in.buckets[static_cast<int>(AgingBucket::kDaysOver90)]);
  *out->mutable_total() = Money(c, in.total);
  *out->mutable_overdue() = Money(c, in.overdue);
  out->set_open_invoice_count(in.open_invoice_count);
  out->set_max_days_past_due(in.max_days_past_due);
}

}  // namespace

absl::Status BillingService::GetCreditExposure(const Ctx& ctx,
                                               const v1::GetCreditExposureRequest& request,
                                               v1::CreditExposure* response) {
  absl::StatusOr<int64_t> account_id = ParseId("account", request.account(), "accounts");
  if (!account_id.ok()) return account_id.status();
  absl::StatusOr<account::v1::Account> account = accounts_->GetAccount(request.account(), &ctx);
  if (!account.ok()) return account.status();
  absl::StatusOr<AccountTerms> terms = TermsOf(*account);  // a deleted account may be read
  if (!terms.ok()) return terms.status();
  absl::StatusOr<std::vector<OpenTotals>> totals = store_->OpenTotalsOf(*account_id);
  if (!totals.ok()) return totals.status();
  const std::string& c = terms->currency_code;
  absl::StatusOr<int64_t> overdue = store_->OverdueBalance(*account_id, c, common::NowMicros());
  if (!overdue.ok()) return overdue.status();
  const CreditPosition position = PositionOf(c, terms->credit_limit, *totals);
  response->set_account(request.account());
  *response->mutable_credit_limit() = Money(c, position.credit_limit);
  *response->mutable_open_orders() = Money(c, position.open_orders);
  *response->mutable_open_invoices() = Money(c, position.open_invoices);
  *response->mutable_exposure() = Money(c, position.exposure);
  *response->mutable_available() = Money(c, AvailableCredit(position));
  *response->mutable_overdue() = Money(c, *overdue);
  response->set_payment_terms_days(terms->payment_terms_days);
  return absl::OkStatus();
}

absl::Status BillingService::GetReceivablesAging(const Ctx&,
                                                 const v1::GetReceivablesAgingRequest& request,
                                                 v1::GetReceivablesAgingResponse* response) {
  absl::Time as_of = common::NowMicros();
  if (request.has_as_of()) {
    absl::StatusOr<absl::Time> t = RequiredTime("as_of", true, request.as_of());
    if (!t.ok()) return t.status();
    as_of = *t;
  }
  std::vector<int64_t> account_ids;
  bool more = false;
  uint64_t query = 0;
  if (!request.account().empty()) {
    absl::StatusOr<int64_t> id = ParseId("account", request.account(), "accounts");
    if (!id.ok()) return id.status();
    account_ids.push_back(*id);
  } else {
    absl::StatusOr<int> limit = common::ResolvePageSize(request.page_size());
    if (!limit.ok()) return limit.status();
    query = common::Fingerprint64({"GetReceivablesAging", common::ToSqlDateTime(as_of)});
    absl::StatusOr<std::optional<common::PageCursor>> cursor =
        DecodeCursor(request.page_token(), query);
    if (!cursor.ok()) return cursor.status();
    absl::StatusOr<std::vector<int64_t>> ids =
        store_->AccountsOwingAt(as_of, cursor->has_value() ? (*cursor)->last_id : 0, *limit);
    if (!ids.ok()) return ids.status();
    account_ids = *std::move(ids);
    more = static_cast<int>(account_ids.size()) > *limit;
    if (more) account_ids.resize(*limit);
  }
  absl::StatusOr<std::vector<InvoiceHistory>> histories =
      store_->HistoriesOwingAt(account_ids, as_of);
  if (!histories.ok()) return histories.status();
  for (const AgingRow& row : AgeReceivables(*histories, as_of)) {
    FillAgingRow(row, response->add_rows());
  }
  *response->mutable_as_of() = common::ToProtoTimestamp(as_of);
  if (more) {
    response->set_next_page_token(
        common::EncodePageToken(query, common::PageCursor{{}, account_ids.back()}));
  }
  return absl::OkStatus();
}

absl::Status BillingService::GetCollectionStats(const Ctx&,
                                                const v1::GetCollectionStatsRequest& request,
                                                v1::CollectionStats* response) {
  absl::StatusOr<int64_t> account_id = ParseId("account", request.account(), "accounts");
  if (!account_id.ok()) return account_id.status();
  absl::StatusOr<absl::Time> start =
      RequiredTime("start_time", request.has_start_time(), request.start_time());
  if (!start.ok()) return start.status();
  absl::StatusOr<absl::Time> end =
      RequiredTime("end_time", request.has_end_time(), request.end_time());
  if (!end.ok()) return end.status();
  if (*end <= *start) return common::InvalidField("end_time", "must be after start_time");
  std::string currency = request.currency_code();
  if (!currency.empty()) {
    if (absl::Status s = common::CheckCurrencyCode("currency_code", currency); !s.ok()) return s;
  } else {
    absl::StatusOr<std::vector<std::string>> currencies = store_->InvoiceCurrencies(*account_id);
    if (!currencies.ok()) return currencies.status();
    if (currencies->size() > 1) {
      return common::InvalidField(
          "currency_code", absl::StrCat("is required: ", request.account(), " has invoices in ",
                                        absl::StrJoin(*currencies, " and ")));
    }
    if (!currencies->empty()) currency = currencies->front();
  }
  CollectionFigures f = ComputeCollectionFigures({}, *start, *end);
  int64_t received = 0;
  if (!currency.empty()) {
    absl::StatusOr<std::vector<InvoiceHistory>> histories =
        store_->HistoriesForPeriod(*account_id, currency, *start, *end);
    if (!histories.ok()) return histories.status();
    f = ComputeCollectionFigures(*histories, *start, *end);
    absl::StatusOr<int64_t> payments = store_->PaymentsReceived(*account_id, currency, *start, *end);
    if (!payments.ok()) return payments.status();
    received = *payments;
  }
  const std::string& c = currency;
  response->set_account(request.account());
  *response->mutable_start_time() = common::ToProtoTimestamp(*start);
  *response->mutable_end_time() = common::ToProtoTimestamp(*end);
  response->set_currency_code(c);
  *response->mutable_invoiced_revenue() = Money(c, f.invoiced_revenue);
  *response->mutable_invoiced_cost() = Money(c, f.invoiced_cost);
  *response->mutable_gross_profit() = Money(c, f.gross_profit);
  response->set_invoice_count(f.invoice_count);
  *response->mutable_payments_received() = Money(c, received);
  *response->mutable_collection_due() = Money(c, f.collection_due);
  *response->mutable_collection_collected() = Money(c, f.collection_collected);
  if (f.collection_rate_basis_points.has_value()) {
    response->set_collection_rate_basis_points(*f.collection_rate_basis_points);
  }
  *response->mutable_receivables_at_end() = Money(c, f.receivables_at_end);
  response->set_period_days(f.period_days);
  if (f.days_sales_outstanding.has_value()) {
    response->set_days_sales_outstanding(*f.days_sales_outstanding);
  }
  *response->mutable_overdue_at_end() = Money(c, f.overdue_at_end);
  return absl::OkStatus();
}

}  // namespace kam::interaction::billing
