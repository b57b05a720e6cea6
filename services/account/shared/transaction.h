// One database transaction of the account service, seen by area.
//
// Each area declares the steps of a transaction it owns in its store header
// (accounts::AccountTx, contacts::ContactTx, team::TeamTx,
// lifecycle::LifecycleTx, tiers::TierTx). A Transaction offers the steps of
// every area on one connection, so a handler may take steps of several areas
// and they commit or roll back together:
//
//   - CreateAccount with an owner inserts the account (accounts) and the
//     owner's account-manager membership (team);
//   - UpdateAccount that changes the owner hands the account over (team) and
//     writes the account (accounts);
//   - a contact, membership, stage change or churn event locks its account
//     row first (accounts) and writes it back when the account changes.
//
// Why per-area interfaces behind one object rather than one AccountTx with
// every step: each area's header lists only its own steps (what its handlers
// may take, what a fake must do for its tests), and a handler says whose
// step it takes (tx.team().EndMembership(...)). Transactions (below) runs
// them. On MySQL one class implements every area's steps
// (MySqlTransaction, mysql_account_database.h), each area's SQL in the
// mysql_*.cc of its folder; in memory, FakeAccountDatabase
// (fake_account_database.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kam::account {

namespace accounts {
class AccountTx;
}  // namespace accounts
namespace contacts {
class ContactTx;
}  // namespace contacts
namespace team {
class TeamTx;
}  // namespace team
namespace lifecycle {
class LifecycleTx;
}  // namespace lifecycle
namespace tiers {
class TierTx;
}  // namespace tiers

class Transaction {
 public:
  virtual ~Transaction() = default;

  virtual accounts::AccountTx& accounts() = 0;
  virtual contacts::ContactTx& contacts() = 0;
  virtual team::TeamTx& team() = 0;
  virtual lifecycle::LifecycleTx& lifecycle() = 0;
  virtual tiers::TierTx& tiers() = 0;
};

class Transactions {
 public:
  virtual ~Transactions() = default;

  // Runs `fn` in one transaction: committed when it returns OK, rolled back
  // (nothing written) when it returns an error, which Transact returns. On a
  // deadlock the whole of `fn` runs again (common::RunInTransaction), so `fn`
  // keeps no state between runs other than what it recomputes. `context`
  // ("creating contact") names the work in database errors. Inside `fn`,
  // use only the steps of `tx`, not a store: a second connection taken while
  // this one holds locks can wait for ever.
  virtual absl::Status Transact(absl::string_view context,
                                absl::FunctionRef<absl::Status(Transaction& tx)> fn) = 0;

  // Of `ids`, the accounts whose current team (memberships not ended) has
  // `user`: one read on its own connection, outside any transaction. Here
  // rather than in a store because every area's handlers narrow an account
  // manager's calls with it (narrowing.h) before anything else.
  virtual absl::StatusOr<absl::flat_hash_set<int64_t>> AccountsOnTeam(
      const std::string& user, const std::vector<int64_t>& ids) = 0;
};

}  // namespace kam::account
