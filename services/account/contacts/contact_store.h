// The contacts area's records: the people at an account (buying-centre
// roles, channels, organisational level and whom they report to), each
// counted in its account's contact_count, and in its level's count, while
// live.
// No SQL here: mysql_contact_store.cc has it (mysql_account_database.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/api/idempotency.h"
#include "common/api/list_request.h"
#include "common/api/page_token.h"
#include "kam/account/v1/account.pb.h"
#include "services/account/contacts/org_chart.h"
#include "services/account/shared/record.h"

namespace kam::account::contacts {

using StoredContact = Record<v1::Contact>;

// Create request id -> the contact that create made, with its request's
// hash (the batch create's look-up of earlier results).
using ContactsByRequest = std::map<std::string, common::CreatedByRequest<StoredContact>>;

// The contact steps of a transaction (shared/transaction.h).
class ContactTx {
 public:
  virtual ~ContactTx() = default;

  // The contact a create with this request id made, with that request's
  // hash; nullopt when none did.
  virtual absl::StatusOr<std::optional<common::CreatedByRequest<StoredContact>>>
  FindContactByRequest(const std::string& request_id) = 0;
  // The contact, locked. NOT_FOUND ("contact accounts/1/contacts/2 not found").
  virtual absl::StatusOr<StoredContact> LockContact(int64_t account_id, int64_t contact_id) = 0;
  // kDuplicateRequest (nothing written) when key.id was used.
  virtual absl::StatusOr<common::InsertOutcome> InsertContact(const StoredContact& row,
                                                              const common::RequestKey& key) = 0;
  // Inserts new contacts, as InsertContact each with its key of `keys` (same
  // size), in a few multi-row statements. When a row's request id was taken
  // since the caller looked (a concurrent call), answers ABORTED
  // (RequestIdTakenMeanwhile) with `*failed_row` its index, and the caller
  // rolls back; `*failed_row` stays rows.size() on other errors.
  virtual absl::Status InsertContacts(const std::vector<StoredContact>& rows,
                                      const std::vector<common::RequestKey>& keys,
                                      size_t* failed_row) = 0;
  // Writes every mutable column of `row` with its version as given.
  virtual absl::Status WriteContact(const StoredContact& row) = 0;
  // The reporting chain from contact `contact_id` of account `account_id`
  // up: that contact first, then whom it reports to, and so on, at most
  // `limit` links (deleted contacts included, flagged). Empty when the
  // account has no such contact.
  virtual absl::StatusOr<std::vector<ChainLink>> ReportingChain(int64_t account_id,
                                                                int64_t contact_id, int limit) = 0;
  // Adds `delta` to the account's counts of live contacts, in one statement.
  virtual absl::Status AddToContactCount(int64_t account_id, const ContactCountDelta& delta) = 0;
  // AddToContactCount for every account id -> delta of `deltas`, in one
  // statement.
  virtual absl::Status AddToContactCounts(const std::map<int64_t, ContactCountDelta>& deltas) = 0;
};

class ContactStore {
 public:
  virtual ~ContactStore() = default;

  // A fresh contact id (common/db/id_allocator.h).
  virtual absl::StatusOr<int64_t> NewContactId() = 0;
  // `count` fresh contact ids, in one step.
  virtual absl::StatusOr<std::vector<int64_t>> NewContactIds(size_t count) = 0;
  // NOT_FOUND as LockContact.
  virtual absl::StatusOr<StoredContact> GetContact(int64_t account_id, int64_t contact_id) = 0;
  // As ContactTx::FindContactByRequest, outside a transaction.
  virtual absl::StatusOr<std::optional<common::CreatedByRequest<StoredContact>>>
  FindContactByRequest(const std::string& request_id) = 0;
  // As FindContactByRequest for each of `request_ids` (at most
  // kMaxBatchCreate, none empty), in one query; ids no create used are not
  // in the map.
  virtual absl::StatusOr<ContactsByRequest> FindContactsByRequest(
      const std::vector<std::string>& request_ids) = 0;
  // The account's contacts in id order after `cursor`, deleted ones only
  // with `show_deleted`. NOT_FOUND when the account does not exist.
  virtual absl::StatusOr<common::Page<StoredContact>> ListContacts(
      int64_t account_id, bool show_deleted, const std::optional<common::PageCursor>& cursor,
      int limit) = 0;
};

}  // namespace kam::account::contacts
