"""`list`, `get`, `create` and `update` for a resource of the API, built
from a description (kamctl.accounts, .contacts, .cases describe theirs), so
the three groups behave alike: the same paging flags, output formats, and
update with a mask of just the fields given and the etag of a fresh read.
"""

import click
from google.protobuf import field_mask_pb2

from kamctl import fields, output
from kamctl.errors import UsageError
from kamctl.output import Column


class Resource:
    """How one resource is called, by the API's naming rules: `singular`
    "Account" gives ListAccounts, GetAccount, CreateAccount, UpdateAccount
    and their requests in `module`, and the field "account" of the create
    and update requests. `filters`: the filter fields that have a flag of
    their own, ANDed with --filter (None: the List method takes no filter); `parent`:
    the List request's parent, as a required --account. `plural`: the
    methods' plural where it is not singular + "s" ("ScoringPolicies");
    `collection` also names the command group and the List response's items
    then. A method the API lacks (no UpdateDesignation) has no request."""

    def __init__(self, module, singular, service, collection, field_list, columns,
                 filters=None, parent=None, order_by=None, plural=None,
                 filter_example='tier = "A" AND region = "east"'):
        self.plural = collection if plural else singular.lower() + "s"
        self.field = singular.lower()
        self.service = service
        self.collection = collection
        self.fields = field_list
        self.columns = columns
        plural = plural or singular + "s"
        self.list_method, self.get_method = f"List{plural}", f"Get{singular}"
        self.create_method, self.update_method = f"Create{singular}", f"Update{singular}"
        self.list_request = getattr(module, f"List{plural}Request")
        self.get_request = getattr(module, f"Get{singular}Request")
        self.create_request = getattr(module, f"Create{singular}Request", None)
        self.update_request = getattr(module, f"Update{singular}Request", None)
        self.filters = filters
        self.parent = parent
        self.order_by = order_by      # help text of order_by, if the List takes one
        self.filter_example = filter_example


def qualify(name, collection):
    """"7" -> "accounts/7"; a full name is kept."""
    return f"{collection}/{name}" if name.isdigit() else name


def quote(value):
    """A filter value as a quoted string (the API's escapes: \\" and \\\\)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def build_filter(expression, conditions):
    """`expression` (--filter) AND the flag conditions."""
    parts = [f"({expression})" if expression and conditions else expression] if expression else []
    return " AND ".join(parts + conditions)


def timestamp_flag(flag, text, into):
    """Sets the Timestamp `into` from an RFC 3339 flag value; a usage error
    naming the flag otherwise."""
    try:
        into.FromJsonString(text)
    except ValueError:
        raise UsageError(f"{flag} must be an RFC 3339 time like 2027-01-31T00:00:00Z "
                         f"(got {text!r})") from None


def output_options(command):
    """--json and --csv (the default is a table)."""
    command = click.option("--csv", "fmt", flag_value="csv", help="CSV with a header row.")(command)
    command = click.option("--json", "fmt", flag_value="json",
                           help="One JSON document (proto JSON names).")(command)
    return command


def page_options(command):
    for option in reversed([
        click.option("--page-size", type=click.IntRange(0, 1000), default=0,
                     help="Items per page (0: the service's default of 50; at most 1000)."),
        click.option("--page-token", default="", help="The page to read (from a previous "
                     "page's nextPageToken)."),
        click.option("--all", "all_pages", is_flag=True, help="Read every page."),
    ]):
        command = option(command)
    return command


def list_pages(method, request, items_key, all_pages):
    """The items of one page, or of every page with `all_pages`, and the
    token of the page after them ("" after the last)."""
    items = []
    while True:
        response = method(request)
        items.extend(getattr(response, items_key))
        if not all_pages or not response.next_page_token:
            return items, response.next_page_token
        request.page_token = response.next_page_token


def make_group(resource, help, commands=("list", "get", "create", "update")):
    """The group of `resource` with the generic `commands`; a caller adds
    the commands of its own (a create from a file, an end) to it."""
    group = click.Group(resource.plural, help=help)
    makers = {"list": _list_command, "get": _get_command, "create": _create_command,
              "update": _update_command}
    for command in commands:
        group.add_command(makers[command](resource))
    return group


def _list_command(r):
    @click.command("list", help=f"Lists {r.plural}: a table, or --json / --csv.")
    @output_options
    @page_options
    @click.pass_obj
    def command(app, fmt, page_size, page_token, all_pages, filter=None, order_by=None,
                label=(), show_deleted=False, parent=None, **flags):
        request = r.list_request(page_size=page_size, page_token=page_token)
        if r.parent:
            request.parent = qualify(parent, "accounts")
        if r.filters is not None:
            conditions = [f"{flag} = "
                          + quote(qualify(value, "accounts") if flag == "account" else value)
                          for flag, value in flags.items() if value is not None]
            for entry in label:
                key, sep, value = entry.partition("=")
                if not sep or not key:
                    raise UsageError(f"--label must be key=value (got {entry!r})")
                conditions.append(f"labels.{key} = {quote(value)}")
            request.filter = build_filter(filter, conditions)
        if order_by:
            request.order_by = order_by
        if show_deleted:
            request.show_deleted = True
        method = getattr(getattr(app.session, r.service), r.list_method)
        items, next_token = list_pages(method, request, r.plural, all_pages)
        output.print_list(items, r.columns, fmt, r.plural, next_token)
        return 0

    if r.parent:
        command = click.option("--account", "parent", required=True,
                               help="The account (accounts/{account} or its id).")(command)
    if "show_deleted" in r.list_request.DESCRIPTOR.fields_by_name:
        command = click.option("--show-deleted", is_flag=True,
                               help="Include soft-deleted ones.")(command)
    if r.order_by:
        command = click.option("--order-by", help=r.order_by)(command)
    if r.filters is not None:
        for flag in r.filters:
            command = click.option(f"--{flag.replace('_', '-')}", flag, default=None,
                                   help=f"Only {flag} = this (ANDed with --filter).")(command)
        if any(f.column == "labels" for f in r.fields):
            command = click.option("--label", multiple=True, metavar="KEY=VALUE",
                                   help="Only this label value (repeatable).")(command)
        command = click.option("--filter", help="The API's filter (AIP-160 subset), e.g. "
                               f"'{r.filter_example}'.")(command)
    return command


def _get_command(r):
    @click.command("get", help=f"Shows one of the {r.plural} by name.")
    @click.argument("name")
    @output_options
    @click.pass_obj
    def command(app, name, fmt):
        method = getattr(getattr(app.session, r.service), r.get_method)
        resource = method(r.get_request(name=qualify(name, r.collection)))
        output.print_one(resource, r.columns, fmt)
        return 0
    return command


def _create_command(r):
    @click.command("create", help=f"Creates one of the {r.plural} from the flags; prints it.")
    @fields.options(r.fields, for_create=True)
    @click.option("--request-id", default="", help="Idempotency key: sent again, the create "
                  "returns what the first one made (default: a fresh UUID).")
    @output_options
    @click.pass_obj
    def command(app, fmt, request_id, **given):
        values = fields.check_flags(r.fields, given)
        problems = fields.cross_check(r.fields, values)
        if problems:
            column, reason = problems[0]
            raise UsageError(f"--{column.replace('_', '-')}: {reason}")
        request = r.create_request(request_id=request_id)
        fields.fill(getattr(request, r.field), r.fields, values)
        if "parent" in request.DESCRIPTOR.fields_by_name:
            request.parent = values["account"]
        method = getattr(getattr(app.session, r.service), r.create_method)
        output.print_one(method(request), r.columns, fmt)
        return 0
    return command


def _update_command(r):
    @click.command("update", help=f"Updates the fields given of one of the {r.plural}: the "
                   "update mask names just those; the etag is the one of a fresh read "
                   "(--etag: yours).")
    @click.argument("name")
    @fields.options(r.fields, for_create=False)
    @click.option("--etag", default=None, help="Update only if the etag still matches.")
    @output_options
    @click.pass_obj
    def command(app, name, fmt, etag, **given):
        values = fields.check_flags(r.fields, given)
        if not values:
            raise UsageError("nothing to update: give at least one field flag "
                             "(see --help)")
        if ("credit_currency" in values) != ("credit_limit_minor" in values):
            raise UsageError("--credit-currency and --credit-limit-minor go together "
                             "(they are one field, the credit limit)")
        service = getattr(app.session, r.service)
        name = qualify(name, r.collection)
        if etag is None:
            etag = getattr(service, r.get_method)(r.get_request(name=name)).etag
        request = r.update_request()
        resource = getattr(request, r.field)
        resource.name = name
        resource.etag = etag
        fields.fill(resource, r.fields, values, keep_zero=True)
        by_column = {f.column: f for f in r.fields}
        paths = sorted({by_column[c].mask for c in values})
        request.update_mask.CopyFrom(field_mask_pb2.FieldMask(paths=paths))
        output.print_one(getattr(service, r.update_method)(request), r.columns, fmt)
        return 0
    return command


def columns_of(paths):
    """Columns named after their field paths ("credit.risk_level"); a path
    starting with "-" is for CSV and JSON only, not the table."""
    return [Column(p.lstrip("-"), table=not p.startswith("-")) for p in paths]
