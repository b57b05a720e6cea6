// Helpers for the billing integration tests (billing_*_test.cc): stubs,
// status assertions, accounts with a credit profile created through the
// account service, and short calls of the billing API.
#ifndef KAM_TESTS_INTERACTION_BILLING_CLIENT_H_
#define KAM_TESTS_INTERACTION_BILLING_CLIENT_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "gtest/gtest.h"
#include "kam/interaction/v1/billing.grpc.pb.h"
#include "tests/interaction/interaction_client.h"

namespace kam::testing {

namespace bv1 = ::kam::interaction::v1;
using BillingStub = bv1::BillingService::Stub;

inline BillingStub& Billing() {
  static BillingStub* stub = InteractionStub<bv1::BillingService>().release();
  return *stub;
}

inline v1::AccountService::Stub& Accounts() {
  static v1::AccountService::Stub* stub = AccountStub().release();
  return *stub;
}

template <typename Response>
struct Reply {
  grpc::Status status;
  Response value;
};

// One unary billing call with a fresh context.
template <typename Request, typename Response>
Reply<Response> Call(grpc::Status (BillingStub::*method)(grpc::ClientContext*, const Request&,
                                                         Response*),
                     const Request& request, const std::string& actor = "test") {
  Reply<Response> reply;
  reply.status = (Billing().*method)(Context(actor).get(), request, &reply.value);
  return reply;
}

inline std::string CodeName(grpc::StatusCode code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

// The code, and no SQL in the message.
inline ::testing::AssertionResult HasCode(const grpc::Status& status, grpc::StatusCode code) {
  if (status.error_code() != code) {
    return ::testing::AssertionFailure() << "expected " << CodeName(code) << ", got "
                                         << CodeName(status.error_code()) << ": "
                                         << status.error_message();
  }
  for (const char* word : {"SQL", "INSERT", "SELECT", "UPDATE ", "syntax", "Duplicate entry"}) {
    if (absl::StrContains(status.error_message(), word)) {
      return ::testing::AssertionFailure() << "message leaks SQL (" << word
                                           << "): " << status.error_message();
    }
  }
  return ::testing::AssertionSuccess();
}

// INVALID_ARGUMENT whose message starts with the field path.
inline ::testing::AssertionResult IsInvalidField(const grpc::Status& status,
                                                 const std::string& field) {
  ::testing::AssertionResult code = HasCode(status, grpc::StatusCode::INVALID_ARGUMENT);
  if (!code) return code;
  if (!absl::StartsWith(status.error_message(), field + " ")) {
    return ::testing::AssertionFailure() << "message does not start with \"" << field
                                         << "\": " << status.error_message();
  }
  return ::testing::AssertionSuccess();
}

#define ASSERT_OK(status) ASSERT_TRUE(HasCode((status), grpc::StatusCode::OK))
#define EXPECT_OK(status) EXPECT_TRUE(HasCode((status), grpc::StatusCode::OK))

inline kam::type::Money Money(int64_t units, const std::string& currency = "EUR") {
  kam::type::Money m;
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
  return Call(&BillingStub::CreateOrder, OrderRequest(account, amount, request_id, cost));
}

inline bv1::Order MustOrder(const std::string& account, int64_t amount, int64_t cost = -1) {
  Reply<bv1::Order> reply = PlaceOrder(account, amount, "", cost);
  EXPECT_OK(reply.status);
  return reply.value;
}

// Invoices an order (issued at `issue`, or now when unset).
inline Reply<bv1::Invoice> InvoiceOrder(const std::string& order,
                                        std::optional<absl::Time> issue = std::nullopt,
                                        const std::string& request_id = "") {
  bv1::CreateInvoiceRequest request;
  request.mutable_invoice()->set_order(order);
  if (issue.has_value()) *request.mutable_invoice()->mutable_issue_time() = Ts(*issue);
  request.set_request_id(request_id);
  return Call(&BillingStub::CreateInvoice, request);
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
  return Call(&BillingStub::CreateInvoice, request);
}

inline bv1::Invoice MustInvoice(const std::string& account, int64_t amount,
                                std::optional<absl::Time> issue = std::nullopt,
                                int64_t cost = -1) {
  Reply<bv1::Invoice> reply = InvoiceAmount(account, amount, issue, cost);
  EXPECT_OK(reply.status);
  return reply.value;
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
  return Call(&BillingStub::RecordPayment,
              PaymentRequest(account, amount, allocations, received, request_id));
}

inline bv1::Invoice GetInvoice(const std::string& name) {
  bv1::GetInvoiceRequest request;
  request.set_name(name);
  Reply<bv1::Invoice> reply = Call(&BillingStub::GetInvoice, request);
  EXPECT_OK(reply.status);
  return reply.value;
}

inline bv1::Order GetOrder(const std::string& name) {
  bv1::GetOrderRequest request;
  request.set_name(name);
  Reply<bv1::Order> reply = Call(&BillingStub::GetOrder, request);
  EXPECT_OK(reply.status);
  return reply.value;
}

inline bv1::CreditExposure Exposure(const std::string& account) {
  bv1::GetCreditExposureRequest request;
  request.set_account(account);
  Reply<bv1::CreditExposure> reply = Call(&BillingStub::GetCreditExposure, request);
  EXPECT_OK(reply.status);
  return reply.value;
}

// Every order matching `filter` (all pages, bounded).
inline std::vector<bv1::Order> AllOrders(const std::string& filter, int page_size = 1000) {
  std::vector<bv1::Order> all;
  bv1::ListOrdersRequest request;
  request.set_filter(filter);
  request.set_page_size(page_size);
  for (int page = 0; page < 100; ++page) {
    Reply<bv1::ListOrdersResponse> reply = Call(&BillingStub::ListOrders, request);
    EXPECT_OK(reply.status);
    for (const bv1::Order& o : reply.value.orders()) all.push_back(o);
    if (reply.value.next_page_token().empty()) break;
    request.set_page_token(reply.value.next_page_token());
  }
  return all;
}

inline std::vector<bv1::Invoice> AllInvoices(const std::string& filter, int page_size = 1000) {
  std::vector<bv1::Invoice> all;
  bv1::ListInvoicesRequest request;
  request.set_filter(filter);
  request.set_page_size(page_size);
  for (int page = 0; page < 100; ++page) {
    Reply<bv1::ListInvoicesResponse> reply = Call(&BillingStub::ListInvoices, request);
    EXPECT_OK(reply.status);
    for (const bv1::Invoice& i : reply.value.invoices()) all.push_back(i);
    if (reply.value.next_page_token().empty()) break;
    request.set_page_token(reply.value.next_page_token());
  }
  return all;
}

inline std::vector<bv1::Payment> AllPayments(const std::string& filter) {
  std::vector<bv1::Payment> all;
  bv1::ListPaymentsRequest request;
  request.set_filter(filter);
  request.set_page_size(1000);
  for (int page = 0; page < 100; ++page) {
    Reply<bv1::ListPaymentsResponse> reply = Call(&BillingStub::ListPayments, request);
    EXPECT_OK(reply.status);
    for (const bv1::Payment& p : reply.value.payments()) all.push_back(p);
    if (reply.value.next_page_token().empty()) break;
    request.set_page_token(reply.value.next_page_token());
  }
  return all;
}

inline std::string AccountFilter(const std::string& account) {
  return absl::StrCat("account = \"", account, "\"");
}

}  // namespace kam::testing

#endif  // KAM_TESTS_INTERACTION_BILLING_CLIENT_H_
