// An in-memory RatingClient for unit tests of the runner: the accounts (with
// their facts) a test puts in, passed in id order, and the SetAccountTiers
// calls it accepted. While the account service is "down" every publishing
// call answers UNAVAILABLE, as GrpcRatingClient does when it cannot reach it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "services/scoring/rating/rating_client.h"

namespace kam::scoring::rating {

class FakeRatingClient final : public RatingClient {
 public:
  // Adds or replaces account `snapshot.name()` ("accounts/{id}").
  void Put(account::v1::AccountSnapshot snapshot, interaction::v1::AccountFacts facts = {});
  void SetAccountServiceDown(bool down);

  // The SetAccountTiers requests that succeeded, in order.
  std::vector<account::v1::SetAccountTiersRequest> published() const;
  // SetAccountTiers calls, answered or refused.
  int publish_attempts() const;

  std::unique_ptr<AccountFactsCursor> OpenPass(absl::Time as_of, absl::Time period_start) override;
  absl::Status PublishTiers(const account::v1::SetAccountTiersRequest& request) override;

 private:
  using Entry = std::pair<account::v1::AccountSnapshot, interaction::v1::AccountFacts>;

  mutable absl::Mutex mu_;
  std::map<int64_t, Entry> accounts_ ABSL_GUARDED_BY(mu_);
  bool account_down_ ABSL_GUARDED_BY(mu_) = false;
  int publish_attempts_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<account::v1::SetAccountTiersRequest> published_ ABSL_GUARDED_BY(mu_);
};

}  // namespace kam::scoring::rating
