// An in-memory ContactRecordStore for unit tests of the contact-record
// handlers: one record per account, entries numbered from 1, request ids
// unique, NOT_FOUND as the real store words it. While the "database" is
// down every call is UNAVAILABLE.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "common/testing/fake_database.h"
#include "services/interaction/contact_records/contact_record_store.h"

namespace kam::interaction::contact_records {

class FakeContactRecordStore final : public ContactRecordStore, public common::testing::FakeOutage {
 public:
  // Every entry appended, in order.
  std::vector<StoredRecordEntry> entries() const;

  absl::StatusOr<common::InsertOutcome> Append(int64_t account_id, const std::string& text,
                                               const std::string& author,
                                               const common::RequestKey& key,
                                               AppendedEntry* appended) override;
  absl::StatusOr<std::optional<common::CreatedByRequest<AppendedEntry>>> FindByRequest(
      const std::string& request_id) override;
  absl::StatusOr<StoredContactRecord> GetByAccount(int64_t account_id) override;
  absl::StatusOr<StoredContactRecord> GetById(int64_t record_id) override;
  absl::StatusOr<common::Page<StoredRecordEntry>> ListEntries(int64_t record_id, int64_t after_seq,
                                                              int limit) override;

 private:
  mutable absl::Mutex mu_;
  std::map<int64_t, StoredContactRecord> records_ ABSL_GUARDED_BY(mu_);  // by account id
  std::vector<StoredRecordEntry> entries_ ABSL_GUARDED_BY(mu_);
  // request id -> (index in entries_, request hash)
  std::map<std::string, std::pair<size_t, std::string>> requests_ ABSL_GUARDED_BY(mu_);
};

}  // namespace kam::interaction::contact_records
