"""Tables for people, JSON and CSV for scripts.

- table (default): rich tables of the columns marked for it, enum values
  short ("STABLE"), money in minor units as the API has it;
- --json: one JSON document with the proto JSON names (camelCase), as the
  API's JSON mapping gives them; a list is shaped like the List response
  ({"accounts": [...], "nextPageToken": "..."});
- --csv: a header row, then one row per resource, every column.
"""

import csv
import json
import os
import re
import sys

from google.protobuf import json_format
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.timestamp_pb2 import Timestamp
from rich.console import Console
from rich.table import Table

FORMATS = ("table", "json", "csv")


def enum_prefix(enum_descriptor):
    """"RELATIONSHIP_STAGE_" for RelationshipStage: what every value's name
    starts with (the API's enum style)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", enum_descriptor.name).upper() + "_"


def short_enum(enum_descriptor, number):
    """"STABLE" for RELATIONSHIP_STAGE_STABLE; "" for the zero value."""
    if number == 0:
        return ""
    value = enum_descriptor.values_by_number.get(number)
    if value is None:
        return str(number)
    prefix = enum_prefix(enum_descriptor)
    return value.name[len(prefix):] if value.name.startswith(prefix) else value.name


def _scalar_text(field, value):
    if field.type == FieldDescriptor.TYPE_ENUM:
        return short_enum(field.enum_type, value)
    if field.type == FieldDescriptor.TYPE_BOOL:
        return "true" if value else "false"
    if field.type == FieldDescriptor.TYPE_MESSAGE:
        if isinstance(value, Timestamp):
            # To the second: what a person reads; --json keeps the full value.
            return value.ToJsonString()[:19] + "Z" if value.seconds or value.nanos else ""
        return json_format.MessageToJson(value, indent=None)
    return str(value)


def text_at(message, path):
    """The value at a dotted field path as text: enums short, timestamps in
    RFC 3339, maps as "k=v;k=v" (sorted), repeated fields joined by ";"; ""
    for an unset message or a zero value where proto3 cannot tell."""
    *parents, last = path.split(".")
    for name in parents:
        if not message.HasField(name):
            return ""
        message = getattr(message, name)
    field = message.DESCRIPTOR.fields_by_name[last]
    value = getattr(message, last)
    if field.message_type is not None and field.message_type.GetOptions().map_entry:
        return ";".join(f"{k}={value[k]}" for k in sorted(value))
    if field.label == FieldDescriptor.LABEL_REPEATED:
        return ";".join(_scalar_text(field, item) for item in value)
    if field.type == FieldDescriptor.TYPE_MESSAGE and not message.HasField(last):
        return ""
    return _scalar_text(field, value)


class Column:
    """One column: its header (the CSV column name), the field path it
    shows (or a function of the message), and whether tables show it."""

    def __init__(self, header, path=None, table=True, get=None):
        self.header = header
        self.get = get or (lambda message: text_at(message, path or header))
        self.table = table


def to_json(message):
    return json_format.MessageToDict(message)


def console():
    """Rich console on stdout: the terminal's width, or a wide one when
    writing to a file or pipe (rich would fold tables to 80 columns)."""
    if sys.stdout.isatty():
        return Console()
    return Console(width=int(os.environ.get("COLUMNS", "160")), no_color=True)


def _table(columns, messages):
    table = Table(header_style="bold")
    shown = [c for c in columns if c.table]
    for column in shown:
        table.add_column(column.header, overflow="fold")
    for message in messages:
        table.add_row(*(column.get(message) for column in shown))
    return table


def print_list(messages, columns, fmt, items_key, next_page_token="", title=None):
    """A list of resources in `fmt`. The next page's token, if any, is in
    the JSON document, or on stderr for table and CSV."""
    messages = list(messages)
    if fmt == "json":
        document = {items_key: [to_json(m) for m in messages]}
        if next_page_token:
            document["nextPageToken"] = next_page_token
        json.dump(document, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    elif fmt == "csv":
        write_csv(sys.stdout, columns, messages)
    elif messages:
        _print_table(_table(columns, messages), title)
    else:
        print(f"no {items_key}", file=sys.stderr)
    if next_page_token and fmt != "json":
        print(f"more: --page-token {next_page_token} (or --all)", file=sys.stderr)


def csv_writer(stream, columns):
    """Writes the header row now; returns a function writing the rows of
    the messages it is given (a page at a time)."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow([c.header for c in columns])

    def write(messages):
        writer.writerows([c.get(m) for c in columns] for m in messages)
    return write


def write_csv(stream, columns, messages):
    csv_writer(stream, columns)(messages)


def print_one(message, columns, fmt):
    """One resource: a two-column table of every column, or JSON, or CSV."""
    if fmt == "json":
        json.dump(to_json(message), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    elif fmt == "csv":
        write_csv(sys.stdout, columns, [message])
    else:
        table = Table(show_header=False, box=None)
        table.add_column(style="bold")
        table.add_column(overflow="fold")
        for column in columns:
            table.add_row(column.header, column.get(message))
        console().print(table)


def print_rows(headers, rows, fmt, title=None, document=None):
    """Rows that are not resources (report lines): a table, CSV, or
    `document` as JSON (the report message's JSON)."""
    if fmt == "json":
        json.dump(document, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    elif fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(headers)
        writer.writerows(rows)
    else:
        table = Table(header_style="bold")
        for header in headers:
            table.add_column(header, overflow="fold")
        for row in rows:
            table.add_row(*(str(v) for v in row))
        _print_table(table, title)


def _print_table(table, title):
    """The title as a line of its own (a table's title would wrap to the
    table's width), then the table."""
    out = console()
    if title:
        out.print(title, markup=False, highlight=False)
    out.print(table)
