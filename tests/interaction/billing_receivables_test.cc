// Invoices, payments and the receivables figures through the public API
// (docs/domain.md §8: track overdue amounts and collection periods): due dates
// from the account's payment terms, voiding, payments allocated oldest due
// first or as asked, ageing as of chosen dates (the current book and the
// past), and the collection rate and DSO of a period (the worked examples
// of billing.proto).
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tests/interaction/billing_client.h"

namespace kam::testing {
namespace {

std::string Filter(const std::string& account, const std::string& more) {
  return absl::StrCat(AccountFilter(account), " AND ", more);
}

// --- invoices -----------------------------------------------------------

TEST(Invoices, DueTimeFollowsThePaymentTerms) {
  const std::string account = CreditAccount(100000, 45);
  const bv1::Order order = MustOrder(account, 500, 200);
  const absl::Time issue = Day(10, 1) + absl::Hours(9);
  Reply<bv1::Invoice> invoice = InvoiceOrder(order.name(), issue);
  ASSERT_OK(invoice.status);
  const bv1::Invoice& i = invoice.value;
  EXPECT_TRUE(absl::StartsWith(i.name(), "invoices/"));
  EXPECT_EQ(i.account(), account);
  EXPECT_EQ(i.order(), order.name());
  EXPECT_EQ(i.status(), bv1::INVOICE_STATUS_OPEN);
  EXPECT_EQ(i.amount().minor_units(), 500);
  EXPECT_EQ(i.cost().minor_units(), 200);
  EXPECT_EQ(i.paid_amount().minor_units(), 0);
  EXPECT_EQ(i.balance().minor_units(), 500);
  EXPECT_EQ(i.payment_terms_days(), 45);
  EXPECT_EQ(FromTs(i.issue_time()), issue);
  EXPECT_EQ(FromTs(i.due_time()), Day(11, 15) + absl::Hours(9));  // Oct 1 + 45 days
  EXPECT_FALSE(i.has_settle_time());
  EXPECT_EQ(i.actor(), "test");
  EXPECT_EQ(GetInvoice(i.name()).SerializeAsString(), i.SerializeAsString());

  const bv1::Order invoiced = GetOrder(order.name());
  EXPECT_EQ(invoiced.status(), bv1::ORDER_STATUS_INVOICED);
  EXPECT_EQ(invoiced.invoice(), i.name());
  EXPECT_NE(invoiced.etag(), order.etag());

  // An order is invoiced once.
  Reply<bv1::Invoice> twice = InvoiceOrder(order.name());
  EXPECT_TRUE(HasCode(twice.status, grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_TRUE(absl::StrContains(twice.status.error_message(), "already invoiced"))
      << twice.status.error_message();

  // Payment terms of 0 days: due on issue.
  const std::string cash = CreditAccount(100000, 0);
  Reply<bv1::Invoice> now_due = InvoiceAmount(cash, 10, issue);
  ASSERT_OK(now_due.status);
  EXPECT_EQ(FromTs(now_due.value.due_time()), issue);
  EXPECT_EQ(now_due.value.cost().minor_units(), 0);
}

TEST(Invoices, InvalidInvoices) {
  const std::string account = CreditAccount(100000);
  const std::string other = CreditAccount(100000);
  const bv1::Order order = MustOrder(account, 500);

  bv1::CreateInvoiceRequest request;
  request.mutable_invoice()->set_order(order.name());
  *request.mutable_invoice()->mutable_amount() = Money(400);
  EXPECT_TRUE(IsInvalidField(Call(Billing(), &BillingStub::CreateInvoice, request).status,
                             "invoice.amount"));
  *request.mutable_invoice()->mutable_amount() = Money(500);
  request.mutable_invoice()->set_account(other);
  EXPECT_TRUE(IsInvalidField(Call(Billing(), &BillingStub::CreateInvoice, request).status,
                             "invoice.account"));
  request.mutable_invoice()->clear_account();
  *request.mutable_invoice()->mutable_cost() = Money(10);
  EXPECT_TRUE(
      IsInvalidField(Call(Billing(), &BillingStub::CreateInvoice, request).status, "invoice.cost"));
  request.mutable_invoice()->clear_cost();
  *request.mutable_invoice()->mutable_issue_time() = Ts(absl::Now() + absl::Hours(2));
  EXPECT_TRUE(IsInvalidField(Call(Billing(), &BillingStub::CreateInvoice, request).status,
                             "invoice.issue_time"));

  bv1::CreateInvoiceRequest alone;
  *alone.mutable_invoice()->mutable_amount() = Money(10);
  EXPECT_TRUE(IsInvalidField(Call(Billing(), &BillingStub::CreateInvoice, alone).status,
                             "invoice.account"));
  alone.mutable_invoice()->set_account(account);
  alone.mutable_invoice()->clear_amount();
  EXPECT_TRUE(
      IsInvalidField(Call(Billing(), &BillingStub::CreateInvoice, alone).status, "invoice.amount"));

  EXPECT_TRUE(HasCode(InvoiceOrder("orders/999999999").status, grpc::StatusCode::NOT_FOUND));
  bv1::CancelOrderRequest cancel = ByName<bv1::CancelOrderRequest>(MustOrder(account, 5).name());
  ASSERT_OK(Call(Billing(), &BillingStub::CancelOrder, cancel).status);
  EXPECT_TRUE(
      HasCode(InvoiceOrder(cancel.name()).status, grpc::StatusCode::FAILED_PRECONDITION));

  EXPECT_TRUE(AllInvoices(AccountFilter(account)).empty());  // nothing written
  EXPECT_EQ(GetOrder(order.name()).status(), bv1::ORDER_STATUS_OPEN);
}

TEST(Invoices, VoidOnlyUnpaidAndTheOrderCanBeInvoicedAgain) {
  const std::string account = CreditAccount(1000);
  const bv1::Order order = MustOrder(account, 600);
  const bv1::Invoice invoice = InvoiceOrder(order.name()).value;
  ASSERT_FALSE(invoice.name().empty());

  bv1::VoidInvoiceRequest void_request =
      ByNameAndEtag<bv1::VoidInvoiceRequest>(invoice.name(), "stale");
  EXPECT_TRUE(HasCode(Call(Billing(), &BillingStub::VoidInvoice, void_request).status,
                      grpc::StatusCode::ABORTED));
  void_request.set_etag(invoice.etag());
  void_request.set_reason("wrong address");
  Reply<bv1::Invoice> voided = Call(Billing(), &BillingStub::VoidInvoice, void_request);
  ASSERT_OK(voided.status);
  EXPECT_EQ(voided.value.status(), bv1::INVOICE_STATUS_VOID);
  EXPECT_EQ(voided.value.void_reason(), "wrong address");
  EXPECT_EQ(voided.value.balance().minor_units(), 0);
  EXPECT_EQ(GetInvoice(invoice.name()).status(), bv1::INVOICE_STATUS_VOID);

  // The order is OPEN again, counts as an open order, and can be invoiced.
  const bv1::Order reopened = GetOrder(order.name());
  EXPECT_EQ(reopened.status(), bv1::ORDER_STATUS_OPEN);
  EXPECT_TRUE(reopened.invoice().empty());
  bv1::CreditExposure e = Exposure(account);
  EXPECT_EQ(e.open_orders().minor_units(), 600);
  EXPECT_EQ(e.open_invoices().minor_units(), 0);
  void_request.set_etag("");
  EXPECT_TRUE(HasCode(Call(Billing(), &BillingStub::VoidInvoice, void_request).status,
                      grpc::StatusCode::FAILED_PRECONDITION));

  const bv1::Invoice again = InvoiceOrder(order.name()).value;
  ASSERT_FALSE(again.name().empty());
  EXPECT_EQ(GetOrder(order.name()).invoice(), again.name());

  // Once something is paid the invoice cannot be voided.
  ASSERT_OK(Pay(account, 1).status);
  void_request.set_name(again.name());
  Reply<bv1::Invoice> paid = Call(Billing(), &BillingStub::VoidInvoice, void_request);
  EXPECT_TRUE(HasCode(paid.status, grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_TRUE(absl::StrContains(paid.status.error_message(), "paid"))
      << paid.status.error_message();
  EXPECT_EQ(GetInvoice(again.name()).status(), bv1::INVOICE_STATUS_OPEN);
}

TEST(Invoices, ListFilters) {
  const std::string account = CreditAccount(1000000, 30);
  const bv1::Invoice late = MustInvoice(account, 100, Day(1, 5));     // due Feb 4: overdue
  const bv1::Invoice march = MustInvoice(account, 200, Day(3, 1));    // due Mar 31: overdue
  const bv1::Invoice fresh = MustInvoice(account, 300);               // due in 30 days
  const bv1::Order order = MustOrder(account, 400);
  const bv1::Invoice of_order = InvoiceOrder(order.name()).value;
  ASSERT_OK(Pay(account, 200, {{march.name(), 200}}).status);         // March is PAID

  auto names = [](const std::vector<bv1::Invoice>& invoices) {
    std::vector<std::string> out;
    for (const bv1::Invoice& i : invoices) out.push_back(i.name());
    return out;
  };
  using Names = std::vector<std::string>;
  EXPECT_EQ(names(AllInvoices(AccountFilter(account), 1)),
            (Names{late.name(), march.name(), fresh.name(), of_order.name()}));
  EXPECT_EQ(names(AllInvoices(Filter(account, "overdue = true"))), (Names{late.name()}));
  EXPECT_EQ(names(AllInvoices(Filter(account, "overdue = false"))),
            (Names{march.name(), fresh.name(), of_order.name()}));
  EXPECT_EQ(names(AllInvoices(Filter(account, "status = PAID"))), (Names{march.name()}));
  EXPECT_EQ(names(AllInvoices(Filter(
                account, "due_time >= \"2026-02-01T00:00:00Z\" AND due_time < \"2026-04-01T00:00:00Z\""))),
            (Names{late.name(), march.name()}));
  EXPECT_EQ(names(AllInvoices(absl::StrCat("order = \"", order.name(), "\""))),
            (Names{of_order.name()}));
  EXPECT_EQ(names(AllInvoices(Filter(account, "order = \"\""))),
            (Names{late.name(), march.name(), fresh.name()}));
  EXPECT_EQ(names(AllInvoices(Filter(account, "(status = OPEN OR status = VOID) AND issue_time < \"2026-02-01T00:00:00Z\""))),
            (Names{late.name()}));

  for (const char* filter : {"overdue = maybe", "due_time > \"yesterday\""}) {
    bv1::ListInvoicesRequest bad;
    bad.set_filter(filter);
    EXPECT_CODE(Call(Billing(), &BillingStub::ListInvoices, bad).status, INVALID_ARGUMENT)
        << filter;
  }
}

// --- payments -----------------------------------------------------------

TEST(Payments, WithoutAllocationsOldestDueFirst) {
  const std::string account = CreditAccount(1000000, 30);
  const bv1::Invoice a = MustInvoice(account, 300, Day(9, 1));   // due Oct 1
  const bv1::Invoice b = MustInvoice(account, 200, Day(8, 1));   // due Aug 31
  const bv1::Invoice c = MustInvoice(account, 400, Day(9, 15));  // due Oct 15
  const absl::Time received = Day(10, 20) + absl::Hours(15);

  Reply<bv1::Payment> payment = Pay(account, 650, {}, received);
  ASSERT_OK(payment.status);
  const bv1::Payment& p = payment.value;
  EXPECT_TRUE(absl::StartsWith(p.name(), "payments/"));
  EXPECT_EQ(p.account(), account);
  EXPECT_EQ(p.amount().minor_units(), 650);
  EXPECT_EQ(FromTs(p.received_time()), received);
  ASSERT_EQ(p.allocations_size(), 3);
  EXPECT_EQ(p.allocations(0).invoice(), b.name());
  EXPECT_EQ(p.allocations(0).amount().minor_units(), 200);
  EXPECT_EQ(p.allocations(1).invoice(), a.name());
  EXPECT_EQ(p.allocations(1).amount().minor_units(), 300);
  EXPECT_EQ(p.allocations(2).invoice(), c.name());
  EXPECT_EQ(p.allocations(2).amount().minor_units(), 150);
  bv1::GetPaymentRequest get = ByName<bv1::GetPaymentRequest>(p.name());
  Reply<bv1::Payment> read = Call(Billing(), &BillingStub::GetPayment, get);
  ASSERT_OK(read.status);
  EXPECT_EQ(read.value.SerializeAsString(), p.SerializeAsString());

  const bv1::Invoice b_after = GetInvoice(b.name());
  EXPECT_EQ(b_after.status(), bv1::INVOICE_STATUS_PAID);
  EXPECT_EQ(b_after.paid_amount().minor_units(), 200);
  EXPECT_EQ(b_after.balance().minor_units(), 0);
  EXPECT_EQ(FromTs(b_after.settle_time()), received);
  EXPECT_NE(b_after.etag(), b.etag());
  EXPECT_EQ(GetInvoice(a.name()).status(), bv1::INVOICE_STATUS_PAID);
  const bv1::Invoice c_after = GetInvoice(c.name());
  EXPECT_EQ(c_after.status(), bv1::INVOICE_STATUS_OPEN);
  EXPECT_EQ(c_after.paid_amount().minor_units(), 150);
  EXPECT_EQ(c_after.balance().minor_units(), 250);
  EXPECT_FALSE(c_after.has_settle_time());

  // More than is owed is refused, and changes nothing.
  Reply<bv1::Payment> over = Pay(account, 251);
  EXPECT_TRUE(HasCode(over.status, grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_TRUE(absl::StrContains(over.status.error_message(), "(250 minor units)"))
      << over.status.error_message();
  EXPECT_EQ(GetInvoice(c.name()).paid_amount().minor_units(), 150);
  ASSERT_OK(Pay(account, 250).status);
  EXPECT_EQ(GetInvoice(c.name()).status(), bv1::INVOICE_STATUS_PAID);
  EXPECT_TRUE(HasCode(Pay(account, 1).status, grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_EQ(AllPayments(AccountFilter(account)).size(), 2u);
  EXPECT_EQ(Exposure(account).exposure().minor_units(), 0);
}

TEST(Payments, WithExplicitAllocations) {
  const std::string account = CreditAccount(1000000);
  const std::string other = CreditAccount(1000000);
  const bv1::Invoice x = MustInvoice(account, 100);
  const bv1::Invoice y = MustInvoice(account, 200);
  const bv1::Invoice theirs = MustInvoice(other, 50);

  Reply<bv1::Payment> paid = Pay(account, 150, {{y.name(), 50}, {x.name(), 100}});
  ASSERT_OK(paid.status);
  ASSERT_EQ(paid.value.allocations_size(), 2);
  EXPECT_EQ(paid.value.allocations(0).invoice(), y.name());  // as asked, in order
  EXPECT_EQ(GetInvoice(x.name()).status(), bv1::INVOICE_STATUS_PAID);
  EXPECT_EQ(GetInvoice(y.name()).paid_amount().minor_units(), 50);

  EXPECT_TRUE(IsInvalidField(Pay(account, 100, {{y.name(), 50}}).status, "payment.allocations"));
  EXPECT_TRUE(IsInvalidField(Pay(account, 20, {{y.name(), 10}, {y.name(), 10}}).status,
                             "payment.allocations[1].invoice"));
  Reply<bv1::Payment> over = Pay(account, 160, {{y.name(), 160}});
  EXPECT_TRUE(HasCode(over.status, grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_TRUE(absl::StartsWith(over.status.error_message(), "payment.allocations[0].amount"))
      << over.status.error_message();
  Reply<bv1::Payment> settled = Pay(account, 10, {{x.name(), 10}});
  EXPECT_TRUE(HasCode(settled.status, grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_TRUE(absl::StrContains(settled.status.error_message(), "PAID"))
      << settled.status.error_message();
  Reply<bv1::Payment> foreign = Pay(account, 10, {{theirs.name(), 10}});
  EXPECT_TRUE(HasCode(foreign.status, grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_TRUE(absl::StrContains(foreign.status.error_message(), "belongs to " + other))
      << foreign.status.error_message();
  EXPECT_TRUE(
      HasCode(Pay(account, 10, {{"invoices/999999999", 10}}).status, grpc::StatusCode::NOT_FOUND));

  // None of the refused payments wrote anything.
  EXPECT_EQ(GetInvoice(y.name()).paid_amount().minor_units(), 50);
  EXPECT_EQ(GetInvoice(theirs.name()).paid_amount().minor_units(), 0);
  EXPECT_EQ(AllPayments(AccountFilter(account)).size(), 1u);
  EXPECT_EQ(AllPayments(absl::StrCat("invoice = \"", y.name(), "\"")).size(), 1u);
  EXPECT_TRUE(AllPayments(absl::StrCat("invoice = \"", theirs.name(), "\"")).empty());
}

// --- ageing -------------------------------------------------------------

bv1::ReceivablesAgingRow AgingOf(const std::string& account, absl::Time as_of) {
  bv1::GetReceivablesAgingRequest request;
  request.set_account(account);
  *request.mutable_as_of() = Ts(as_of);
  Reply<bv1::GetReceivablesAgingResponse> reply =
      Call(Billing(), &BillingStub::GetReceivablesAging, request);
  EXPECT_OK(reply.status);
  EXPECT_EQ(FromTs(reply.value.as_of()), as_of);
  EXPECT_LE(reply.value.rows_size(), 1);
  if (reply.value.rows_size() == 0) return bv1::ReceivablesAgingRow();
  EXPECT_EQ(reply.value.rows(0).account(), account);
  return reply.value.rows(0);
}

// current, 1-30, 31-60, 61-90, over 90.
std::vector<int64_t> Buckets(const bv1::ReceivablesAgingRow& row) {
  return {row.current().minor_units(), row.days_1_to_30().minor_units(),
          row.days_31_to_60().minor_units(), row.days_61_to_90().minor_units(),
          row.days_over_90().minor_units()};
}

using B = std::vector<int64_t>;

TEST(Aging, AsOfChosenDates) {
  const std::string account = CreditAccount(1000000, 30);
  const bv1::Invoice i1 = MustInvoice(account, 100, Day(1, 1));   // due Jan 31
  MustInvoice(account, 200, Day(3, 1));                           // due Mar 31
  MustInvoice(account, 400, Day(4, 15));                          // due May 15
  MustInvoice(account, 800, Day(5, 20));                          // due Jun 19

  // Jun 1: 121, 62 and 17 days late, and one not yet due.
  bv1::ReceivablesAgingRow row = AgingOf(account, Day(6, 1));
  EXPECT_EQ(Buckets(row), (B{800, 400, 0, 200, 100}));
  EXPECT_EQ(row.total().minor_units(), 1500);
  EXPECT_EQ(row.overdue().minor_units(), 700);
  EXPECT_EQ(row.open_invoice_count(), 4);
  EXPECT_EQ(row.max_days_past_due(), 121);
  EXPECT_EQ(row.currency_code(), "EUR");
  // May 1: exactly 90 (61-90) and 31 (31-60) days late; the May invoice is
  // not issued yet.
  row = AgingOf(account, Day(5, 1));
  EXPECT_EQ(Buckets(row), (B{400, 0, 200, 100, 0}));
  EXPECT_EQ(row.max_days_past_due(), 90);
  // Mar 2: exactly 30 days late; the March invoice is current.
  EXPECT_EQ(Buckets(AgingOf(account, Day(3, 2))), (B{200, 100, 0, 0, 0}));
  // Jan 31 00:00: due this instant, so current; a moment later, 1 day late.
  EXPECT_EQ(Buckets(AgingOf(account, Day(1, 31))), (B{100, 0, 0, 0, 0}));
  row = AgingOf(account, Day(1, 31) + absl::Microseconds(1));
  EXPECT_EQ(Buckets(row), (B{0, 100, 0, 0, 0}));
  EXPECT_EQ(row.max_days_past_due(), 1);
  // Before anything was issued: no row.
  EXPECT_EQ(AgingOf(account, Day(12, 31, 2025)).account(), "");

  // Paid on Feb 15: gone from later dates, still owed at earlier ones.
  ASSERT_OK(Pay(account, 100, {{i1.name(), 100}}, Day(2, 15)).status);
  EXPECT_EQ(Buckets(AgingOf(account, Day(2, 1))), (B{0, 100, 0, 0, 0}));
  EXPECT_EQ(Buckets(AgingOf(account, Day(2, 15))), (B{0, 0, 0, 0, 0}));
  row = AgingOf(account, Day(6, 1));
  EXPECT_EQ(Buckets(row), (B{800, 400, 0, 200, 0}));
  EXPECT_EQ(row.open_invoice_count(), 3);
  EXPECT_EQ(row.max_days_past_due(), 62);
  // A partial payment (oldest due first: the March invoice) counts from the
  // time it was received.
  ASSERT_OK(Pay(account, 150, {}, Day(4, 1)).status);
  EXPECT_EQ(Buckets(AgingOf(account, Day(4, 1) - absl::Microseconds(1))), (B{0, 200, 0, 0, 0}));
  EXPECT_EQ(Buckets(AgingOf(account, Day(4, 1))), (B{0, 50, 0, 0, 0}));
  EXPECT_EQ(Buckets(AgingOf(account, Day(6, 1))), (B{800, 400, 0, 50, 0}));
}

TEST(Aging, WholeBookPageByPage) {
  const std::string first = CreditAccount(1000000, 30);
  const std::string second = CreditAccount(1000000, 30);
  const std::string settled = CreditAccount(1000000, 30);
  MustInvoice(first, 10, Day(7, 1));
  MustInvoice(second, 20, Day(7, 2));
  MustInvoice(second, 5, Day(5, 2));
  const bv1::Invoice paid = MustInvoice(settled, 30, Day(7, 3));
  ASSERT_OK(Pay(settled, 30, {{paid.name(), 30}}, Day(7, 4)).status);

  bv1::GetReceivablesAgingRequest request;
  *request.mutable_as_of() = Ts(Day(8, 1));
  request.set_page_size(1);
  std::vector<bv1::ReceivablesAgingRow> mine;
  std::set<std::string> seen;
  ForEachPage(
      Billing(), &BillingStub::GetReceivablesAging, request,
      [&](const bv1::GetReceivablesAgingResponse& page, int) {
        EXPECT_LE(page.rows_size(), 1);  // one account per page, one currency each
        for (const bv1::ReceivablesAgingRow& row : page.rows()) {
          EXPECT_TRUE(seen.insert(row.account()).second) << row.account() << " came twice";
          if (row.account() == first || row.account() == second || row.account() == settled) {
            mine.push_back(row);
          }
        }
      },
      1000);
  ASSERT_EQ(mine.size(), 2u);  // the settled account owes nothing on Aug 1
  EXPECT_EQ(mine[0].account(), first);
  EXPECT_EQ(Buckets(mine[0]), (B{0, 10, 0, 0, 0}));  // due Jul 31: 1 day late
  EXPECT_EQ(mine[1].account(), second);
  // Due Aug 1 00:00 (current), and due Jun 1 (61 days late).
  EXPECT_EQ(Buckets(mine[1]), (B{20, 0, 0, 5, 0}));

  // A token belongs to its as_of.
  request.set_page_size(1);
  request.clear_page_token();
  Reply<bv1::GetReceivablesAgingResponse> one =
      Call(Billing(), &BillingStub::GetReceivablesAging, request);
  ASSERT_OK(one.status);
  ASSERT_FALSE(one.value.next_page_token().empty());
  request.set_page_token(one.value.next_page_token());
  *request.mutable_as_of() = Ts(Day(8, 2));
  EXPECT_TRUE(IsInvalidField(Call(Billing(), &BillingStub::GetReceivablesAging, request).status,
                             "page_token"));
}

// --- collection figures ---------------------------------------------------

bv1::CollectionStats Stats(const std::string& account, absl::Time start, absl::Time end,
                           const std::string& currency = "") {
  bv1::GetCollectionStatsRequest request;
  request.set_account(account);
  *request.mutable_start_time() = Ts(start);
  *request.mutable_end_time() = Ts(end);
  request.set_currency_code(currency);
  return OkValue(Call(Billing(), &BillingStub::GetCollectionStats, request));
}

// The worked example on CollectionStats in billing.proto, March 2026.
TEST(Collection, WorkedExampleOfTheProto) {
  const std::string account = CreditAccount(1000000, 30);
  const bv1::Invoice a = MustInvoice(account, 1000, Day(1, 11));  // due Feb 10
  const bv1::Invoice b = MustInvoice(account, 500, Day(2, 13));   // due Mar 15
  bv1::CreateOrderRequest order = OrderRequest(account, 800, "", 500);
  *order.mutable_order()->mutable_order_time() = Ts(Day(3, 10));
  Reply<bv1::Order> placed = Call(Billing(), &BillingStub::CreateOrder, order);
  ASSERT_OK(placed.status);
  const bv1::Invoice c = InvoiceOrder(placed.value.name(), Day(3, 11)).value;  // due Apr 10
  ASSERT_EQ(FromTs(c.due_time()), Day(4, 10));
  ASSERT_OK(Pay(account, 400, {{a.name(), 400}}, Day(2, 20)).status);
  ASSERT_OK(Pay(account, 600, {{a.name(), 600}}, Day(3, 5)).status);
  ASSERT_OK(Pay(account, 200, {{b.name(), 200}}, Day(3, 20)).status);
  ASSERT_OK(Pay(account, 300, {{c.name(), 300}}, Day(3, 25)).status);
  ASSERT_OK(Pay(account, 300, {{b.name(), 300}}, Day(4, 3)).status);
  EXPECT_EQ(FromTs(GetInvoice(a.name()).settle_time()), Day(3, 5));
  EXPECT_EQ(FromTs(GetInvoice(b.name()).settle_time()), Day(4, 3));

  const bv1::CollectionStats march = Stats(account, Day(3, 1), Day(4, 1));
  EXPECT_EQ(march.account(), account);
  EXPECT_EQ(march.currency_code(), "EUR");
  EXPECT_EQ(FromTs(march.start_time()), Day(3, 1));
  EXPECT_EQ(march.collection_due().minor_units(), 1100);
  EXPECT_EQ(march.collection_collected().minor_units(), 800);
  ASSERT_TRUE(march.has_collection_rate_basis_points());
  EXPECT_EQ(march.collection_rate_basis_points(), 7273);
  EXPECT_EQ(march.invoiced_revenue().minor_units(), 800);
  EXPECT_EQ(march.invoiced_cost().minor_units(), 500);
  EXPECT_EQ(march.gross_profit().minor_units(), 300);
  EXPECT_EQ(march.invoice_count(), 1);
  EXPECT_EQ(march.payments_received().minor_units(), 1100);
  EXPECT_EQ(march.receivables_at_end().minor_units(), 800);
  EXPECT_EQ(march.overdue_at_end().minor_units(), 300);
  EXPECT_EQ(march.period_days(), 31.0);
  ASSERT_TRUE(march.has_days_sales_outstanding());
  EXPECT_EQ(march.days_sales_outstanding(), 31.0);

  // February: A (1000) fell due, 400 of it came in; B was invoiced.
  const bv1::CollectionStats february = Stats(account, Day(2, 1), Day(3, 1));
  EXPECT_EQ(february.collection_due().minor_units(), 1000);
  EXPECT_EQ(february.collection_collected().minor_units(), 400);
  EXPECT_EQ(february.collection_rate_basis_points(), 4000);
  EXPECT_EQ(february.invoiced_revenue().minor_units(), 500);
  EXPECT_EQ(february.receivables_at_end().minor_units(), 1100);
  EXPECT_DOUBLE_EQ(february.days_sales_outstanding(), 1100.0 / 500.0 * 28.0);

  // The first half of 2026 (181 days): all three invoiced and fallen due;
  // C still owes 500.
  const bv1::CollectionStats half = Stats(account, Day(1, 1), Day(7, 1));
  EXPECT_EQ(half.invoiced_revenue().minor_units(), 2300);
  EXPECT_EQ(half.invoice_count(), 3);
  EXPECT_EQ(half.gross_profit().minor_units(), 1800);
  EXPECT_EQ(half.collection_due().minor_units(), 2300);
  EXPECT_EQ(half.collection_collected().minor_units(), 1800);
  EXPECT_EQ(half.collection_rate_basis_points(), 7826);  // 78.26%
  EXPECT_EQ(half.receivables_at_end().minor_units(), 500);
  EXPECT_EQ(half.period_days(), 181.0);
  EXPECT_DOUBLE_EQ(half.days_sales_outstanding(), 500.0 / 2300.0 * 181.0);

  // A period with no invoices: no revenue, so no DSO; nothing due, so no
  // rate.
  const bv1::CollectionStats empty = Stats(account, Day(1, 1, 2025), Day(2, 1, 2025));
  EXPECT_EQ(empty.invoiced_revenue().minor_units(), 0);
  EXPECT_FALSE(empty.has_collection_rate_basis_points());
  EXPECT_FALSE(empty.has_days_sales_outstanding());
  EXPECT_EQ(empty.currency_code(), "EUR");
  // Another currency than the account's invoices: zeros in it.
  EXPECT_EQ(Stats(account, Day(3, 1), Day(4, 1), "USD").invoiced_revenue().minor_units(), 0);
}

TEST(Collection, AnAccountWithoutInvoicesAndBadPeriods) {
  const std::string account = CreditAccount(1000);
  const bv1::CollectionStats none = Stats(account, Day(3, 1), Day(4, 1));
  EXPECT_EQ(none.currency_code(), "");
  EXPECT_EQ(none.invoice_count(), 0);
  EXPECT_FALSE(none.has_collection_rate_basis_points());
  EXPECT_FALSE(none.has_days_sales_outstanding());
  EXPECT_EQ(none.period_days(), 31.0);

  bv1::GetCollectionStatsRequest request;
  request.set_account(account);
  *request.mutable_start_time() = Ts(Day(4, 1));
  *request.mutable_end_time() = Ts(Day(4, 1));
  EXPECT_TRUE(IsInvalidField(Call(Billing(), &BillingStub::GetCollectionStats, request).status,
                             "end_time"));
  request.clear_start_time();
  EXPECT_TRUE(IsInvalidField(Call(Billing(), &BillingStub::GetCollectionStats, request).status,
                             "start_time"));
  request.set_account("accounts/x");
  EXPECT_TRUE(
      IsInvalidField(Call(Billing(), &BillingStub::GetCollectionStats, request).status, "account"));
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) {
  return kam::testing::RunTestsOnSuite(argc, argv, kam::testing::InteractionSuiteOptions());
}
