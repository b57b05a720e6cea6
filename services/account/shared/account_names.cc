#include "services/account/shared/account_names.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/resource_name.h"
#include "common/base/status_macros.h"

namespace kam::account {

std::string AccountName(int64_t id) { return absl::StrCat("accounts/", id); }

std::string ChildName(int64_t account_id, absl::string_view collection, int64_t id) {
  return absl::StrCat("accounts/", account_id, "/", collection, "/", id);
}

absl::StatusOr<int64_t> ParseAccountName(absl::string_view field, absl::string_view name) {
  KAM_ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                       common::ParseResourceName(field, name, {"accounts"}));
  return (ids)[0];
}

absl::StatusOr<ChildIds> ParseChildName(absl::string_view field, absl::string_view name,
                                        absl::string_view collection) {
  KAM_ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                       common::ParseResourceName(field, name, {"accounts", collection}));
  return std::make_pair((ids)[0], (ids)[1]);
}

absl::Status AccountNotFound(int64_t id) {
  return absl::NotFoundError(absl::StrCat("account ", AccountName(id), " not found"));
}

absl::Status NotFoundUnder(absl::string_view what, int64_t account_id, absl::string_view collection,
                           int64_t id) {
  return absl::NotFoundError(
      absl::StrCat(what, " ", ChildName(account_id, collection, id), " not found"));
}

absl::Status DeletedAccount(const v1::Account& account) {
  return absl::FailedPreconditionError(
      absl::StrCat("account ", account.name(), " is deleted; undelete it first"));
}

}  // namespace kam::account
