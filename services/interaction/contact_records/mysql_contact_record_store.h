// ContactRecordStore on MariaDB (how one record per account stays race-free
// is told in mysql_contact_record_store.cc). Prepared statements only.
#ifndef KAM_SERVICES_INTERACTION_CONTACT_RECORDS_MYSQL_CONTACT_RECORD_STORE_H_
#define KAM_SERVICES_INTERACTION_CONTACT_RECORDS_MYSQL_CONTACT_RECORD_STORE_H_

#include <memory>

#include "common/db/mysql_pool.h"
#include "services/interaction/contact_records/contact_record_store.h"

namespace kam::interaction::contact_records {

// `pool` outlives the store.
std::unique_ptr<ContactRecordStore> NewMySqlContactRecordStore(common::ConnectionPool* pool);

}  // namespace kam::interaction::contact_records

#endif  // KAM_SERVICES_INTERACTION_CONTACT_RECORDS_MYSQL_CONTACT_RECORD_STORE_H_
