// The policies and their versions (kam_scoring.policies, policy_versions):
// what the policy handlers and the rating area read and write. No SQL here:
// MySqlPolicyStore (mysql_policy_store.h) is the real store,
// FakePolicyStore (fake_policy_store.h) stands in for it in unit tests.
// Every method answers UNAVAILABLE while the database is down.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/api/idempotency.h"
#include "kam/scoring/v1/policy.pb.h"

namespace kam::scoring::policy {

// A policy version as stored: the message with name, version, used, times
// and etag filled in.
struct StoredPolicy {
  int64_t id = 0;
  int64_t revision = 0;  // bumped by every in-place update (the etag's)
  v1::ScoringPolicy policy;
};

// The steps of one transaction over the policies.
class PolicyTx {
 public:
  virtual ~PolicyTx() = default;

  // Inserts policy `id` at version 1 with the create request's key (none
  // when key.id is empty). kDuplicateRequest, writing nothing, when key.id
  // was used before.
  virtual absl::StatusOr<common::InsertOutcome> InsertPolicy(int64_t id, absl::Time now,
                                                             const common::RequestKey& key) = 0;
  // Version `version` of policy `id`, unused, at revision 1, with the
  // settings of `policy` (its output-only fields are not stored).
  virtual absl::Status InsertVersion(int64_t id, int version, const v1::ScoringPolicy& policy,
                                     absl::Time now) = 0;
  // The latest version, locked until the transaction ends. NOT_FOUND.
  virtual absl::StatusOr<StoredPolicy> LockLatest(int64_t id) = 0;
  // Makes `version` (inserted in this transaction) the latest.
  virtual absl::Status SetLatest(int64_t id, int version) = 0;
  // Rewrites an unused version in place: new settings, the next revision.
  virtual absl::Status RewriteVersion(int64_t id, int version, const v1::ScoringPolicy& policy,
                                      absl::Time now) = 0;
  // The latest version as this transaction sees it. NOT_FOUND.
  virtual absl::StatusOr<StoredPolicy> ReadLatest(int64_t id) = 0;
};

class PolicyStore {
 public:
  virtual ~PolicyStore() = default;

  virtual absl::StatusOr<int64_t> NewPolicyId() = 0;
  // Runs `fn` in one transaction: committed when it returns OK, rolled back
  // (nothing written) otherwise, and run again whole on a deadlock.
  // `context` says what is being done ("updating policy").
  virtual absl::Status Transact(absl::string_view context,
                                absl::FunctionRef<absl::Status(PolicyTx&)> fn) = 0;

  // Version 1 of the policy created with `request_id`, with that request's
  // fingerprint; nullopt when none was.
  virtual absl::StatusOr<std::optional<common::CreatedByRequest<StoredPolicy>>> FindPolicyByRequest(
      const std::string& request_id) = 0;
  // The latest version (version 0) or the given one. NOT_FOUND.
  virtual absl::StatusOr<StoredPolicy> GetPolicy(int64_t id, int version = 0) = 0;
  // Latest versions of policies with id > after_id, at most limit + 1.
  virtual absl::StatusOr<std::vector<StoredPolicy>> ListPolicies(int64_t after_id, int limit) = 0;
  // Versions of one policy below `before_version` (0: all), newest first, at
  // most limit + 1. NOT_FOUND when the policy has none.
  virtual absl::StatusOr<std::vector<StoredPolicy>> ListVersions(int64_t id, int before_version,
                                                                 int limit) = 0;
  // A version a run uses is frozen: an update makes the next version.
  virtual absl::Status MarkVersionUsed(int64_t id, int version) = 0;
};

// NOT_FOUND for a policy, or one version of it (version > 0).
absl::Status PolicyNotFound(int64_t id, int version = 0);

// What is stored of a policy version: its settings, without the fields the
// store fills in (name, version, used, times, etag).
v1::ScoringPolicy SettingsOf(const v1::ScoringPolicy& policy);

// The stored version `version` of policy `id` at `revision`: the settings
// with name, version, used and etag filled in (the times are the caller's).
StoredPolicy MakeStoredPolicy(int64_t id, int version, int64_t revision, bool used,
                              v1::ScoringPolicy settings);

}  // namespace kam::scoring::policy
