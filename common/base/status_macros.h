// The two lines every step of fallible code would otherwise repeat ("if it
// failed, return why"), written once. The same idiom as Abseil's internal
// RETURN_IF_ERROR / ASSIGN_OR_RETURN (not in Abseil's public release).
//
//   KAM_RETURN_IF_ERROR(CheckEtag(name, version, etag));
//   KAM_ASSIGN_OR_RETURN(const int64_t id, ParseId("name", request.name(), "orders"));
//   KAM_ASSIGN_OR_RETURN(StoredOrder order, store_->GetOrder(id));
//
// Both return the failed absl::Status from the enclosing function, which
// returns absl::Status or absl::StatusOr<T>.
#pragma once

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Evaluates `expr` (an absl::Status) and returns it unless it is OK.
#define KAM_RETURN_IF_ERROR(expr)                                                 \
  do {                                                                            \
    if (absl::Status kam_status_ = (expr); !kam_status_.ok()) return kam_status_; \
  } while (false)

// Evaluates `rexpr` (an absl::StatusOr<T>); returns its status unless it is
// OK, otherwise moves its value into `lhs` (a declaration such as `T x` or
// `const T x`, or an existing variable). Types with commas need an alias.
#define KAM_ASSIGN_OR_RETURN(lhs, rexpr) \
  KAM_ASSIGN_OR_RETURN_IMPL_(KAM_STATUS_MACROS_CONCAT_(kam_statusor_, __LINE__), lhs, rexpr)

#define KAM_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr)   \
  auto statusor = (rexpr);                                 \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = *std::move(statusor)

#define KAM_STATUS_MACROS_CONCAT_(a, b) KAM_STATUS_MACROS_CONCAT_IMPL_(a, b)
#define KAM_STATUS_MACROS_CONCAT_IMPL_(a, b) a##b
