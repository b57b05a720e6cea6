#include "services/interaction/filter_sql.h"

#include "absl/time/time.h"
#include "common/proto_time.h"

namespace kam::interaction::cases {

absl::Status OnlyEquality(const common::FilterComparison& c) {
  if (c.op == common::FilterOp::kEq || c.op == common::FilterOp::kNe) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("filter field ", c.field, " supports only = and !="));
}

absl::StatusOr<bool> FilterWantsTrue(const common::FilterComparison& c) {
  if (absl::Status s = OnlyEquality(c); !s.ok()) return s;
  const std::string v = absl::AsciiStrToLower(c.value);
  if (v != "true" && v != "false") {
    return absl::InvalidArgumentError(
        absl::StrCat("filter value for ", c.field, " must be true or false"));
  }
  return (v == "true") == (c.op == common::FilterOp::kEq);
}

absl::StatusOr<std::string> FilterTime(const common::FilterComparison& c) {
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, c.value, &t, &error)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "filter value for ", c.field, " must be an RFC 3339 time like 2026-01-31T00:00:00Z"));
  }
  return common::ToSqlDateTime(t);
}

}  // namespace kam::interaction::cases
