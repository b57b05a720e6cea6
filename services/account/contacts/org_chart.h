// The organisational levels of an account's contacts and whom they report
// to (docs/domain.md §4: a relationship at several levels means contacts at
// each of executive, management and front line). Pure: the store reads the
// reporting chains and keeps the counts, this decides.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "kam/account/v1/account.pb.h"

namespace kam::account::contacts {

// At most this many contacts above any contact. The bound keeps the walk up
// a chain short; real organisations are far shallower.
inline constexpr int kMaxReportingDepth = 16;

// A change of one account's counts of live contacts: all of them
// (accounts.contact_count) and those at each organisational level (the
// coverage the export carries to scoring).
struct ContactCountDelta {
  int live = 0;
  // Indexed by ContactLevel; [CONTACT_LEVEL_UNSPECIFIED] stays 0 (a contact
  // without a level covers none).
  std::array<int, 4> by_level{};

  // Adds `sign` (+1: the contact becomes live, -1: it stops being live) for
  // `contact` to the counts.
  void Add(const v1::Contact& contact, int sign);
  // Moves a live contact from level `from` to level `to` (either may be
  // unspecified).
  void MoveLevel(v1::ContactLevel from, v1::ContactLevel to);
  bool empty() const;
  bool operator==(const ContactCountDelta& other) const;
};

// One link of a reporting chain as the store reads it.
struct ChainLink {
  int64_t contact_id = 0;
  bool deleted = false;
};

// `org_level` a caller wrote (INVALID_ARGUMENT "contact.org_level must be a
// known ContactLevel").
absl::Status CheckOrgLevel(int org_level);

// The contact id `reports_to` names; 0 when empty (reports to nobody).
// INVALID_ARGUMENT naming "contact.reports_to" when it is not a contact name
// or names a contact of another account than `account_id`.
absl::StatusOr<int64_t> ParseReportsTo(int64_t account_id, absl::string_view reports_to);

// Checks contact `contact_id` of account `account_id` reporting to
// `manager_id`, whose chain is `manager_chain`: the manager first, then whom
// it reports to, and so on up, at most kMaxReportingDepth + 1 links (the
// store reads no further). Messages name "contact.reports_to".
//   NOT_FOUND: the chain is empty (no such contact in the account).
//   FAILED_PRECONDITION: the manager is deleted; the contact itself; a cycle
//     (the contact is above its new manager); more than kMaxReportingDepth
//     contacts above the contact.
absl::Status CheckReportsTo(int64_t account_id, int64_t contact_id, int64_t manager_id,
                            const std::vector<ChainLink>& manager_chain);

}  // namespace kam::account::contacts
