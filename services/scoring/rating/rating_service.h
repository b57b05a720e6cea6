// kam.scoring.v1.RatingService: starting, watching and cancelling rating
// runs, and reading their ratings. The work itself is RatingRunner's.
#pragma once

#include <functional>
#include <utility>

#include "absl/status/status.h"
#include "common/client/team_narrowing.h"
#include "common/server/grpc_server.h"
#include "kam/scoring/v1/rating.grpc.pb.h"
#include "services/scoring/policy/policy_store.h"
#include "services/scoring/rating/rating_store.h"

namespace kam::scoring::rating {

class RatingService final {
 public:
  // `wake` tells the runner a run was queued. `teams` (the account
  // service's ListTeamAccounts) narrows an account manager's reads of
  // ratings to their accounts (common/client/team_narrowing.h): another's
  // rating answers as a missing one, lists hold only theirs.
  RatingService(RatingStore* store, policy::PolicyStore* policies, std::function<void()> wake,
                common::TeamAccountsSource* teams)
      : store_(store), policies_(policies), wake_(std::move(wake)), teams_(teams) {}

  void Register(common::GrpcServer& server);

  using Ctx = common::CallContext;
  // Queues a run of a policy version, which is frozen from then on. A retry
  // with the same request_id answers the first run before anything else.
  absl::Status StartRatingRun(const Ctx&, const v1::StartRatingRunRequest&, v1::RatingRun*);
  absl::Status GetRatingRun(const Ctx&, const v1::GetRatingRunRequest&, v1::RatingRun*);
  absl::Status ListRatingRuns(const Ctx&, const v1::ListRatingRunsRequest&,
                              v1::ListRatingRunsResponse*);
  absl::Status CancelRatingRun(const Ctx&, const v1::CancelRatingRunRequest&, v1::RatingRun*);
  absl::Status GetAccountRating(const Ctx&, const v1::GetAccountRatingRequest&, v1::AccountRating*);
  absl::Status ListAccountRatings(const Ctx&, const v1::ListAccountRatingsRequest&,
                                  v1::ListAccountRatingsResponse*);
  absl::Status ListKeyAccountChanges(const Ctx&, const v1::ListKeyAccountChangesRequest&,
                                     v1::ListKeyAccountChangesResponse*);

 private:
  // The run, which must have finished rating (PUBLISHING or SUCCEEDED);
  // FAILED_PRECONDITION otherwise (its ratings are incomplete or gone).
  absl::StatusOr<StoredRun> GetRatedRun(int64_t run_id);

  v1::RatingService::Service service_;
  RatingStore* store_;
  policy::PolicyStore* policies_;
  std::function<void()> wake_;
  common::TeamAccountsSource* teams_;
};

}  // namespace kam::scoring::rating
