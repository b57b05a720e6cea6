// Orders and the credit check through the public API (docs/domain.md §8): orders
// within and over the credit limit (the exact boundary), what counts as
// exposure, concurrent orders that together would exceed the limit, money
// in the wrong currency, accounts without credit, request_id idempotency,
// etags, and the account service stopped mid-run.
#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "google/protobuf/util/message_differencer.h"
#include "tests/interaction/billing_client.h"

namespace kam::testing {
namespace {

using google::protobuf::util::MessageDifferencer;

std::vector<bv1::Order> OrdersOf(const std::string& account) {
  return AllOrders(AccountFilter(account));
}

int64_t OpenOrderTotal(const std::string& account) {
  int64_t total = 0;
  for (const bv1::Order& o : AllOrders(absl::StrCat(AccountFilter(account), " AND status = OPEN"))) {
    total += o.amount().minor_units();
  }
  return total;
}

TEST(Credit, OrdersUpToTheLimitExactlyAndNotOneMore) {
  const std::string account = CreditAccount(1000);
  Reply<bv1::Order> first = PlaceOrder(account, 600, "", 450);
  ASSERT_OK(first.status);
  EXPECT_EQ(first.value.account(), account);
  EXPECT_EQ(first.value.status(), bv1::ORDER_STATUS_OPEN);
  EXPECT_EQ(first.value.amount().minor_units(), 600);
  EXPECT_EQ(first.value.cost().minor_units(), 450);
  EXPECT_EQ(first.value.actor(), "test");
  EXPECT_TRUE(absl::StartsWith(first.value.name(), "orders/"));
  EXPECT_FALSE(first.value.etag().empty());
  EXPECT_TRUE(MessageDifferencer::Equals(first.value, GetOrder(first.value.name())));

  ASSERT_OK(PlaceOrder(account, 400).status);  // exposure + order == limit

  Reply<bv1::Order> over = PlaceOrder(account, 1);
  ASSERT_TRUE(HasCode(over.status, grpc::StatusCode::FAILED_PRECONDITION));
  const std::string& m = over.status.error_message();
  EXPECT_TRUE(absl::StrContains(m, account)) << m;
  EXPECT_TRUE(absl::StrContains(m, "credit limit 1000")) << m;
  EXPECT_TRUE(absl::StrContains(m, "exposure 1000")) << m;
  EXPECT_TRUE(absl::StrContains(m, "order 1,")) << m;
  EXPECT_TRUE(absl::StrContains(m, "EUR")) << m;
  EXPECT_EQ(OrdersOf(account).size(), 2u);  // nothing written

  const bv1::CreditExposure e = Exposure(account);
  EXPECT_EQ(e.credit_limit().minor_units(), 1000);
  EXPECT_EQ(e.open_orders().minor_units(), 1000);
  EXPECT_EQ(e.open_invoices().minor_units(), 0);
  EXPECT_EQ(e.exposure().minor_units(), 1000);
  EXPECT_EQ(e.available().minor_units(), 0);
  EXPECT_EQ(e.exposure().currency_code(), "EUR");
  EXPECT_EQ(e.payment_terms_days(), 30);
}

TEST(Credit, AnOrderAboveTheWholeLimitIsRefused) {
  const std::string account = CreditAccount(1000);
  EXPECT_TRUE(HasCode(PlaceOrder(account, 1001).status, grpc::StatusCode::FAILED_PRECONDITION));
  ASSERT_OK(PlaceOrder(account, 1000).status);
}

TEST(Credit, ExposureIsOpenOrdersPlusUnpaidInvoices) {
  const std::string account = CreditAccount(1000);
  const bv1::Order big = MustOrder(account, 700);
  // Invoicing moves the amount from open orders to unpaid invoices.
  Reply<bv1::Invoice> invoice = InvoiceOrder(big.name());
  ASSERT_OK(invoice.status);
  bv1::CreditExposure e = Exposure(account);
  EXPECT_EQ(e.open_orders().minor_units(), 0);
  EXPECT_EQ(e.open_invoices().minor_units(), 700);
  EXPECT_TRUE(HasCode(PlaceOrder(account, 301).status, grpc::StatusCode::FAILED_PRECONDITION));
  ASSERT_OK(PlaceOrder(account, 300).status);
  // A payment lowers the exposure by what it pays.
  ASSERT_OK(Pay(account, 500).status);
  e = Exposure(account);
  EXPECT_EQ(e.open_orders().minor_units(), 300);
  EXPECT_EQ(e.open_invoices().minor_units(), 200);
  EXPECT_EQ(e.available().minor_units(), 500);
  EXPECT_TRUE(HasCode(PlaceOrder(account, 501).status, grpc::StatusCode::FAILED_PRECONDITION));
  ASSERT_OK(PlaceOrder(account, 500).status);
  // An invoice on its own adds to the exposure and is credit-checked too.
  EXPECT_TRUE(HasCodeMentioning(InvoiceAmount(account, 1).status,
                                grpc::StatusCode::FAILED_PRECONDITION, "invoice 1,"));
}

TEST(Credit, CancellingAnOrderReleasesItsCredit) {
  const std::string account = CreditAccount(1000);
  const bv1::Order order = MustOrder(account, 1000);
  EXPECT_TRUE(HasCode(PlaceOrder(account, 10).status, grpc::StatusCode::FAILED_PRECONDITION));
  bv1::CancelOrderRequest cancel =
      ByNameAndEtag<bv1::CancelOrderRequest>(order.name(), order.etag());
  cancel.set_reason("customer withdrew");
  Reply<bv1::Order> cancelled = Call(Billing(), &BillingStub::CancelOrder, cancel);
  ASSERT_OK(cancelled.status);
  EXPECT_EQ(cancelled.value.status(), bv1::ORDER_STATUS_CANCELLED);
  EXPECT_EQ(cancelled.value.cancel_reason(), "customer withdrew");
  EXPECT_NE(cancelled.value.etag(), order.etag());
  ASSERT_OK(PlaceOrder(account, 1000).status);
  // Cancelling again, or with the old etag, changes nothing.
  cancel.set_etag("");
  EXPECT_TRUE(HasCode(Call(Billing(), &BillingStub::CancelOrder, cancel).status,
                      grpc::StatusCode::FAILED_PRECONDITION));
  cancel.set_etag(order.etag());
  EXPECT_TRUE(HasCode(Call(Billing(), &BillingStub::CancelOrder, cancel).status,
                      grpc::StatusCode::ABORTED));
}

TEST(Credit, ZeroLimitMeansNoCredit) {
  const std::string account = CreditAccount(0);
  Reply<bv1::Order> refused = PlaceOrder(account, 1);
  EXPECT_TRUE(HasCode(refused.status, grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_TRUE(absl::StrContains(refused.status.error_message(), "credit limit 0"))
      << refused.status.error_message();
  EXPECT_TRUE(OrdersOf(account).empty());
}

TEST(Credit, AnAccountWithoutACreditLimitTakesNoMoney) {
  const v1::Account plain = CreateAccount(Accounts(), Unique("no-credit"));
  Reply<bv1::Order> order = PlaceOrder(plain.name(), 10);
  EXPECT_TRUE(HasCode(order.status, grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_TRUE(absl::StrContains(order.status.error_message(), "no credit currency"))
      << order.status.error_message();
  EXPECT_TRUE(HasCode(Pay(plain.name(), 10).status, grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_TRUE(
      HasCode(InvoiceAmount(plain.name(), 10).status, grpc::StatusCode::FAILED_PRECONDITION));
}

TEST(Credit, MoneyInAnotherCurrencyIsRefused) {
  const std::string account = CreditAccount(100000, 30, "CNY");
  bv1::CreateOrderRequest request = OrderRequest(account, 100);  // EUR
  EXPECT_TRUE(IsInvalidField(Call(Billing(), &BillingStub::CreateOrder, request).status,
                             "order.amount.currency_code"));
  *request.mutable_order()->mutable_amount() = Money(100, "CNY");
  *request.mutable_order()->mutable_cost() = Money(50, "USD");
  EXPECT_TRUE(IsInvalidField(Call(Billing(), &BillingStub::CreateOrder, request).status,
                             "order.cost.currency_code"));
  *request.mutable_order()->mutable_cost() = Money(50, "CNY");
  Reply<bv1::Order> ok = Call(Billing(), &BillingStub::CreateOrder, request);
  ASSERT_OK(ok.status);
  EXPECT_EQ(ok.value.amount().currency_code(), "CNY");
  EXPECT_TRUE(IsInvalidField(Pay(account, 10).status, "payment.amount.currency_code"));
  EXPECT_EQ(OrdersOf(account).size(), 1u);
}

TEST(Credit, InvalidOrdersAndUnknownAccounts) {
  const std::string account = CreditAccount(1000);
  bv1::CreateOrderRequest request = OrderRequest(account, 0);
  EXPECT_TRUE(IsInvalidField(Call(Billing(), &BillingStub::CreateOrder, request).status,
                             "order.amount.minor_units"));
  request = OrderRequest("", 10);
  EXPECT_TRUE(
      IsInvalidField(Call(Billing(), &BillingStub::CreateOrder, request).status, "order.account"));
  request = OrderRequest("accounts/abc", 10);
  EXPECT_TRUE(
      IsInvalidField(Call(Billing(), &BillingStub::CreateOrder, request).status, "order.account"));
  request = OrderRequest(account, 10);
  *request.mutable_order()->mutable_order_time() = Ts(absl::Now() + absl::Hours(1));
  EXPECT_TRUE(IsInvalidField(Call(Billing(), &BillingStub::CreateOrder, request).status,
                             "order.order_time"));
  request = OrderRequest(account, 10);
  request.mutable_order()->clear_amount();
  EXPECT_TRUE(
      IsInvalidField(Call(Billing(), &BillingStub::CreateOrder, request).status, "order.amount"));
  EXPECT_TRUE(HasCode(PlaceOrder("accounts/999999999", 10).status, grpc::StatusCode::NOT_FOUND));
  EXPECT_TRUE(OrdersOf(account).empty());

  // A deleted account takes no orders.
  v1::DeleteAccountRequest del = ByName<v1::DeleteAccountRequest>(account);
  v1::Account deleted;
  ASSERT_TRUE(Accounts().DeleteAccount(Context().get(), del, &deleted).ok());
  EXPECT_TRUE(HasCodeMentioning(PlaceOrder(account, 10).status,
                                grpc::StatusCode::FAILED_PRECONDITION, "deleted"));
}

// Ten orders of 250 at once against a limit of 1000: each credit check sees
// the orders committed before it, so exactly four pass.
TEST(Credit, ConcurrentOrdersOnlyThoseThatFitSucceed) {
  const std::string account = CreditAccount(1000);
  const std::vector<grpc::Status> results =
      CallTogether(10, [&](int) { return PlaceOrder(account, 250, Unique("concurrent")).status; });
  // The other six are FAILED_PRECONDITION.
  EXPECT_EQ(CountOk(results, grpc::StatusCode::FAILED_PRECONDITION), 4);
  EXPECT_EQ(OrdersOf(account).size(), 4u);
  EXPECT_EQ(OpenOrderTotal(account), 1000);
}

TEST(Credit, ConcurrentOrdersOfMixedSizesNeverExceedTheLimit) {
  const std::string account = CreditAccount(1000);
  const int64_t amounts[] = {300, 450, 120, 700, 90, 260, 510, 330, 60, 410, 150, 220};
  std::vector<std::thread> threads;
  std::atomic<int64_t> accepted{0};
  std::atomic<int64_t> smallest_refused{1000000};
  absl::Notification go;
  for (int64_t amount : amounts) {
    threads.emplace_back([&, amount] {
      go.WaitForNotification();
      grpc::Status s = PlaceOrder(account, amount).status;
      if (s.ok()) {
        accepted += amount;
        return;
      }
      EXPECT_TRUE(HasCode(s, grpc::StatusCode::FAILED_PRECONDITION));
      int64_t seen = smallest_refused.load();
      while (amount < seen && !smallest_refused.compare_exchange_weak(seen, amount)) {
      }
    });
  }
  go.Notify();
  for (std::thread& t : threads) t.join();
  EXPECT_LE(accepted.load(), 1000);
  EXPECT_EQ(OpenOrderTotal(account), accepted.load());
  // The room left only shrinks, so every refused order was larger than the
  // room left at the end.
  EXPECT_LT(1000 - accepted.load(), smallest_refused.load());
}

TEST(Idempotency, SameRequestIdSameRequestReturnsTheFirstOrder) {
  const std::string account = CreditAccount(1000);
  const std::string id = Unique("order-request");
  Reply<bv1::Order> first = PlaceOrder(account, 1000, id);
  ASSERT_OK(first.status);
  // The credit is now used up, yet the retry gets the first result.
  Reply<bv1::Order> retry = PlaceOrder(account, 1000, id);
  ASSERT_OK(retry.status);
  EXPECT_TRUE(MessageDifferencer::Equals(first.value, retry.value));
  EXPECT_EQ(OrdersOf(account).size(), 1u);

  Reply<bv1::Order> reused = PlaceOrder(account, 999, id);
  EXPECT_TRUE(HasCode(reused.status, grpc::StatusCode::ALREADY_EXISTS));
  EXPECT_TRUE(absl::StrContains(reused.status.error_message(), id))
      << reused.status.error_message();
  EXPECT_EQ(OrdersOf(account).size(), 1u);

  bv1::CreateOrderRequest bad = OrderRequest(account, 1, "has space");
  EXPECT_TRUE(IsInvalidField(Call(Billing(), &BillingStub::CreateOrder, bad).status, "request_id"));
}

TEST(Idempotency, ConcurrentRetriesCreateOneOrder) {
  const std::string account = CreditAccount(1000);
  const std::string id = Unique("order-race");
  constexpr int kCalls = 6;
  std::vector<Reply<bv1::Order>> replies(kCalls);
  absl::Notification go;
  std::vector<std::thread> threads;
  for (int i = 0; i < kCalls; ++i) {
    threads.emplace_back([&, i] {
      go.WaitForNotification();
      replies[i] = PlaceOrder(account, 800, id);
    });
  }
  go.Notify();
  for (std::thread& t : threads) t.join();
  for (const Reply<bv1::Order>& r : replies) {
    ASSERT_OK(r.status);
    EXPECT_EQ(r.value.name(), replies[0].value.name());
  }
  EXPECT_EQ(OrdersOf(account).size(), 1u);
}

TEST(Idempotency, InvoiceAndPaymentRetries) {
  const std::string account = CreditAccount(1000);
  const bv1::Order order = MustOrder(account, 500);
  const std::string invoice_id = Unique("invoice-request");
  Reply<bv1::Invoice> invoice = InvoiceOrder(order.name(), std::nullopt, invoice_id);
  ASSERT_OK(invoice.status);
  Reply<bv1::Invoice> again = InvoiceOrder(order.name(), std::nullopt, invoice_id);
  ASSERT_OK(again.status);
  EXPECT_EQ(again.value.name(), invoice.value.name());
  EXPECT_EQ(AllInvoices(AccountFilter(account)).size(), 1u);

  const std::string payment_id = Unique("payment-request");
  Reply<bv1::Payment> payment = Pay(account, 200, {}, std::nullopt, payment_id);
  ASSERT_OK(payment.status);
  Reply<bv1::Payment> retry = Pay(account, 200, {}, std::nullopt, payment_id);
  ASSERT_OK(retry.status);
  EXPECT_TRUE(MessageDifferencer::Equals(payment.value, retry.value));
  EXPECT_EQ(GetInvoice(invoice.value.name()).paid_amount().minor_units(), 200);  // paid once
  EXPECT_EQ(AllPayments(AccountFilter(account)).size(), 1u);
  EXPECT_TRUE(HasCode(Pay(account, 201, {}, std::nullopt, payment_id).status,
                      grpc::StatusCode::ALREADY_EXISTS));
}

TEST(Orders, UpdateWithEtagsAndTheCreditCheck) {
  const std::string account = CreditAccount(1000);
  const bv1::Order order = MustOrder(account, 600, 100);
  MustOrder(account, 300);

  bv1::UpdateOrderRequest update;
  update.mutable_order()->set_name(order.name());
  update.mutable_order()->set_description("revised");
  update.mutable_order()->set_etag(order.etag());
  update.mutable_update_mask()->add_paths("description");
  Reply<bv1::Order> described = Call(Billing(), &BillingStub::UpdateOrder, update);
  ASSERT_OK(described.status);
  EXPECT_EQ(described.value.description(), "revised");
  EXPECT_EQ(described.value.amount().minor_units(), 600);
  EXPECT_NE(described.value.etag(), order.etag());

  // The old etag is stale now.
  EXPECT_TRUE(HasCode(Call(Billing(), &BillingStub::UpdateOrder, update).status,
                      grpc::StatusCode::ABORTED));

  // Raising the amount is checked for the increase: 600 -> 700 fits (1000),
  // 700 -> 701 does not.
  update.mutable_order()->set_etag("");
  update.mutable_update_mask()->set_paths(0, "amount");
  *update.mutable_order()->mutable_amount() = Money(700);
  Reply<bv1::Order> raised = Call(Billing(), &BillingStub::UpdateOrder, update);
  ASSERT_OK(raised.status);
  EXPECT_EQ(raised.value.amount().minor_units(), 700);
  *update.mutable_order()->mutable_amount() = Money(701);
  Reply<bv1::Order> too_much = Call(Billing(), &BillingStub::UpdateOrder, update);
  EXPECT_TRUE(HasCode(too_much.status, grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_TRUE(absl::StrContains(too_much.status.error_message(), "order increase 1,"))
      << too_much.status.error_message();
  EXPECT_EQ(GetOrder(order.name()).amount().minor_units(), 700);
  // Lowering always passes.
  *update.mutable_order()->mutable_amount() = Money(100);
  ASSERT_OK(Call(Billing(), &BillingStub::UpdateOrder, update).status);
  EXPECT_EQ(Exposure(account).exposure().minor_units(), 400);

  // Output-only and immutable fields cannot be updated.
  update.mutable_update_mask()->set_paths(0, "status");
  EXPECT_TRUE(
      IsInvalidField(Call(Billing(), &BillingStub::UpdateOrder, update).status, "update_mask"));
  update.mutable_update_mask()->set_paths(0, "account");
  EXPECT_TRUE(
      IsInvalidField(Call(Billing(), &BillingStub::UpdateOrder, update).status, "update_mask"));

  // An invoiced order is fixed.
  ASSERT_OK(InvoiceOrder(order.name()).status);
  update.mutable_update_mask()->set_paths(0, "description");
  EXPECT_TRUE(HasCode(Call(Billing(), &BillingStub::UpdateOrder, update).status,
                      grpc::StatusCode::FAILED_PRECONDITION));
  bv1::CancelOrderRequest cancel = ByName<bv1::CancelOrderRequest>(order.name());
  Reply<bv1::Order> cancel_invoiced = Call(Billing(), &BillingStub::CancelOrder, cancel);
  EXPECT_TRUE(HasCode(cancel_invoiced.status, grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_TRUE(absl::StrContains(cancel_invoiced.status.error_message(), "void the invoice"))
      << cancel_invoiced.status.error_message();
}

TEST(Orders, ListFiltersAndPages) {
  const std::string account = CreditAccount(100000);
  std::vector<std::string> names;
  for (int i = 0; i < 5; ++i) names.push_back(MustOrder(account, 100 + i).name());
  bv1::CancelOrderRequest cancel = ByName<bv1::CancelOrderRequest>(names[1]);
  ASSERT_OK(Call(Billing(), &BillingStub::CancelOrder, cancel).status);

  const std::vector<bv1::Order> paged = AllOrders(AccountFilter(account), 2);
  ASSERT_EQ(paged.size(), 5u);
  for (size_t i = 0; i < names.size(); ++i) EXPECT_EQ(paged[i].name(), names[i]);
  EXPECT_EQ(AllOrders(absl::StrCat(AccountFilter(account), " AND status = CANCELLED")).size(), 1u);
  EXPECT_EQ(
      AllOrders(absl::StrCat(AccountFilter(account), " AND status = ORDER_STATUS_OPEN")).size(),
      4u);
  EXPECT_EQ(AllOrders(absl::StrCat(AccountFilter(account), " AND order_time < \"2000-01-01T00:00:00Z\""))
                .size(),
            0u);

  bv1::ListOrdersRequest request;
  request.set_filter("colour = \"red\"");
  EXPECT_TRUE(HasCode(Call(Billing(), &BillingStub::ListOrders, request).status,
                      grpc::StatusCode::INVALID_ARGUMENT));
  request.set_filter(AccountFilter(account));
  request.set_page_size(2);
  Reply<bv1::ListOrdersResponse> page = Call(Billing(), &BillingStub::ListOrders, request);
  ASSERT_OK(page.status);
  request.set_page_token(page.value.next_page_token());
  request.set_filter("status = OPEN");  // a token of another query
  EXPECT_TRUE(
      IsInvalidField(Call(Billing(), &BillingStub::ListOrders, request).status, "page_token"));
}

// Runs last: it stops the account service, then starts it again.
TEST(Outage, AccountServiceStoppedMidRun) {
  const std::string account = CreditAccount(1000);
  const std::string retried_id = Unique("before-outage");
  const bv1::Order before = PlaceOrder(account, 200, retried_id).value;
  ASSERT_FALSE(before.name().empty());
  const bv1::Invoice invoice = MustInvoice(account, 100);

  ASSERT_TRUE(Suite().StopAccount().ok());
  Reply<bv1::Order> order = PlaceOrder(account, 10, Unique("during-outage"));
  EXPECT_TRUE(HasCode(order.status, grpc::StatusCode::UNAVAILABLE));
  EXPECT_TRUE(absl::StrContains(order.status.error_message(), "account service"))
      << order.status.error_message();
  EXPECT_TRUE(HasCode(InvoiceAmount(account, 10).status, grpc::StatusCode::UNAVAILABLE));
  EXPECT_TRUE(HasCode(InvoiceOrder(before.name()).status, grpc::StatusCode::UNAVAILABLE));
  EXPECT_TRUE(HasCode(Pay(account, 10).status, grpc::StatusCode::UNAVAILABLE));
  bv1::UpdateOrderRequest update;
  update.mutable_order()->set_name(before.name());
  *update.mutable_order()->mutable_amount() = Money(250);
  EXPECT_TRUE(HasCode(Call(Billing(), &BillingStub::UpdateOrder, update).status,
                      grpc::StatusCode::UNAVAILABLE));
  // Nothing was written.
  EXPECT_EQ(OrdersOf(account).size(), 1u);
  EXPECT_EQ(GetOrder(before.name()).amount().minor_units(), 200);
  EXPECT_EQ(AllInvoices(AccountFilter(account)).size(), 1u);
  EXPECT_EQ(GetInvoice(invoice.name()).paid_amount().minor_units(), 0);
  EXPECT_TRUE(AllPayments(AccountFilter(account)).empty());
  // Reads work without the account service, and so does a retry of a
  // create that succeeded before.
  bv1::GetReceivablesAgingRequest aging;
  aging.set_account(account);
  Reply<bv1::GetReceivablesAgingResponse> aged =
      Call(Billing(), &BillingStub::GetReceivablesAging, aging);
  ASSERT_OK(aged.status);
  ASSERT_EQ(aged.value.rows_size(), 1);
  EXPECT_EQ(aged.value.rows(0).total().minor_units(), 100);
  Reply<bv1::Order> retry = PlaceOrder(account, 200, retried_id);
  ASSERT_OK(retry.status);
  EXPECT_EQ(retry.value.name(), before.name());

  ASSERT_TRUE(Suite().StartAccount().ok());
  // The interaction service reconnects within its back-off (at most 2 s).
  grpc::Status after;
  for (int attempt = 0; attempt < 50; ++attempt) {
    after = PlaceOrder(account, 10, Unique("after-outage")).status;
    if (after.error_code() != grpc::StatusCode::UNAVAILABLE) break;
    absl::SleepFor(absl::Milliseconds(200));
  }
  EXPECT_OK(after);
  ASSERT_OK(Pay(account, 100).status);
  EXPECT_EQ(OrdersOf(account).size(), 2u);
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) {
  return kam::testing::RunTestsOnSuite(argc, argv, kam::testing::InteractionSuiteOptions());
}
