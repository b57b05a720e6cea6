#include "services/scoring/alerts/alert_store.h"

#include "absl/strings/str_cat.h"
#include "services/scoring/names.h"

namespace kam::scoring::alerts {

absl::Status AlertNotFound(int64_t id) {
  return absl::NotFoundError(absl::StrCat("alert ", AlertName(id), " not found"));
}

}  // namespace kam::scoring::alerts
