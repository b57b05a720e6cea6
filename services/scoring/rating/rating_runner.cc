#include "services/scoring/rating/rating_runner.h"

#include <algorithm>
#include <functional>
#include <iterator>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/base/log.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"
#include "common/db/mysql_pool.h"
#include "services/scoring/names.h"
#include "services/scoring/rules/account_rating.h"
#include "services/scoring/rules/tiering.h"
#include "services/scoring/scoring_metrics.h"

namespace kam::scoring::rating {
namespace {

using common::Log;
using common::LogLevel;

constexpr int kRatingBatch = 1000;
constexpr int kResultsPage = 5000;
constexpr int kPassOneCheckEvery = 20000;
// Rating attempts while a service it reads is unavailable.
constexpr int kRateAttempts = 6;

void CountTier(account::v1::Tier tier, v1::TierCounts* counts) {
  switch (tier) {
    case account::v1::TIER_A: counts->set_a(counts->a() + 1); break;
    case account::v1::TIER_B: counts->set_b(counts->b() + 1); break;
    case account::v1::TIER_C: counts->set_c(counts->c() + 1); break;
    case account::v1::TIER_D: counts->set_d(counts->d() + 1); break;
    default: break;
  }
}

// One run's results (what alerts compare) in account order, read a page at
// a time; none when the run id is 0.
class ResultPages {
 public:
  ResultPages(RatingStore* store, int64_t run_id) : store_(store), run_id_(run_id) {}

  // The next result, or nullptr after the last.
  absl::StatusOr<const rules::AccountRunResult*> Next() {
    if (index_ == page_.size()) KAM_RETURN_IF_ERROR(Load());
    return index_ < page_.size() ? &page_[index_++] : nullptr;
  }

  // The result of `account_id` (ids must be asked in increasing order), or
  // nullptr.
  absl::StatusOr<const rules::AccountRunResult*> Find(int64_t account_id) {
    for (;;) {
      while (index_ < page_.size() && page_[index_].account_id < account_id) ++index_;
      if (index_ < page_.size()) {
        return page_[index_].account_id == account_id ? &page_[index_] : nullptr;
      }
      if (done_) return nullptr;
      KAM_RETURN_IF_ERROR(Load());
    }
  }

 private:
  absl::Status Load() {
    page_.clear();
    index_ = 0;
    if (run_id_ == 0 || done_) {
      done_ = true;
      return absl::OkStatus();
    }
    KAM_ASSIGN_OR_RETURN(page_, store_->RunResultsPage(run_id_, after_, kResultsPage));
    if (page_.empty()) done_ = true;
    if (!page_.empty()) after_ = page_.back().account_id;
    return absl::OkStatus();
  }

  RatingStore* store_;
  int64_t run_id_;
  std::vector<rules::AccountRunResult> page_;
  size_t index_ = 0;
  int64_t after_ = 0;
  bool done_ = false;
};

// A run's alerts against the previous run's results, detected from the
// results rows both runs wrote, page by page, and handed to the alert store
// in batches: a run over a large book never holds its alerts (the first
// run of a book raises one for about one account in thirteen) in memory.
// `keep_going` is asked after each page (the lease is extended meanwhile);
// when it says no, Next is CANCELLED.
class RunAlerts final : public alerts::AlertBatches {
 public:
  // `last`: alerts stored after the accounts' (the lapsed designations).
  RunAlerts(RatingStore* store, const rules::AlertDetector& detector, int64_t run_id,
            int64_t previous_run, std::function<bool()> keep_going, std::vector<rules::Alert> last)
      : last_(std::move(last)),
        store_(store),
        detector_(detector),
        run_id_(run_id),
        previous_run_(previous_run),
        keep_going_(std::move(keep_going)),
        current_(store, run_id),
        previous_(store, previous_run) {}

  absl::Status Rewind() override {
    current_ = ResultPages(store_, run_id_);
    previous_ = ResultPages(store_, previous_run_);
    pending_.clear();
    last_added_ = false;
    return absl::OkStatus();
  }

  absl::StatusOr<bool> Next(std::vector<rules::Alert>* batch) override {
    batch->clear();
    int64_t seen = 0;
    while (pending_.size() < kAlertBatch) {
      KAM_ASSIGN_OR_RETURN(const rules::AccountRunResult* result, current_.Next());
      if (result == nullptr) {
        if (!last_added_) pending_.insert(pending_.end(), last_.begin(), last_.end());
        last_added_ = true;
        break;
      }
      KAM_ASSIGN_OR_RETURN(const rules::AccountRunResult* before,
                           previous_.Find(result->account_id));
      KAM_RETURN_IF_ERROR(detector_.DetectAccount(before, *result, &pending_));
      if (++seen % kResultsPage == 0 && !keep_going_()) {
        return absl::CancelledError("the rating run stopped while its alerts were stored");
      }
    }
    // Full batches (the store writes 100 per statement), the rest last.
    const auto end = pending_.begin() + std::min(pending_.size(), kAlertBatch);
    batch->assign(std::make_move_iterator(pending_.begin()), std::make_move_iterator(end));
    pending_.erase(pending_.begin(), end);
    return !batch->empty();
  }

 private:
  static constexpr size_t kAlertBatch = 1000;

  const std::vector<rules::Alert> last_;
  bool last_added_ = false;
  RatingStore* const store_;
  const rules::AlertDetector& detector_;
  const int64_t run_id_;
  const int64_t previous_run_;
  const std::function<bool()> keep_going_;
  ResultPages current_;
  ResultPages previous_;
  std::vector<rules::Alert> pending_;
};

// Why an account has its tier (or none), for the tier history.
std::string TierReason(const RatingRow& row) {
  if (row.movement == v1::MOVEMENT_NOT_TIERED) {
    return "churned: a churned account is not rated into a tier (docs/domain.md §2)";
  }
  return absl::StrCat("rank ", row.rank, row.group_id == 0 ? "" : " as group ",
                      row.group_id == 0 ? "" : AccountName(row.group_id),
                      row.segment.empty() ? "" : " in segment ", row.segment, "; value ",
                      row.value_minor, " ", row.currency, "; score ", row.value_score / 100, ".",
                      absl::StrFormat("%02d", row.value_score % 100));
}

// One page of ratings as a SetAccountTiers request of run `run`.
account::v1::SetAccountTiersRequest TiersRequest(const v1::RatingRun& run,
                                                 const std::vector<RatingRow>& page) {
  account::v1::SetAccountTiersRequest request;
  request.set_rating_run(run.name());
  request.set_policy_version(absl::StrCat(run.policy(), "/versions/", run.policy_version()));
  for (const RatingRow& row : page) {
    account::v1::TierAssignment* assignment = request.add_assignments();
    assignment->set_account(AccountName(row.account_id));
    assignment->set_tier(row.tier);
    // A churned account's tier is cleared, so it no longer shows as A.
    assignment->set_clear_tier(row.movement == v1::MOVEMENT_NOT_TIERED);
    assignment->set_reason(TierReason(row));
  }
  return request;
}

}  // namespace

RatingRunner::RatingRunner(RatingStore* store, policy::PolicyStore* policies, RatingClient* client,
                           AlertSink alerts, Options options)
    : store_(store),
      policies_(policies),
      client_(client),
      alerts_(std::move(alerts)),
      options_(std::move(options)) {}

RatingRunner::~RatingRunner() { Stop(); }

void RatingRunner::Start() {
  thread_ = std::thread([this] {
    common::ScopedMySqlThread mysql_thread;
    Loop();
  });
}

void RatingRunner::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void RatingRunner::Wake() {
  absl::MutexLock lock(&mu_);
  woken_ = true;
}

bool RatingRunner::stopping() {
  absl::MutexLock lock(&mu_);
  return stopping_;
}

void RatingRunner::Sleep(absl::Duration d) {
  absl::MutexLock lock(&mu_);
  auto wake = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_ || woken_; };
  mu_.AwaitWithTimeout(absl::Condition(&wake), d);
  woken_ = false;
}

void RatingRunner::Loop() {
  while (!stopping()) {
    absl::StatusOr<std::optional<StoredRun>> claimed =
        store_->ClaimRun(options_.owner, common::NowMicros(), options_.lease, options_.max_resumes);
    if (!claimed.ok()) {
      Log(LogLevel::kWarning, "cannot look for rating runs",
          {{"error", claimed.status().message()}});
      Sleep(options_.poll_interval);
      continue;
    }
    if (!claimed->has_value()) {
      Sleep(options_.poll_interval);
      continue;
    }
    Execute(**claimed);
  }
}

bool RatingRunner::KeepGoing(StoredRun& run, Halt* stop) {
  if (stopping()) {
    *stop = Halt::kShutdown;
    return false;
  }
  absl::StatusOr<bool> cancel =
      store_->Heartbeat(run.id, options_.owner, common::NowMicros() + options_.lease, run.run);
  if (!cancel.ok()) {
    if (cancel.status().code() == absl::StatusCode::kFailedPrecondition) {
      *stop = Halt::kLeaseLost;
      return false;
    }
    // The database blinked: keep working; the next heartbeat tries again.
    return true;
  }
  if (*cancel && run.run.state() == v1::RUN_STATE_RUNNING) {
    *stop = Halt::kCancelled;
    return false;
  }
  RunMetrics().Progress(run.run);
  return true;
}

void RatingRunner::Execute(StoredRun& run) {
  // The run's lines and its calls to the other services carry its id
  // (grpc_rating_client.cc), so they can be found in every service's log.
  const std::string request_id = absl::StrCat("run-", run.id);
  const common::LogScope log_scope(request_id);
  Log(LogLevel::kInfo, "rating run claimed",
      {{"run", run.run.name()},
       {"state", v1::RunState_Name(run.run.state())},
       {"resumes", run.run.resumes()}});
  Halt stop = Halt::kNone;
  absl::Status status;
  if (run.run.state() == v1::RUN_STATE_RUNNING) {
    for (int attempt = 1;; ++attempt) {
      status = Rate(run, &stop);
      if (status.code() != absl::StatusCode::kUnavailable || stop != Halt::kNone ||
          attempt == kRateAttempts) {
        break;
      }
      Log(LogLevel::kWarning, "rating run waits for a service",
          {{"run", run.run.name()}, {"error", status.message()}, {"attempt", attempt}});
      Sleep(std::min(options_.max_backoff, absl::Seconds(1) * (1 << attempt)));
      if (!KeepGoing(run, &stop)) break;
    }
  }
  if (status.ok() && stop == Halt::kNone) status = Publish(run, &stop);
  Record(run, stop, status);
}

void RatingRunner::Record(StoredRun& run, Halt stop, const absl::Status& status) {
  const absl::Time now = common::NowMicros();
  absl::Status recorded;
  switch (stop) {
    case Halt::kShutdown:
      recorded = store_->ReleaseRun(run.id, options_.owner);
      Log(LogLevel::kInfo, "rating run given back at shutdown", {{"run", run.run.name()}});
      break;
    case Halt::kLeaseLost:
      Log(LogLevel::kWarning, "rating run taken over by another replica",
          {{"run", run.run.name()}});
      break;
    case Halt::kCancelled:
      recorded = store_->DeleteRatings(run.id);
      if (recorded.ok()) {
        recorded = store_->FinishRun(run.id, options_.owner, v1::RUN_STATE_CANCELLED, "", now);
      }
      Log(LogLevel::kInfo, "rating run cancelled", {{"run", run.run.name()}});
      break;
    case Halt::kNone:
      if (status.ok()) {
        recorded = store_->FinishRun(run.id, options_.owner, v1::RUN_STATE_SUCCEEDED, "", now);
        Log(LogLevel::kInfo, "rating run succeeded",
            {{"run", run.run.name()}, {"accounts", run.run.accounts_total()}});
      } else {
        // A failed run publishes nothing (it failed before publishing, or
        // publishing met an error retrying cannot fix).
        recorded = store_->FinishRun(run.id, options_.owner, v1::RUN_STATE_FAILED,
                                     std::string(status.message()), now);
        Log(LogLevel::kWarning, "rating run failed",
            {{"run", run.run.name()}, {"error", status.message()}});
      }
      break;
  }
  // How this replica stopped working on it, in the order of Halt.
  const char* const ended_as[] = {status.ok() ? "SUCCEEDED" : "FAILED", "RELEASED", "CANCELLED",
                                  "TAKEN_OVER"};
  RunMetrics().Ended(run.run, ended_as[static_cast<int>(stop)]);
  if (!recorded.ok()) {
    // The lease runs out and the run is resumed: nothing is lost.
    Log(LogLevel::kWarning, "cannot record the end of a rating run",
        {{"run", run.run.name()}, {"error", recorded.message()}});
  }
}

absl::Status RatingRunner::Rate(StoredRun& run, Halt* stop) {
  KAM_ASSIGN_OR_RETURN(policy::StoredPolicy policy,
                       policies_->GetPolicy(run.policy_id, run.run.policy_version()));
  KAM_ASSIGN_OR_RETURN(rules::AccountRater rater, rules::AccountRater::Create(policy.policy));
  KAM_RETURN_IF_ERROR(policies_->MarkVersionUsed(run.policy_id, run.run.policy_version()));
  // A resumed run starts clean.
  KAM_RETURN_IF_ERROR(store_->DeleteRatings(run.id));
  const absl::Time as_of = common::FromProtoTimestamp(run.run.as_of());
  const absl::Time period_start = common::FromProtoTimestamp(run.run.period_start());
  run.run.set_accounts_total(0);
  run.run.set_accounts_processed(0);
  run.run.clear_tier_counts();

  // Pass 1: the ranking key of every account, ranked in bounded memory (24
  // bytes per account, rules::BookRanking), then in id order for pass 2.
  KAM_ASSIGN_OR_RETURN(rules::BookRanking ranking,
                       rules::BookRanking::Create(rater.settings().tiering));
  {
    std::unique_ptr<AccountFactsCursor> cursor = client_->OpenPass(as_of, period_start);
    const account::v1::AccountSnapshot* account = nullptr;
    const interaction::v1::AccountFacts* facts = nullptr;
    while (cursor->Next(&account, &facts)) {
      if (common::FromProtoTimestamp(account->create_time()) > as_of) continue;
      rules::AccountValue entry =
          rater.RankingEntry(AccountIdOf(account->name()), *account, *facts);
      entry.parent_id = AccountIdOf(account->parent());  // read when ranking groups only
      ranking.Add(entry);
      if (ranking.size() % kPassOneCheckEvery == 0 && !KeepGoing(run, stop)) {
        cursor->Cancel();
        return absl::OkStatus();
      }
    }
    if (!cursor->status().ok()) return cursor->status();
  }
  KAM_RETURN_IF_ERROR(ranking.Rank());
  run.run.set_accounts_total(static_cast<int64_t>(ranking.size()));
  if (!KeepGoing(run, stop)) return absl::OkStatus();

  // The designations around this run: one read (few, even on a large book).
  KAM_ASSIGN_OR_RETURN(int64_t previous_run, store_->PreviousSucceededRun(run.id));
  KAM_ASSIGN_OR_RETURN(designations::RunDesignations designated,
                       ReadDesignations(as_of, previous_run));

  // Pass 2: every account's full rating, and the alerts.
  std::vector<RatingRow> rows;
  rows.reserve(kRatingBatch);
  v1::TierCounts counts;
  int64_t processed = 0;
  auto flush = [&]() -> absl::Status {
    if (rows.empty()) return absl::OkStatus();
    KAM_RETURN_IF_ERROR(store_->InsertRatings(run.id, rows));
    processed += static_cast<int64_t>(rows.size());
    rows.clear();
    run.run.set_accounts_processed(processed);
    *run.run.mutable_tier_counts() = counts;
    return absl::OkStatus();
  };
  {
    std::unique_ptr<AccountFactsCursor> cursor = client_->OpenPass(as_of, period_start);
    const account::v1::AccountSnapshot* account = nullptr;
    const interaction::v1::AccountFacts* facts = nullptr;
    size_t i = 0;
    while (cursor->Next(&account, &facts)) {
      const int64_t id = AccountIdOf(account->name());
      while (i < ranking.size() && ranking.AccountIdAt(i) < id) ++i;
      if (i == ranking.size() || ranking.AccountIdAt(i) != id) continue;  // created after pass 1
      RatingRow& row = rows.emplace_back();
      KAM_RETURN_IF_ERROR(rater.Rate(*account, *facts, ranking.At(i), as_of, &row));
      designated.Apply(rater.alerts(), &row);
      CountTier(row.tier, &counts);
      if (rows.size() == kRatingBatch) {
        KAM_RETURN_IF_ERROR(flush());
        if (!KeepGoing(run, stop)) {
          cursor->Cancel();
          return absl::OkStatus();
        }
      }
    }
    if (!cursor->status().ok()) return cursor->status();
  }
  KAM_RETURN_IF_ERROR(flush());
  run.run.set_accounts_total(processed);  // accounts deleted between the passes drop out
  if (!KeepGoing(run, stop)) return absl::OkStatus();
  if (alerts_) {
    // The alerts against the previous run, from both runs' results rows,
    // then the designations that lapsed since it.
    std::vector<rules::Alert> lapsed = designated.Lapsed();
    run.run.set_designations_lapsed(static_cast<int64_t>(lapsed.size()));
    RunAlerts alerts(store_, rater.alerts(), run.id, previous_run,
                     [&] { return KeepGoing(run, stop); }, std::move(lapsed));
    const absl::Status stored = alerts_(run.id, alerts);
    if (*stop != Halt::kNone) return absl::OkStatus();  // stopped: nothing stored
    KAM_RETURN_IF_ERROR(stored);
  }
  if (absl::Status s = store_->StartPublishing(run.id, options_.owner, run.run); !s.ok()) {
    if (s.code() != absl::StatusCode::kCancelled) return s;
    *stop = Halt::kCancelled;  // cancelled after the last heartbeat
    return absl::OkStatus();
  }
  run.run.set_state(v1::RUN_STATE_PUBLISHING);
  run.publish_cursor = 0;
  run.run.set_accounts_published(0);
  return absl::OkStatus();
}

absl::StatusOr<designations::RunDesignations> RatingRunner::ReadDesignations(
    absl::Time as_of, int64_t previous_run) {
  if (options_.designations == nullptr) return designations::RunDesignations();
  std::optional<absl::Time> previous_as_of;
  if (previous_run != 0) {
    KAM_ASSIGN_OR_RETURN(StoredRun previous, store_->GetRun(previous_run));
    previous_as_of = common::FromProtoTimestamp(previous.run.as_of());
  }
  KAM_ASSIGN_OR_RETURN(
      std::vector<designations::StoredDesignation> around,
      options_.designations->Around(std::min(as_of, previous_as_of.value_or(as_of)), as_of));
  return designations::RunDesignations(std::move(around), as_of, previous_as_of);
}

absl::Status RatingRunner::Publish(StoredRun& run, Halt* stop) {
  absl::Duration backoff = absl::Milliseconds(200);
  int64_t published = run.run.accounts_published();
  for (;;) {
    KAM_ASSIGN_OR_RETURN(std::vector<RatingRow> page,
                         store_->RatingsPage(run.id, run.publish_cursor, options_.publish_batch));
    if (page.empty()) return absl::OkStatus();
    const account::v1::SetAccountTiersRequest request = TiersRequest(run.run, page);
    for (;;) {
      absl::Status sent = client_->PublishTiers(request);
      if (sent.ok()) break;
      if (sent.code() != absl::StatusCode::kUnavailable) {
        return absl::Status(sent.code(), absl::StrCat("publishing stopped after ", published,
                                                      " accounts: ", sent.message()));
      }
      // The account service is down: wait and retry, holding the lease.
      Log(LogLevel::kWarning, "publishing waits for the account service",
          {{"run", run.run.name()}, {"error", sent.message()}});
      Sleep(backoff);
      backoff = std::min(options_.max_backoff, backoff * 2);
      if (!KeepGoing(run, stop)) return absl::OkStatus();
    }
    backoff = absl::Milliseconds(200);
    published += static_cast<int64_t>(page.size());
    run.publish_cursor = page.back().account_id;
    run.run.set_accounts_published(published);
    if (absl::Status s =
            store_->AdvancePublishing(run.id, options_.owner, run.publish_cursor, published);
        !s.ok()) {
      if (s.code() == absl::StatusCode::kFailedPrecondition) {
        *stop = Halt::kLeaseLost;
        return absl::OkStatus();
      }
      return s;
    }
    if (!KeepGoing(run, stop)) return absl::OkStatus();
  }
}

}  // namespace kam::scoring::rating
