#include "services/interaction/satisfaction/satisfaction_cases.h"

#include "common/base/status_macros.h"

namespace kam::interaction::satisfaction {

absl::StatusOr<int64_t> CaseStoreLookup::CaseAccount(int64_t case_id) {
  KAM_ASSIGN_OR_RETURN(cases::StoredCase found, store_->GetCase(case_id));
  return found.account_id;
}

}  // namespace kam::interaction::satisfaction
