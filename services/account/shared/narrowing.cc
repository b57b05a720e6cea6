#include "services/account/shared/narrowing.h"

#include "absl/container/flat_hash_set.h"
#include "common/base/status_macros.h"
#include "services/account/shared/account_names.h"

namespace kam::account {

const std::string& NarrowedTo(const common::CallContext& ctx) {
  static const std::string* const kEveryAccount = new std::string();
  return ctx.grant.has_value() ? ctx.grant->own_accounts_of : *kEveryAccount;
}

absl::StatusOr<std::optional<size_t>> FirstNotOnTeam(Transactions& transactions,
                                                     const common::CallContext& ctx,
                                                     const std::vector<int64_t>& ids) {
  const std::string& user = NarrowedTo(ctx);
  if (user.empty()) return std::nullopt;
  KAM_ASSIGN_OR_RETURN(absl::flat_hash_set<int64_t> theirs, transactions.AccountsOnTeam(user, ids));
  for (size_t i = 0; i < ids.size(); ++i) {
    if (!theirs.contains(ids[i])) return i;
  }
  return std::nullopt;
}

absl::Status CheckOnTeam(Transactions& transactions, const common::CallContext& ctx,
                         const std::vector<int64_t>& ids) {
  KAM_ASSIGN_OR_RETURN(std::optional<size_t> first, FirstNotOnTeam(transactions, ctx, ids));
  if (first.has_value()) return AccountNotFound(ids[*first]);
  return absl::OkStatus();
}

absl::Status CheckOnTeam(Transactions& transactions, const common::CallContext& ctx,
                         int64_t account_id, absl::FunctionRef<absl::Status()> not_found) {
  if (NarrowedTo(ctx).empty()) return absl::OkStatus();  // GetAccount's hot path: nothing more
  absl::Status status = CheckOnTeam(transactions, ctx, std::vector<int64_t>{account_id});
  return status.code() == absl::StatusCode::kNotFound ? not_found() : status;
}

absl::Status CheckOnTeam(Transactions& transactions, const common::CallContext& ctx,
                         int64_t account_id) {
  return CheckOnTeam(transactions, ctx, account_id, [&] { return AccountNotFound(account_id); });
}

absl::StatusOr<int64_t> AccountOnTeam(Transactions& transactions, const common::CallContext& ctx,
                                      absl::string_view field, absl::string_view name) {
  KAM_ASSIGN_OR_RETURN(const int64_t id, ParseAccountName(field, name));
  KAM_RETURN_IF_ERROR(CheckOnTeam(transactions, ctx, id));
  return id;
}

bool MasksContactDetails(const common::CallContext& ctx) {
  return ctx.grant.has_value() && ctx.grant->role == auth::kAnalyst;
}

void MaskContactDetails(const common::CallContext& ctx, v1::Contact* contact) {
  if (!MasksContactDetails(ctx)) return;
  if (!contact->phone().empty()) contact->set_phone(kMaskedDetail);
  if (!contact->email().empty()) contact->set_email(kMaskedDetail);
}

}  // namespace kam::account
