#include "services/interaction/shared/store_sql.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/resource_name.h"
#include "common/base/log.h"
#include "common/base/status_macros.h"
#include "services/interaction/shared/money_math.h"
#include "services/interaction/shared/names.h"

namespace kam::interaction {
namespace {

// `IS NULL` for = and `IS NOT NULL` for !=, after `column`.
absl::Status NoReference(const common::FilterComparison& c, absl::string_view column,
                         common::SqlFragment* out) {
  absl::StrAppend(&out->sql, column, c.op == common::FilterOp::kEq ? " IS NULL" : " IS NOT NULL");
  return absl::OkStatus();
}

}  // namespace

int64_t ReadSum(sql::ResultSet& rs, int column) {
  const sql::SQLString text = rs.getString(column);
  if (rs.wasNull()) return 0;
  return SaturatingParse(absl::string_view(text.c_str(), text.length()));
}

absl::Status UnreadablePolicy(absl::string_view what, const absl::Status& why) {
  common::Log(common::LogLevel::kError, "stored policy is unreadable",
              {{"policy", what}, {"error", why.message()}});
  return absl::InternalError(absl::StrCat("the stored ", what, " cannot be read"));
}

absl::Status UnsupportedFilterField(const common::FilterComparison& c, absl::string_view fields) {
  return absl::InvalidArgumentError(
      absl::StrCat("filter field \"", c.field.substr(0, 64), "\" is not supported; use ", fields));
}

absl::Status AccountTerm(const common::FilterComparison& c, absl::string_view column,
                         common::SqlFragment* out) {
  absl::StatusOr<int64_t> id = ParseAccountName("filter value for account", c.value);
  if (!id.ok()) return common::EqualityTerm(c, column, id.status(), out);
  return common::EqualityTerm(c, column, common::SqlValue(*id), out);
}

absl::Status ReferenceTerm(const common::FilterComparison& c, absl::string_view column,
                           absl::string_view collection, common::SqlFragment* out) {
  KAM_RETURN_IF_ERROR(common::OnlyEquality(c));
  if (c.value.empty()) return NoReference(c, column, out);
  KAM_ASSIGN_OR_RETURN(
      int64_t id, common::ParseId(absl::StrCat("filter value for ", c.field), c.value, collection));
  if (c.op == common::FilterOp::kEq) {
    absl::StrAppend(&out->sql, column, " = ?");
  } else {
    absl::StrAppend(&out->sql, "NOT (", column, " <=> ?)");
  }
  out->params.emplace_back(id);
  return absl::OkStatus();
}

absl::Status ContactTerm(const common::FilterComparison& c, absl::string_view contact_column,
                         absl::string_view account_column, common::SqlFragment* out) {
  KAM_RETURN_IF_ERROR(common::OnlyEquality(c));
  if (c.value.empty()) return NoReference(c, contact_column, out);
  KAM_ASSIGN_OR_RETURN(ContactRef ref, ParseContactName("filter value for contact", c.value));
  if (c.op == common::FilterOp::kEq) {
    absl::StrAppend(&out->sql, "(", contact_column, " = ? AND ", account_column, " = ?)");
  } else {
    absl::StrAppend(&out->sql, "NOT (", contact_column, " <=> ? AND ", account_column, " = ?)");
  }
  out->params.emplace_back(ref.contact_id);
  out->params.emplace_back(ref.account_id);
  return absl::OkStatus();
}

}  // namespace kam::interaction
