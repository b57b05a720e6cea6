// Executes rating runs in the background (one at a time per replica).
//
// A run is claimed with a lease in the database (RatingStore::ClaimRun):
// the replica extends the lease while it works; if it dies, the lease runs
// out and the next replica to look resumes the run, or this one takes it back
// at once after a restart (the lease names Options::owner, the same after a
// restart). Resuming a RUNNING run rates again from the start (its ratings are
// rewritten); resuming a PUBLISHING run continues from the last published
// account. After too many restarts a run that is still rating fails,
// explicitly; a publication once started is always completed.
//
// Rating reads every account twice, in account order (the account export
// merged with the interaction facts):
//   pass 1  the ranking key and segment of each account -> tiers for all
//           (24 bytes per account in memory, rules::BookRanking: ten
//           million accounts rank in about 230 MiB; a policy ranking
//           groups adds 16 bytes per account with a parent, from the
//           export's AccountSnapshot.parent, and 8 per churned account);
//   pass 2  the full rating of each account (rules::AccountRater::Rate),
//           written in batches.
// Then the alerts against the previous run, detected from both runs'
// results rows a page at a time and stored in one transaction (never all
// in memory: the first run of a book raises one for about one account in
// thirteen).
// The runner only streams, batches, keeps its lease and writes: what an
// account's rating is, is the pure rules' business (rules/account_rating.h).
// A churned account is rated but not tiered (rules/tiering.h): it is out of
// the pyramid's N and of the tier counts, its results row says why, and
// publishing clears the tier it held (TierAssignment.clear_tier).
// Designations (designations/designation_rules.h) are read once per run,
// with the previous succeeded run's as_of: they mark designated accounts
// key accounts in pass 2, and the lapsed ones are alerts after the others.
// Then the tiers are published to the account service in batches of 1000,
// retried with backoff while it is unavailable; SetAccountTiers skips
// accounts this run already stamped, so publishing twice changes nothing.
// Nothing is published before rating has finished, and a cancelled or
// failed run publishes nothing.
#pragma once

#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/scoring/alerts/alert_store.h"
#include "services/scoring/designations/designation_store.h"
#include "services/scoring/policy/policy_store.h"
#include "services/scoring/rating/rating_client.h"
#include "services/scoring/rating/rating_store.h"
#include "services/scoring/rules/alerts.h"

namespace kam::scoring::rating {

class RatingRunner {
 public:
  struct Options {
    // This replica's name in leases (--replica_id: the same after a restart).
    std::string owner;
    absl::Duration lease = absl::Seconds(30);
    // How often an idle runner looks for work (StartRatingRun wakes it too).
    absl::Duration poll_interval = absl::Seconds(2);
    int max_resumes = 3;
    int publish_batch = 1000;
    // Longest wait between publishing attempts while the account service is
    // unavailable.
    absl::Duration max_backoff = absl::Seconds(30);
    // The key-account designations (designations/designation_store.h): an
    // account designated at the run's as_of is a key account whatever its
    // tier, and each designation that lapsed since the previous run raises
    // an alert. Null: none.
    designations::DesignationStore* designations = nullptr;
  };

  // Stores a run's alerts, read in batches inside its transaction (the
  // alert area's store: AlertStore::InsertAlertBatches).
  using AlertSink = std::function<absl::Status(int64_t run_id, alerts::AlertBatches& alerts)>;

  RatingRunner(RatingStore* store, policy::PolicyStore* policies, RatingClient* client,
               AlertSink alerts, Options options);
  ~RatingRunner();

  void Start();
  // Stops at the next step; a run in progress is given back (its lease
  // released) so it is resumed at once by the next replica or start.
  void Stop();
  // A new run is queued: look now.
  void Wake();

 private:
  // Why a step stopped early.
  enum class Halt { kNone, kShutdown, kCancelled, kLeaseLost };

  void Loop();
  void Execute(StoredRun& run);
  // Records how a run ended (or that it was given back).
  void Record(StoredRun& run, Halt stop, const absl::Status& status);
  absl::Status Rate(StoredRun& run, Halt* stop);
  absl::Status Publish(StoredRun& run, Halt* stop);
  // The designations run `as_of` reads, with the previous succeeded run's
  // as_of (`previous_run` 0: none).
  absl::StatusOr<designations::RunDesignations> ReadDesignations(absl::Time as_of,
                                                                 int64_t previous_run);
  // Extends the lease and records progress; sets *stop when the run must
  // stop.
  bool KeepGoing(StoredRun& run, Halt* stop);
  bool stopping();
  // Sleeps up to `d`, waking early on Stop().
  void Sleep(absl::Duration d);

  RatingStore* const store_;
  policy::PolicyStore* const policies_;
  RatingClient* const client_;
  const AlertSink alerts_;
  const Options options_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool woken_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace kam::scoring::rating
