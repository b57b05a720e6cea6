// kam.scoring.v1.RatingService: starting, watching and cancelling rating
// runs, and reading their ratings. The work itself is RatingRunner's.
#ifndef KAM_SERVICES_SCORING_RATING_SERVICE_H_
#define KAM_SERVICES_SCORING_RATING_SERVICE_H_

#include <functional>

#include "absl/status/status.h"
#include "common/server/grpc_server.h"
#include "kam/scoring/v1/rating.grpc.pb.h"
#include "services/scoring/scoring_store.h"

namespace kam::scoring {

class RatingService final {
 public:
  // `wake` tells the runner a run was queued.
  RatingService(ScoringStore* store, std::function<void()> wake)
      : store_(store), wake_(std::move(wake)) {}

  void Register(common::GrpcServer& server);

  using Ctx = common::CallContext;
  absl::Status StartRatingRun(const Ctx&, const v1::StartRatingRunRequest&, v1::RatingRun*);
  absl::Status GetRatingRun(const Ctx&, const v1::GetRatingRunRequest&, v1::RatingRun*);
  absl::Status ListRatingRuns(const Ctx&, const v1::ListRatingRunsRequest&,
                              v1::ListRatingRunsResponse*);
  absl::Status CancelRatingRun(const Ctx&, const v1::CancelRatingRunRequest&, v1::RatingRun*);
  absl::Status GetAccountRating(const Ctx&, const v1::GetAccountRatingRequest&,
                                v1::AccountRating*);
  absl::Status ListAccountRatings(const Ctx&, const v1::ListAccountRatingsRequest&,
                                  v1::ListAccountRatingsResponse*);
  absl::Status ListKeyAccountChanges(const Ctx&, const v1::ListKeyAccountChangesRequest&,
                                     v1::ListKeyAccountChangesResponse*);

 private:
  v1::RatingService::Service service_;
  ScoringStore* store_;
  std::function<void()> wake_;
};

// "ratingRuns/{run}" -> run id; INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<int64_t> ParseRunName(absl::string_view field, absl::string_view name);

// The run, which must have finished rating (PUBLISHING or SUCCEEDED);
// FAILED_PRECONDITION otherwise (its ratings are incomplete or gone).
absl::StatusOr<StoredRun> GetRatedRun(ScoringStore& store, int64_t run_id);

}  // namespace kam::scoring

#endif  // KAM_SERVICES_SCORING_RATING_SERVICE_H_
