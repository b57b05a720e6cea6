// The billing part of the demo: a year of orders, invoices and payments (60
// days' terms), with Huaxin Group part-paid and Baoshan Steel unpaid past
// their due dates, invoices not yet due, orders not yet invoiced, and the
// churned Yonghe Retail's last order, paid before it left.
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/harness/demo/demo_book.h"

namespace kam::testing::demo {
namespace {

struct DemoOrder {
  const char* id;  // the request_id's suffix: never change it once shipped
  const char* account;
  const char* description;
  int64_t amount_yuan;
  int64_t cost_yuan;
  int order_days_ago;    // 0: an invoice on its own (no order)
  int invoice_days_ago;  // 0: not invoiced yet
  int64_t paid_yuan;     // paid on this invoice, in one payment
  int paid_days_ago;
};

const std::vector<DemoOrder>& Orders() {
  static const std::vector<DemoOrder> orders = {
      {"hx-5g-1", "HX-GROUP", "5G core expansion, phase 1", 4800000, 3100000, 300, 298, 4800000,
       240},
      {"hx-routers", "HX-GROUP", "Core router refresh", 2600000, 1700000, 150, 148, 1600000, 80},
      {"hx-capacity", "HX-GROUP", "Capacity upgrade, Guangdong", 1200000, 760000, 20, 18, 0, 0},
      {"hx-managed", "HX-GROUP", "Managed network services, Q4", 450000, 210000, 10, 0, 0, 0},
      {"gd-access", "HX-GD", "Access network upgrade", 800000, 520000, 110, 108, 800000, 50},
      {"zj-backhaul", "HX-ZJ", "Microwave backhaul links", 650000, 450000, 70, 70, 650000, 20},
      {"sz-fee", "HX-GD-SZ", "On-site support fee, Q3", 90000, 30000, 0, 40, 0, 0},
      {"bs-pilot", "BS-STEEL", "Pilot line network and sensors", 1500000, 1100000, 130, 125, 0, 0},
      {"bs-survey", "BS-STEEL", "Plant network survey", 900000, 600000, 200, 200, 900000, 130},
      {"cm-refit", "CM-BANK", "Branch network refit, lot 1", 2000000, 1300000, 90, 88, 2000000, 25},
      {"cm-refit-2", "CM-BANK", "Branch network refit, lot 2", 400000, 250000, 35, 35, 0, 0},
      {"nx-poc", "NX-ROBOT", "Factory network proof of concept", 120000, 80000, 12, 0, 0, 0},
      {"yh-stores", "YH-RETAIL", "Store Wi-Fi roll-out", 300000, 240000, 320, 318, 300000, 250},
  };
  return orders;
}

// What an order, and an invoice on its own (no order), say of the sale.
template <typename Sale>
void SetSale(const DemoOrder& demo, const std::string& account, Sale* sale) {
  sale->set_account(account);
  *sale->mutable_amount() = Yuan(demo.amount_yuan);
  *sale->mutable_cost() = Yuan(demo.cost_yuan);
  sale->set_description(demo.description);
}

}  // namespace

void LoadBilling(DemoClient& client, const DemoBook& book, const DemoClock& clock) {
  for (const DemoOrder& demo : Orders()) {
    const std::string& account = book.Account(demo.account);
    iv1::Order order;
    if (demo.order_days_ago > 0) {
      iv1::CreateOrderRequest request;
      iv1::Order* o = request.mutable_order();
      SetSale(demo, account, o);
      *o->mutable_order_time() = clock.DaysAgo(demo.order_days_ago);
      if (!client.Create(client.billing(), &iv1::BillingService::Stub::CreateOrder, "order",
                         demo.id, request, &order)) {
        return;
      }
    }
    if (demo.invoice_days_ago == 0) continue;
    iv1::CreateInvoiceRequest request;
    iv1::Invoice* i = request.mutable_invoice();
    if (order.name().empty()) {
      SetSale(demo, account, i);
    } else {
      i->set_order(order.name());
    }
    *i->mutable_issue_time() = clock.DaysAgo(demo.invoice_days_ago);
    iv1::Invoice invoice;
    if (!client.Create(client.billing(), &iv1::BillingService::Stub::CreateInvoice, "invoice",
                       demo.id, request, &invoice)) {
      return;
    }
    if (demo.paid_yuan == 0) continue;
    iv1::RecordPaymentRequest pay;
    iv1::Payment* p = pay.mutable_payment();
    p->set_account(account);
    *p->mutable_amount() = Yuan(demo.paid_yuan);
    *p->mutable_received_time() = clock.DaysAgo(demo.paid_days_ago);
    p->set_reference(absl::StrCat("BANK-", demo.id));
    iv1::PaymentAllocation* allocation = p->add_allocations();
    allocation->set_invoice(invoice.name());
    *allocation->mutable_amount() = Yuan(demo.paid_yuan);
    iv1::Payment payment;
    client.Create(client.billing(), &iv1::BillingService::Stub::RecordPayment, "payment", demo.id,
                  pay, &payment, "record");
  }
}

}  // namespace kam::testing::demo
