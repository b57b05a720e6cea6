// What every handler class of the interaction areas starts from
// (ActivityService, CaseService, BillingService and the others; the facts
// stream, which asks no other service, is the exception): the store it
// reads and writes through and the account client, given to its
// constructor, and the call context its methods take. The handler classes
// depend on these interfaces only, so their unit tests run them over fakes.
#pragma once

#include "common/server/grpc_server.h"
#include "services/interaction/shared/account_client.h"

namespace kam::interaction {

template <typename Store>
class Handlers {
 public:
  using Ctx = common::CallContext;

  // `store` and `accounts` outlive the handlers.
  Handlers(Store* store, AccountClient* accounts) : store_(store), accounts_(accounts) {}

 protected:
  Store* const store_;
  AccountClient* const accounts_;
};

}  // namespace kam::interaction
