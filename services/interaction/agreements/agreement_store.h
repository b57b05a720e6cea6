// What the agreement handlers need from storage (table agreements of
// migrations/0008_agreements.sql), as two interfaces: AgreementStore (reads
// on their own, ids, Transact) and AgreementTx (the steps of one write
// transaction). NewMySqlAgreementStore makes the real one;
// FakeAgreementStore (fake_agreement_store.h) stands in for it in handler
// unit tests. No SQL here.
//
// Every method returns a status: UNAVAILABLE when the database cannot be
// reached, NOT_FOUND "agreement agreements/7 not found" where the agreement
// is missing. Rows come back with the stored fields and notice_deadline;
// the fields that depend on the clock (state, renewal_end_time) are the
// handlers' to fill (agreement_rules.h: FillComputed).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/api/filter.h"
#include "common/api/idempotency.h"
#include "common/api/list_request.h"
#include "common/api/page_token.h"
#include "kam/interaction/v1/agreement.pb.h"
#include "services/interaction/shared/connection_pool_fwd.h"

namespace kam::interaction::agreements {

// An agreement row.
struct StoredAgreement {
  int64_t id = 0;
  int64_t account_id = 0;
  int64_t version = 0;
  v1::Agreement agreement;
};

class AgreementTx {
 public:
  virtual ~AgreementTx() = default;

  // The agreement, locked until the transaction ends. NOT_FOUND.
  virtual absl::StatusOr<StoredAgreement> Lock(int64_t id) = 0;
  // Inserts a new agreement; kDuplicateRequest (nothing written) when
  // key.id was used before.
  virtual absl::StatusOr<common::InsertOutcome> Insert(const StoredAgreement& row,
                                                       const common::RequestKey& key) = 0;
  // Writes every mutable field of `row` (its version as given).
  virtual absl::Status Write(const StoredAgreement& row) = 0;
};

class AgreementStore {
 public:
  virtual ~AgreementStore() = default;

  // Runs `fn` in one transaction (all of its writes or none); `fn` may run
  // more than once (a deadlock runs it again whole).
  virtual absl::Status Transact(absl::string_view context,
                                absl::FunctionRef<absl::Status(AgreementTx&)> fn) = 0;

  // A fresh agreement id.
  virtual absl::StatusOr<int64_t> NewAgreementId() = 0;

  // NOT_FOUND when missing.
  virtual absl::StatusOr<StoredAgreement> Get(int64_t id) = 0;
  // The agreement `request_id` created, or nullopt.
  virtual absl::StatusOr<std::optional<common::CreatedByRequest<StoredAgreement>>> FindByRequest(
      const std::string& request_id) = 0;

  // Agreements matching `filter` (its state terms evaluated at `now`) after
  // `cursor` in (end_time, id) order, at most `limit`. INVALID_ARGUMENT for
  // filter fields, operators or values it cannot map.
  virtual absl::StatusOr<common::Page<StoredAgreement>> List(
      const common::FilterNode& filter, absl::Time now,
      const std::optional<common::PageCursor>& cursor, int limit) = 0;
};

// The real store, over MySQL (mysql_agreement_store.cc). `pool` outlives it.
std::unique_ptr<AgreementStore> NewMySqlAgreementStore(common::ConnectionPool* pool);

// The page cursor of a row in ListAgreements' order: its end_time (Unix
// microseconds, as text) and id.
common::PageCursor AgreementCursor(const StoredAgreement& row);

}  // namespace kam::interaction::agreements
