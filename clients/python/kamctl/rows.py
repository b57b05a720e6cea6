"""Reading an import file: every row checked, the valid ones turned into
create requests with request ids derived from their content.

Pure (no network), so the unit tests run it on strings. The file is CSV
with a header row naming the columns (kamctl.fields; docs/kamctl.md lists
them); line numbers are the file's, 1 being the header, and a row whose
quoted cell spans lines is reported at the line it starts on.
"""

import collections
import csv
import hashlib
import io
import sys
from typing import NamedTuple

from kam.account.v1 import account_pb2

from kamctl import fields, rules

# Columns that export writes and import reads but ignores: the resource
# name is the service's to give.
IGNORED_COLUMNS = ("name",)


class Rejection(NamedTuple):
    line: int
    column: str
    reason: str

    def __str__(self):
        where = f", column {self.column}" if self.column else ""
        return f"line {self.line}{where}: {self.reason}"


class Row(NamedTuple):
    line: int
    request: object       # CreateAccountRequest / CreateContactRequest, request_id set
    columns: dict         # column -> checked value


class Kind:
    """What a file imports: its fields and how a row becomes a request."""

    def __init__(self, name, field_list, make_request, unique=()):
        self.name = name
        self.fields = field_list
        self.make_request = make_request
        self.unique = unique   # columns whose non-empty values must differ within a file


def _account_request(values):
    account = fields.tree(fields.ACCOUNT_FIELDS, values)
    # DEVELOPMENT is what an unset stage means on create: left unset, a row
    # that says it and one that does not are the same request (and id), so
    # an export (which writes the stage) imports as what it came from.
    if account.get("stage") == account_pb2.RELATIONSHIP_STAGE_DEVELOPMENT:
        del account["stage"]
    return account_pb2.CreateAccountRequest(account=account)


def _contact_request(values):
    return account_pb2.CreateContactRequest(
        parent=values["account"], contact=fields.tree(fields.CONTACT_FIELDS, values))


KINDS = {
    # external_id is unique among live accounts: a file naming one twice
    # would have its batch refused whole.
    "accounts": Kind("accounts", fields.ACCOUNT_FIELDS, _account_request, unique=("external_id",)),
    "contacts": Kind("contacts", fields.CONTACT_FIELDS, _contact_request),
}


def request_id(kind, content, occurrence, salt=""):
    """The request id of a row: a hash of what the row creates (`content`,
    the request's deterministic bytes without its request id) and how many identical rows
    came before it in the file.

    Why not the file's hash and the line number: a re-run must create
    nothing twice even when the file changed in between (a rejected row
    corrected, rows added, the file re-sorted or exported again), and a row
    that did not change keeps its id wherever it moved. Two identical rows
    in one file are two records (occurrence 0 and 1). `salt` (--salt) gives
    every row a new id: importing the same rows again as new records."""
    digest = hashlib.sha256()
    for part in (kind.encode(), salt.encode(), str(occurrence).encode(), content):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return f"kamctl-{kind}-{digest.hexdigest()}"


def _check_header(kind, header):
    """Rejections of the header line (unknown, repeated or missing columns)."""
    problems = []
    known = {f.column for f in kind.fields}
    seen = set()
    for column in header:
        if column in seen:
            problems.append(Rejection(1, column, "column appears twice"))
        elif column not in known and column not in IGNORED_COLUMNS:
            problems.append(Rejection(1, column, "unknown column (known: "
                                      + ", ".join(f.column for f in kind.fields) + ")"))
        seen.add(column)
    for field in kind.fields:
        if field.required and field.column not in seen:
            problems.append(Rejection(1, field.column, "required column is missing"))
    return problems


def read(kind, text, salt="", tick=None):
    """Checks every row of the CSV `text`; returns (rows, rejections), the
    valid rows with their requests and the rejected ones with every reason
    (a row may be rejected for several columns). A bad header rejects the
    file: no rows. `tick(n)`, if given, is called as rows are read (for a
    progress bar), n rows at a time."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [rules.cell(c) for c in next(reader)]
    except StopIteration:
        return [], [Rejection(1, "", "the file is empty (a header row is needed)")]
    except csv.Error as error:
        return [], [Rejection(1, "", f"not CSV: {error}")]
    rejections = _check_header(kind, header)
    if rejections:
        return [], rejections
    by_column = {f.column: f for f in kind.fields}
    checked = [(i, by_column[c]) for i, c in enumerate(header) if c in by_column]
    rows = []
    first_seen = {column: {} for column in kind.unique}
    occurrences = collections.Counter()
    count = 0
    while True:
        count += 1
        if tick and count % 1000 == 0:
            tick(1000)
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            rejections.append(Rejection(line, "", f"not CSV: {error}"))
            break
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue  # a blank line
        if len(cells) != len(header):
            rejections.append(Rejection(line, "", f"has {len(cells)} cells; the header has "
                                        f"{len(header)}"))
            continue
        values, problems = {}, []
        for index, field in checked:
            try:
                values[field.column] = field.check(cells[index].strip())
            except rules.Invalid as reason:
                problems.append(Rejection(line, field.column, str(reason)))
        failed = [p.column for p in problems]
        problems += [Rejection(line, c, r)
                     for c, r in fields.cross_check(kind.fields, values, failed)]
        for column in kind.unique:
            value = values.get(column)
            if value and not problems:
                if value in first_seen[column]:
                    problems.append(Rejection(line, column, f"{value!r} repeats line "
                                              f"{first_seen[column][value]}; it must be unique"))
                else:
                    first_seen[column][value] = line
        if problems:
            rejections.extend(problems)
            continue
        request = kind.make_request(values)
        content = request.SerializeToString(deterministic=True)
        request.request_id = request_id(kind.name, content, occurrences[content], salt)
        occurrences[content] += 1
        rows.append(Row(line, request, values))
    return rows, rejections


def read_file(kind, path, salt="", tick=None):
    """read() on a file ("-": stdin): UTF-8 (a byte-order mark is skipped); bytes that are
    not UTF-8 reject the cell they are in ("must be valid UTF-8")."""
    if path == "-":
        data = sys.stdin.buffer.read().decode("utf-8-sig", errors="surrogateescape")
        return read(kind, data, salt, tick)
    with open(path, encoding="utf-8-sig", errors="surrogateescape", newline="") as f:
        return read(kind, f.read(), salt, tick)


def csv_columns(kind):
    """The columns export writes for `kind`: the resource name, then every
    column import reads."""
    return list(IGNORED_COLUMNS) + [f.column for f in kind.fields]
