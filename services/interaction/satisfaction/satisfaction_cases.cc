#include "services/interaction/satisfaction/satisfaction_cases.h"

namespace kam::interaction::satisfaction {

absl::StatusOr<int64_t> CaseStoreLookup::CaseAccount(int64_t case_id) {
  absl::StatusOr<cases::StoredCase> found = store_->GetCase(case_id);
  if (!found.ok()) return found.status();
  return found->account_id;
}

}  // namespace kam::interaction::satisfaction
