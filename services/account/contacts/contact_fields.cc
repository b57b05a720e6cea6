#include "services/account/contacts/contact_fields.h"

#include "common/api/validation.h"
#include "common/base/status_macros.h"
#include "services/account/contacts/org_chart.h"
#include "services/account/shared/requests.h"

namespace kam::account::contacts {

absl::Status ValidateContactFields(const v1::Contact& contact) {
  KAM_RETURN_IF_ERROR(FirstError({
      common::CheckRequiredText("contact.display_name", contact.display_name(), kMaxContactText),
      common::CheckText("contact.title", contact.title(), kMaxContactText),
      common::CheckText("contact.department", contact.department(), kMaxContactText),
      common::CheckRange("contact.influence_weight", contact.influence_weight(), 0, 100),
      common::CheckPhoneE164("contact.phone", contact.phone()),
      common::CheckEmail("contact.email", contact.email()),
      common::CheckTimeZone("contact.time_zone", contact.time_zone()),
  }));
  if (!v1::BuyingRole_IsValid(contact.buying_role())) {
    return common::InvalidField("contact.buying_role", "must be a known BuyingRole");
  }
  if (!v1::ContactChannel_IsValid(contact.preferred_channel())) {
    return common::InvalidField("contact.preferred_channel", "must be a known ContactChannel");
  }
  return CheckOrgLevel(contact.org_level());
}

const common::UpdateMaskRules& ContactMaskRules() {
  static const common::UpdateMaskRules* rules = new common::UpdateMaskRules{
      /*updatable=*/{"display_name", "title", "department", "buying_role", "influence_weight",
                     "preferred_channel", "phone", "email", "do_not_call", "time_zone", "org_level",
                     "reports_to"},
      /*output_only=*/{"name", "create_time", "update_time", "delete_time", "etag"},
      /*use_method=*/{}};
  return *rules;
}

}  // namespace kam::account::contacts
