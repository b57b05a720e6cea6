"""`kamctl contacts list|get|create|update`."""

from kam.account.v1 import account_pb2 as pb

from kamctl import fields
from kamctl.resources import Resource, columns_of, make_group

COLUMNS = columns_of([
    "name", "display_name", "title", "-department", "buying_role", "-influence_weight",
    "-preferred_channel", "phone", "email", "-do_not_call", "-time_zone", "-create_time",
    "-update_time", "-delete_time", "-etag"])

# ListContacts takes the account and no filter.
RESOURCE = Resource(pb, "Contact", "accounts", "accounts", fields.CONTACT_FIELDS, COLUMNS,
                    parent="account")

group = make_group(RESOURCE, "Contacts: the people at an account (account service). "
                   "Names are accounts/{account}/contacts/{contact}.")
