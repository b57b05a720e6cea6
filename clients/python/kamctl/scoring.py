"""Rating runs and their reports: `kamctl rate`, `runs`, `pyramid`,
`pareto`, `diff` (scoring service)."""

import html
import sys
import time

import click
from tqdm import tqdm

from kam.account.v1 import account_pb2
from kam.scoring.v1 import rating_pb2, report_pb2

from kamctl import output
from kamctl.errors import OK, RUN_FAILED, KamctlError, INTERRUPTED
from kamctl.output import Column, short_enum
from kamctl.resources import list_pages, output_options, page_options, qualify, quote, \
    build_filter, timestamp_flag

_ENDED = (rating_pb2.RUN_STATE_SUCCEEDED, rating_pb2.RUN_STATE_FAILED,
          rating_pb2.RUN_STATE_CANCELLED)
_TIER = account_pb2.Tier.DESCRIPTOR


def tier(number):
    return short_enum(_TIER, number) or "-"


def percent(bp):
    return f"{bp / 100:.2f}%"


RUN_COLUMNS = [Column(header, path, table=table) for header, path, table in [
    ("name", "name", True), ("policy", "policy", True), ("version", "policy_version", True),
    ("state", "state", True), ("accounts", "accounts_total", True),
    ("rated", "accounts_processed", True), ("published", "accounts_published", True),
    ("A", "tier_counts.a", True), ("B", "tier_counts.b", True), ("C", "tier_counts.c", True),
    ("D", "tier_counts.d", True), ("created", "create_time", True),
    ("started", "start_time", False), ("ended", "end_time", False), ("as_of", "as_of", False),
    ("actor", "actor", False), ("resumes", "resumes", False), ("error", "error", True)]]


def run_outcome(run):
    counts = run.tier_counts
    state = short_enum(rating_pb2.RunState.DESCRIPTOR, run.state)
    text = (f"{run.name}: {state}, {run.accounts_processed} of {run.accounts_total} accounts "
            f"rated, {run.accounts_published} published; tiers A {counts.a}, B {counts.b}, "
            f"C {counts.c}, D {counts.d}")
    if run.start_time.seconds and run.end_time.seconds:
        text += f"; {run.end_time.seconds - run.start_time.seconds} s"
    return text + (f"; error: {run.error}" if run.error else "")


def _wait(ratings, run, no_progress, interval=0.25):
    """Polls the run until it ends, with two bars: rated, then published."""
    bars = [tqdm(total=None, unit="accounts", desc=desc, file=sys.stderr, disable=no_progress,
                 position=position, leave=True)
            for position, desc in enumerate(("rated    ", "published"))]
    try:
        while True:
            for bar, done in zip(bars, (run.accounts_processed, run.accounts_published)):
                if run.accounts_total and bar.total != run.accounts_total:
                    bar.total = run.accounts_total
                bar.update(done - bar.n)
            bars[0].set_postfix_str(short_enum(rating_pb2.RunState.DESCRIPTOR, run.state))
            if run.state in _ENDED:
                return run
            time.sleep(interval)
            run = ratings.GetRatingRun(rating_pb2.GetRatingRunRequest(name=run.name))
    finally:
        for bar in bars:
            bar.close()


@click.command("rate", help="Starts a rating run of a scoring policy. With --wait, shows its "
               "progress (accounts rated, then published) until it ends and prints the "
               "outcome: exit code 0 when it SUCCEEDED, 10 when it FAILED or was CANCELLED.")
@click.option("--policy", required=True, help="policies/{policy} (its latest version), "
              "policies/{policy}/versions/{version}, or the policy's id.")
@click.option("--as-of", help="Rate as of this RFC 3339 time (default now).")
@click.option("--wait", is_flag=True, help="Follow the run until it ends.")
@click.option("--request-id", default="", help="Idempotency key (default: a fresh UUID).")
@click.option("--no-progress", is_flag=True, help="With --wait: no progress bars.")
@click.option("--json", "fmt", flag_value="json", help="The run as JSON.")
@click.pass_obj
def rate(app, policy, as_of, wait, request_id, no_progress, fmt):
    request = rating_pb2.StartRatingRunRequest(policy=qualify(policy, "policies"),
                                               request_id=request_id)
    if as_of:
        timestamp_flag("--as-of", as_of, request.as_of)
    ratings = app.session.ratings
    run = ratings.StartRatingRun(request)
    print(f"started {run.name} of {run.policy} version {run.policy_version}", file=sys.stderr)
    if wait:
        try:
            run = _wait(ratings, run, no_progress)
        except KeyboardInterrupt:
            print(f"stopped waiting; {run.name} goes on (kamctl runs)", file=sys.stderr)
            return INTERRUPTED
    if fmt == "json":
        output.print_one(run, RUN_COLUMNS, "json")
    else:
        print(run_outcome(run) if wait else run.name)
    if wait and run.state != rating_pb2.RUN_STATE_SUCCEEDED:
        return RUN_FAILED
    return OK


@click.command("runs", help="Lists rating runs, newest first.")
@click.option("--filter", help="The API's filter: state, policy.")
@click.option("--state", help="Only runs in this state (SUCCEEDED, RUNNING, ...).")
@click.option("--policy", help="Only runs of this policy.")
@output_options
@page_options
@click.pass_obj
def runs(app, filter, state, policy, fmt, page_size, page_token, all_pages):
    conditions = [f"state = {state.upper()}"] if state else []
    if policy:
        conditions.append(f"policy = {quote(qualify(policy, 'policies'))}")
    request = rating_pb2.ListRatingRunsRequest(page_size=page_size, page_token=page_token,
                                               filter=build_filter(filter, conditions))
    items, token = list_pages(app.session.ratings.ListRatingRuns, request, "runs", all_pages)
    output.print_list(items, RUN_COLUMNS, fmt, "runs", token)
    return OK


# --svg FILE: where a report command writes its chart.
svg_option = click.option("--svg", "svg_path", type=click.Path(dir_okay=False),
                          help="Write the chart here.")


def write_svg(path, svg):
    try:
        with open(path, "w", encoding="utf-8") as f:
            f.write(svg)
    except OSError as error:
        raise KamctlError(f"cannot write {path}: {error.strerror}", 2) from None
    print(f"wrote {path}", file=sys.stderr)


def pyramid_svg(report):
    """The customer pyramid as an SVG: A at the top, the bands equally tall,
    each with its letter inside and its count and shares beside it (the
    report carries no chart of its own)."""
    width, band, gap, top = 720, 70, 6, 40
    height = top + 4 * band + 3 * gap + 20
    apex, base = 200, 180        # the pyramid's axis and half its base
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="13">',
             f"<title>Customer pyramid of {html.escape(report.run)}</title>",
             f'<text x="{width / 2}" y="22" text-anchor="middle" font-size="16">'
             f"Customer pyramid, {html.escape(report.run)} "
             f"({report.account_count} accounts)</text>"]
    colours = ("#1b4f72", "#2874a6", "#5dade2", "#aed6f1")
    total = 4 * band + 3 * gap
    for i, t in enumerate(report.tiers):
        y0 = top + i * (band + gap)
        y1 = y0 + band
        half0, half1 = base * (y0 - top) / total, base * (y1 - top) / total
        points = (f"{apex - half0:.1f},{y0} {apex + half0:.1f},{y0} "
                  f"{apex + half1:.1f},{y1} {apex - half1:.1f},{y1}")
        middle = (y0 + y1) / 2 + 5
        parts.append(f'<polygon points="{points}" fill="{colours[i % 4]}"/>')
        parts.append(f'<text x="{apex}" y="{middle + 8 if i == 0 else middle}" '
                     f'text-anchor="middle" fill="{"#fff" if i < 2 else "#000"}" '
                     f'font-weight="bold">{tier(t.tier)}</text>')
        label = (f"{t.account_count} accounts ({percent(t.account_share_bp)}), "
                 f"{percent(t.value_share_bp)} of value")
        parts.append(f'<text x="{apex + base + 20}" y="{middle}">{html.escape(label)}</text>')
    parts.append("</svg>\n")
    return "\n".join(parts)


@click.command("pyramid", help="The customer pyramid of a run: accounts and value per tier.")
@click.argument("run")
@svg_option
@output_options
@click.pass_obj
def pyramid(app, run, svg_path, fmt):
    report = app.session.reports.GetPyramidReport(
        report_pb2.GetPyramidReportRequest(run=qualify(run, "ratingRuns")))
    currency = f" ({report.currency_code}, minor units)" if report.currency_code else ""
    rows = [(tier(t.tier), t.account_count, percent(t.account_share_bp), t.total_value_minor,
             percent(t.value_share_bp)) for t in report.tiers]
    output.print_rows(["tier", "accounts", "account_share", "value_minor", "value_share"], rows,
                      fmt, title=f"{report.run}: {report.account_count} accounts, value "
                      f"{report.total_value_minor}{currency}",
                      document=output.to_json(report))
    if svg_path:
        write_svg(svg_path, pyramid_svg(report))
    return OK


@click.command("pareto", help="The Pareto curve of a run: the share of value the top x% of "
               "accounts hold.")
@click.argument("run")
@click.option("--top", "tops", multiple=True, type=click.FloatRange(0.01, 100),
              help="A top share in percent (repeatable; default 1 5 10 20 50 80 100).")
@svg_option
@output_options
@click.pass_obj
def pareto(app, run, tops, svg_path, fmt):
    report = app.session.reports.GetParetoReport(report_pb2.GetParetoReportRequest(
        run=qualify(run, "ratingRuns"), top_shares_bp=[round(t * 100) for t in tops]))
    rows = [(percent(p.top_share_bp), p.account_count, percent(p.value_share_bp))
            for p in report.points]
    output.print_rows(["top", "accounts", "value_share"], rows, fmt,
                      title=f"{report.run}: {report.summary}", document=output.to_json(report))
    if svg_path:
        write_svg(svg_path, report.svg)
    return OK


def _ratings(app, run):
    """account -> tier of every rating of a run."""
    request = rating_pb2.ListAccountRatingsRequest(parent=run, page_size=1000)
    items, _ = list_pages(app.session.ratings.ListAccountRatings, request, "ratings", True)
    return {r.account: r.tier for r in items}


@click.command("diff", help="Who moved between two runs: the tier-to-tier counts "
               "(CompareRatingRuns), and with --accounts each account that changed tier.")
@click.argument("from_run", metavar="RUN1")
@click.argument("to_run", metavar="RUN2")
@click.option("--accounts", "per_account", is_flag=True,
              help="Also list every account whose tier differs (reads both runs' ratings).")
@output_options
@click.pass_obj
def diff(app, from_run, to_run, per_account, fmt):
    from_run, to_run = qualify(from_run, "ratingRuns"), qualify(to_run, "ratingRuns")
    report = app.session.reports.CompareRatingRuns(
        report_pb2.CompareRatingRunsRequest(from_run=from_run, to_run=to_run))
    rows = [(tier(m.from_tier), tier(m.to_tier), m.count) for m in report.moves
            if m.from_tier != m.to_tier]
    document = output.to_json(report)
    if per_account:
        before, after = _ratings(app, from_run), _ratings(app, to_run)
        moved = sorted((a for a in set(before) | set(after)
                        if before.get(a, 0) != after.get(a, 0)),
                       key=lambda a: int(a.rsplit("/", 1)[-1]))
        rows = [(tier(before.get(a, 0)), tier(after.get(a, 0)), 1, a) for a in moved]
        document["accounts"] = [{"account": a, "fromTier": tier(before.get(a, 0)),
                                 "toTier": tier(after.get(a, 0))} for a in moved]
    headers = ["from", "to", "accounts"] + (["account"] if per_account else [])
    output.print_rows(headers, rows, fmt, document=document,
                      title=f"{from_run} -> {to_run}: {report.promoted} promoted, "
                      f"{report.demoted} demoted, {report.unchanged} unchanged, "
                      f"{report.new_accounts} new, {report.dropped_accounts} dropped")
    return OK
