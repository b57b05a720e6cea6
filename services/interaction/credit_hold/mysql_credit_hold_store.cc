// CreditHoldSteps over MariaDB (NewMySqlCreditHoldSteps): the only SQL of
// the credit hold (tables of migrations/0009_credit_holds.sql and reads of
// the billing area's invoices), run as steps of the caller's transaction.
// Prepared statements only; every value is bound.
#include <memory>

#include "common/db/mysql_pool.h"
#include "common/db/row_reader.h"
#include "common/db/transaction.h"
#include "kam/interaction/v1/billing.pb.h"
#include "services/interaction/credit_hold/credit_hold_store.h"
#include "services/interaction/shared/store_sql.h"

namespace kam::interaction::credit_hold {
namespace {

using common::SqlTime;

class MySqlCreditHoldSteps final : public common::StoreTx, public CreditHoldSteps {
 public:
  using StoreTx::StoreTx;

  absl::StatusOr<StoredHoldPolicy> Settings() override {
    return Step([&]() -> absl::StatusOr<StoredHoldPolicy> {
      auto rs = connection_.Query(
          "SELECT strike_days, strike_threshold, version, update_time, updated_by "
          "FROM credit_hold_settings WHERE id = 1");
      if (!rs->next()) {
        return UnreadablePolicy("credit hold settings", absl::NotFoundError("no row"));
      }
      return StoredHoldPolicy{{rs->getInt(1), rs->getInt(2)},
                              rs->getInt64(3),
                              common::ReadTime(*rs, 4),
                              common::ReadText(*rs, 5)};
    });
  }

  absl::StatusOr<bool> WriteSettingsIfVersion(const StrikeSettings& settings,
                                              int64_t expected_version, absl::Time now,
                                              const std::string& actor) override {
    return Step([&]() -> absl::StatusOr<bool> {
      return connection_.Update(
                 "UPDATE credit_hold_settings SET strike_days = ?, strike_threshold = ?, "
                 "version = ?, update_time = ?, updated_by = ? WHERE id = 1 AND version = ?",
                 int64_t{settings.strike_days}, int64_t{settings.strike_threshold},
                 expected_version + 1, SqlTime(now), actor, expected_version) == 1;
    });
  }

  absl::StatusOr<std::vector<InvoiceDates>> LateInvoices(int64_t account_id,
                                                         absl::Time due_before,
                                                         const StrikeSettings& settings) override {
    return Step([&]() -> absl::StatusOr<std::vector<InvoiceDates>> {
      // ix_invoices_account_status_due: the account's open and paid
      // invoices that fell due before the bound.
      auto rs = connection_.Query(
          "SELECT id, due_time, create_time, settle_time FROM invoices "
          "WHERE account_id = ? AND status IN (?, ?) AND due_time < ? AND "
          "(settle_time IS NULL OR settle_time > TIMESTAMPADD(DAY, ?, due_time))",
          account_id, int64_t{v1::INVOICE_STATUS_OPEN}, int64_t{v1::INVOICE_STATUS_PAID},
          SqlTime(due_before), int64_t{settings.strike_days});
      std::vector<InvoiceDates> out;
      while (rs->next()) {
        out.push_back(InvoiceDates{rs->getInt64(1), common::ReadTime(*rs, 2),
                                   common::ReadTime(*rs, 3), common::ReadOptionalTime(*rs, 4)});
      }
      return out;
    });
  }

  absl::StatusOr<std::optional<Lift>> LastLift(int64_t account_id) override {
    return Step([&]() -> absl::StatusOr<std::optional<Lift>> {
      auto rs = connection_.Query(
          "SELECT lift_time, strike_count, actor, reason FROM credit_hold_lifts "
          "WHERE account_id = ? ORDER BY id DESC LIMIT 1",
          account_id);
      if (!rs->next()) return std::optional<Lift>();
      return Lift{common::ReadTime(*rs, 1), rs->getInt(2), common::ReadText(*rs, 3),
                  common::ReadText(*rs, 4)};
    });
  }

  absl::StatusOr<std::optional<std::string>> LiftRequestHash(
      const std::string& request_id) override {
    return Step([&]() -> absl::StatusOr<std::optional<std::string>> {
      auto rs = connection_.Query(
          "SELECT create_request_hash FROM credit_hold_lifts WHERE create_request_id = ?",
          request_id);
      if (!rs->next()) return std::optional<std::string>();
      return common::ReadText(*rs, 1);
    });
  }

  absl::Status InsertLift(int64_t account_id, const Lift& lift,
                          const common::RequestKey& key) override {
    return Step([&] {
      // Under the account's billing lock the request id was looked up first,
      // so the unique key cannot refuse it here.
      InsertWithRequestId(connection_, "",
                          "INSERT INTO credit_hold_lifts (account_id, lift_time, strike_count, "
                          "actor, reason, create_request_id, create_request_hash) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?)",
                          key, account_id, SqlTime(lift.lift_time), int64_t{lift.strike_count},
                          lift.actor, lift.reason);
      return absl::OkStatus();
    });
  }
};

}  // namespace

std::unique_ptr<CreditHoldSteps> NewMySqlCreditHoldSteps(common::SqlConnection& connection,
                                                         absl::string_view context) {
  return std::make_unique<MySqlCreditHoldSteps>(connection, context);
}

}  // namespace kam::interaction::credit_hold
