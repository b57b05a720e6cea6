// Key-account designations (designation.proto): what a valid designation
// is, and what a rating run makes of the designations around its as_of.
// Pure: no I/O. The service validates with these before it stores; the
// rating runner builds one RunDesignations per run from one store query
// (few designations even on a book of ten million: a map by account).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "kam/scoring/v1/designation.pb.h"
#include "services/scoring/rules/account_rating.h"
#include "services/scoring/rules/alerts.h"

namespace kam::scoring::designations {

// Limits a caller can reach.
inline constexpr size_t kMaxReasonChars = 1000;
// The longest designation: a decision is reviewed at least this often.
inline constexpr absl::Duration kMaxPeriod = absl::Hours(24 * 3653);  // ten years
// How far back a designation may start (recording a decision made before).
inline constexpr absl::Duration kMaxBackdate = absl::Hours(24 * 366);

// A designation as stored.
struct StoredDesignation {
  int64_t id = 0;
  int64_t account_id = 0;
  v1::DesignationKind kind = v1::DESIGNATION_KIND_UNSPECIFIED;
  std::string reason;
  std::string decided_by;
  absl::Time start_time;
  absl::Time end_time;  // exclusive; the time it was ended when ended early
  absl::Time create_time;
  std::string ended_by;  // empty unless ended early
  std::string end_reason;
};

// "designations/{id}", and its parse (INVALID_ARGUMENT naming `field`).
std::string DesignationName(int64_t id);
absl::StatusOr<int64_t> ParseDesignationName(absl::string_view field, absl::string_view name);

// The message a caller sees at `now` ("active" depends on it).
v1::Designation ToProto(const StoredDesignation& stored, absl::Time now);

// start_time <= t < end_time.
bool ActiveAt(const StoredDesignation& designation, absl::Time t);

// The designation a CreateDesignation asks for at `now`, with `actor` as
// decided_by and start_time defaulted to now; account_id left for the
// caller's parse. INVALID_ARGUMENT naming the field
// ("designation.end_time must be after start_time") for a kind unset or
// unknown, a reason empty or too long, an end not after the start, in the
// past, or more than ten years after the start, a start more than a year
// back.
absl::StatusOr<StoredDesignation> NewDesignation(const v1::Designation& asked,
                                                 const std::string& actor, absl::Time now);

// Ends `*d` early at `at` by `by` for `reason`: its end_time becomes `at`
// (its start_time when it has not started: it is never active).
// FAILED_PRECONDITION, changing nothing, when it has ended by `at`.
absl::Status EndEarly(absl::Time at, const std::string& by, const std::string& reason,
                      StoredDesignation* d);

// The KeyAccountReason of a designation kind (STRATEGIC -> STRATEGIC ...).
v1::KeyAccountReason ReasonOf(v1::DesignationKind kind);

// The designations one rating run looks at: those active at some time in
// [previous_as_of, as_of] (the previous succeeded run's as_of; none for a
// first run), read once for the whole run.
class RunDesignations {
 public:
  RunDesignations() = default;
  // `designations` may hold any others too: they are ignored.
  RunDesignations(std::vector<StoredDesignation> designations, absl::Time as_of,
                  std::optional<absl::Time> previous_as_of);

  // Marks `row` (rated by AccountRater::Rate under `alerts`' key tiers) a
  // key account when a designation is active at as_of, unless it was not
  // tiered (churned: on no list), and records why it is on the list: its
  // reasons (TIER first, then the designation kinds) and designations,
  // appended to its details (an AccountRating message, so they merge).
  // Sets row.was_key: it was on the list before this run (its previous tier
  // is a key tier, or a designation was active at the previous run's
  // as_of), which ListKeyAccountChanges compares with.
  void Apply(const rules::AlertDetector& alerts, rules::RatingRow* row) const;

  // One DESIGNATION_LAPSED alert per designation whose end_time falls in
  // (previous_as_of, as_of] and that was not ended early (an early end was
  // someone's decision, not a lapse), by account id then designation id.
  // None for a first run.
  std::vector<rules::Alert> Lapsed() const;

  // Accounts with a designation active at as_of.
  size_t designated_accounts() const { return now_.size(); }

 private:
  absl::Time as_of_;
  std::optional<absl::Time> previous_as_of_;
  // Active at as_of, by account, by kind then id.
  absl::flat_hash_map<int64_t, std::vector<StoredDesignation>> now_;
  // Accounts with one active at previous_as_of.
  absl::flat_hash_set<int64_t> before_;
  std::vector<StoredDesignation> lapsed_;
};

}  // namespace kam::scoring::designations
