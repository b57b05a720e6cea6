// Demo data for `./kam up`: a small book of key accounts that shows every
// feature of the three services, loaded through their public gRPC APIs only.
//
//   account      a group with subsidiaries, contacts, the account team, stages,
//                churn, and last year's tiers (demo_accounts.cc)
//   interaction  visits, calls, meetings at both levels (a follow-up overdue,
//                one due), contact records (demo_activities.cc); service cases,
//                one escalated and soon past its SLA, and surveys (demo_cases.cc);
//                orders, invoices and payments, some invoices overdue
//                (demo_billing.cc); opportunities at every point of the
//                pipeline, won and lost ones too (demo_opportunities.cc)
//   scoring      a scoring policy and one rating run, SUCCEEDED, whose tiers
//                are published to the account service (demo_scoring.cc)
//
// Loading is idempotent, so `./kam up` can load it on every start: creates
// carry fixed request_ids (a retry returns what the first call made), moves
// (stages, case statuses, pipeline steps) are made only when the resource is
// not there yet, and every time in the data is a fixed offset from the
// creation time of the demo accounts, so a second load sends the very same
// requests. A load that was interrupted is completed by the next one.
#pragma once

#include <string>

#include "absl/status/status.h"

namespace kam::testing {

// Where the three services listen ("127.0.0.1:50051", ...).
struct DemoAddresses {
  std::string account;
  std::string interaction;
  std::string scoring;
  // A secured suite: the CA the services' certificates chain to, the bearer
  // token the loader calls with (an admin's), and the one it publishes last
  // year's tiers with (the scoring service's: nobody else may). Empty:
  // plaintext, no token.
  std::string ca_file = {};
  std::string token = {};
  std::string publisher_token = {};
};

// Loads (or completes) the demo data. Waits for the rating run to finish
// (up to two minutes). The error names the step that failed.
absl::Status LoadDemoData(const DemoAddresses& addresses);

}  // namespace kam::testing
