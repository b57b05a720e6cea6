// What a caller may write into a contact: field rules and the update-mask
// rules. Pure: no I/O.
#pragma once

#include <cstddef>

#include "absl/status/status.h"
#include "common/api/field_mask.h"
#include "kam/account/v1/account.pb.h"

namespace kam::account::contacts {

inline constexpr size_t kMaxContactText = 200;

// The caller-writable fields of `contact` (prefix "contact.") that need no
// other row: everything but reports_to, which org_chart.h checks.
absl::Status ValidateContactFields(const v1::Contact& contact);

// Update-mask rules of UpdateContact.
const common::UpdateMaskRules& ContactMaskRules();

}  // namespace kam::account::contacts
