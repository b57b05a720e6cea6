"""`kamctl accounts list|get|create|update`."""

from kam.account.v1 import account_pb2 as pb

from kamctl import fields
from kamctl.resources import Resource, columns_of, make_group

COLUMNS = columns_of([
    "name", "display_name", "-external_id", "industry", "region", "-category",
    "-parent_account", "owner", "stage", "-share_of_wallet_percent", "tier", "state",
    "-contact_count", "-credit.credit_limit.currency_code", "-credit.credit_limit.minor_units",
    "-credit.payment_terms_days", "-credit.risk_level", "-labels", "-single_contact_risk",
    "-tier_rating_run", "-create_time", "-update_time", "-delete_time", "-etag"])

RESOURCE = Resource(
    pb, "Account", "accounts", "accounts", fields.ACCOUNT_FIELDS, COLUMNS,
    filters=("owner", "tier", "stage", "state", "category", "industry", "region", "external_id"),
    order_by="display_name, create_time, update_time or tier, optionally followed by ' desc'.")

group = make_group(RESOURCE, "Accounts: the customer records (account service).")
