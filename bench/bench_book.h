// A large, deterministic book of key accounts for benchmarks: accounts in
// kam_account and the interaction records the facts stream reads (orders,
// invoices, payments, cases, surveys, activities, opportunities), written
// straight into the suite's MariaDB with set-based SQL (one INSERT ... SELECT
// over MariaDB's SEQUENCE engine per table and chunk of accounts), because
// loading a million accounts through the APIs would take hours.
//
// The rows are what the services themselves would write (valid states,
// enum numbers, each account's amounts in its credit currency, balances and
// settle times consistent with the payment allocations), so the services
// read them like their own. Sizes follow a long tail: each account has a
// size factor s = u^-0.8 (Pareto, alpha 1.25, capped at 1000) that scales
// its amounts and the number of its records, so a few accounts are large
// and most are small. The same options always give the same rows.
//
//   LocalSuite::Options o;
//   o.services = {"account", "interaction"};          // schemas migrated
//   auto suite = LocalSuite::Start(o);
//   BenchBookOptions book_options;
//   book_options.accounts = 1000000;
//   auto book = FillBenchBook(**suite, book_options);
//   // request facts for [book->period_start, book->period_end)
#pragma once

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tests/harness/suite.h"

namespace kam::testing {

struct BenchBookOptions {
  // Accounts to add (ids are fresh: after every id in use or reserved).
  int64_t accounts = 1000000;
  // Also write the interaction records (needs the interaction service's
  // schema, i.e. the suite started "interaction" at least once). Without
  // them only accounts are written.
  bool interactions = true;
  // One group (docs/domain.md's account hierarchy) of this many accounts:
  // the book's first account heads it and the next group_accounts - 1 are
  // its subtree, ten children to a parent (100,000 accounts reach 5 levels below
  // the head, within the depth limit of 8), all in EUR. 0 or 1: no group,
  // every account stands alone.
  int64_t group_accounts = 0;
  // Progress lines on stderr.
  bool progress = true;
  // Tables written side by side, each on its own root connection (the
  // server's CPU is the limit: more than the machine's cores does not help).
  int connections = 2;
};

// Rows written per table.
struct BenchBookRows {
  int64_t accounts = 0;
  int64_t orders = 0;
  int64_t invoices = 0;
  int64_t payments = 0;  // each with one allocation to its invoice
  int64_t cases = 0;
  int64_t surveys = 0;
  int64_t activities = 0;
  int64_t opportunities = 0;
  int64_t total() const {
    return accounts + orders + invoices + 2 * payments + cases + surveys + activities +
           opportunities;
  }
};

struct BenchBook {
  // The accounts written: ids first_account_id .. last_account_id, all of
  // them (no gaps), "accounts/{id}" in the APIs.
  int64_t first_account_id = 0;
  int64_t last_account_id = 0;
  // The period to request facts for: [2025-01-01, 2026-01-01) UTC. Records
  // fall in it and in the previous period of equal length (which starts 365
  // days earlier, 2024-01-02), so trends have data; receivables are open at
  // its end, some overdue by more than 90 days.
  absl::Time period_start;
  absl::Time period_end;
  BenchBookRows rows;
  absl::Duration elapsed;
};

// Writes the book into the running suite's database as root. Call it after
// the services have started once (their migrations made the tables) and
// while nothing else writes: it reserves its id ranges in each schema's
// kam_sequences first (as common::IdAllocator does), so the services never
// hand out an id it used, but rows the services write meanwhile are not
// accounted for in anything it returns. Accounts get state ACTIVE, no tier,
// a credit profile (EUR mostly, some USD and GBP; limit scaled to size,
// 30-day terms), one of 9 industries (skewed) and 6 regions, no contacts.
// Interaction records: about 65% of accounts bill (1-4 invoices with their
// orders, some open and cancelled orders; invoices paid, part-paid, unpaid
// and overdue, a few void), 30% have cases (a quarter complaints, some SLA
// breaches), 25% surveys (CSAT and NPS), 60% activities (both levels,
// done, planned and cancelled, with costs), 20% opportunities.
// About 7.6 rows per account in all (a million accounts: 7.6 million rows,
// about 1.5 GB with indexes); a million accounts take about 2 to 3 minutes on
// 2 shared cores, ten million about 21 minutes (62,000 rows/s: every
// statement covers 100,000 accounts, so the time is linear and neither side
// holds more than one statement's rows). Progress lines give rows/s.
absl::StatusOr<BenchBook> FillBenchBook(LocalSuite& suite, const BenchBookOptions& options = {});

}  // namespace kam::testing
