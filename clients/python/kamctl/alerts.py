"""`kamctl alerts [--follow]`: the alerts rating runs raise (scoring service)."""

import json
import signal
import sys
import time

import click

from kam.scoring.v1 import alert_pb2

from kamctl import output
from kamctl.errors import OK, UNAVAILABLE, KamctlError
from kamctl.output import Column
from kamctl.resources import build_filter, list_pages, output_options, page_options, qualify, \
    quote, timestamp_flag

COLUMNS = [Column(p.lstrip("-"), table=not p.startswith("-")) for p in [
    "name", "create_time", "severity", "kind", "account", "message", "-evidence", "run",
    "-acknowledge_time", "-acknowledged_by", "-etag"]]

# How long a followed stream that the server ended (it shuts down: the API
# says reconnect) waits before reconnecting, doubling up to the last.
_RECONNECT = (0.5, 1, 2, 4, 8)


def line(alert):
    """One alert on one line, for --follow."""
    return "  ".join(c.get(alert) for c in COLUMNS if c.table)


def _follow(app, request, fmt):
    """Prints every alert the stream sends until Ctrl-C (or SIGTERM), then
    returns 0. The stream is reopened after UNAVAILABLE, from the last alert
    seen, so a restart of the service loses nothing."""
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    waits = list(_RECONNECT)
    try:
        while True:
            try:
                for alert in app.session.stream("alerts", "WatchAlerts", request):
                    waits = list(_RECONNECT)
                    text = json.dumps(output.to_json(alert)) if fmt == "json" else line(alert)
                    print(text, flush=True)
                    request.after.CopyFrom(alert.create_time)
            except KamctlError as error:
                if error.exit_code != UNAVAILABLE or not waits:
                    raise
                print(f"kamctl: {error}; reconnecting", file=sys.stderr)
                time.sleep(waits.pop(0))
    except KeyboardInterrupt:
        return OK


@click.command("alerts", help="Lists alerts, newest first. With --follow, prints each new "
               "alert as a run raises it (one line each; one JSON object per line with --json) "
               "until Ctrl-C, which ends it with exit code 0.")
@click.option("--filter", help="The API's filter: account, kind, severity, run, acknowledged.")
@click.option("--account", help="Only this account.")
@click.option("--kind", help="Only this kind (TIER_DROP, CHURN_RISK_HIGH, SLA_BREACHES, "
              "OVERDUE_RECEIVABLES, DESIGNATION_LAPSED, AGREEMENT_ENDING).")
@click.option("--severity", help="Only this severity (WARNING, CRITICAL).")
@click.option("--run", help="Only alerts of this run.")
@click.option("--unacknowledged", is_flag=True, help="Only alerts not acknowledged yet.")
@click.option("--follow", "-f", is_flag=True, help="Tail the alert stream until Ctrl-C.")
@click.option("--since", help="With --follow: first the alerts raised after this RFC 3339 "
              "time (default: only new ones).")
@output_options
@page_options
@click.pass_obj
def alerts(app, filter, account, kind, severity, run, unacknowledged, follow, since, fmt,
           page_size, page_token, all_pages):
    conditions = []
    if account:
        conditions.append(f"account = {quote(qualify(account, 'accounts'))}")
    if kind:
        conditions.append(f"kind = {kind.upper()}")
    if severity:
        conditions.append(f"severity = {severity.upper()}")
    if run:
        conditions.append(f"run = {quote(qualify(run, 'ratingRuns'))}")
    if unacknowledged:
        conditions.append("acknowledged = false")
    expression = build_filter(filter, conditions)
    if follow:
        request = alert_pb2.WatchAlertsRequest(filter=expression)
        if since:
            timestamp_flag("--since", since, request.after)
        return _follow(app, request, fmt)
    request = alert_pb2.ListAlertsRequest(page_size=page_size, page_token=page_token,
                                          filter=expression)
    items, token = list_pages(app.session.alerts.ListAlerts, request, "alerts", all_pages)
    output.print_list(items, COLUMNS, fmt, "alerts", token)
    return OK
