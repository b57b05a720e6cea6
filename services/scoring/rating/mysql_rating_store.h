// RatingStore over MariaDB (schema kam_scoring): the only SQL of the runs
// and their ratings, prepared statements only. Run ids come from the
// kam_sequences row "rating_runs".
#ifndef KAM_SERVICES_SCORING_RATING_MYSQL_RATING_STORE_H_
#define KAM_SERVICES_SCORING_RATING_MYSQL_RATING_STORE_H_

#include <memory>

#include "common/db/mysql_pool.h"
#include "services/scoring/rating/rating_store.h"

namespace kam::scoring::rating {

std::unique_ptr<RatingStore> NewMySqlRatingStore(common::ConnectionPool* pool);

}  // namespace kam::scoring::rating

#endif  // KAM_SERVICES_SCORING_RATING_MYSQL_RATING_STORE_H_
