// What the credit hold needs from storage (tables of
// migrations/0009_credit_holds.sql, and the invoices of the billing area),
// as the steps of a transaction on the billing area's connection: an order
// checks the hold inside its billing transaction (BillingTx::CreditHold),
// after the account's billing lock (billing_store.h: LockAccount), and a
// lift takes the same lock first, so an order and a lift of one account
// are serialised and each sees what the other committed. No SQL here.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/api/idempotency.h"
#include "services/interaction/credit_hold/strikes.h"

namespace kam::common {
class SqlConnection;
}  // namespace kam::common

namespace kam::interaction::credit_hold {

struct StoredHoldPolicy;  // below

class CreditHoldSteps {
 public:
  virtual ~CreditHoldSteps() = default;

  // The settings (the one row the migration seeds).
  virtual absl::StatusOr<StoredHoldPolicy> Settings() = 0;
  // Writes them at expected_version + 1 unless the row moved past
  // `expected_version` (false then).
  virtual absl::StatusOr<bool> WriteSettingsIfVersion(const StrikeSettings& settings,
                                                      int64_t expected_version, absl::Time now,
                                                      const std::string& actor) = 0;

  // The account's invoices that are not void and fell due before
  // `due_before`, and were not paid in full by `settings.strike_days` after
  // their due time: the candidates DecideHold looks at.
  virtual absl::StatusOr<std::vector<InvoiceDates>> LateInvoices(
      int64_t account_id, absl::Time due_before, const StrikeSettings& settings) = 0;

  // The account's latest lift (highest id), if any.
  virtual absl::StatusOr<std::optional<Lift>> LastLift(int64_t account_id) = 0;

  // The request hash of the lift `request_id` recorded, if any.
  virtual absl::StatusOr<std::optional<std::string>> LiftRequestHash(
      const std::string& request_id) = 0;

  // Records a lift (key.id and key.hash with it when key.id is set).
  virtual absl::Status InsertLift(int64_t account_id, const Lift& lift,
                                  const common::RequestKey& key) = 0;
};

// The settings row (CreditHoldPolicy), with its version.
struct StoredHoldPolicy {
  StrikeSettings settings;
  int64_t version = 1;
  absl::Time update_time;
  std::string updated_by;
};

// The real steps, on `connection` inside its transaction
// (mysql_credit_hold_store.cc); `context` names the work for errors.
std::unique_ptr<CreditHoldSteps> NewMySqlCreditHoldSteps(common::SqlConnection& connection,
                                                         absl::string_view context);

}  // namespace kam::interaction::credit_hold
