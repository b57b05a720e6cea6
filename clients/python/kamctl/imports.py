"""`kamctl import accounts|contacts FILE.csv`.

Every row is checked first (kamctl.rows); the rejected ones are reported
(line, column, reason) and the valid ones land through BatchCreateAccounts /
BatchCreateContacts in batches of up to 500, several batches in flight,
with a progress bar. Each row carries a request id derived from its content
(rows.request_id), so a re-run, or a batch re-sent after UNAVAILABLE,
creates nothing twice. A batch the service refuses for one row (the error
names requests[i]) is sent again without that row, which is reported like
the others; so is a row refused for a reason the file cannot show (an
external id already taken, a parent that does not exist).
"""

import concurrent.futures
import json
import re
import sys
import threading
import time

import click
import grpc
from tqdm import tqdm

from kam.account.v1 import account_pb2 as pb
from kam_client import KamError

from kamctl import rows
from kamctl.errors import OK, ROWS_REJECTED, KamctlError, UsageError, call_failure

MAX_BATCH = 500
# Per call, on UNAVAILABLE and RESOURCE_EXHAUSTED (kam_client's backoff,
# 0.1 s doubling): about 50 s, so an import rides out a service restart.
ATTEMPTS = 10
# Codes for which the service names the row it refused (requests[i]).
_ROW_CODES = (grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.ALREADY_EXISTS,
              grpc.StatusCode.NOT_FOUND, grpc.StatusCode.FAILED_PRECONDITION)
# "requests[3].account.display_name must not be empty" (a field of the item),
# "requests[3]: account accounts/9 not found" (the item as a whole).
_ITEM = re.compile(r"requests\[(\d+)\](?:\.([a-z_.]+) |: )(.*)", re.S)
# A batch answered ABORTED (an item's request id taken by a concurrent call
# meanwhile) is sent again: the item then answers that call's result.
_ABORTED_RETRIES = 5

_CALLS = {
    "accounts": ("BatchCreateAccounts", pb.BatchCreateAccountsRequest, "accounts"),
    "contacts": ("BatchCreateContacts", pb.BatchCreateContactsRequest, "contacts"),
}


def column_of(kind, path):
    """The CSV column of a field path in an error ("account.credit.risk_level"
    -> "credit_risk"; "parent" -> "account"), or "" when none is."""
    path = path.split(".", 1)[1] if "." in path else path
    if path == "parent":
        return "account"
    for field in kind.fields:
        if field.path and (path == field.path or path.startswith(field.path + ".")
                           or field.path.startswith(path + ".")):
            return field.column
    return ""


class Landing:
    """Sends the valid rows and collects what became of them."""

    def __init__(self, session, kind, batch_size, in_flight, progress):
        self.service = session.raw("accounts")
        self.address = session.address("accounts")
        self.kind = kind
        self.batch_size = batch_size
        self.in_flight = in_flight
        self.progress = progress
        self.rejections = []
        self.names = {}      # line -> created (or earlier created) resource name
        self._lock = threading.Lock()

    def run(self, valid):
        batches = [valid[i:i + self.batch_size] for i in range(0, len(valid), self.batch_size)]
        with concurrent.futures.ThreadPoolExecutor(self.in_flight) as pool:
            futures = [pool.submit(self._land, batch) for batch in batches]
            try:
                for future in concurrent.futures.as_completed(futures):
                    future.result()
            except BaseException:
                for future in futures:
                    future.cancel()
                raise

    def _land(self, batch):
        method, request_type, items = _CALLS[self.kind.name]
        aborted = 0
        while batch:
            request = request_type()
            request.requests.extend(row.request for row in batch)
            try:
                response = getattr(self.service, method)(request)
            except KamError as error:
                if error.code == grpc.StatusCode.ABORTED and aborted < _ABORTED_RETRIES:
                    aborted += 1
                    time.sleep(0.1 * aborted)
                    continue
                batch = self._drop_refused(batch, error, method)
                continue
            with self._lock:
                for row, created in zip(batch, getattr(response, items)):
                    self.names[row.line] = created.name
            self.progress.update(len(batch))
            return

    def _drop_refused(self, batch, error, method):
        """The batch without the row the error names, which is recorded as
        rejected; an error naming no row ends the import."""
        match = _ITEM.match(error.message) if error.code in _ROW_CODES else None
        if not match or int(match.group(1)) >= len(batch):
            raise call_failure(method, error.code, error.message, self.address, error.field)
        index = int(match.group(1))
        path, reason = match.group(2) or "", match.group(3)
        column = column_of(self.kind, path)
        if not column and error.code in (grpc.StatusCode.NOT_FOUND,
                                          grpc.StatusCode.FAILED_PRECONDITION):
            # The one record a create refers to: the parent account.
            column = "account" if self.kind.name == "contacts" else "parent_account"
        elif not column:
            reason = f"{path} {reason}".strip()
        with self._lock:
            self.rejections.append(rows.Rejection(
                batch[index].line, column, f"refused by the service ({error.code.name}): {reason}"))
        self.progress.update(1)
        return batch[:index] + batch[index + 1:]


def _import(app, kind_name, path, dry_run, batch_size, in_flight, salt, fmt, no_progress):
    kind = rows.KINDS[kind_name]
    started = time.monotonic()
    try:
        with tqdm(unit="rows", desc="check", file=sys.stderr, disable=no_progress,
                  leave=False) as checking:
            valid, rejections = rows.read_file(kind, path, salt, checking.update)
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror}") from None
    for rejection in rejections:
        print(f"{path}: {rejection}", file=sys.stderr)
    rejected_lines = {r.line for r in rejections}
    landing = None
    if not dry_run and valid:
        with tqdm(total=len(valid), unit="rows", desc=f"import {kind_name}", file=sys.stderr,
                  disable=no_progress, smoothing=0.1) as progress:
            landing = Landing(app.session_with(ATTEMPTS), kind, batch_size, in_flight, progress)
            try:
                landing.run(valid)
            except KamctlError as error:
                raise KamctlError(f"{error} ({_count(len(landing.names), 'row')} landed before "
                                  "this; running the import again creates nothing twice)",
                                  error.exit_code) from None
        for rejection in sorted(landing.rejections):
            print(f"{path}: {rejection}", file=sys.stderr)
        rejections = rejections + landing.rejections
        rejected_lines |= {r.line for r in landing.rejections}
    seconds = time.monotonic() - started
    landed = len(landing.names) if landing else 0
    summary = {"file": path, "rowsValid": len(valid), "rowsRejected": len(rejected_lines),
               "rowsLanded": landed, "dryRun": dry_run, "seconds": round(seconds, 3)}
    if fmt == "json":
        summary["rejections"] = [r._asdict() for r in sorted(rejections)]
        summary["landed"] = [{"line": line, "name": name}
                             for line, name in sorted(landing.names.items())] if landing else []
        json.dump(summary, sys.stdout, indent=2)
        sys.stdout.write("\n")
    elif dry_run:
        print(f"{path}: {_count(len(valid), 'row')} valid, {len(rejected_lines)} rejected "
              "(dry run: nothing sent)")
    else:
        rate = landed / seconds if seconds > 0 else 0
        print(f"{path}: {_count(landed, kind_name[:-1])} landed (created, or there from an "
              f"earlier run), {_count(len(rejected_lines), 'row')} rejected, in {seconds:.1f} s "
              f"({rate:.0f} rows/s)")
    return ROWS_REJECTED if rejected_lines else OK


def _count(n, noun):
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _command(kind_name):
    @click.command(kind_name, help=f"Imports {kind_name} from a CSV file (a header row of "
                   "column names; docs/kamctl.md lists them). Every row is checked first and "
                   "each rejected one reported as FILE: line N, column C: reason; the valid "
                   "rows land whatever the others do. Exit code 3 when any row was rejected. "
                   "A re-run of the same file creates nothing twice.")
    @click.argument("path", metavar="FILE.csv",
                    type=click.Path(dir_okay=False, allow_dash=True))
    @click.option("--dry-run", is_flag=True, help="Check every row; send nothing.")
    @click.option("--batch-size", type=click.IntRange(1, MAX_BATCH), default=MAX_BATCH,
                  show_default=True, help="Rows per batch call.")
    @click.option("--in-flight", type=click.IntRange(1, 16), default=4, show_default=True,
                  help="Batch calls at once.")
    @click.option("--salt", default="", help="Mixed into every request id: the same rows "
                  "imported again with a new salt are created again, as new records.")
    @click.option("--json", "fmt", flag_value="json", help="The outcome as one JSON document.")
    @click.option("--no-progress", is_flag=True, help="No progress bar.")
    @click.pass_obj
    def command(app, path, dry_run, batch_size, in_flight, salt, fmt, no_progress):
        return _import(app, kind_name, path, dry_run, batch_size, in_flight, salt, fmt,
                       no_progress)
    return command


group = click.Group("import", help="Imports accounts or contacts from CSV files.")
group.add_command(_command("accounts"))
group.add_command(_command("contacts"))
