// Checks the rule modules share, with the messages the API returns.
#pragma once

#include <cstdint>
#include <initializer_list>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/api/validation.h"

namespace kam::scoring::rules {

// INVALID_ARGUMENT "<field> must be >= 0 (got <value>)" for a negative value.
inline absl::Status CheckNonNegative(absl::string_view field, int64_t value) {
  if (value < 0) return common::InvalidField(field, absl::StrCat("must be >= 0 (got ", value, ")"));
  return absl::OkStatus();
}

// The first error of `checks`, in order, or OK. Every check is made: for
// cheap checks of a whole settings block, where a list reads better than a
// chain of early returns.
inline absl::Status FirstError(std::initializer_list<absl::Status> checks) {
  for (const absl::Status& check : checks) {
    if (!check.ok()) return check;
  }
  return absl::OkStatus();
}

}  // namespace kam::scoring::rules
