#include "common/api/resource_name.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "common/base/status_macros.h"

namespace kam::common {
namespace {

// Digits in INT64_MAX (9223372036854775807).
constexpr size_t kMaxIdDigits = 19;
// How much of a malformed name an error message repeats.
constexpr size_t kMaxShownBytes = 64;

// "accounts" -> "account", "activities" -> "activity": the AIP-123 pattern
// names each id variable after the singular of its collection.
std::string Singular(absl::string_view collection) {
  if (absl::EndsWith(collection, "ies")) {
    return absl::StrCat(collection.substr(0, collection.size() - 3), "y");
  }
  if (absl::EndsWith(collection, "sses") || absl::EndsWith(collection, "xes")) {
    return std::string(collection.substr(0, collection.size() - 2));
  }
  if (absl::EndsWith(collection, "s")) {
    return std::string(collection.substr(0, collection.size() - 1));
  }
  return std::string(collection);
}

std::string Pattern(std::initializer_list<absl::string_view> collections) {
  std::string pattern;
  for (absl::string_view collection : collections) {
    if (!pattern.empty()) pattern.push_back('/');
    absl::StrAppend(&pattern, collection, "/{", Singular(collection), "}");
  }
  return pattern;
}

// The caller's text, cut and escaped so that a huge or binary name cannot
// make the message huge or invalid UTF-8.
std::string Shown(absl::string_view name) {
  if (name.size() > kMaxShownBytes) {
    return absl::StrCat("\"", absl::CHexEscape(name.substr(0, kMaxShownBytes)), "...\"");
  }
  return absl::StrCat("\"", absl::CHexEscape(name), "\"");
}

// A positive int64 in canonical decimal: "42", not "+42", "042", "0", " 42"
// or "4.2e1". Canonical only, so that each resource has exactly one name and
// names can be compared as strings (etags and caches key on them).
bool ParseId(absl::string_view text, int64_t* id) {
  if (text.empty() || text.size() > kMaxIdDigits || text[0] == '0') {
    return false;
  }
  if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  // Digits only and no leading zero, so failure here means out of range.
  return absl::SimpleAtoi(text, id) && *id > 0;
}

}  // namespace

absl::StatusOr<std::vector<int64_t>> ParseResourceName(
    absl::string_view field, absl::string_view name,
    std::initializer_list<absl::string_view> collections) {
  if (name.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is required"));
  }
  const auto malformed = [&] {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " must look like ", Pattern(collections), " (got ", Shown(name), ")"));
  };
  const std::vector<absl::string_view> segments = absl::StrSplit(name, '/');
  if (segments.size() != 2 * collections.size()) return malformed();

  std::vector<int64_t> ids;
  ids.reserve(collections.size());
  size_t i = 0;
  for (absl::string_view collection : collections) {
    int64_t id = 0;
    if (segments[i] != collection || !ParseId(segments[i + 1], &id)) {
      return malformed();
    }
    ids.push_back(id);
    i += 2;
  }
  return ids;
}

std::string FormatResourceName(std::initializer_list<absl::string_view> collections,
                               std::initializer_list<int64_t> ids) {
  std::string name;
  const auto* id = ids.begin();
  for (absl::string_view collection : collections) {
    // The lists must have the same length; extra collections are dropped
    // rather than read past the end of `ids`.
    if (id == ids.end()) break;
    if (!name.empty()) name.push_back('/');
    absl::StrAppend(&name, collection, "/", *id);
    ++id;
  }
  return name;
}

absl::StatusOr<int64_t> ParseId(absl::string_view field, absl::string_view name,
                                absl::string_view collection) {
  KAM_ASSIGN_OR_RETURN(std::vector<int64_t> ids, ParseResourceName(field, name, {collection}));
  return (ids)[0];
}

}  // namespace kam::common
