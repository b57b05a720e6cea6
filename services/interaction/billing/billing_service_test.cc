// Handler unit tests of BillingService over FakeBillingStore and
// FakeAccountClient: idempotent creates (first call, retry, same request id
// with another body), etags, the credit check, and a database or account
// service that is down. No database, no network.
#include "services/interaction/billing/billing_service.h"

#include <functional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/base/proto_time.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "services/interaction/billing/fake_billing_store.h"
#include "services/interaction/shared/fake_account_client.h"

namespace kam::interaction::billing {
namespace {

using google::protobuf::util::MessageDifferencer;

constexpr int64_t kAccount = 7;
// FakeAccountClient::PutAccount's credit limit, in EUR cents.
constexpr int64_t kCreditLimit = 1'000'000'00;

type::v1::Money Euros(int64_t cents) { return MoneyOf("EUR", cents); }

// A BillingService over fakes, and the creates as tests call them.
class FakeBilling {
 public:
  FakeBilling() { accounts_.PutAccount(kAccount, "EUR"); }

  // A create of `cents` for the account ("" for request_id: none).
  template <typename Request, typename Resource>
  absl::StatusOr<Resource> Create(absl::Status (BillingService::*method)(const common::CallContext&,
                                                                         const Request&, Resource*),
                                  Resource* (Request::*body)(), const std::string& request_id,
                                  int64_t cents) {
    Request request;
    request.set_request_id(request_id);
    (request.*body)()->set_account(AccountName(kAccount));
    *(request.*body)()->mutable_amount() = Euros(cents);
    Resource resource;
    if (absl::Status s = (service_.*method)(ctx_, request, &resource); !s.ok()) return s;
    return resource;
  }

  absl::StatusOr<v1::Order> CreateOrder(const std::string& request_id, int64_t cents) {
    return Create(&BillingService::CreateOrder, &v1::CreateOrderRequest::mutable_order, request_id,
                  cents);
  }
  // An invoice of its own (no order).
  absl::StatusOr<v1::Invoice> CreateInvoice(const std::string& request_id, int64_t cents) {
    return Create(&BillingService::CreateInvoice, &v1::CreateInvoiceRequest::mutable_invoice,
                  request_id, cents);
  }
  // Applied oldest due first.
  absl::StatusOr<v1::Payment> RecordPayment(const std::string& request_id, int64_t cents) {
    return Create(&BillingService::RecordPayment, &v1::RecordPaymentRequest::mutable_payment,
                  request_id, cents);
  }

  FakeBillingStore store_;
  FakeAccountClient accounts_;
  BillingService service_{&store_, &accounts_, &store_};
  const common::CallContext ctx_{nullptr, "tester", ""};
};

class BillingServiceTest : public ::testing::Test, protected FakeBilling {};

// --- the creates, each the same way -----------------------------------------

enum class CreateMethod { kOrder, kInvoice, kPayment };
constexpr CreateMethod kCreates[] = {CreateMethod::kOrder, CreateMethod::kInvoice,
                                     CreateMethod::kPayment};

// One service over fakes, and the create under test.
class CreateCase : public FakeBilling {
 public:
  explicit CreateCase(CreateMethod create) : create_(create) {
    // A payment needs an open invoice to go to.
    if (create_ == CreateMethod::kPayment) {
      EXPECT_TRUE(CreateInvoice("", 50'000).ok());
    }
  }

  // The create under test; the resource it answers with.
  absl::StatusOr<std::string> Call(const std::string& request_id, int64_t cents) {
    auto text = [](const auto& resource) -> absl::StatusOr<std::string> {
      if (!resource.ok()) return resource.status();
      return resource->SerializeAsString();
    };
    switch (create_) {
      case CreateMethod::kOrder: return text(CreateOrder(request_id, cents));
      case CreateMethod::kInvoice: return text(CreateInvoice(request_id, cents));
      case CreateMethod::kPayment: return text(RecordPayment(request_id, cents));
    }
    return absl::InternalError("no such create");
  }

  CreateMethod create() const { return create_; }

  // How many rows the create under test wrote.
  size_t Rows() const {
    switch (create_) {
      case CreateMethod::kOrder: return store_.Orders().size();
      case CreateMethod::kInvoice: return store_.Invoices().size();
      case CreateMethod::kPayment: return store_.Payments().size();
    }
    return 0;
  }

 private:
  const CreateMethod create_;
};

std::string NameOf(CreateMethod create) {
  switch (create) {
    case CreateMethod::kOrder: return "CreateOrder";
    case CreateMethod::kInvoice: return "CreateInvoice";
    case CreateMethod::kPayment: return "RecordPayment";
  }
  return "";
}

// Runs `test` once for each create, each time over fresh fakes.
void ForEachCreate(const std::function<void(CreateCase&)>& test) {
  for (CreateMethod create : kCreates) {
    SCOPED_TRACE(NameOf(create));
    CreateCase c(create);
    test(c);
  }
}

TEST(BillingCreates, RetryWithTheSameRequestIdAnswersTheFirstResult) {
  ForEachCreate([](CreateCase& c) {
    absl::StatusOr<std::string> first = c.Call("retry-1", 1'000);
    ASSERT_TRUE(first.ok()) << first.status();
    EXPECT_EQ(c.Rows(), 1u);

    absl::StatusOr<std::string> retry = c.Call("retry-1", 1'000);
    ASSERT_TRUE(retry.ok()) << retry.status();
    EXPECT_EQ(*retry, *first);
    EXPECT_EQ(c.Rows(), 1u);
  });
}

TEST(BillingCreates, SameRequestIdWithAnotherBodyIsAlreadyExists) {
  ForEachCreate([](CreateCase& c) {
    ASSERT_TRUE(c.Call("reused-1", 1'000).ok());
    absl::StatusOr<std::string> other = c.Call("reused-1", 2'000);
    EXPECT_EQ(other.status().code(), absl::StatusCode::kAlreadyExists) << other.status();
    EXPECT_EQ(other.status().message(),
              absl::StrCat("request_id \"reused-1\" was already used by a different ",
                           NameOf(c.create()), " request"));
    EXPECT_EQ(c.Rows(), 1u);
  });
}

TEST(BillingCreates, WithoutRequestIdEveryCallCreates) {
  ForEachCreate([](CreateCase& c) {
    ASSERT_TRUE(c.Call("", 1'000).ok());
    ASSERT_TRUE(c.Call("", 1'000).ok());
    EXPECT_EQ(c.Rows(), 2u);
  });
}

TEST(BillingCreates, RetryIsAnsweredWhileTheAccountServiceIsDown) {
  ForEachCreate([](CreateCase& c) {
    absl::StatusOr<std::string> first = c.Call("down-1", 1'000);
    ASSERT_TRUE(first.ok()) << first.status();
    c.accounts_.SetDown(true);
    const int calls = c.accounts_.calls();
    absl::StatusOr<std::string> retry = c.Call("down-1", 1'000);
    ASSERT_TRUE(retry.ok()) << retry.status();
    EXPECT_EQ(*retry, *first);
    EXPECT_EQ(c.accounts_.calls(), calls);  // answered before asking
  });
}

TEST(BillingCreates, ADependencyThatIsDownIsUnavailableAndWritesNothing) {
  const std::pair<const char*, void (*)(CreateCase&, bool)> dependencies[] = {
      {"account service", [](CreateCase& c, bool down) { c.accounts_.SetDown(down); }},
      {"database", [](CreateCase& c, bool down) { c.store_.SetDown(down); }},
  };
  for (const auto& [name, set_down] : dependencies) {
    SCOPED_TRACE(name);
    ForEachCreate([set_down = set_down](CreateCase& c) {
      set_down(c, true);
      EXPECT_EQ(c.Call("new-1", 1'000).status().code(), absl::StatusCode::kUnavailable);
      set_down(c, false);
      EXPECT_EQ(c.Rows(), 0u);
      // Nothing of the failed call stands in the way of the same call later.
      EXPECT_TRUE(c.Call("new-1", 1'000).ok());
    });
  }
}

TEST(BillingCreates, ADeletedAccountIsRefusedAndNothingIsWritten) {
  ForEachCreate([](CreateCase& c) {
    account::v1::Account account = c.accounts_.PutAccount(kAccount, "EUR");
    *account.mutable_delete_time() = common::ToProtoTimestamp(absl::Now());
    c.accounts_.Put(account);
    absl::StatusOr<std::string> created = c.Call("deleted-1", 1'000);
    EXPECT_EQ(created.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(created.status().message(), "account accounts/7 is deleted; undelete it first");
    EXPECT_EQ(c.Rows(), 0u);
  });
}

// --- orders -------------------------------------------------------------------

TEST_F(BillingServiceTest, CreditCheckTakesTheLimitExactlyAndRefusesMoreWritingNothing) {
  ASSERT_TRUE(CreateOrder("", kCreditLimit - 100).ok());
  absl::StatusOr<v1::Order> over = CreateOrder("over", 101);
  EXPECT_EQ(over.status().code(), absl::StatusCode::kFailedPrecondition) << over.status();
  EXPECT_EQ(store_.Orders().size(), 1u);
  EXPECT_TRUE(CreateOrder("exact", 100).ok());
  EXPECT_EQ(store_.Orders().size(), 2u);
}

TEST_F(BillingServiceTest, UpdateOrderWithAStaleEtagIsAbortedAndChangesNothing) {
  absl::StatusOr<v1::Order> order = CreateOrder("", 1'000);
  ASSERT_TRUE(order.ok()) << order.status();
  v1::UpdateOrderRequest request;
  request.mutable_order()->set_name(order->name());
  request.mutable_order()->set_etag(order->etag());
  request.mutable_order()->set_description("first change");
  request.mutable_update_mask()->add_paths("description");
  v1::Order updated;
  ASSERT_TRUE(service_.UpdateOrder(ctx_, request, &updated).ok());
  EXPECT_NE(updated.etag(), order->etag());

  request.mutable_order()->set_description("second change, from a stale read");
  v1::Order unused;
  EXPECT_EQ(service_.UpdateOrder(ctx_, request, &unused).code(), absl::StatusCode::kAborted);
  absl::StatusOr<StoredOrder> stored = store_.GetOrder(store_.Orders()[0].id);
  ASSERT_TRUE(stored.ok());
  EXPECT_TRUE(MessageDifferencer::Equals(stored->order, updated));
}

TEST_F(BillingServiceTest, AmountIncreaseIsCreditChecked) {
  absl::StatusOr<v1::Order> order = CreateOrder("", kCreditLimit);
  ASSERT_TRUE(order.ok()) << order.status();
  v1::UpdateOrderRequest request;
  request.mutable_order()->set_name(order->name());
  *request.mutable_order()->mutable_amount() = Euros(kCreditLimit + 1);
  request.mutable_update_mask()->add_paths("amount");
  v1::Order unused;
  EXPECT_EQ(service_.UpdateOrder(ctx_, request, &unused).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_.Orders()[0].order.amount().minor_units(), kCreditLimit);
}

// --- invoices and payments ------------------------------------------------------

TEST_F(BillingServiceTest, InvoicingAnOrderMarksItInvoiced) {
  absl::StatusOr<v1::Order> order = CreateOrder("", 1'000);
  ASSERT_TRUE(order.ok()) << order.status();
  v1::CreateInvoiceRequest request;
  request.mutable_invoice()->set_order(order->name());
  v1::Invoice invoice;
  ASSERT_TRUE(service_.CreateInvoice(ctx_, request, &invoice).ok());
  EXPECT_EQ(invoice.amount().minor_units(), 1'000);
  EXPECT_EQ(invoice.balance().minor_units(), 1'000);
  const StoredOrder stored = store_.Orders()[0];
  EXPECT_EQ(stored.order.status(), v1::ORDER_STATUS_INVOICED);
  EXPECT_EQ(stored.order.invoice(), invoice.name());
  EXPECT_EQ(stored.version, 2);
}

TEST_F(BillingServiceTest, PaymentSettlesTheOldestInvoiceFirst) {
  absl::StatusOr<v1::Invoice> first = CreateInvoice("", 300);
  absl::StatusOr<v1::Invoice> second = CreateInvoice("", 500);
  ASSERT_TRUE(first.ok() && second.ok());
  absl::StatusOr<v1::Payment> payment = RecordPayment("pay", 400);
  ASSERT_TRUE(payment.ok()) << payment.status();
  ASSERT_EQ(payment->allocations_size(), 2);
  EXPECT_EQ(payment->allocations(0).invoice(), first->name());
  EXPECT_EQ(payment->allocations(0).amount().minor_units(), 300);
  EXPECT_EQ(payment->allocations(1).amount().minor_units(), 100);
  const std::vector<StoredInvoice> invoices = store_.Invoices();
  EXPECT_EQ(invoices[0].invoice.status(), v1::INVOICE_STATUS_PAID);
  EXPECT_EQ(invoices[1].invoice.status(), v1::INVOICE_STATUS_OPEN);
  EXPECT_EQ(invoices[1].invoice.balance().minor_units(), 400);
}

TEST_F(BillingServiceTest, PaymentOverTheOpenBalanceIsRefusedWritingNothing) {
  ASSERT_TRUE(CreateInvoice("", 300).ok());
  EXPECT_EQ(RecordPayment("", 301).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(store_.Payments().empty());
  EXPECT_EQ(store_.Invoices()[0].invoice.paid_amount().minor_units(), 0);
}


// Three invoices 70 days past due (30-day terms, issued 100 days ago) put
// the account on credit hold (credit_hold/strikes.h): an order on credit is
// refused naming the hold and writes nothing; a prepaid order passes.
TEST_F(BillingServiceTest, AnAccountOnCreditHoldTakesPrepaidOrdersOnly) {
  for (int n = 0; n < 3; ++n) {
    v1::CreateInvoiceRequest request;
    request.mutable_invoice()->set_account(AccountName(kAccount));
    *request.mutable_invoice()->mutable_amount() = Euros(100);
    *request.mutable_invoice()->mutable_issue_time() =
        common::ToProtoTimestamp(absl::Now() - absl::Hours(24 * 100));
    v1::Invoice invoice;
    ASSERT_TRUE(service_.CreateInvoice(ctx_, request, &invoice).ok());
    if (n < 2) ASSERT_TRUE(CreateOrder("", 100).ok()) << n;  // one or two strikes: no hold
  }
  const absl::StatusOr<v1::Order> refused = CreateOrder("", 100);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(),
              ::testing::HasSubstr("account accounts/7 is on credit hold: 3 invoices unpaid more "
                                   "than 30 days past due"));
  EXPECT_EQ(store_.Orders().size(), 2u);
  v1::CreateOrderRequest prepaid;
  prepaid.mutable_order()->set_account(AccountName(kAccount));
  *prepaid.mutable_order()->mutable_amount() = Euros(100);
  prepaid.mutable_order()->set_prepaid(true);
  v1::Order order;
  ASSERT_TRUE(service_.CreateOrder(ctx_, prepaid, &order).ok());
  EXPECT_TRUE(order.prepaid());
}

}  // namespace
}  // namespace kam::interaction::billing
