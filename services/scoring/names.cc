#include "services/scoring/names.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/api/resource_name.h"
#include "common/api/validation.h"
#include "common/base/status_macros.h"

namespace kam::scoring {
namespace {

// One id of a single-collection name.
absl::StatusOr<int64_t> ParseId(absl::string_view field, absl::string_view name,
                                absl::string_view collection) {
  KAM_ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                       common::ParseResourceName(field, name, {collection}));
  return (ids)[0];
}

}  // namespace

std::string PolicyName(int64_t policy) { return absl::StrCat("policies/", policy); }

std::string PolicyVersionName(int64_t policy, int version) {
  return absl::StrCat("policies/", policy, "/versions/", version);
}

std::string RunName(int64_t run) { return absl::StrCat("ratingRuns/", run); }

std::string RatingName(int64_t run, int64_t account) {
  return absl::StrCat("ratingRuns/", run, "/ratings/", account);
}

std::string GroupRollupName(int64_t run, int64_t account) {
  return absl::StrCat("ratingRuns/", run, "/groupRollups/", account);
}

std::string AccountTrendName(int64_t policy, int64_t account) {
  return absl::StrCat("policies/", policy == 0 ? "-" : absl::StrCat(policy), "/accountTrends/",
                      account);
}

std::string AlertName(int64_t alert) { return absl::StrCat("alerts/", alert); }

std::string AccountName(int64_t account) { return absl::StrCat("accounts/", account); }

absl::StatusOr<PolicyRef> ParsePolicyName(absl::string_view field, absl::string_view name) {
  if (absl::StrContains(name, "/versions/")) {
    KAM_ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                         common::ParseResourceName(field, name, {"policies", "versions"}));
    if ((ids)[1] > INT32_MAX) return common::InvalidField(field, "has a version out of range");
    return PolicyRef{(ids)[0], static_cast<int>((ids)[1])};
  }
  KAM_ASSIGN_OR_RETURN(int64_t id, ParsePolicyId(field, name));
  return PolicyRef{id, 0};
}

absl::StatusOr<int64_t> ParsePolicyId(absl::string_view field, absl::string_view name) {
  return ParseId(field, name, "policies");
}

absl::StatusOr<int64_t> ParseRunName(absl::string_view field, absl::string_view name) {
  return ParseId(field, name, "ratingRuns");
}

absl::StatusOr<RatingRef> ParseRatingName(absl::string_view field, absl::string_view name) {
  KAM_ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                       common::ParseResourceName(field, name, {"ratingRuns", "ratings"}));
  return RatingRef{(ids)[0], (ids)[1]};
}

absl::StatusOr<RatingRef> ParseGroupRollupName(absl::string_view field, absl::string_view name) {
  KAM_ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                       common::ParseResourceName(field, name, {"ratingRuns", "groupRollups"}));
  return RatingRef{(ids)[0], (ids)[1]};
}

absl::StatusOr<TrendRef> ParseAccountTrendName(absl::string_view field, absl::string_view name) {
  constexpr absl::string_view kAnyPolicy = "policies/-/";
  const bool any = absl::StartsWith(name, kAnyPolicy);
  // "-" parsed as a placeholder id; a malformed name is parsed again as sent,
  // so the message quotes what the caller sent.
  const std::string parsed =
      any ? absl::StrCat("policies/1/", name.substr(kAnyPolicy.size())) : std::string(name);
  absl::StatusOr<std::vector<int64_t>> ids =
      common::ParseResourceName(field, parsed, {"policies", "accountTrends"});
  if (!ids.ok()) {
    return common::ParseResourceName(field, name, {"policies", "accountTrends"}).status();
  }
  return TrendRef{any ? 0 : (*ids)[0], (*ids)[1]};
}

absl::StatusOr<int64_t> ParseAlertName(absl::string_view field, absl::string_view name) {
  return ParseId(field, name, "alerts");
}

absl::StatusOr<int64_t> ParseAccountName(absl::string_view field, absl::string_view name) {
  return ParseId(field, name, "accounts");
}

int64_t AccountIdOf(const std::string& name) {
  return name.size() > 9 ? std::stoll(name.substr(9)) : 0;
}

}  // namespace kam::scoring
