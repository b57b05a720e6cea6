#include "common/db/filter_sql.h"

#include "absl/time/time.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"

namespace kam::common {
namespace {

// Appends the condition of `node` to `out` (FilterSql).
absl::Status AppendFilter(const FilterNode& node, const ComparisonToSql& comparison,
                          SqlFragment* out) {
  if (node.kind == FilterNode::Kind::kComparison) return comparison(node.comparison, out);
  if (node.children.empty()) {
    out->sql.append("TRUE");
    return absl::OkStatus();
  }
  const char* joiner = node.kind == FilterNode::Kind::kAnd ? " AND " : " OR ";
  out->sql.push_back('(');
  for (size_t i = 0; i < node.children.size(); ++i) {
    if (i > 0) out->sql.append(joiner);
    KAM_RETURN_IF_ERROR(AppendFilter(node.children[i], comparison, out));
  }
  out->sql.push_back(')');
  return absl::OkStatus();
}

}  // namespace

const char* SqlOp(FilterOp op) {
  switch (op) {
    case FilterOp::kEq: return " = ";
    case FilterOp::kNe: return " <> ";
    case FilterOp::kLt: return " < ";
    case FilterOp::kLe: return " <= ";
    case FilterOp::kGt: return " > ";
    case FilterOp::kGe: return " >= ";
  }
  return " = ";
}

absl::StatusOr<SqlFragment> FilterSql(const FilterNode& node, const ComparisonToSql& comparison) {
  SqlFragment fragment;
  KAM_RETURN_IF_ERROR(AppendFilter(node, comparison, &fragment));
  return fragment;
}

absl::Status OnlyEquality(const FilterComparison& c) {
  if (c.op == FilterOp::kEq || c.op == FilterOp::kNe) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("filter field ", c.field.substr(0, 64), " supports only = and !="));
}

absl::StatusOr<bool> FilterWantsTrue(const FilterComparison& c) {
  KAM_RETURN_IF_ERROR(OnlyEquality(c));
  const std::string v = absl::AsciiStrToLower(c.value);
  if (v != "true" && v != "false") {
    return absl::InvalidArgumentError(
        absl::StrCat("filter value for ", c.field, " must be true or false"));
  }
  return (v == "true") == (c.op == FilterOp::kEq);
}

absl::StatusOr<std::string> FilterTime(const FilterComparison& c) {
  KAM_ASSIGN_OR_RETURN(absl::Time t, ParseFilterTime(c));
  return ToSqlDateTime(t);
}

absl::Status EqualityTerm(const FilterComparison& c, absl::string_view column,
                          const absl::StatusOr<SqlValue>& value, SqlFragment* out) {
  KAM_RETURN_IF_ERROR(OnlyEquality(c));
  if (!value.ok()) return value.status();
  absl::StrAppend(&out->sql, column, SqlOp(c.op), "?");
  out->params.push_back(*value);
  return absl::OkStatus();
}

absl::Status TimeTerm(const FilterComparison& c, absl::string_view column, SqlFragment* out) {
  KAM_ASSIGN_OR_RETURN(std::string time, FilterTime(c));
  absl::StrAppend(&out->sql, column, SqlOp(c.op), "?");
  out->params.emplace_back(std::move(time));
  return absl::OkStatus();
}

}  // namespace kam::common
