// An in-memory account database for the handlers' unit tests: every area's
// store and transactions over rows held in memory, behaving like the MySQL
// stores in what the tests exercise: ids, unique create request ids,
// versions and etags, NOT_FOUND, unique external ids among live accounts,
// a transaction that leaves nothing behind when it fails, and a switch that
// makes every call UNAVAILABLE, as a database that is down does. Listings
// other than the history lists, contacts, ancestors, descendants and accounts
// (in id order, no filter) answer UNIMPLEMENTED. Not thread-safe: one call at a time. Built into
// kam_account_fakes, never into the service.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "services/account/accounts/account_store.h"
#include "services/account/contacts/contact_store.h"
#include "services/account/exports/export_store.h"
#include "services/account/lifecycle/lifecycle_store.h"
#include "services/account/shared/transaction.h"
#include "services/account/team/team_store.h"
#include "services/account/tiers/tier_store.h"

namespace kam::account {

// What the fake holds, by id. Tests read it to see what was written.
struct FakeRows {
  std::map<int64_t, accounts::StoredAccount> accounts;
  std::map<int64_t, contacts::StoredContact> contacts;
  std::map<int64_t, team::StoredMembership> memberships;
  std::map<int64_t, lifecycle::StageChangeRow> stage_changes;
  std::map<int64_t, lifecycle::ChurnEventRow> churn_events;
  std::map<int64_t, tiers::TierChangeRow> tier_changes;
  lifecycle::StoredStageSettings stage_settings;
  // Create request id -> {row id, request hash}, per kind of row.
  std::map<std::string, std::pair<int64_t, std::string>> account_requests;
  std::map<std::string, std::pair<int64_t, std::string>> contact_requests;
  std::map<std::string, std::pair<int64_t, std::string>> membership_requests;
  int64_t last_id = 0;  // ids are handed out from one sequence
};

class FakeAccountDatabase final : public Transactions {
 public:
  FakeAccountDatabase();
  ~FakeAccountDatabase() override;

  accounts::AccountStore& accounts();
  contacts::ContactStore& contacts();
  team::TeamStore& team();
  lifecycle::LifecycleStore& lifecycle();
  tiers::TierStore& tiers();
  exports::ExportStore& exports();

  // Runs `fn` on the rows; when it fails, the rows are as they were before.
  absl::Status Transact(absl::string_view context,
                        absl::FunctionRef<absl::Status(Transaction& tx)> fn) override;
  absl::StatusOr<absl::flat_hash_set<int64_t>> AccountsOnTeam(
      const std::string& user, const std::vector<int64_t>& ids) override;

  // While down, every store call and transaction answers UNAVAILABLE and
  // writes nothing.
  void SetDown(bool down);

  // The rows, to read after a call (or to change before one).
  FakeRows& rows();
  // Every row and create request id as text (not the id sequence, which a
  // failed create may advance), to compare before and after a call.
  std::string Dump();

  // A live account "accounts/<id>" with `display_name`, stored as
  // CreateAccount would store it.
  accounts::StoredAccount PutAccount(const std::string& display_name);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kam::account
