#include "common/filter_sql.h"

namespace kam::common {

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

absl::Status FilterToSql(const FilterNode& node, const ComparisonToSql& comparison,
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
    if (absl::Status s = FilterToSql(node.children[i], comparison, out); !s.ok()) return s;
  }
  out->sql.push_back(')');
  return absl::OkStatus();
}

}  // namespace kam::common
