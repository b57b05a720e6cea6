#include "services/scoring/rating/rating_store.h"

#include "absl/strings/str_cat.h"
#include "services/scoring/names.h"

namespace kam::scoring::rating {

v1::AccountRating ToAccountRating(int64_t run_id, const RatingRow& row) {
  v1::AccountRating rating;
  rating.ParseFromString(row.details);
  rating.set_name(RatingName(run_id, row.account_id));
  rating.set_account(AccountName(row.account_id));
  rating.set_currency_code(row.currency);
  rating.set_value_minor(row.value_minor);
  rating.set_value_score(row.value_score);
  rating.set_segment(row.segment);
  rating.set_rank(row.rank);
  rating.set_tier(row.tier);
  rating.set_previous_tier(row.previous_tier);
  rating.set_movement(row.movement);
  rating.set_key_account(row.key_account);
  if (row.group_id != 0) rating.set_rated_as_group(AccountName(row.group_id));
  rating.set_clv_minor(row.clv_minor);
  rating.mutable_churn_risk()->set_score(row.churn_risk);
  rating.mutable_health()->set_score(row.health);
  return rating;
}

absl::Status RunNotFound(int64_t id) {
  return absl::NotFoundError(absl::StrCat("rating run ", RunName(id), " not found"));
}

absl::Status RatingNotFound(int64_t run, int64_t account) {
  return absl::NotFoundError(absl::StrCat("rating ", RatingName(run, account), " not found"));
}

absl::Status LeaseLost(int64_t id) {
  return absl::FailedPreconditionError(
      absl::StrCat(RunName(id), " is no longer leased to this replica"));
}

}  // namespace kam::scoring::rating
