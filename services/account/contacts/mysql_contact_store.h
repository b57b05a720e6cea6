// The contacts area on MySQL: table contacts (and accounts.contact_count).
// Prepared statements only; database errors become statuses at Step /
// WithConnection.
#ifndef KAM_SERVICES_ACCOUNT_CONTACTS_MYSQL_CONTACT_STORE_H_
#define KAM_SERVICES_ACCOUNT_CONTACTS_MYSQL_CONTACT_STORE_H_

#include "common/db/id_allocator.h"
#include "common/db/mysql_pool.h"
#include "common/db/transaction.h"
#include "services/account/contacts/contact_store.h"

namespace kam::account::contacts {

class MySqlContactTx final : public common::StoreTx, public ContactTx {
 public:
  MySqlContactTx(common::SqlConnection& connection, absl::string_view context)
      : StoreTx(connection, context) {}

  absl::StatusOr<std::optional<common::CreatedByRequest<StoredContact>>> FindContactByRequest(
      const std::string& request_id) override;
  absl::StatusOr<StoredContact> LockContact(int64_t account_id, int64_t contact_id) override;
  absl::StatusOr<common::InsertOutcome> InsertContact(const StoredContact& row,
                                                      const common::RequestKey& key) override;
  absl::Status WriteContact(const StoredContact& row) override;
  absl::Status AddToContactCount(int64_t account_id, int delta) override;
};

class MySqlContactStore final : public ContactStore {
 public:
  explicit MySqlContactStore(common::ConnectionPool* pool)
      : pool_(pool), contact_ids_(pool, "contacts") {}

  absl::StatusOr<int64_t> NewContactId() override { return contact_ids_.Next(); }
  absl::StatusOr<StoredContact> GetContact(int64_t account_id, int64_t contact_id) override;
  absl::StatusOr<std::optional<common::CreatedByRequest<StoredContact>>> FindContactByRequest(
      const std::string& request_id) override;
  absl::StatusOr<common::Page<StoredContact>> ListContacts(
      int64_t account_id, bool show_deleted, const std::optional<common::PageCursor>& cursor,
      int limit) override;

 private:
  common::ConnectionPool* pool_;
  common::IdAllocator contact_ids_;
};

}  // namespace kam::account::contacts

#endif  // KAM_SERVICES_ACCOUNT_CONTACTS_MYSQL_CONTACT_STORE_H_
