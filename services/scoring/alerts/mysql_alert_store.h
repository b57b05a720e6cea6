// AlertStore over MariaDB (schema kam_scoring): the only SQL of the alerts,
// prepared statements only. Alert ids come from the kam_sequences row
// "alerts".
#ifndef KAM_SERVICES_SCORING_ALERTS_MYSQL_ALERT_STORE_H_
#define KAM_SERVICES_SCORING_ALERTS_MYSQL_ALERT_STORE_H_

#include <memory>

#include "common/db/mysql_pool.h"
#include "services/scoring/alerts/alert_store.h"

namespace kam::scoring::alerts {

std::unique_ptr<AlertStore> NewMySqlAlertStore(common::ConnectionPool* pool);

}  // namespace kam::scoring::alerts

#endif  // KAM_SERVICES_SCORING_ALERTS_MYSQL_ALERT_STORE_H_
