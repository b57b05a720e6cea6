#include "services/account/shared/requests.h"

#include "common/api/validation.h"
#include "common/base/proto_time.h"
#include "common/base/status_macros.h"

namespace kam::account {
namespace {

// Clock skew allowed for caller-supplied times that must not be in the future.
constexpr absl::Duration kFutureSlack = absl::Minutes(1);

}  // namespace

absl::Status FirstError(std::initializer_list<absl::Status> checks) {
  for (const absl::Status& s : checks) {
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status CheckNote(absl::string_view field, absl::string_view text) {
  return common::CheckText(field, text, kMaxReason, /*multiline=*/true);
}

absl::StatusOr<absl::Time> PastOrNow(absl::string_view field, bool present,
                                     const google::protobuf::Timestamp& time, absl::Time now) {
  if (!present) return now;
  KAM_RETURN_IF_ERROR(common::CheckTimestamp(field, time));
  const absl::Time t = absl::FromUnixMicros(absl::ToUnixMicros(common::FromProtoTimestamp(time)));
  if (t > now + kFutureSlack) return common::InvalidField(field, "must not be in the future");
  return t;
}

}  // namespace kam::account
