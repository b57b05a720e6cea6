"""The fields kamctl reads from people: one table per resource, shared by
the create/update flags (--display-name), the CSV columns of import and
export (display_name) and the update mask (account.display_name).

A field has its column name, the path in the resource message, the rule its
text must follow (kamctl.rules), the update mask path, and whether it is
required on create and may be updated.
"""

import click

from kam.account.v1 import account_pb2
from kam.interaction.v1 import service_case_pb2

from kamctl import rules
from kamctl.errors import UsageError


class Field:
    def __init__(self, column, path, check, help, required=False, updatable=True, mask=None,
                 collection=None):
        self.column = column
        self.collection = collection  # a flag may give just the id: "7" for "accounts/7"
        self.path = path          # None: not a field of the resource (e.g. the parent)
        self.check = check
        self.help = help
        self.required = required
        self.updatable = updatable
        self.mask = mask or path

    @property
    def flag(self):
        return "--" + self.column.replace("_", "-")


_MAX_INT64 = 2 ** 63 - 1
_stage = rules.enum(account_pb2.RelationshipStage.DESCRIPTOR, refuse=[
    ("INTERRUPTED", "cannot be INTERRUPTED on create: there is no trade to interrupt yet")])

ACCOUNT_FIELDS = [
    Field("display_name", "display_name", rules.text(200, required=True),
          "the customer's name, 1 to 200 characters", required=True),
    Field("external_id", "external_id", rules.identifier(128),
          "the id in another system (CRM, ERP), unique among live accounts"),
    Field("industry", "industry", rules.text(100), "industry, at most 100 characters"),
    Field("region", "region", rules.text(100), "region, at most 100 characters"),
    Field("category", "category", rules.enum(account_pb2.AccountCategory.DESCRIPTOR),
          "INDUSTRY, REGIONAL or POTENTIAL"),
    Field("parent_account", "parent_account", rules.resource_name("accounts"),
          "the group parent, accounts/{account}", collection="accounts"),
    Field("owner", "owner", rules.identifier(128), "the account manager's user id"),
    Field("stage", "stage", _stage,
          "DEVELOPMENT (default), INITIAL, STABLE or STRATEGIC; on create only",
          updatable=False),
    Field("share_of_wallet_percent", "share_of_wallet_percent", rules.integer(0, 100),
          "0 to 100, within the stage's band; on create only", updatable=False),
    Field("credit_currency", "credit.credit_limit.currency_code", rules.currency,
          "ISO 4217 code of the credit limit", mask="credit.credit_limit"),
    Field("credit_limit_minor", "credit.credit_limit.minor_units", rules.integer(0, _MAX_INT64),
          "credit limit in minor units (cents)", mask="credit.credit_limit"),
    Field("payment_terms_days", "credit.payment_terms_days", rules.integer(0, 365),
          "payment terms, 0 to 365 days"),
    Field("credit_risk", "credit.risk_level", rules.enum(account_pb2.CreditRiskLevel.DESCRIPTOR),
          "LOW, MEDIUM or HIGH"),
    Field("labels", "labels", rules.labels, "labels as key=value;key=value"),
]

CONTACT_FIELDS = [
    Field("account", None, rules.resource_name("accounts", required=True),
          "the account, accounts/{account}", required=True, updatable=False,
          collection="accounts"),
    Field("display_name", "display_name", rules.text(200, required=True),
          "the person's name, 1 to 200 characters", required=True),
    Field("title", "title", rules.text(200), "job title"),
    Field("department", "department", rules.text(200), "department"),
    Field("buying_role", "buying_role", rules.enum(account_pb2.BuyingRole.DESCRIPTOR),
          "DECISION_MAKER, INFLUENCER, USER, TECHNICAL_EVALUATOR, PURCHASER or GATEKEEPER"),
    Field("influence_weight", "influence_weight", rules.integer(0, 100),
          "weight in the buying decision, 0 to 100"),
    Field("preferred_channel", "preferred_channel",
          rules.enum(account_pb2.ContactChannel.DESCRIPTOR), "PHONE, EMAIL, VISIT or MESSAGE"),
    Field("phone", "phone", rules.phone, "E.164, like +8613800138000"),
    Field("email", "email", rules.email, "email address"),
    Field("do_not_call", "do_not_call", rules.boolean, "true: never call this person"),
    Field("time_zone", "time_zone", rules.time_zone, "IANA time zone, like Asia/Shanghai"),
]

CASE_FIELDS = [
    Field("account", "account", rules.resource_name("accounts", required=True),
          "the customer, accounts/{account}", required=True, updatable=False,
          collection="accounts"),
    Field("type", "type", rules.enum(service_case_pb2.CaseType.DESCRIPTOR),
          "ROUTINE_REQUEST, COMPLAINT, FAULT_REPAIR, COLLECTION or CONTRACT_SUPERVISION",
          required=True, updatable=False),
    Field("title", "title", rules.text(200, required=True), "one line, 1 to 200 characters",
          required=True),
    Field("priority", "priority", rules.enum(service_case_pb2.CasePriority.DESCRIPTOR),
          "CRITICAL, HIGH, MEDIUM (default) or LOW"),
    Field("description", "description", rules.text(4000, multiline=True),
          "details, at most 4000 characters"),
    Field("contact", "contact", rules.resource_name("accounts", "contacts"),
          "who raised it, accounts/{account}/contacts/{contact}"),
    Field("assignee", "assignee", rules.identifier(128), "the user working on it"),
]


def tree(fields, values, keep_zero=False):
    """`values` (column -> checked value) as the keyword arguments of the
    resource message ({"credit": {"payment_terms_days": 30}, ...}). Zero
    values are left out unless `keep_zero` (an update that clears a field),
    so the same row always gives the same bytes; a credit currency makes the
    credit limit present even at 0."""
    kwargs = {}
    for field in fields:
        if field.path is None or field.column not in values:
            continue
        value = values[field.column]
        if not (value or keep_zero or (field.column == "credit_limit_minor"
                                       and values.get("credit_currency"))):
            continue
        node = kwargs
        *parents, last = field.path.split(".")
        for name in parents:
            node = node.setdefault(name, {})
        node[last] = value
    return kwargs


def fill(message, fields, values, keep_zero=False):
    """Puts `values` into `message` (see tree())."""
    message.MergeFrom(type(message)(**tree(fields, values, keep_zero)))


def cross_check(fields, values, failed=()):
    """Rules between fields of one account; (column, reason) pairs. A rule
    involving a column in `failed` (already rejected) is not checked."""
    problems = []
    if fields is not ACCOUNT_FIELDS:
        return problems
    if not {"stage", "share_of_wallet_percent"} & set(failed):
        stage = values.get("stage") or account_pb2.RELATIONSHIP_STAGE_DEVELOPMENT
        low, high = {account_pb2.RELATIONSHIP_STAGE_INITIAL: (0, 49),
                     account_pb2.RELATIONSHIP_STAGE_STABLE: (50, 79),
                     account_pb2.RELATIONSHIP_STAGE_STRATEGIC: (80, 100)}.get(stage, (0, 0))
        share = values.get("share_of_wallet_percent", 0)
        if not low <= share <= high:
            name = account_pb2.RelationshipStage.Name(stage).removeprefix("RELATIONSHIP_STAGE_")
            problems.append(("share_of_wallet_percent",
                             f"must be from {low} to {high} for stage {name} (got {share})"))
    if (values.get("credit_limit_minor") and not values.get("credit_currency")
            and "credit_currency" not in failed):
        problems.append(("credit_currency", "is required when credit_limit_minor is set"))
    return problems


def options(fields, for_create):
    """Click options for the fields: required ones are required on create;
    on update only the updatable ones, all optional."""
    def decorate(command):
        for field in reversed(fields):
            if not for_create and not field.updatable:
                continue
            command = click.option(field.flag, field.column, default=None, metavar="TEXT",
                                   required=for_create and field.required,
                                   help=field.help)(command)
        return command
    return decorate


def check_flags(fields, given):
    """Checks the flags given (column -> text, None when absent); returns
    column -> value of those given. A bad value is a usage error naming the
    flag and the rule."""
    values = {}
    by_column = {f.column: f for f in fields}
    for column, text in given.items():
        if text is None or column not in by_column:
            continue
        field = by_column[column]
        text = rules.cell(text)
        if field.collection and text.isdigit():
            text = f"{field.collection}/{text}"
        try:
            values[column] = field.check(text)
        except rules.Invalid as reason:
            raise UsageError(f"{by_column[column].flag}: {reason}") from None
    return values
