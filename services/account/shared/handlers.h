// What the handler classes of the AccountService areas start from
// (AccountService, ContactService, TeamService, LifecycleService,
// TierService; the export stream, which reads one store and writes nothing,
// is the exception): the area's store, for reads and single-row writes,
// and the transactions whose steps span areas (transaction.h), both given
// to the constructor, and the call context the handlers take. The classes
// depend on these interfaces only, so their unit tests run them over
// FakeAccountDatabase. account_module.cc serves their methods.
#pragma once

#include "common/server/grpc_server.h"
#include "services/account/shared/transaction.h"

namespace kam::account {

template <typename Store>
class Handlers {
 public:
  using Ctx = common::CallContext;

  // `store` and `transactions` outlive the handlers.
  Handlers(Store* store, Transactions* transactions) : store_(store), transactions_(transactions) {}

 protected:
  Store* const store_;
  Transactions* const transactions_;
};

}  // namespace kam::account
