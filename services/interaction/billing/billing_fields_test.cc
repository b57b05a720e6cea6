#include "services/interaction/billing/billing_fields.h"

#include <limits>

#include "absl/strings/match.h"
#include "common/base/proto_time.h"
#include "gtest/gtest.h"
#include "services/interaction/shared/mask_testing.h"

namespace kam::interaction::billing {
namespace {

type::v1::Money Money(const char* currency, int64_t units) {
  type::v1::Money m;
  m.set_currency_code(currency);
  m.set_minor_units(units);
  return m;
}

::testing::AssertionResult InvalidField(const absl::Status& s, const std::string& field) {
  if (s.code() != absl::StatusCode::kInvalidArgument) {
    return ::testing::AssertionFailure() << "expected INVALID_ARGUMENT, got " << s;
  }
  if (!absl::StartsWith(s.message(), field + " ")) {
    return ::testing::AssertionFailure() << "message does not start with " << field << ": " << s;
  }
  return ::testing::AssertionSuccess();
}

account::v1::Account Account(bool with_limit, int64_t limit = 1000, int terms = 30) {
  account::v1::Account a;
  a.set_name("accounts/7");
  if (with_limit) *a.mutable_credit()->mutable_credit_limit() = Money("EUR", limit);
  a.mutable_credit()->set_payment_terms_days(terms);
  return a;
}

TEST(TermsOf, ReadsCurrencyLimitAndTerms) {
  absl::StatusOr<AccountTerms> t = TermsOf(Account(true, 5000, 45));
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->name, "accounts/7");
  EXPECT_EQ(t->currency_code, "EUR");
  EXPECT_EQ(t->credit_limit, 5000);
  EXPECT_EQ(t->payment_terms_days, 45);
  // A zero limit is a limit (no credit), not "no currency".
  EXPECT_TRUE(TermsOf(Account(true, 0)).ok());
}

TEST(TermsOf, NoCreditLimitMeansNoMoneyWrites) {
  absl::StatusOr<AccountTerms> t = TermsOf(Account(false));
  EXPECT_EQ(t.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(t.status().message(), "no credit currency")) << t.status();
}

TEST(CheckMoneyShape, CurrencyAndSign) {
  EXPECT_TRUE(CheckMoneyShape("order.amount", Money("EUR", 1), 1).ok());
  EXPECT_TRUE(InvalidField(CheckMoneyShape("order.amount", Money("EUR", 0), 1),
                           "order.amount.minor_units"));
  EXPECT_TRUE(CheckMoneyShape("order.cost", Money("EUR", 0), 0).ok());
  EXPECT_TRUE(
      InvalidField(CheckMoneyShape("order.cost", Money("EUR", -1), 0), "order.cost.minor_units"));
  EXPECT_TRUE(InvalidField(CheckMoneyShape("order.amount", Money("eur", 5), 1),
                           "order.amount.currency_code"));
  EXPECT_TRUE(
      InvalidField(CheckMoneyShape("order.amount", Money("", 5), 1), "order.amount.currency_code"));
}

TEST(CheckCurrency, MustBeTheAccountsCurrency) {
  EXPECT_TRUE(CheckCurrency("order.amount", Money("EUR", 5), "EUR").ok());
  const absl::Status s = CheckCurrency("order.amount", Money("USD", 5), "EUR");
  EXPECT_TRUE(InvalidField(s, "order.amount.currency_code"));
  EXPECT_TRUE(absl::StrContains(s.message(), "must be EUR")) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "USD")) << s;
}

TEST(TimeOrNow, DefaultsToNowAndRefusesTheFuture) {
  const absl::Time now = absl::FromUnixMicros(1772323200000000);
  google::protobuf::Timestamp ts;
  EXPECT_EQ(*TimeOrNow("order.order_time", false, ts, now), now);
  ts = common::ToProtoTimestamp(now - absl::Hours(24) + absl::Nanoseconds(1500));
  EXPECT_EQ(*TimeOrNow("order.order_time", true, ts, now),
            now - absl::Hours(24) + absl::Microseconds(1));  // truncated to µs
  ts = common::ToProtoTimestamp(now + absl::Seconds(30));    // within the slack
  EXPECT_TRUE(TimeOrNow("order.order_time", true, ts, now).ok());
  ts = common::ToProtoTimestamp(now + absl::Minutes(2));
  EXPECT_TRUE(
      InvalidField(TimeOrNow("order.order_time", true, ts, now).status(), "order.order_time"));
}

TEST(ValidateOrderFields, AmountCostDescription) {
  v1::Order o;
  EXPECT_TRUE(InvalidField(ValidateOrderFields(o), "order.amount"));
  *o.mutable_amount() = Money("EUR", 100);
  EXPECT_TRUE(ValidateOrderFields(o).ok());
  *o.mutable_cost() = Money("USD", 10);
  EXPECT_TRUE(InvalidField(ValidateOrderFields(o), "order.cost.currency_code"));
  *o.mutable_cost() = Money("EUR", 150);  // a loss-making order is allowed
  EXPECT_TRUE(ValidateOrderFields(o).ok());
  o.set_description(std::string(1001, 'x'));
  EXPECT_TRUE(InvalidField(ValidateOrderFields(o), "order.description"));
}

TEST(ValidateInvoiceFields, AmountRequiredOnlyWithoutAnOrder) {
  v1::Invoice i;
  EXPECT_TRUE(InvalidField(ValidateInvoiceFields(i), "invoice.amount"));
  i.set_order("orders/3");
  EXPECT_TRUE(ValidateInvoiceFields(i).ok());
  *i.mutable_cost() = Money("EUR", 1);
  EXPECT_TRUE(InvalidField(ValidateInvoiceFields(i), "invoice.cost"));
  i.clear_order();
  *i.mutable_amount() = Money("EUR", 10);
  EXPECT_TRUE(ValidateInvoiceFields(i).ok());
  *i.mutable_amount() = Money("EUR", -10);
  EXPECT_TRUE(InvalidField(ValidateInvoiceFields(i), "invoice.amount.minor_units"));
}

v1::Payment PaymentOf(int64_t amount) {
  v1::Payment p;
  p.set_account("accounts/7");
  *p.mutable_amount() = Money("EUR", amount);
  return p;
}

void Allocate(v1::Payment& p, const char* invoice, int64_t amount, const char* currency = "EUR") {
  v1::PaymentAllocation* a = p.add_allocations();
  a->set_invoice(invoice);
  *a->mutable_amount() = Money(currency, amount);
}

TEST(ValidatePaymentFields, WithoutAllocations) {
  EXPECT_TRUE(ValidatePaymentFields(PaymentOf(10)).ok());
  EXPECT_TRUE(InvalidField(ValidatePaymentFields(PaymentOf(0)), "payment.amount.minor_units"));
  v1::Payment p = PaymentOf(10);
  p.set_reference(std::string(201, 'r'));
  EXPECT_TRUE(InvalidField(ValidatePaymentFields(p), "payment.reference"));
}

TEST(ValidatePaymentFields, AllocationsMustAddUpExactly) {
  v1::Payment p = PaymentOf(100);
  Allocate(p, "invoices/1", 60);
  Allocate(p, "invoices/2", 40);
  EXPECT_TRUE(ValidatePaymentFields(p).ok());
  const std::vector<Allocation> parsed = RequestedAllocations(p);
  ASSERT_EQ(parsed.size(), 2u);
  EXPECT_EQ(parsed[0].invoice_id, 1);
  EXPECT_EQ(parsed[0].amount, 60);
  EXPECT_EQ(parsed[1].invoice_id, 2);

  v1::Payment under = PaymentOf(101);
  Allocate(under, "invoices/1", 60);
  Allocate(under, "invoices/2", 40);
  EXPECT_TRUE(InvalidField(ValidatePaymentFields(under), "payment.allocations"));
}

TEST(ValidatePaymentFields, AllocationShape) {
  v1::Payment twice = PaymentOf(20);
  Allocate(twice, "invoices/1", 10);
  Allocate(twice, "invoices/1", 10);
  EXPECT_TRUE(InvalidField(ValidatePaymentFields(twice), "payment.allocations[1].invoice"));

  v1::Payment bad_name = PaymentOf(10);
  Allocate(bad_name, "orders/1", 10);
  EXPECT_TRUE(InvalidField(ValidatePaymentFields(bad_name), "payment.allocations[0].invoice"));

  v1::Payment zero = PaymentOf(10);
  Allocate(zero, "invoices/1", 10);
  Allocate(zero, "invoices/2", 0);
  EXPECT_TRUE(
      InvalidField(ValidatePaymentFields(zero), "payment.allocations[1].amount.minor_units"));

  v1::Payment currency = PaymentOf(10);
  Allocate(currency, "invoices/1", 10, "USD");
  EXPECT_TRUE(
      InvalidField(ValidatePaymentFields(currency), "payment.allocations[0].amount.currency_code"));

  v1::Payment overflow = PaymentOf(10);
  Allocate(overflow, "invoices/1", std::numeric_limits<int64_t>::max());
  Allocate(overflow, "invoices/2", std::numeric_limits<int64_t>::max());
  EXPECT_TRUE(InvalidField(ValidatePaymentFields(overflow), "payment.allocations"));
}

TEST(OrderMaskRules, OnlyDescriptionAmountAndCost) {
  for (const char* path : {"status", "etag", "account"}) {
    EXPECT_EQ(ResolvePaths<v1::Order>(OrderMaskRules(), {path}).status().code(),
              absl::StatusCode::kInvalidArgument)
        << path;
  }
  absl::StatusOr<std::vector<std::string>> all = ResolvePaths<v1::Order>(OrderMaskRules(), {"*"});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(*all, (std::vector<std::string>{"description", "amount", "cost"}));
}

}  // namespace
}  // namespace kam::interaction::billing
