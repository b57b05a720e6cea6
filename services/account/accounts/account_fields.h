// What a caller may write into an account: field rules, the update-mask
// rules, and the orders ListAccounts takes. Pure: no I/O.
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/api/field_mask.h"
#include "common/api/page_token.h"
#include "kam/account/v1/account.pb.h"
#include "services/account/accounts/account_store.h"

namespace kam::account::accounts {

// The caller-writable fields of `account` (prefix "account."): display name
// (at most 200 characters), external id (128), industry and region (100
// each), category, owner, labels, credit profile (payment terms of 0 to 365
// days).
// The parent, stage and share of wallet are checked where they are used.
absl::Status ValidateAccountFields(const v1::Account& account);

// ALREADY_EXISTS: the account's external id is used by another live account
// (external ids are unique among live accounts; a deleted account's may be
// reused).
absl::Status ExternalIdTaken(const v1::Account& account);

// The store keeps no empty credit profile (reading an account leaves
// `credit` unset when nothing in it is set), so an account built from a
// request drops an empty one too and equals what a later read returns.
void DropEmptyCredit(v1::Account& account);

// ListAccounts order_by: one of display_name, create_time, update_time, tier,
// optionally followed by " desc" (or " asc"); empty for creation order.
// INVALID_ARGUMENT naming order_by otherwise.
absl::StatusOr<AccountOrder> ParseAccountOrder(absl::string_view order_by);

// Where the next page of a listing in `order` starts: after `row`.
common::PageCursor AccountCursor(const StoredAccount& row, const AccountOrder& order);

// Update-mask rules of UpdateAccount.
const common::UpdateMaskRules& AccountMaskRules();

}  // namespace kam::account::accounts
