// What the satisfaction area needs to know of service cases (the cases area
// owns them): a response may follow a case of its account, and a summary may
// cover one case.
#pragma once

#include <cstdint>

#include "absl/status/statusor.h"
#include "services/interaction/cases/case_store.h"

namespace kam::interaction::satisfaction {

class CaseLookup {
 public:
  virtual ~CaseLookup() = default;
  // The id of the account case `case_id` belongs to. NOT_FOUND "case
  // cases/{id} not found"; UNAVAILABLE when the database is down.
  virtual absl::StatusOr<int64_t> CaseAccount(int64_t case_id) = 0;
};

// CaseLookup on the case area's store.
class CaseStoreLookup final : public CaseLookup {
 public:
  // `store` must outlive the lookup.
  explicit CaseStoreLookup(cases::CaseStore* store) : store_(store) {}
  absl::StatusOr<int64_t> CaseAccount(int64_t case_id) override;

 private:
  cases::CaseStore* store_;
};

}  // namespace kam::interaction::satisfaction
