// Demo data for `./kam up`: a small book of key accounts that shows every
// feature (a group with subsidiaries, contacts, the account team, stages,
// churn and win-back, published tiers). Loaded through the public API only.
#ifndef KAM_TESTS_HARNESS_DEMO_DATA_H_
#define KAM_TESTS_HARNESS_DEMO_DATA_H_

#include <string>

#include "absl/status/status.h"

namespace kam::testing {

// Loads the demo book into the account service at `account_address`, unless
// accounts labelled demo=true exist already (so it is safe to run twice).
absl::Status LoadDemoData(const std::string& account_address);

}  // namespace kam::testing

#endif  // KAM_TESTS_HARNESS_DEMO_DATA_H_
