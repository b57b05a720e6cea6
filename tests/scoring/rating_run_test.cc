// Rating runs over a book of 1,000 accounts with distinct values (each one
// invoice, 100 to 100,000 EUR cents): the default pyramid gives exactly
// 10 / 40 / 150 / 800 (docs/domain.md §2); progress; the tiers published to the
// account service (tier, run, policy version, tier history); a second run's
// movements and key-account changes; StartRatingRun idempotency; a cancelled
// run publishes nothing; listing runs with filters.
//
// The tests run in order and build on each other's runs (the book and its
// published tiers are the state a real deployment carries from run to run).
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tests/scoring/rating_test_helpers.h"

namespace kam::testing {
namespace {

constexpr int kBook = 1000;

// The book: accounts[i] is worth (i + 1) * 100, so accounts[999] ranks 1.
struct Book {
  std::vector<std::string> accounts;
  std::string policy;  // the default pyramid, by revenue
  std::string first_run;
};

Book& TheBook() {
  static Book* book = [] {
    auto* b = new Book;
    std::vector<int64_t> values(kBook);
    for (int i = 0; i < kBook; ++i) values[i] = (i + 1) * 100;
    const absl::Time start = absl::Now();
    b->accounts = CreateBook(values);
    std::printf("created %d accounts with an invoice each in %s\n", kBook,
                absl::FormatDuration(absl::Now() - start).c_str());
    b->policy = MustCreatePolicy(RevenuePolicy()).name();
    return b;
  }();
  return *book;
}

// The account at rank `rank` (1-based) of the first run.
const std::string& AtRank(int rank) { return TheBook().accounts[kBook - rank]; }

std::map<std::string, sv1::KeyAccountChange> Changes(
    const google::protobuf::RepeatedPtrField<sv1::KeyAccountChange>& list) {
  std::map<std::string, sv1::KeyAccountChange> out;
  for (const sv1::KeyAccountChange& c : list) out[c.account()] = c;
  return out;
}

sv1::ListKeyAccountChangesResponse KeyChanges(const std::string& run) {
  sv1::ListKeyAccountChangesRequest request;
  request.set_run(run);
  request.set_page_size(1000);
  Reply<sv1::ListKeyAccountChangesResponse> reply =
      Call(Ratings(), &RatingStub::ListKeyAccountChanges, request);
  EXPECT_OK(reply.status);
  EXPECT_TRUE(reply.value.next_page_token().empty());
  return reply.value;
}

TEST(RatingRun, PyramidOfAThousand) {
  Book& book = TheBook();
  ASSERT_EQ(book.accounts.size(), static_cast<size_t>(kBook));
  Reply<sv1::RatingRun> started = StartRun(book.policy);
  ASSERT_OK(started.status);
  EXPECT_TRUE(absl::StartsWith(started.value.name(), "ratingRuns/"));
  EXPECT_EQ(started.value.state(), sv1::RUN_STATE_QUEUED);
  EXPECT_EQ(started.value.policy_version(), 1);
  EXPECT_EQ(started.value.actor(), "test");

  // Progress never runs ahead of the total, and counts only go up.
  int64_t last_processed = 0;
  std::set<sv1::RunState> states;
  const absl::Time start = absl::Now();
  const sv1::RatingRun run = WaitForRun(started.value.name(), Ended, absl::Seconds(60),
                                        [&](const sv1::RatingRun& r) {
                                          states.insert(r.state());
                                          EXPECT_GE(r.accounts_processed(), last_processed);
                                          last_processed = r.accounts_processed();
                                          if (r.accounts_total() > 0) {
                                            EXPECT_LE(r.accounts_processed(), r.accounts_total());
                                          }
                                          EXPECT_LE(r.accounts_published(), kBook);
                                        });
  std::printf("rated and published %d accounts in %s\n", kBook,
              absl::FormatDuration(absl::Now() - start).c_str());
  ASSERT_EQ(run.state(), sv1::RUN_STATE_SUCCEEDED) << run.error();
  book.first_run = run.name();
  EXPECT_EQ(run.accounts_total(), kBook);
  EXPECT_EQ(run.accounts_processed(), kBook);
  EXPECT_EQ(run.accounts_published(), kBook);
  EXPECT_EQ(TierCountsText(run.tier_counts()), "10/40/150/800");
  EXPECT_EQ(run.resumes(), 0);
  EXPECT_TRUE(run.error().empty());
  EXPECT_TRUE(run.has_start_time());
  EXPECT_TRUE(run.has_end_time());
  EXPECT_GT(absl::ToUnixMicros(FromTs(run.as_of())), absl::ToUnixMicros(FromTs(run.period_start())));
  EXPECT_EQ(FromTs(run.as_of()) - FromTs(run.period_start()), absl::Hours(24 * 365));

  // Every account rated, by rank.
  const std::map<std::string, sv1::AccountRating> ratings = AllRatings(run.name());
  ASSERT_EQ(ratings.size(), static_cast<size_t>(kBook));
  for (int rank = 1; rank <= kBook; ++rank) {
    const sv1::AccountRating& r = ratings.at(AtRank(rank));
    const account::v1::Tier want = rank <= 10    ? account::v1::TIER_A
                                   : rank <= 50  ? account::v1::TIER_B
                                   : rank <= 200 ? account::v1::TIER_C
                                                 : account::v1::TIER_D;
    ASSERT_EQ(r.rank(), rank) << r.ShortDebugString();
    ASSERT_EQ(r.tier(), want) << "rank " << rank;
    ASSERT_EQ(r.value_minor(), (kBook - rank + 1) * 100);
    ASSERT_EQ(r.currency_code(), "EUR");
    ASSERT_EQ(r.movement(), sv1::MOVEMENT_NEW);
    ASSERT_EQ(r.previous_tier(), account::v1::TIER_UNSPECIFIED);
    ASSERT_EQ(r.key_account(), rank <= 50) << "rank " << rank;
  }
  // Filters of the ratings list.
  EXPECT_EQ(AllRatings(run.name(), "tier = A").size(), 10u);
  EXPECT_EQ(AllRatings(run.name(), "key_account = true").size(), 50u);

  // One rating by name.
  sv1::GetAccountRatingRequest get;
  const std::string id = AtRank(1).substr(std::string("accounts/").size());
  get.set_name(absl::StrCat(run.name(), "/ratings/", id));
  Reply<sv1::AccountRating> one = Call(Ratings(), &RatingStub::GetAccountRating, get);
  ASSERT_OK(one.status);
  EXPECT_EQ(one.value.account(), AtRank(1));
  EXPECT_EQ(one.value.name(), get.name());
  EXPECT_EQ(one.value.tier(), account::v1::TIER_A);
  EXPECT_EQ(one.value.value_minor(), 100000);
  get.set_name(absl::StrCat(run.name(), "/ratings/999999999"));
  EXPECT_TRUE(HasCode(Call(Ratings(), &RatingStub::GetAccountRating, get).status,
                      grpc::StatusCode::NOT_FOUND));
}

TEST(RatingRun, TiersArePublishedToTheAccountService) {
  const Book& book = TheBook();
  ASSERT_FALSE(book.first_run.empty()) << "needs PyramidOfAThousand";
  const std::string version = absl::StrCat(book.policy, "/versions/1");
  for (int rank : {1, 10, 11, 50, 51, 200, 201, 1000}) {
    const v1::Account account = GetAccount(AtRank(rank));
    const account::v1::Tier want = rank <= 10    ? account::v1::TIER_A
                                   : rank <= 50  ? account::v1::TIER_B
                                   : rank <= 200 ? account::v1::TIER_C
                                                 : account::v1::TIER_D;
    EXPECT_EQ(account.tier(), want) << "rank " << rank;
    EXPECT_EQ(account.tier_rating_run(), book.first_run);
    EXPECT_EQ(account.tier_policy_version(), version);
    const std::vector<v1::TierChange> history = TierHistory(AtRank(rank));
    ASSERT_EQ(history.size(), 1u) << "rank " << rank;
    EXPECT_EQ(history[0].from_tier(), account::v1::TIER_UNSPECIFIED);
    EXPECT_EQ(history[0].to_tier(), want);
    EXPECT_EQ(history[0].rating_run(), book.first_run);
    EXPECT_EQ(history[0].policy_version(), version);
    EXPECT_TRUE(absl::StartsWith(history[0].reason(), absl::StrCat("rank ", rank, ";")))
        << history[0].reason();
  }
  // The account service agrees on the whole pyramid.
  std::map<std::string, int> per_tier;
  for (const char* tier : {"A", "B", "C", "D"}) {
    v1::ListAccountsRequest request;
    request.set_filter(absl::StrCat("tier = \"", tier, "\""));
    request.set_page_size(1000);
    for (int page = 0; page < 10; ++page) {
      Reply<v1::ListAccountsResponse> reply =
          Call(Accounts(), &v1::AccountService::Stub::ListAccounts, request);
      ASSERT_OK(reply.status);
      per_tier[tier] += reply.value.accounts_size();
      if (reply.value.next_page_token().empty()) break;
      request.set_page_token(reply.value.next_page_token());
    }
  }
  EXPECT_EQ(per_tier["A"], 10);
  EXPECT_EQ(per_tier["B"], 40);
  EXPECT_EQ(per_tier["C"], 150);
  EXPECT_EQ(per_tier["D"], 800);

  // The first run's key-account changes: all 50 came on, none dropped off.
  const sv1::ListKeyAccountChangesResponse changes = KeyChanges(book.first_run);
  EXPECT_EQ(changes.came_on_size(), 50);
  EXPECT_EQ(changes.dropped_off_size(), 0);
}

// A new account worth more than all others joins: everyone below it moves
// down one rank. The account at rank 10 (A) becomes 11 (B), 50 (B) becomes
// 51 (C, off the key list), 200 (C) becomes 201 (D); and the account at
// rank 1000 is given a large invoice and goes from D to A.
TEST(RatingRun, ASecondRunShowsMovementsAndKeyAccountChanges) {
  const Book& book = TheBook();
  ASSERT_FALSE(book.first_run.empty()) << "needs PyramidOfAThousand";
  const std::string newcomer = ValuedAccount(5'000'000);
  const std::string riser = AtRank(1000);
  const std::string at10 = AtRank(10), at50 = AtRank(50), at200 = AtRank(200), at9 = AtRank(9);
  MustInvoice(riser, 1'000'000, absl::Now() - absl::Hours(24));  // 1,000,100 in all: rank 2

  const sv1::RatingRun run = RunToEnd(book.policy);
  ASSERT_EQ(run.state(), sv1::RUN_STATE_SUCCEEDED) << run.error();
  EXPECT_EQ(run.accounts_total(), kBook + 1);
  // 1,001 accounts: round-half-up of 10.01 / 50.05 / 200.2 -> 10 / 50 / 200.
  EXPECT_EQ(TierCountsText(run.tier_counts()), "10/40/150/801");

  const std::map<std::string, sv1::AccountRating> ratings = AllRatings(run.name());
  auto expect = [&](const std::string& account, int64_t rank, account::v1::Tier from,
                    account::v1::Tier to, sv1::Movement movement) {
    const sv1::AccountRating& r = ratings.at(account);
    EXPECT_EQ(r.rank(), rank) << account;
    EXPECT_EQ(r.previous_tier(), from) << account;
    EXPECT_EQ(r.tier(), to) << account;
    EXPECT_EQ(r.movement(), movement) << account;
  };
  expect(newcomer, 1, account::v1::TIER_UNSPECIFIED, account::v1::TIER_A, sv1::MOVEMENT_NEW);
  expect(riser, 2, account::v1::TIER_D, account::v1::TIER_A, sv1::MOVEMENT_PROMOTED);
  // 9 -> 11 (two accounts now rank above it): A -> B.
  expect(at9, 11, account::v1::TIER_A, account::v1::TIER_B, sv1::MOVEMENT_DEMOTED);
  expect(at10, 12, account::v1::TIER_A, account::v1::TIER_B, sv1::MOVEMENT_DEMOTED);
  expect(at50, 52, account::v1::TIER_B, account::v1::TIER_C, sv1::MOVEMENT_DEMOTED);
  expect(at200, 202, account::v1::TIER_C, account::v1::TIER_D, sv1::MOVEMENT_DEMOTED);
  expect(AtRank(500), 502, account::v1::TIER_D, account::v1::TIER_D, sv1::MOVEMENT_UNCHANGED);
  expect(AtRank(1), 3, account::v1::TIER_A, account::v1::TIER_A, sv1::MOVEMENT_UNCHANGED);

  // Who came on (the newcomer and the riser) and who dropped off (ranks 49
  // and 50 of the first run, now 51 and 52: C), and why.
  const sv1::ListKeyAccountChangesResponse changes = KeyChanges(run.name());
  const auto came_on = Changes(changes.came_on());
  const auto dropped_off = Changes(changes.dropped_off());
  EXPECT_EQ(came_on.size(), 2u);
  EXPECT_EQ(dropped_off.size(), 2u);
  ASSERT_EQ(came_on.count(riser), 1u);
  EXPECT_EQ(came_on.at(riser).from_tier(), account::v1::TIER_D);
  EXPECT_EQ(came_on.at(riser).to_tier(), account::v1::TIER_A);
  EXPECT_EQ(came_on.at(riser).reason(), "D -> A: value 1000100 EUR ranks 2");
  ASSERT_EQ(came_on.count(newcomer), 1u);
  EXPECT_EQ(came_on.at(newcomer).from_tier(), account::v1::TIER_UNSPECIFIED);
  ASSERT_EQ(dropped_off.count(at50), 1u);
  ASSERT_EQ(dropped_off.count(AtRank(49)), 1u);
  EXPECT_EQ(dropped_off.at(at50).from_tier(), account::v1::TIER_B);
  EXPECT_EQ(dropped_off.at(at50).to_tier(), account::v1::TIER_C);
  EXPECT_EQ(dropped_off.at(at50).reason(), "B -> C: value 95100 EUR ranks 52");
  // Page by page, the same lists.
  sv1::ListKeyAccountChangesRequest request;
  request.set_run(run.name());
  request.set_page_size(1);
  std::set<std::string> paged_on, paged_off;
  for (int page = 0; page < 10; ++page) {
    Reply<sv1::ListKeyAccountChangesResponse> reply =
        Call(Ratings(), &RatingStub::ListKeyAccountChanges, request);
    ASSERT_OK(reply.status);
    for (const auto& c : reply.value.came_on()) paged_on.insert(c.account());
    for (const auto& c : reply.value.dropped_off()) paged_off.insert(c.account());
    if (reply.value.next_page_token().empty()) break;
    request.set_page_token(reply.value.next_page_token());
  }
  EXPECT_EQ(paged_on, (std::set<std::string>{riser, newcomer}));
  EXPECT_EQ(paged_off, (std::set<std::string>{at50, AtRank(49)}));

  // The account service has the change on record, after the first one.
  const std::vector<v1::TierChange> history = TierHistory(riser);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[1].from_tier(), account::v1::TIER_D);
  EXPECT_EQ(history[1].to_tier(), account::v1::TIER_A);
  EXPECT_EQ(history[1].rating_run(), run.name());
  EXPECT_EQ(GetAccount(riser).tier(), account::v1::TIER_A);
  // An unchanged account keeps one history row but is stamped by the run.
  EXPECT_EQ(TierHistory(AtRank(500)).size(), 1u);
  EXPECT_EQ(GetAccount(AtRank(500)).tier_rating_run(), run.name());
}

TEST(RatingRun, StartIsIdempotentByRequestId) {
  const Book& book = TheBook();
  const std::string request_id = Unique("start");
  Reply<sv1::RatingRun> first = StartRun(book.policy, request_id);
  ASSERT_OK(first.status);
  Reply<sv1::RatingRun> again = StartRun(book.policy, request_id);
  ASSERT_OK(again.status);
  EXPECT_EQ(again.value.name(), first.value.name());
  // A different request under the same id is refused.
  Reply<sv1::RatingRun> clash = StartRun(absl::StrCat(book.policy, "/versions/1"), request_id);
  EXPECT_TRUE(HasCode(clash.status, grpc::StatusCode::ALREADY_EXISTS));

  const sv1::RatingRun run = WaitForRun(first.value.name());
  EXPECT_EQ(run.state(), sv1::RUN_STATE_SUCCEEDED) << run.error();
  // The retry after the end still answers with the same run.
  Reply<sv1::RatingRun> late = StartRun(book.policy, request_id);
  ASSERT_OK(late.status);
  EXPECT_EQ(late.value.name(), first.value.name());
  EXPECT_EQ(late.value.state(), sv1::RUN_STATE_SUCCEEDED);

  // One run was made: it is the newest, and the one before is another.
  sv1::ListRatingRunsRequest list;
  list.set_filter(absl::StrCat("policy = \"", book.policy, "\""));
  Reply<sv1::ListRatingRunsResponse> runs = Call(Ratings(), &RatingStub::ListRatingRuns, list);
  ASSERT_OK(runs.status);
  int with_this_run = 0;
  for (const sv1::RatingRun& r : runs.value.runs()) with_this_run += r.name() == run.name();
  EXPECT_EQ(with_this_run, 1);
  ASSERT_GE(runs.value.runs_size(), 1);
  EXPECT_EQ(runs.value.runs(0).name(), run.name());
}

// The run is held in RUNNING by taking the interaction service away (the
// runner retries with backoff); cancelled there, it ends CANCELLED and
// publishes nothing.
TEST(RatingRun, ACancelledRunPublishesNothing) {
  const Book& book = TheBook();
  ASSERT_FALSE(book.first_run.empty()) << "needs PyramidOfAThousand";
  const v1::Account before = GetAccount(AtRank(1));
  ASSERT_TRUE(Suite().StopService("interaction").ok());
  Reply<sv1::RatingRun> started = StartRun(book.policy);
  ASSERT_OK(started.status);
  const sv1::RatingRun running = WaitForRun(
      started.value.name(), [](const sv1::RatingRun& r) { return r.state() != sv1::RUN_STATE_QUEUED; });
  EXPECT_EQ(running.state(), sv1::RUN_STATE_RUNNING);

  sv1::CancelRatingRunRequest cancel = ByName<sv1::CancelRatingRunRequest>(started.value.name());
  Reply<sv1::RatingRun> cancelled = Call(Ratings(), &RatingStub::CancelRatingRun, cancel);
  ASSERT_OK(cancelled.status);
  ASSERT_TRUE(Suite().StartService("interaction").ok());
  const sv1::RatingRun run = WaitForRun(started.value.name());
  EXPECT_EQ(run.state(), sv1::RUN_STATE_CANCELLED) << run.ShortDebugString();
  EXPECT_EQ(run.accounts_published(), 0);
  EXPECT_TRUE(run.has_end_time());

  const v1::Account after = GetAccount(AtRank(1));
  EXPECT_EQ(after.tier_rating_run(), before.tier_rating_run());
  EXPECT_EQ(after.etag(), before.etag());
  // A cancelled run has no ratings to show, and cannot be cancelled again.
  sv1::ListAccountRatingsRequest list;
  list.set_parent(run.name());
  EXPECT_TRUE(HasCode(Call(Ratings(), &RatingStub::ListAccountRatings, list).status,
                      grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_TRUE(HasCode(Call(Ratings(), &RatingStub::CancelRatingRun, cancel).status,
                      grpc::StatusCode::FAILED_PRECONDITION));
}

TEST(RatingRun, CancelAFinishedRunIsRefused) {
  const Book& book = TheBook();
  ASSERT_FALSE(book.first_run.empty()) << "needs PyramidOfAThousand";
  sv1::CancelRatingRunRequest cancel = ByName<sv1::CancelRatingRunRequest>(book.first_run);
  EXPECT_TRUE(HasCode(Call(Ratings(), &RatingStub::CancelRatingRun, cancel).status,
                      grpc::StatusCode::FAILED_PRECONDITION));
  cancel.set_name("ratingRuns/999999");
  EXPECT_TRUE(HasCode(Call(Ratings(), &RatingStub::CancelRatingRun, cancel).status,
                      grpc::StatusCode::NOT_FOUND));
  EXPECT_EQ(GetRun(book.first_run).value.state(), sv1::RUN_STATE_SUCCEEDED);
}

TEST(RatingRun, ListRunsNewestFirstWithFilters) {
  const Book& book = TheBook();
  ASSERT_FALSE(book.first_run.empty()) << "needs PyramidOfAThousand";
  sv1::ListRatingRunsRequest request;
  request.set_page_size(2);
  std::vector<std::string> names;
  for (const sv1::RatingRun& run :
       AllPages<sv1::RatingRun>(Ratings(), &RatingStub::ListRatingRuns, request, 20)) {
    names.push_back(run.name());
  }
  // Runs 1..4 of this binary: the first, the second, the idempotent one and
  // the cancelled one, newest first.
  ASSERT_EQ(names.size(), 4u);
  EXPECT_EQ(names.back(), book.first_run);

  request.clear_page_token();
  request.set_page_size(0);
  request.set_filter("state = CANCELLED");
  Reply<sv1::ListRatingRunsResponse> cancelled =
      Call(Ratings(), &RatingStub::ListRatingRuns, request);
  ASSERT_OK(cancelled.status);
  ASSERT_EQ(cancelled.value.runs_size(), 1);
  EXPECT_EQ(cancelled.value.runs(0).name(), names.front());
  request.set_filter(absl::StrCat("state = SUCCEEDED AND policy = \"", book.policy, "\""));
  Reply<sv1::ListRatingRunsResponse> succeeded =
      Call(Ratings(), &RatingStub::ListRatingRuns, request);
  ASSERT_OK(succeeded.status);
  EXPECT_EQ(succeeded.value.runs_size(), 3);

  for (const char* filter : {"state = DONE", "actor = \"test\""}) {
    request.set_filter(filter);
    EXPECT_CODE(Call(Ratings(), &RatingStub::ListRatingRuns, request).status, INVALID_ARGUMENT)
        << filter;
  }

  // A run cannot rate as of the future.
  sv1::StartRatingRunRequest start;
  start.set_policy(book.policy);
  *start.mutable_as_of() = Ts(absl::Now() + absl::Hours(1));
  EXPECT_TRUE(IsInvalidField(Call(Ratings(), &RatingStub::StartRatingRun, start).status, "as_of"));
}

}  // namespace
}  // namespace kam::testing

int main(int argc, char** argv) {
  return kam::testing::RunTestsOnSuite(argc, argv, kam::testing::ScoringSuiteOptions());
}
