"""The key-account programme's reports: `kamctl effort` (effort against value
per tier) and `kamctl appraisals` (account managers over a run's period),
both from the scoring service's ReportService."""

import click

from kam.scoring.v1 import report_pb2

from kamctl import output
from kamctl.errors import OK
from kamctl.output import Column, short_enum
from kamctl.resources import list_pages, output_options, page_options, qualify
from kamctl.scoring import write_svg, percent, svg_option, tier

_BALANCE = report_pb2.EffortBalance.DESCRIPTOR


@click.command("effort", help="Effort against value of a run: per tier, the share of value "
               "beside the share of activities and of cost to serve, and which tiers are over- "
               "or under-served.")
@click.argument("run")
@click.option("--tolerance", type=click.FloatRange(0, 100), default=None,
              help="Percentage points a tier's effort may stray from its value (default 10).")
@svg_option
@output_options
@click.pass_obj
def effort(app, run, tolerance, svg_path, fmt):
    request = report_pb2.GetEffortReportRequest(run=qualify(run, "ratingRuns"))
    if tolerance is not None:
        request.tolerance_bp = round(tolerance * 100)
    report = app.session.reports.GetEffortReport(request)
    rows = [(tier(t.pyramid.tier), t.pyramid.account_count, percent(t.pyramid.value_share_bp),
             percent(t.activity_share_bp), percent(t.cost_share_bp),
             short_enum(_BALANCE, t.balance)) for t in report.tiers]
    verdict = ("effort follows value" if report.effort_follows_value
               else "effort does not follow value")
    output.print_rows(["tier", "accounts", "value", "activities", "cost_to_serve", "balance"],
                      rows, fmt, title=f"{report.run}: {verdict} (tolerance "
                      f"{percent(report.tolerance_bp)})", document=output.to_json(report))
    if svg_path:
        write_svg(svg_path, report.svg)
    return OK


APPRAISAL_COLUMNS = [Column(header, path, table=table) for header, path, table in [
    ("owner", "owner", True), ("accounts", "account_count", True),
    ("key", "key_account_count", True), ("value", "total_value_minor", True),
    ("clv", "total_clv_minor", False), ("promoted", "promoted", True),
    ("demoted", "demoted", True), ("new", "new_accounts", False), ("churned", "churned", True),
    ("won_back", "won_back", True), ("csat", "csat_average_hundredths", True),
    ("csat_responses", "csat_responses", False), ("complaints", "complaints", True),
    ("disputes", "disputes", True), ("sla_breaches", "sla_breaches", True),
    ("overdue_follow_ups", "overdue_follow_ups", True), ("handovers", "handovers", True),
    ("currency", "currency_code", False)]]


@click.command("appraisals", help="Account managers over a run's period: their accounts' "
               "value, movements, satisfaction, complaints and disputes, SLA breaches, overdue "
               "follow-ups and handovers (csat in hundredths: 425 is 4.25).")
@click.argument("run")
@click.option("--owner", default="", help="Only this account manager.")
@page_options
@output_options
@click.pass_obj
def appraisals(app, run, owner, page_size, page_token, all_pages, fmt):
    request = report_pb2.ListManagerAppraisalsRequest(
        run=qualify(run, "ratingRuns"), owner=owner, page_size=page_size, page_token=page_token)
    items, token = list_pages(app.session.reports.ListManagerAppraisals, request, "appraisals",
                              all_pages)
    output.print_list(items, APPRAISAL_COLUMNS, fmt, "appraisals", token)
    return OK


def _rollup_rows(r):
    """(figure, value) lines of a GroupRollup, money in minor units."""
    rec, credit, tiers = r.receivables, r.credit, r.tier_counts
    limit = (f"{credit.limit_minor} {credit.limit_currency_code}" if credit.has_limit
             else "none")
    return [("members", r.member_count), ("revenue", r.revenue_minor),
            ("gross_profit", r.gross_profit_minor), ("cost_to_serve", r.cost_to_serve_minor),
            ("profit", r.profit_minor), ("lifetime_value", r.lifetime_value_minor),
            ("value", r.value_minor), ("receivables", rec.receivables_minor),
            ("receivables_current", rec.current_minor), ("overdue_1_30", rec.days_1_30_minor),
            ("overdue_31_60", rec.days_31_60_minor), ("overdue_61_90", rec.days_61_90_minor),
            ("overdue_over_90", rec.days_over_90_minor), ("overdue", rec.overdue_minor),
            ("credit_exposure", credit.exposure_minor), ("group_credit_limit", limit),
            ("headroom", credit.headroom_minor if credit.headroom_defined else ""),
            ("open_pipeline", r.open_pipeline_minor),
            ("weighted_pipeline", r.weighted_pipeline_minor),
            ("open_cases", r.open_case_count), ("sla_breaches", r.sla_breach_count),
            ("complaints", r.complaint_count), ("activities", r.activity_count),
            ("csat_answers", r.csat_count),
            ("csat_average", f"{r.csat_average_hundredths / 100:.2f}"),
            ("health", r.health), ("churn_risk", r.churn_risk),
            ("tiers_a_b_c_d", f"{tiers.a}/{tiers.b}/{tiers.c}/{tiers.d}"),
            ("not_tiered", r.not_tiered_count)]


@click.command("rollup", help="A group customer's figures summed over its subtree in one run "
               "(GetGroupRollup): revenue, profit, receivables by age, credit against the group "
               "limit, pipeline, cases, satisfaction, value-weighted health and risk, tier mix.")
@click.argument("run")
@click.argument("account")
@output_options
@click.pass_obj
def rollup(app, run, account, fmt):
    name = f"{qualify(run, 'ratingRuns')}/groupRollups/{account.rsplit('/', 1)[-1]}"
    r = app.session.reports.GetGroupRollup(report_pb2.GetGroupRollupRequest(name=name))
    output.print_rows(["figure", "value"], _rollup_rows(r), fmt,
                      title=f"{r.account} over {r.rating_run} ({r.currency_code}, minor units)",
                      document=output.to_json(r))
    return OK
