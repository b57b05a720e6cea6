// Whether an account may be designated: it exists and is not deleted. The
// scoring service never reads the account schema: it asks the account
// service (GetAccount, which returns soft-deleted accounts too, with
// delete_time set) on behalf of the caller.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/server/grpc_server.h"

namespace kam::scoring::designations {

// OK; NOT_FOUND for an account that does not exist; FAILED_PRECONDITION
// for a deleted one; UNAVAILABLE while the account service is down.
using AccountCheck =
    std::function<absl::Status(int64_t account_id, const common::CallContext& caller)>;

// The check over gRPC against the account service at `address`, each call
// with `deadline` (or its caller's, when sooner).
AccountCheck NewGrpcAccountCheck(const std::string& address, absl::Duration deadline);

}  // namespace kam::scoring::designations
