// The contact-record handlers of kam.interaction.v1.ActivityService
// (docs/domain.md §7: whoever first contacts a customer opens a contact record;
// later staff update it; customer files belong to the company, so entries
// are never changed or removed).
#pragma once

#include "absl/status/status.h"
#include "common/server/grpc_server.h"
#include "kam/interaction/v1/activity.grpc.pb.h"
#include "services/interaction/contact_records/contact_record_store.h"
#include "services/interaction/shared/handlers.h"

namespace kam::interaction::contact_records {

class ContactRecordService final : public Handlers<ContactRecordStore> {
 public:
  using Handlers::Handlers;

  absl::Status AppendContactRecordEntry(const Ctx&, const v1::AppendContactRecordEntryRequest&,
                                        v1::AppendContactRecordEntryResponse*);
  absl::Status GetContactRecord(const Ctx&, const v1::GetContactRecordRequest&, v1::ContactRecord*);
  absl::Status ListContactRecordEntries(const Ctx&, const v1::ListContactRecordEntriesRequest&,
                                        v1::ListContactRecordEntriesResponse*);

 private:
  // The record named by exactly one of `name_field`/`account_field`. A
  // narrowed call (shared/narrowing.h) gets, for another's account, what an
  // account with no record (or a missing record) answers.
  absl::StatusOr<StoredContactRecord> FindRecord(const Ctx& ctx, absl::string_view name_field,
                                                 const std::string& name,
                                                 absl::string_view account_field,
                                                 const std::string& account);
};

}  // namespace kam::interaction::contact_records
