// The scoring service's view of the other two services: the account export
// merged with the interaction facts (one pass over every account), and
// publishing tiers back to the account service. GrpcRatingClient
// (grpc_rating_client.h) is the real one; FakeRatingClient
// (fake_rating_client.h) stands in for it in unit tests. A service that is
// down answers UNAVAILABLE.
#pragma once

#include <memory>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "kam/account/v1/account.pb.h"
#include "kam/interaction/v1/facts.pb.h"

namespace kam::scoring::rating {

// One pass over every account (account id order) with its facts. Memory
// stays bounded: the streams behind it are read page by page.
class AccountFactsCursor {
 public:
  virtual ~AccountFactsCursor() = default;

  // The next account and its facts (rules::NoFacts() when the interaction
  // service has none for it); false at the end or on an error (see
  // status()). The pointers stay valid until the next call.
  virtual bool Next(const account::v1::AccountSnapshot** account,
                    const interaction::v1::AccountFacts** facts) = 0;
  // OK at a clean end; UNAVAILABLE when a service went away mid-pass.
  virtual absl::Status status() const = 0;
  // Stops the pass (on shutdown or cancellation).
  virtual void Cancel() = 0;
};

class RatingClient {
 public:
  virtual ~RatingClient() = default;

  // A pass over every account, as of `as_of`, with the facts of
  // [period_start, as_of).
  virtual std::unique_ptr<AccountFactsCursor> OpenPass(absl::Time as_of,
                                                       absl::Time period_start) = 0;

  // kam.account.v1.SetAccountTiers.
  virtual absl::Status PublishTiers(const account::v1::SetAccountTiersRequest& request) = 0;
};

}  // namespace kam::scoring::rating
