// What a caller may write into an account or a contact: field rules and the
// update-mask rules. Pure: no I/O.
#ifndef KAM_SERVICES_ACCOUNT_ACCOUNT_FIELDS_H_
#define KAM_SERVICES_ACCOUNT_ACCOUNT_FIELDS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/api/field_mask.h"
#include "kam/account/v1/account.pb.h"
#include "services/account/account_store.h"

namespace kam::account {

inline constexpr size_t kMaxDisplayName = 200;
inline constexpr size_t kMaxExternalId = 128;
inline constexpr size_t kMaxIndustryOrRegion = 100;
inline constexpr size_t kMaxUserId = 128;
inline constexpr size_t kMaxContactText = 200;
inline constexpr size_t kMaxReason = 1000;
inline constexpr int kMaxPaymentTermsDays = 365;
inline constexpr int kMaxLostProductLines = 50;
inline constexpr size_t kMaxProductLine = 100;

// The caller-writable fields of `account` (prefix "account."): display name,
// external id, industry, region, category, owner, labels, credit profile.
// The parent, stage and share of wallet are checked where they are used.
absl::Status ValidateAccountFields(const v1::Account& account);

// The caller-writable fields of `contact` (prefix "contact.").
absl::Status ValidateContactFields(const v1::Contact& contact);

// ListAccounts order_by: one of display_name, create_time, update_time, tier,
// optionally followed by " desc" (or " asc"); empty for creation order.
// INVALID_ARGUMENT naming order_by otherwise.
absl::StatusOr<AccountOrder> ParseAccountOrder(absl::string_view order_by);

// Update-mask rules of UpdateAccount and UpdateContact.
const common::UpdateMaskRules& AccountMaskRules();
const common::UpdateMaskRules& ContactMaskRules();

}  // namespace kam::account

#endif  // KAM_SERVICES_ACCOUNT_ACCOUNT_FIELDS_H_
