"""`kamctl credit-hold show|lift` (interaction service's CreditHoldService):
payment discipline, three strikes (docs/domain.md §8). An account whose
invoices went unpaid too long past due too many times is on credit hold:
its orders on credit are refused until someone lifts the hold with a
reason (a lift is kept, never deleted)."""

import click

from kam.interaction.v1 import billing_pb2 as pb

from kamctl import output
from kamctl.errors import OK
from kamctl.resources import columns_of, output_options, qualify

HEADERS = ["invoice", "due_time", "days_past_due", "paid", "counts"]


def _hold_name(account):
    return qualify(account, "accounts") + "/creditHold"


def _day(timestamp):
    return timestamp.ToDatetime().strftime("%Y-%m-%d")


def _print_hold(hold, fmt):
    """A line that says where the account stands, then its strikes."""
    state = "ON HOLD" if hold.on_hold else "not on hold"
    since = (f", {hold.strikes_after_last_lift} since the last lift"
             if hold.HasField("last_lift") else "")
    title = (f"{hold.name}: {state}; strikes {hold.strike_count}{since} (hold from "
             f"{hold.strike_threshold}; a strike is an invoice unpaid more than "
             f"{hold.strike_days} days past due)")
    if hold.HasField("last_lift"):
        lift = hold.last_lift
        title += (f"\nlast lift {lift.lift_time.ToJsonString()} by {lift.actor} at "
                  f"{lift.strike_count} strikes: {lift.reason}")
    rows = [[s.invoice, _day(s.due_time), s.days_past_due, "paid late" if s.paid else "open",
             "yes" if s.after_last_lift else "lifted"] for s in hold.strikes]
    output.print_rows(HEADERS, rows, fmt, title=title, document=output.to_json(hold))


@click.group("credit-hold", help="Credit holds (three strikes, interaction service): "
             "an account with too many invoices unpaid long past due takes no orders on "
             "credit until the hold is lifted (docs/domain.md §8).")
def group():
    pass


@group.command("show", help="Whether ACCOUNT (accounts/{id} or its id) is on credit hold, "
               "its strikes (newest due first, at most 100) and the last lift.")
@click.argument("account")
@output_options
@click.pass_obj
def show(app, account, fmt):
    request = pb.GetCreditHoldRequest(name=_hold_name(account))
    _print_hold(app.session.credit_holds.GetCreditHold(request), fmt)
    return OK


@group.command("lift", help="Lifts ACCOUNT's credit hold: the strikes it has now are "
               "covered, a new one puts it back on hold. Kept with who lifted it and why.")
@click.argument("account")
@click.option("--reason", required=True, help="Why (1 to 1000 characters).")
@click.option("--request-id", default="", help="Idempotency key: sent again, the lift "
              "records nothing more (default: a fresh UUID).")
@output_options
@click.pass_obj
def lift(app, account, reason, request_id, fmt):
    request = pb.LiftCreditHoldRequest(name=_hold_name(account), reason=reason,
                                       request_id=request_id)
    _print_hold(app.session.credit_holds.LiftCreditHold(request), fmt)
    return OK


POLICY_COLUMNS = columns_of(["name", "strike_days", "strike_threshold", "update_time",
                             "updated_by", "-etag"])


@group.command("policy", help="Shows the credit hold settings; with --strike-days or "
               "--strike-threshold, changes them (admin only) and shows the result.")
@click.option("--strike-days", type=int, help="An invoice unpaid more than this many days "
              "past due is a strike (0 to 3650).")
@click.option("--strike-threshold", type=int, help="An account with this many strikes is "
              "on hold (1 to 100).")
@output_options
@click.pass_obj
def policy(app, strike_days, strike_threshold, fmt):
    holds = app.session.credit_holds
    if strike_days is None and strike_threshold is None:
        answer = holds.GetCreditHoldPolicy(pb.GetCreditHoldPolicyRequest())
    else:
        change = pb.CreditHoldPolicy()
        if strike_days is not None:
            change.strike_days = strike_days
        if strike_threshold is not None:
            change.strike_threshold = strike_threshold
        answer = holds.UpdateCreditHoldPolicy(pb.UpdateCreditHoldPolicyRequest(policy=change))
    output.print_one(answer, POLICY_COLUMNS, fmt)
    return OK
