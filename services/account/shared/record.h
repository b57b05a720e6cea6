// The row of every record kept below an account (contacts, team
// memberships, stage changes, churn events, tier changes): its id, its
// account's id and the API resource, its name filled
// ("accounts/{account}/<collection>/{id}").
#pragma once

#include <cstdint>

#include "absl/strings/string_view.h"
#include "services/account/shared/account_names.h"

namespace kam::account {

template <typename Resource>
struct Record {
  int64_t id = 0;
  int64_t account_id = 0;
  // The resource's write count, from which its etag is made; 0 for records
  // the API never updates (they carry no etag).
  int64_t version = 0;
  Resource resource;
};

// Gives `row` (its account_id set) the id `id`, and its resource the name
// "accounts/{account}/<collection>/{id}".
template <typename Resource>
void SetRecordId(Record<Resource>& row, int64_t id, absl::string_view collection) {
  row.id = id;
  row.resource.set_name(ChildName(row.account_id, collection, id));
}

}  // namespace kam::account
