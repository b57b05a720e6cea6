// ActivityStore on MariaDB: all SQL on the activities tables (activities,
// activity_contacts, activity_team_members) and the quiet_hours_policy row
// (migrations/0001_activities.sql). Prepared statements only; every value is
// bound, never spliced into the text. Concurrent InsertActivity calls share
// multi-row INSERT statements (common/base/coalescer.h).
#ifndef KAM_SERVICES_INTERACTION_ACTIVITY_MYSQL_ACTIVITY_STORE_H_
#define KAM_SERVICES_INTERACTION_ACTIVITY_MYSQL_ACTIVITY_STORE_H_

#include <memory>
#include <string>

#include "common/db/mysql_pool.h"
#include "services/interaction/activity/activity_store.h"

namespace kam::interaction::activity {

// `pool` outlives the store.
std::unique_ptr<ActivityStore> NewMySqlActivityStore(common::ConnectionPool* pool);

// The statement CreateActivity inserts an activity row with, for the
// benchmark's raw-database baseline (interaction_bench). It binds, in order:
// id, account_id, kind, subject, level, status, planned_time, actual_time,
// outcome, next_follow_up_time, cost_minor, cost_currency, contact_ids_text,
// team_members_text, version, update_time, delete_time, creator,
// create_time, create_request_id, create_request_hash.
const std::string& InsertActivitySql();

}  // namespace kam::interaction::activity

#endif  // KAM_SERVICES_INTERACTION_ACTIVITY_MYSQL_ACTIVITY_STORE_H_
