// Helpers for the billing integration tests (billing_*_test.cc, and the
// scoring tests, whose accounts are worth their invoices): the billing stub,
// money and times, accounts with a credit profile created through the
// account service, and short calls of the billing API.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "kam/interaction/v1/billing.grpc.pb.h"
#include "tests/interaction/interaction_client.h"

namespace kam::testing {

namespace bv1 = ::kam::interaction::v1;
using BillingStub = bv1::BillingService::Stub;

inline BillingStub& Billing() { return InteractionApi<bv1::BillingService>(); }

inline kam::type::v1::Money Money(int64_t units, const std::string& currency = "EUR") {
  kam::type::v1::Money m;
  m.set_currency_code(currency);
  m.set_minor_units(units);
  return m;
}

inline google::protobuf::Timestamp Ts(absl::Time t) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(absl::ToUnixSeconds(t));
  ts.set_nanos(static_cast<int32_t>((t - absl::FromUnixSeconds(ts.seconds())) /
                                    absl::Nanoseconds(1)));
  return ts;
}

inline absl::Time FromTs(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

// 2026-MM-DD 00:00 UTC (the tests run later than 2026-11, so these are past).
inline absl::Time Day(int month, int day, int year = 2026) {
  return absl::FromCivil(absl::CivilDay(year, month, day), absl::UTCTimeZone());
}

// An account with a credit limit (and so a currency) and payment terms.
inline std::string CreditAccount(int64_t limit, int terms_days = 30,
                                 const std::string& currency = "EUR") {
  v1::CreateAccountRequest request;
  request.mutable_account()->set_display_name(Unique("billing"));
  v1::CreditProfile* credit = request.mutable_account()->mutable_credit();
  credit->mutable_credit_limit()->set_currency_code(currency);
  credit->mutable_credit_limit()->set_minor_units(limit);
  credit->set_payment_terms_days(terms_days);
  v1::Account account;
  grpc::Status status = Accounts().CreateAccount(Context().get(), request, &account);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return account.name();
}

inline bv1::CreateOrderRequest OrderRequest(const std::string& account, int64_t amount,
                                            const std::string& request_id = "",
                                            int64_t cost = -1) {
  bv1::CreateOrderRequest request;
  request.mutable_order()->set_account(account);
  *request.mutable_order()->mutable_amount() = Money(amount);
  if (cost >= 0) *request.mutable_order()->mutable_cost() = Money(cost);
  request.mutable_order()->set_description("test order");
  request.set_request_id(request_id);
  return request;
}

inline Reply<bv1::Order> PlaceOrder(const std::string& account, int64_t amount,
                                    const std::string& request_id = "", int64_t cost = -1) {
  return Call(Billing(), &BillingStub::CreateOrder,
              OrderRequest(account, amount, request_id, cost));
}

inline bv1::Order MustOrder(const std::string& account, int64_t amount, int64_t cost = -1) {
  return OkValue(PlaceOrder(account, amount, "", cost));
}

// Invoices an order (issued at `issue`, or now when unset).
inline Reply<bv1::Invoice> InvoiceOrder(const std::string& order,
                                        std::optional<absl::Time> issue = std::nullopt,
                                        const std::string& request_id = "") {
  bv1::CreateInvoiceRequest request;
  request.mutable_invoice()->set_order(order);
  if (issue.has_value()) *request.mutable_invoice()->mutable_issue_time() = Ts(*issue);
  request.set_request_id(request_id);
  return Call(Billing(), &BillingStub::CreateInvoice, request);
}

// An invoice on its own.
inline Reply<bv1::Invoice> InvoiceAmount(const std::string& account, int64_t amount,
                                         std::optional<absl::Time> issue = std::nullopt,
                                         int64_t cost = -1) {
  bv1::CreateInvoiceRequest request;
  request.mutable_invoice()->set_account(account);
  *request.mutable_invoice()->mutable_amount() = Money(amount);
  if (cost >= 0) *request.mutable_invoice()->mutable_cost() = Money(cost);
  if (issue.has_value()) *request.mutable_invoice()->mutable_issue_time() = Ts(*issue);
  return Call(Billing(), &BillingStub::CreateInvoice, request);
}

inline bv1::Invoice MustInvoice(const std::string& account, int64_t amount,
                                std::optional<absl::Time> issue = std::nullopt,
                                int64_t cost = -1) {
  return OkValue(InvoiceAmount(account, amount, issue, cost));
}

struct Alloc {
  std::string invoice;
  int64_t amount;
};

inline bv1::RecordPaymentRequest PaymentRequest(const std::string& account, int64_t amount,
                                                const std::vector<Alloc>& allocations = {},
                                                std::optional<absl::Time> received = std::nullopt,
                                                const std::string& request_id = "") {
  bv1::RecordPaymentRequest request;
  bv1::Payment* p = request.mutable_payment();
  p->set_account(account);
  *p->mutable_amount() = Money(amount);
  if (received.has_value()) *p->mutable_received_time() = Ts(*received);
  for (const Alloc& a : allocations) {
    bv1::PaymentAllocation* out = p->add_allocations();
    out->set_invoice(a.invoice);
    *out->mutable_amount() = Money(a.amount);
  }
  request.set_request_id(request_id);
  return request;
}

inline Reply<bv1::Payment> Pay(const std::string& account, int64_t amount,
                               const std::vector<Alloc>& allocations = {},
                               std::optional<absl::Time> received = std::nullopt,
                               const std::string& request_id = "") {
  return Call(Billing(), &BillingStub::RecordPayment,
              PaymentRequest(account, amount, allocations, received, request_id));
}

inline bv1::Invoice GetInvoice(const std::string& name) {
  return OkValue(Call(Billing(), &BillingStub::GetInvoice, ByName<bv1::GetInvoiceRequest>(name)));
}

inline bv1::Order GetOrder(const std::string& name) {
  return OkValue(Call(Billing(), &BillingStub::GetOrder, ByName<bv1::GetOrderRequest>(name)));
}

inline bv1::CreditExposure Exposure(const std::string& account) {
  bv1::GetCreditExposureRequest request;
  request.set_account(account);
  return OkValue(Call(Billing(), &BillingStub::GetCreditExposure, request));
}

// Every order matching `filter` (all pages, bounded).
inline std::vector<bv1::Order> AllOrders(const std::string& filter, int page_size = 1000) {
  bv1::ListOrdersRequest request;
  request.set_filter(filter);
  request.set_page_size(page_size);
  return AllPages<bv1::Order>(Billing(), &BillingStub::ListOrders, request);
}

inline std::vector<bv1::Invoice> AllInvoices(const std::string& filter, int page_size = 1000) {
  bv1::ListInvoicesRequest request;
  request.set_filter(filter);
  request.set_page_size(page_size);
  return AllPages<bv1::Invoice>(Billing(), &BillingStub::ListInvoices, request);
}

inline std::vector<bv1::Payment> AllPayments(const std::string& filter) {
  bv1::ListPaymentsRequest request;
  request.set_filter(filter);
  request.set_page_size(1000);
  return AllPages<bv1::Payment>(Billing(), &BillingStub::ListPayments, request);
}

inline std::string AccountFilter(const std::string& account) {
  return absl::StrCat("account = \"", account, "\"");
}

}  // namespace kam::testing
