"""`kamctl accounts list|get|create|update`."""

from kam.account.v1 import account_pb2 as pb

from kamctl import fields
from kamctl.resources import Resource, columns_of, make_group

COLUMNS = columns_of([
    "name", "display_name", "-external_id", "industry", "region", "-category",
    "-parent_account", "owner", "stage", "-share_of_wallet_percent", "tier", "state",
    "contact_count", "-credit.credit_limit.currency_code", "-credit.credit_limit.minor_units",
    "-credit.payment_terms_days", "-credit.risk_level", "-labels", "-single_contact_risk",
    "-tier_rating_run", "-create_time", "-update_time", "-delete_time", "-etag"])

RESOURCE = Resource(
    plural="accounts", field="account", service="accounts", collection="accounts",
    field_list=fields.ACCOUNT_FIELDS, columns=COLUMNS,
    list_method="ListAccounts", list_request=pb.ListAccountsRequest,
    get_method="GetAccount", get_request=pb.GetAccountRequest,
    create_method="CreateAccount", create_request=pb.CreateAccountRequest,
    update_method="UpdateAccount", update_request=pb.UpdateAccountRequest,
    filters={"owner": "owner", "tier": "tier", "stage": "stage", "state": "state",
             "category": "category", "industry": "industry", "region": "region",
             "external_id": "external_id"},
    order_by="display_name, create_time, update_time or tier, optionally followed by ' desc'.")

group = make_group(RESOURCE, "Accounts: the customer records (account service).")
