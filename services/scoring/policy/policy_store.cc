#include "services/scoring/policy/policy_store.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/api/etag.h"
#include "services/scoring/names.h"

namespace kam::scoring::policy {

absl::Status PolicyNotFound(int64_t id, int version) {
  return absl::NotFoundError(absl::StrCat(
      "policy ", version == 0 ? PolicyName(id) : PolicyVersionName(id, version), " not found"));
}

v1::ScoringPolicy SettingsOf(const v1::ScoringPolicy& policy) {
  v1::ScoringPolicy body = policy;
  body.clear_name();
  body.clear_version();
  body.clear_used();
  body.clear_create_time();
  body.clear_update_time();
  body.clear_etag();
  return body;
}

StoredPolicy MakeStoredPolicy(int64_t id, int version, int64_t revision, bool used,
                              v1::ScoringPolicy settings) {
  StoredPolicy stored;
  stored.id = id;
  stored.revision = revision;
  stored.policy = std::move(settings);
  v1::ScoringPolicy& p = stored.policy;
  p.set_name(PolicyName(id));
  p.set_version(version);
  p.set_used(used);
  // A version's etag: another version of the same policy never shares it.
  p.set_etag(common::MakeEtag(PolicyVersionName(id, version), revision));
  return stored;
}

}  // namespace kam::scoring::policy
