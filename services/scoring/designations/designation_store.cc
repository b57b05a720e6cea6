#include "services/scoring/designations/designation_store.h"

#include "absl/strings/str_cat.h"

namespace kam::scoring::designations {

absl::Status DesignationNotFound(int64_t id) {
  return absl::NotFoundError(absl::StrCat("designation designations/", id, " not found"));
}

}  // namespace kam::scoring::designations
