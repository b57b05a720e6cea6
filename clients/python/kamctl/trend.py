"""`kamctl trend`: one account's value, churn risk and health across the
rating runs that rated it, with each series' trend (ReportService
GetAccountTrend), and a series' sparkline as an SVG file."""

import click

from kam.scoring.v1 import rating_pb2, report_pb2

from kamctl import output
from kamctl.errors import OK, KamctlError
from kamctl.output import short_enum
from kamctl.resources import output_options, qualify
from kamctl.scoring import tier, write_svg

_DIRECTION = report_pb2.TrendDirection.DESCRIPTOR
_SERIES = ("health", "churn_risk", "value")


def _latest_policy(app):
    """The policy of the newest run that has SUCCEEDED."""
    runs = app.session.ratings.ListRatingRuns(
        rating_pb2.ListRatingRunsRequest(page_size=1, filter="state = SUCCEEDED")).runs
    if not runs:
        raise KamctlError("no rating run has SUCCEEDED yet: name a policy with --policy", 2)
    return runs[0].policy


def describe(name, trend):
    """'health -5.10/run DECLINING' (hundredths shown as units)."""
    slope = trend.slope_hundredths / 100
    return f"{name} {slope:+.2f}/run {short_enum(_DIRECTION, trend.direction)}"


@click.command("trend", help="An account's value, churn risk and health across rating runs "
               "(oldest first), each with its least-squares slope per run and direction "
               "(stable within 1 point per run, or 1% of the mean value per run).")
@click.argument("account")
@click.option("--policy", help="The policy whose runs to read (default: the policy of the "
              "newest run that has SUCCEEDED).")
@click.option("--runs", "run_count", type=click.IntRange(1, 100), default=None,
              help="How many of the newest runs that rated the account (default 12).")
@click.option("--run", "named_runs", multiple=True,
              help="Exactly this run (repeatable) instead of the newest ones.")
@click.option("--svg", "svg_path", type=click.Path(dir_okay=False),
              help="Write a series' sparkline here.")
@click.option("--series", type=click.Choice(_SERIES), default="health", show_default=True,
              help="The series --svg draws.")
@output_options
@click.pass_obj
def trend(app, account, policy, run_count, named_runs, svg_path, series, fmt):
    account_id = qualify(account, "accounts").rsplit("/", 1)[-1]
    if policy:
        policy = qualify(policy, "policies")
    elif not named_runs:
        policy = _latest_policy(app)
    else:
        policy = "policies/-"
    request = report_pb2.GetAccountTrendRequest(
        name=f"{policy}/accountTrends/{account_id}", run_count=run_count or 0,
        runs=[qualify(run, "ratingRuns") for run in named_runs])
    t = app.session.reports.GetAccountTrend(request)
    rows = [(p.rating_run, p.as_of.ToJsonString(), p.value.minor_units, p.value.currency_code,
             p.churn_risk, p.health, tier(p.tier)) for p in t.points]
    title = (f"accounts/{account_id} over {len(t.points)} runs of {policy}: "
             f"{describe('health', t.health)}, {describe('churn risk', t.churn_risk)}, "
             f"{describe('value', t.value)}")
    output.print_rows(["run", "as_of", "value", "currency", "churn_risk", "health", "tier"],
                      rows, fmt, title=title, document=output.to_json(t))
    if svg_path:
        write_svg(svg_path, getattr(t, series).svg)
    return OK
