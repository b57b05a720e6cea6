// Group credit limits through the public API (docs/domain.md §1 group
// customers, §8 credit): a limit set on an account of a group hierarchy caps
// what it and every account below it owe together. An order or invoice of
// any member is refused when it would pass one of its groups' limits, as
// well as its own; nested groups each hold; concurrent orders of different
// members never pass the group's limit together.
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "tests/interaction/billing_client.h"

namespace kam::testing {
namespace {

// An account with its own credit limit (EUR unless `currency`), under
// `parent` when given, with a group credit limit when `group_limit` >= 0.
std::string Member(int64_t own_limit, const std::string& parent = "", int64_t group_limit = -1,
                   const std::string& currency = "EUR") {
  v1::CreateAccountRequest request;
  v1::Account* account = request.mutable_account();
  account->set_display_name(Unique("group-credit"));
  account->set_parent_account(parent);
  v1::CreditProfile* credit = account->mutable_credit();
  credit->mutable_credit_limit()->set_currency_code(currency);
  credit->mutable_credit_limit()->set_minor_units(own_limit);
  credit->set_payment_terms_days(30);
  if (group_limit >= 0) {
    credit->mutable_group_credit_limit()->set_currency_code("EUR");
    credit->mutable_group_credit_limit()->set_minor_units(group_limit);
  }
  Reply<v1::Account> created = Call(Accounts(), &AccountApi::CreateAccount, request);
  EXPECT_OK(created.status);
  return created.value.name();
}

Reply<v1::Account> SetGroupLimit(const std::string& account, std::optional<int64_t> limit) {
  v1::UpdateAccountRequest request;
  request.mutable_account()->set_name(account);
  if (limit.has_value()) {
    kam::type::v1::Money* money =
        request.mutable_account()->mutable_credit()->mutable_group_credit_limit();
    money->set_currency_code("EUR");
    money->set_minor_units(*limit);
  }
  request.mutable_update_mask()->add_paths("credit.group_credit_limit");
  return Call(Accounts(), &AccountApi::UpdateAccount, request);
}

void ExpectGroupRefusal(const grpc::Status& status, const std::string& group,
                        const std::string& figures) {
  EXPECT_TRUE(HasCodeMentioning(status, grpc::StatusCode::FAILED_PRECONDITION,
                                "group credit limit exceeded for group " + group))
      << status.error_message();
  EXPECT_TRUE(absl::StrContains(status.error_message(), figures)) << status.error_message();
}

// A three-level group: root (group limit 1000) -> branch (group limit 600
// over itself and its child) -> leaf; and a second branch under the root
// with no group limit of its own. Every own limit is far above the groups'.
struct Group {
  std::string root = Member(100000, "", 1000);
  std::string branch = Member(100000, root, 600);
  std::string leaf = Member(100000, branch);
  std::string sibling = Member(100000, root);
};

TEST(GroupCredit, EachGroupOverAMemberHoldsUpToItsLimitExactly) {
  const Group g;
  ASSERT_OK(PlaceOrder(g.leaf, 500).status);
  // The branch's group (branch + leaf) would owe 601.
  ExpectGroupRefusal(PlaceOrder(g.leaf, 101).status, g.branch,
                     "group credit limit 600, exposure 500");
  ASSERT_OK(PlaceOrder(g.branch, 100).status);  // the branch's group at 600 exactly
  // The root's group holds every account: 600 owed so far.
  ASSERT_OK(PlaceOrder(g.sibling, 400).status);  // 1000 exactly
  ExpectGroupRefusal(PlaceOrder(g.sibling, 1).status, g.root, "group credit limit 1000");
  ExpectGroupRefusal(PlaceOrder(g.root, 1).status, g.root, "exposure 1000");
  // An invoice on its own adds to the exposure too; nothing was written.
  ExpectGroupRefusal(InvoiceAmount(g.sibling, 1).status, g.root, "invoice 1,");
  EXPECT_EQ(AllOrders(AccountFilter(g.sibling)).size(), 1u);
  EXPECT_TRUE(AllInvoices(AccountFilter(g.sibling)).empty());
}

TEST(GroupCredit, CancellingOrPayingReleasesTheGroupsCredit) {
  const Group g;
  const bv1::Order leaf_order = MustOrder(g.leaf, 600);
  const bv1::Order sibling_order = MustOrder(g.sibling, 400);
  ExpectGroupRefusal(PlaceOrder(g.sibling, 1).status, g.root, "exposure 1000");
  bv1::CancelOrderRequest cancel =
      ByNameAndEtag<bv1::CancelOrderRequest>(leaf_order.name(), leaf_order.etag());
  cancel.set_reason("customer withdrew");
  ASSERT_OK(Call(Billing(), &BillingStub::CancelOrder, cancel).status);
  ASSERT_OK(PlaceOrder(g.sibling, 600).status);  // the root's group at 1000 again
  // Invoiced and partly paid: only the unpaid balance counts.
  ASSERT_OK(InvoiceOrder(sibling_order.name()).status);
  ASSERT_OK(Pay(g.sibling, 250).status);
  ExpectGroupRefusal(PlaceOrder(g.leaf, 251).status, g.root, "available 250");
  ASSERT_OK(PlaceOrder(g.leaf, 250).status);
}

TEST(GroupCredit, AnOrderIncreaseIsCheckedAgainstTheGroup) {
  const Group g;
  const bv1::Order order = MustOrder(g.leaf, 300);
  ASSERT_OK(PlaceOrder(g.sibling, 600).status);
  bv1::UpdateOrderRequest update;
  update.mutable_order()->set_name(order.name());
  *update.mutable_order()->mutable_amount() = Money(401);
  update.mutable_update_mask()->add_paths("amount");
  ExpectGroupRefusal(Call(Billing(), &BillingStub::UpdateOrder, update).status, g.root,
                     "order increase 101");
  *update.mutable_order()->mutable_amount() = Money(400);
  ASSERT_OK(Call(Billing(), &BillingStub::UpdateOrder, update).status);
}

TEST(GroupCredit, ALimitSetLaterAppliesAndCanBeRemoved) {
  const std::string root = Member(100000);
  const std::string child = Member(100000, root);
  ASSERT_OK(PlaceOrder(child, 700).status);
  Reply<v1::Account> set = SetGroupLimit(root, 500);  // below what the group owes
  ASSERT_OK(set.status);
  EXPECT_EQ(set.value.credit().group_credit_limit().minor_units(), 500);
  EXPECT_EQ(set.value.credit().group_credit_limit().currency_code(), "EUR");
  ExpectGroupRefusal(PlaceOrder(root, 1).status, root, "available -200");
  ASSERT_OK(SetGroupLimit(root, std::nullopt).status);
  ASSERT_OK(PlaceOrder(root, 1).status);
  v1::GetAccountRequest get;
  get.set_name(root);
  EXPECT_FALSE(Call(Accounts(), &AccountApi::GetAccount, get).value.credit().has_group_credit_limit());
}

TEST(GroupCredit, AMemberInAnotherCurrencyCannotTakeCreditUnderTheGroup) {
  const std::string root = Member(100000, "", 1000);
  const std::string usd = Member(100000, root, -1, "USD");
  bv1::CreateOrderRequest request = OrderRequest(usd, 1);
  *request.mutable_order()->mutable_amount() = Money(1, "USD");
  Reply<bv1::Order> refused = Call(Billing(), &BillingStub::CreateOrder, request);
  EXPECT_TRUE(HasCodeMentioning(refused.status, grpc::StatusCode::FAILED_PRECONDITION,
                                "is not the currency of the group credit limit of " + root))
      << refused.status.error_message();
}

TEST(GroupCredit, ABadGroupLimitIsRefusedNamingTheField) {
  const std::string root = Member(100000);
  EXPECT_TRUE(IsInvalidField(SetGroupLimit(root, -1).status,
                             "account.credit.group_credit_limit.minor_units"));
  v1::UpdateAccountRequest request;
  request.mutable_account()->set_name(root);
  request.mutable_account()->mutable_credit()->mutable_group_credit_limit()->set_currency_code(
      "EURO");
  request.mutable_update_mask()->add_paths("credit.group_credit_limit");
  EXPECT_TRUE(IsInvalidField(Call(Accounts(), &AccountApi::UpdateAccount, request).status,
                             "account.credit.group_credit_limit.currency_code"));
}

// Twelve orders of 250 at once, spread over three members of a group whose
// limit is 1000 (each member's own limit is far above): the group's lock
// serialises their checks, so exactly four pass.
TEST(GroupCredit, ConcurrentOrdersOfDifferentMembersNeverPassTheGroupLimit) {
  const std::string root = Member(100000, "", 1000);
  const std::vector<std::string> members = {Member(100000, root), Member(100000, root),
                                            Member(100000, root)};
  const std::vector<grpc::Status> results = CallTogether(
      12, [&](int i) { return PlaceOrder(members[i % 3], 250, Unique("together")).status; });
  EXPECT_EQ(CountOk(results, grpc::StatusCode::FAILED_PRECONDITION), 4);
  int64_t total = 0;
  for (const std::string& m : members) {
    for (const bv1::Order& o : AllOrders(AccountFilter(m))) total += o.amount().minor_units();
  }
  EXPECT_EQ(total, 1000);
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) {
  return kam::testing::RunTestsOnSuite(argc, argv, kam::testing::InteractionSuiteOptions());
}
