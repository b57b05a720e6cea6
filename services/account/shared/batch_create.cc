#include "services/account/shared/batch_create.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/api/validation.h"

namespace kam::account {
namespace {

std::string Item(size_t index) { return absl::StrCat("requests[", index, "]"); }

// Whether `message` starts with field path `field` ("account" matches
// "account.display_name ..." and "account ...", not "accounts/9 ...").
bool StartsWithField(absl::string_view message, absl::string_view field) {
  if (!absl::StartsWith(message, field)) return false;
  if (message.size() == field.size()) return true;
  const char next = message[field.size()];
  return next == '.' || next == ' ' || next == '[' || next == ':';
}

}  // namespace

absl::Status CheckBatchCreateSize(int size) {
  if (size == 0) return common::InvalidField("requests", "must hold at least one create");
  if (size > kMaxBatchCreate) {
    return common::InvalidField("requests", absl::StrCat("must hold at most ", kMaxBatchCreate,
                                                         " creates (got ", size, ")"));
  }
  return absl::OkStatus();
}

absl::Status ItemError(size_t index, const absl::Status& status,
                       std::initializer_list<absl::string_view> fields) {
  if (status.ok()) return status;
  const absl::string_view message = status.message();
  for (absl::string_view field : fields) {
    if (StartsWithField(message, field)) {
      return absl::Status(status.code(), absl::StrCat(Item(index), ".", message));
    }
  }
  return absl::Status(status.code(), absl::StrCat(Item(index), ": ", message));
}

absl::Status CheckDistinctRequestIds(const std::vector<std::string>& request_ids) {
  absl::flat_hash_map<absl::string_view, size_t> first_use;
  for (size_t i = 0; i < request_ids.size(); ++i) {
    if (request_ids[i].empty()) continue;
    auto [it, inserted] = first_use.emplace(request_ids[i], i);
    if (inserted) continue;
    return common::InvalidField(
        absl::StrCat(Item(it->second), ".request_id and ", Item(i), ".request_id"),
        absl::StrCat("are both \"", request_ids[i],
                     "\"; the items of a batch must have different request ids"));
  }
  return absl::OkStatus();
}

std::vector<std::string> UsedRequestIds(const std::vector<std::string>& request_ids) {
  std::vector<std::string> used;
  for (const std::string& id : request_ids) {
    if (!id.empty()) used.push_back(id);
  }
  return used;
}

absl::Status RequestIdTakenMeanwhile() {
  return absl::AbortedError(
      "request_id was taken by a concurrent call meanwhile; send the batch again to get its "
      "result");
}

bool EachItemNamesItsParent(absl::string_view batch_parent) {
  return batch_parent.empty() || batch_parent == "accounts/-";
}

absl::StatusOr<std::string> ItemParent(absl::string_view batch_parent, size_t index,
                                       absl::string_view item_parent) {
  if (EachItemNamesItsParent(batch_parent)) return std::string(item_parent);
  if (!item_parent.empty() && item_parent != batch_parent) {
    return common::InvalidField(
        absl::StrCat(Item(index), ".parent"),
        absl::StrCat("must be empty or equal to the batch's parent \"", batch_parent, "\""));
  }
  return std::string(batch_parent);
}

}  // namespace kam::account
