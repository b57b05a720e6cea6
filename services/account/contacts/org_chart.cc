#include "services/account/contacts/org_chart.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/api/validation.h"
#include "common/base/status_macros.h"
#include "services/account/shared/account_names.h"

namespace kam::account::contacts {
namespace {

constexpr absl::string_view kField = "contact.reports_to";

std::string ContactName(int64_t account_id, int64_t contact_id) {
  return ChildName(account_id, "contacts", contact_id);
}

}  // namespace

void ContactCountDelta::Add(const v1::Contact& contact, int sign) {
  live += sign;
  if (contact.org_level() != v1::CONTACT_LEVEL_UNSPECIFIED) by_level[contact.org_level()] += sign;
}

void ContactCountDelta::MoveLevel(v1::ContactLevel from, v1::ContactLevel to) {
  if (from == to) return;
  if (from != v1::CONTACT_LEVEL_UNSPECIFIED) --by_level[from];
  if (to != v1::CONTACT_LEVEL_UNSPECIFIED) ++by_level[to];
}

bool ContactCountDelta::empty() const { return *this == ContactCountDelta(); }

bool ContactCountDelta::operator==(const ContactCountDelta& other) const {
  return live == other.live && by_level == other.by_level;
}

absl::Status CheckOrgLevel(int org_level) {
  if (!v1::ContactLevel_IsValid(org_level)) {
    return common::InvalidField("contact.org_level", "must be a known ContactLevel");
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> ParseReportsTo(int64_t account_id, absl::string_view reports_to) {
  if (reports_to.empty()) return 0;
  KAM_ASSIGN_OR_RETURN(const ChildIds ids, ParseChildName(kField, reports_to, "contacts"));
  if (ids.first != account_id) {
    return common::InvalidField(
        kField, absl::StrCat("must name a contact of the same account ", AccountName(account_id),
                             " (got ", reports_to, ")"));
  }
  return ids.second;
}

absl::Status CheckReportsTo(int64_t account_id, int64_t contact_id, int64_t manager_id,
                            const std::vector<ChainLink>& manager_chain) {
  const std::string manager = ContactName(account_id, manager_id);
  const std::string contact = ContactName(account_id, contact_id);
  if (manager_chain.empty()) {
    return absl::NotFoundError(absl::StrCat(kField, " ", manager, " not found"));
  }
  if (manager_chain.front().deleted) {
    return absl::FailedPreconditionError(absl::StrCat(kField, " ", manager, " is deleted"));
  }
  if (manager_id == contact_id) {
    return absl::FailedPreconditionError(
        absl::StrCat(kField, ": ", contact, " cannot report to itself"));
  }
  const bool cycle =
      std::any_of(manager_chain.begin(), manager_chain.end(),
                  [&](const ChainLink& link) { return link.contact_id == contact_id; });
  if (cycle) {
    return absl::FailedPreconditionError(absl::StrCat(
        kField, ": ", contact, " reporting to ", manager, " would make a cycle: ", manager,
        " already reports to ", contact, ", directly or through others"));
  }
  if (static_cast<int>(manager_chain.size()) > kMaxReportingDepth) {
    return absl::FailedPreconditionError(absl::StrCat(kField, ": ", contact, " reporting to ",
                                                      manager, " would put more than ",
                                                      kMaxReportingDepth, " contacts above it"));
  }
  return absl::OkStatus();
}

}  // namespace kam::account::contacts
