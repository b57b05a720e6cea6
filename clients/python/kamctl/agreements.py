"""`kamctl agreements list|get|create|terminate` (interaction service's
AgreementService): the cooperation agreement of a key account, its term,
the services it covers, the price policy, the cooperation model and owner,
with renewal and notice (docs/domain.md §6a). An agreement is never
deleted: it ends, or is terminated early with a reason, and kept."""

import click

from kam.interaction.v1 import agreement_pb2 as pb

from kamctl import output
from kamctl.errors import OK
from kamctl.resources import Resource, columns_of, make_group, output_options, qualify, \
    timestamp_flag

COLUMNS = columns_of([
    "name", "account", "title", "state", "cooperation_model", "-start_time", "end_time",
    "notice_deadline", "owner", "-services_covered", "-price_policy.discount_bp",
    "-price_policy.description", "-auto_renew", "-renewal_term_months", "-notice_period_days",
    "-renewal_end_time", "-terminate_time", "-termination_reason", "-terminated_by",
    "-create_time", "-update_time", "-etag"])

RESOURCE = Resource(pb, "Agreement", "agreements", "agreements", [], COLUMNS,
                    filters=("account",),
                    filter_example='state = ACTIVE AND notice_deadline < "2027-03-01T00:00:00Z"')

group = make_group(RESOURCE, "Cooperation agreements of key accounts, soonest end first "
                   "(interaction service). list --filter takes account, owner, state, "
                   "cooperation_model, start_time, end_time and notice_deadline.",
                   commands=("list", "get"))

# --model: the CooperationModel values, as a person types them.
MODELS = {"strategic-partnership": pb.COOPERATION_MODEL_STRATEGIC_PARTNERSHIP,
          "framework": pb.COOPERATION_MODEL_FRAMEWORK,
          "project": pb.COOPERATION_MODEL_PROJECT,
          "exclusive-supply": pb.COOPERATION_MODEL_EXCLUSIVE_SUPPLY}


@group.command("create", help="Creates a cooperation agreement of ACCOUNT (accounts/{id} or "
               "its id) from START to END; prints it.")
@click.argument("account")
@click.option("--title", required=True, help="One line, 1 to 200 characters.")
@click.option("--model", required=True, type=click.Choice(list(MODELS), case_sensitive=False),
              help="The cooperation model.")
@click.option("--start-time", required=True, metavar="RFC3339", help="When the term starts.")
@click.option("--end-time", required=True, metavar="RFC3339",
              help="When it ends (after the start, a term of at most ten years).")
@click.option("--service", "services", multiple=True,
              help="A service covered (repeat the flag; at most 50).")
@click.option("--discount-bp", type=int, default=0, help="Price policy: the discount, basis "
              "points (0 to 10000).")
@click.option("--price-terms", default="", help="Price policy in words.")
@click.option("--notice-days", type=int, default=0, help="Notice period, days (0 to 365).")
@click.option("--renew-months", type=int, default=0, help="Renews itself by this many months "
              "(1 to 120); 0: no automatic renewal.")
@click.option("--owner", default="", help="Who owns it (default: the account's owner).")
@click.option("--request-id", default="", help="Idempotency key: sent again, the create "
              "returns what the first one made (default: a fresh UUID).")
@output_options
@click.pass_obj
def create(app, account, title, model, start_time, end_time, services, discount_bp,
           price_terms, notice_days, renew_months, owner, request_id, fmt):
    agreement = pb.Agreement(
        account=qualify(account, "accounts"), title=title, cooperation_model=MODELS[model.lower()],
        services_covered=services, owner=owner, notice_period_days=notice_days,
        auto_renew=renew_months > 0, renewal_term_months=renew_months,
        price_policy=pb.AgreementPricePolicy(discount_bp=discount_bp, description=price_terms))
    timestamp_flag("--start-time", start_time, agreement.start_time)
    timestamp_flag("--end-time", end_time, agreement.end_time)
    request = pb.CreateAgreementRequest(agreement=agreement, request_id=request_id)
    output.print_one(app.session.agreements.CreateAgreement(request), COLUMNS, fmt)
    return OK


@group.command("terminate", help="Ends an agreement early (now, or at --at): it is kept, "
               "with who terminated it and why, and cannot change afterwards.")
@click.argument("name")
@click.option("--reason", required=True, help="Why (1 to 1000 characters).")
@click.option("--at", "at_time", metavar="RFC3339", help="When it takes effect (default now).")
@output_options
@click.pass_obj
def terminate(app, name, reason, at_time, fmt):
    request = pb.TerminateAgreementRequest(name=qualify(name, "agreements"), reason=reason)
    if at_time:
        timestamp_flag("--at", at_time, request.terminate_time)
    output.print_one(app.session.agreements.TerminateAgreement(request), COLUMNS, fmt)
    return OK
