// The benchmark book (bench/bench_book.h) on a real suite: its rows
// are ones the services read like their own, the services' id allocators
// never collide with it (even holding a block reserved before it was
// written), the facts stream sees every account it gave records, and the
// same options give the same figures.
#include "bench/bench_book.h"

#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "kam/interaction/v1/activity.grpc.pb.h"
#include "kam/interaction/v1/facts.grpc.pb.h"
#include "tests/interaction/billing_client.h"

namespace kam::testing {
namespace {

namespace iv1 = ::kam::interaction::v1;

constexpr int64_t kAccounts = 3000;

// Every account's facts for the book's period.
std::map<int64_t, iv1::AccountFacts> BookFacts(const BenchBook& book) {
  auto stub = InteractionStub<iv1::FactsService>();
  iv1::StreamAccountFactsRequest request;
  *request.mutable_start_time() = Ts(book.period_start);
  *request.mutable_end_time() = Ts(book.period_end);
  auto context = Context();
  auto reader = stub->StreamAccountFacts(context.get(), request);
  std::map<int64_t, iv1::AccountFacts> by;
  iv1::StreamAccountFactsResponse page;
  while (reader->Read(&page)) {
    for (const iv1::AccountFacts& f : page.facts()) by[std::stoll(f.account().substr(9))] = f;
  }
  EXPECT_OK(reader->Finish());
  return by;
}

TEST(BenchBookTest, ServicesReadItAndNeverCollide) {
  // The account service reserves a block of ids with its first create; the
  // book must not write into it.
  const std::string before = CreditAccount(1000);
  BenchBookOptions options;
  options.accounts = kAccounts;
  options.progress = false;
  absl::StatusOr<BenchBook> book = FillBenchBook(Suite(), options);
  ASSERT_TRUE(book.ok()) << book.status();
  EXPECT_EQ(book->last_account_id - book->first_account_id + 1, kAccounts);
  EXPECT_GT(book->first_account_id, std::stoll(before.substr(9)));
  EXPECT_EQ(book->rows.accounts, kAccounts);
  EXPECT_GT(book->rows.invoices, 0);
  EXPECT_GT(book->rows.payments, 0);
  EXPECT_GT(book->rows.cases, 0);
  EXPECT_GT(book->rows.surveys, 0);
  EXPECT_GT(book->rows.activities, 0);
  EXPECT_GT(book->rows.opportunities, 0);
  EXPECT_EQ(book->period_start, absl::FromCivil(absl::CivilDay(2025, 1, 1), absl::UTCTimeZone()));
  EXPECT_EQ(book->period_end, absl::FromCivil(absl::CivilDay(2026, 1, 1), absl::UTCTimeZone()));

  // The account service reads a book account like its own.
  v1::GetAccountRequest get =
      ByName<v1::GetAccountRequest>(absl::StrCat("accounts/", book->first_account_id));
  v1::Account account;
  ASSERT_OK(Accounts().GetAccount(Context().get(), get, &account));
  EXPECT_EQ(account.state(), v1::LIFECYCLE_STATE_ACTIVE);
  EXPECT_EQ(account.tier(), v1::TIER_UNSPECIFIED);
  EXPECT_EQ(account.credit().payment_terms_days(), 30);
  EXPECT_FALSE(account.credit().credit_limit().currency_code().empty());
  EXPECT_FALSE(account.industry().empty());

  // New rows from the services get fresh ids, after the book's and after
  // the block held since before it.
  for (int i = 0; i < 1100; ++i) {  // more than a block of 1000
    v1::CreateAccountRequest create;
    create.mutable_account()->set_display_name(Unique("after-book"));
    v1::Account created;
    ASSERT_OK(Accounts().CreateAccount(Context().get(), create, &created));
    const int64_t id = std::stoll(created.name().substr(9));
    ASSERT_TRUE(id < book->first_account_id || id > book->last_account_id) << id;
  }
  auto activities = InteractionStub<iv1::ActivityService>();
  for (int i = 0; i < 5; ++i) {
    iv1::CreateActivityRequest request;
    iv1::Activity* a = request.mutable_activity();
    a->set_account(absl::StrCat("accounts/", book->first_account_id + i));
    a->set_kind(iv1::ACTIVITY_KIND_MEETING);
    a->set_subject("after the book");
    a->set_level(iv1::ACTIVITY_LEVEL_ACCOUNT_MANAGER);
    a->set_status(iv1::ACTIVITY_STATUS_DONE);
    *a->mutable_actual_time() = Ts(absl::Now() - absl::Hours(1));
    iv1::Activity out;
    ASSERT_OK(activities->CreateActivity(Context().get(), request, &out));
  }

  // The facts stream: most book accounts have records (about 93%), with
  // revenue, overdue amounts, cases, surveys and activities among them.
  const std::map<int64_t, iv1::AccountFacts> facts = BookFacts(*book);
  int64_t in_book = 0, revenue = 0, overdue = 0, overdue_90 = 0, cases = 0, breaches = 0;
  int64_t complaints = 0, csat = 0, activities_done = 0, executive = 0, pipeline = 0;
  for (const auto& [id, f] : facts) {
    if (id < book->first_account_id || id > book->last_account_id) continue;
    ++in_book;
    revenue += f.revenue_minor() > 0;
    overdue += f.overdue_minor() > 0;
    overdue_90 += f.overdue_90_plus_minor() > 0;
    cases += f.case_count();
    complaints += f.complaint_count();
    breaches += f.sla_breach_count();
    csat += f.csat_count();
    activities_done += f.activity_count();
    executive += f.executive_activity_count();
    pipeline += f.weighted_pipeline_minor() > 0;
  }
  EXPECT_GT(in_book, kAccounts * 85 / 100);
  EXPECT_LE(in_book, kAccounts);
  for (int64_t n : {revenue, overdue, overdue_90, cases, complaints, breaches, csat,
                    activities_done, executive, pipeline}) {
    EXPECT_GT(n, 0);
  }

  // The same options give the same book: a second one, account by account,
  // has the same facts.
  absl::StatusOr<BenchBook> again = FillBenchBook(Suite(), options);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_GT(again->first_account_id, book->last_account_id);
  EXPECT_EQ(again->rows.total(), book->rows.total());
  const std::map<int64_t, iv1::AccountFacts> facts_again = BookFacts(*again);
  int64_t compared = 0;
  for (int64_t i = 0; i < kAccounts; ++i) {
    auto first = facts.find(book->first_account_id + i);
    auto second = facts_again.find(again->first_account_id + i);
    ASSERT_EQ(first == facts.end(), second == facts_again.end()) << i;
    if (first == facts.end()) continue;
    iv1::AccountFacts a = first->second;
    iv1::AccountFacts b = second->second;
    a.clear_account();
    b.clear_account();
    ASSERT_EQ(a.SerializeAsString(), b.SerializeAsString()) << i;
    ++compared;
  }
  EXPECT_EQ(compared, in_book);
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) {
  return kam::testing::RunTestsOnSuite(argc, argv, kam::testing::InteractionSuiteOptions());
}
