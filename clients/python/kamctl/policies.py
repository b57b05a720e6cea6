"""`kamctl policies list|get|create` (scoring service's ScoringPolicyService).

A policy has nested settings (criteria, tiering rules, maps per tier) that
flags would render badly, so `create` reads it as a JSON file: a
ScoringPolicy with the API's proto3 JSON names, as the API documents it
(protos/kam/scoring/v1/policy.proto).
"""

import json

import click
from google.protobuf import json_format

from kam.scoring.v1 import policy_pb2 as pb

from kamctl import output
from kamctl.errors import OK, UsageError
from kamctl.resources import Resource, columns_of, make_group, output_options

COLUMNS = columns_of([
    "name", "version", "display_name", "-period_days", "value_measure", "-criteria", "rank_by",
    "tiering.rank_unit", "-tiering", "-key_tiers", "-clv", "-risk", "-alerts", "used",
    "-create_time", "-update_time", "-etag"])

RESOURCE = Resource(pb, "ScoringPolicy", "policies", "policies", [], COLUMNS,
                    plural="ScoringPolicies")

group = make_group(RESOURCE, "Scoring policies: how a rating run values, ranks and tiers "
                   "accounts (scoring service). `get policies/3` is the latest version, "
                   "`get policies/3/versions/1` an earlier one.", commands=("list", "get"))


def parse_policy(text, source):
    """The ScoringPolicy of a JSON document; a usage error naming the file
    and, for a wrong field or value, the field (json_format's message)."""
    try:
        document = json.loads(text)
    except ValueError as error:
        raise UsageError(f"{source}: not JSON: {error}") from None
    if not isinstance(document, dict):
        raise UsageError(f"{source}: must be a JSON object (a ScoringPolicy)")
    try:
        return json_format.ParseDict(document, pb.ScoringPolicy())
    except json_format.ParseError as error:
        # One line (json_format lists the available fields on a second).
        raise UsageError(f"{source}: {' '.join(str(error).split())}") from None


@group.command("create", help="Creates a scoring policy from FILE (- for stdin): a "
               "ScoringPolicy as JSON with the API's field names, e.g. "
               '{"displayName": "Groups as one", "tiering": {"rankUnit": "RANK_UNIT_GROUP"}}; '
               "prints it (the service assigns its name and version 1).")
@click.option("--file", "source", required=True, type=click.File("r", encoding="utf-8"),
              help="The policy as JSON (- for stdin).")
@click.option("--request-id", default="", help="Idempotency key: sent again, the create "
              "returns what the first one made (default: a fresh UUID).")
@output_options
@click.pass_obj
def create(app, source, request_id, fmt):
    policy = parse_policy(source.read(), source.name)
    request = pb.CreateScoringPolicyRequest(policy=policy, request_id=request_id)
    output.print_one(app.session.policies.CreateScoringPolicy(request), COLUMNS, fmt)
    return OK
