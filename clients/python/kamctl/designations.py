"""`kamctl designations list|get|create|end` (scoring service's
DesignationService): accounts designated key accounts besides their tier
(strategic, under a long-term agreement, potential), each with why, who
decided and until when. A designation is never updated or deleted: it is
ended early, and kept."""

import click

from kam.scoring.v1 import designation_pb2 as pb

from kamctl import output
from kamctl.errors import OK
from kamctl.resources import Resource, columns_of, make_group, output_options, qualify, \
    timestamp_flag

COLUMNS = columns_of([
    "name", "account", "kind", "active", "-start_time", "end_time", "decided_by", "reason",
    "-create_time", "-ended_by", "-end_reason"])

RESOURCE = Resource(pb, "Designation", "designations", "designations", [], COLUMNS,
                    filters=("account",), filter_example="kind = STRATEGIC AND active = true")

group = make_group(RESOURCE, "Key-account designations: an account is a key account while "
                   "it holds an active designation, whatever its tier (scoring service). "
                   "list --filter takes account, kind and active.",
                   commands=("list", "get"))

# --kind: the DesignationKind values, as a person types them.
KINDS = {"strategic": pb.DESIGNATION_KIND_STRATEGIC,
         "long-term-agreement": pb.DESIGNATION_KIND_LONG_TERM_AGREEMENT,
         "potential": pb.DESIGNATION_KIND_POTENTIAL}


@group.command("create", help="Designates ACCOUNT (accounts/{id} or its id) a key account "
               "until --end-time; prints the designation. An account holds at most one "
               "designation of a kind at a time.")
@click.argument("account")
@click.option("--kind", required=True, type=click.Choice(list(KINDS), case_sensitive=False),
              help="Why it is a key account.")
@click.option("--reason", required=True, help="The decision in words (1 to 1000 characters).")
@click.option("--end-time", required=True, metavar="RFC3339",
              help="When it lapses (exclusive), e.g. 2027-12-31T00:00:00Z; at most ten "
              "years after it starts.")
@click.option("--start-time", metavar="RFC3339", help="When it takes effect (default now; "
              "at most a year in the past).")
@click.option("--request-id", default="", help="Idempotency key: sent again, the create "
              "returns what the first one made (default: a fresh UUID).")
@output_options
@click.pass_obj
def create(app, account, kind, reason, end_time, start_time, request_id, fmt):
    designation = pb.Designation(account=qualify(account, "accounts"), kind=KINDS[kind.lower()],
                                 reason=reason)
    timestamp_flag("--end-time", end_time, designation.end_time)
    if start_time:
        timestamp_flag("--start-time", start_time, designation.start_time)
    request = pb.CreateDesignationRequest(designation=designation, request_id=request_id)
    output.print_one(app.session.designations.CreateDesignation(request), COLUMNS, fmt)
    return OK


@group.command("end", help="Ends a designation now, before its end time: it is kept, with "
               "who ended it and why, and is no longer active.")
@click.argument("name")
@click.option("--reason", required=True, help="Why it ends early (1 to 1000 characters).")
@output_options
@click.pass_obj
def end(app, name, reason, fmt):
    request = pb.EndDesignationRequest(name=qualify(name, "designations"), reason=reason)
    output.print_one(app.session.designations.EndDesignation(request), COLUMNS, fmt)
    return OK
