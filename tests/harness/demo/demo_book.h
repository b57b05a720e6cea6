// The parts of the demo data, one per service area, and the book of accounts
// they share. Each part stops at the first failed call (DemoClient keeps the
// error) and can be run again: see demo_data.h.
#pragma once

#include <map>
#include <string>

#include "tests/harness/demo/demo_client.h"

namespace kam::testing::demo {

// The demo accounts and contacts as the account service holds them now.
struct DemoBook {
  // By key, the external id without "CRM-": HX-GROUP (the group), HX-GD and
  // HX-GD-SZ (its Guangdong branch and that branch's Shenzhen branch), HX-ZJ
  // (its Zhejiang branch), BS-STEEL, CM-BANK, NX-ROBOT, YH-RETAIL (churned).
  std::map<std::string, av1::Account> accounts;
  // Contact resource names by display name ("Li Wei").
  std::map<std::string, std::string> contacts;

  // "accounts/{id}" of `key`; empty for a key that is not in the book (a
  // mistake in the loader), which the service then refuses by field name.
  const std::string& Account(const std::string& key) const;
  const std::string& Contact(const std::string& display_name) const;
  // When the last demo account was created: the anchor of DemoClock.
  absl::Time LatestCreateTime() const;
};

// Accounts, contacts, the account team, stages, the churned customer and
// last year's tiers (account service). Fills `book`.
void LoadAccountBook(DemoClient& client, DemoBook* book);

// Activities and contact records (interaction: ActivityService).
void LoadActivities(DemoClient& client, const DemoBook& book, const DemoClock& clock);

// Service cases and satisfaction surveys (interaction: ServiceCaseService,
// SatisfactionService).
void LoadCasesAndSurveys(DemoClient& client, const DemoBook& book, const DemoClock& clock);

// Orders, invoices and payments (interaction: BillingService).
void LoadBilling(DemoClient& client, const DemoBook& book, const DemoClock& clock);

// Opportunities in the pipeline (interaction: OpportunityService).
void LoadOpportunities(DemoClient& client, const DemoBook& book, const DemoClock& clock);

// A scoring policy and one rating run, waited for until it SUCCEEDED (its
// tiers then are published to the account service).
void LoadScoring(DemoClient& client);

}  // namespace kam::testing::demo
