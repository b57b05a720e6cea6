"""`kamctl export accounts`: accounts as CSV, in the columns import reads.

It reads ListAccounts page after page (1000 a page), writing each page as
it comes. ExportAccounts, the account service's stream, does not fit: it
carries what the scoring service rates on, not external_id,
parent_account, share of wallet or the credit limit, and takes no filter.
"""

import sys

import click

from kam.account.v1 import account_pb2 as pb

from kamctl import fields, output, rows
from kamctl.resources import build_filter, quote

COLUMNS = [output.Column("name")] + [output.Column(f.column, f.path)
                                     for f in fields.ACCOUNT_FIELDS]
assert [c.header for c in COLUMNS] == rows.csv_columns(rows.KINDS["accounts"])


@click.command("accounts", help="Writes accounts as CSV (to stdout, or --output FILE): the "
               "columns `kamctl import accounts` reads, with the account's name first "
               "(import ignores it).")
@click.option("--filter", help="The API's filter, as for `accounts list`.")
@click.option("--owner", help="Only this owner (ANDed with --filter).")
@click.option("--tier", help="Only this tier.")
@click.option("--label", multiple=True, metavar="KEY=VALUE", help="Only this label value.")
@click.option("--show-deleted", is_flag=True, help="Include soft-deleted accounts.")
@click.option("--output", "-o", "path", type=click.Path(dir_okay=False, writable=True),
              help="Write to this file instead of stdout.")
@click.pass_obj
def accounts(app, filter, owner, tier, label, show_deleted, path):
    conditions = [f"owner = {quote(owner)}"] if owner is not None else []
    if tier is not None:
        conditions.append(f"tier = {quote(tier)}")
    for entry in label:
        key, _, value = entry.partition("=")
        conditions.append(f"labels.{key} = {quote(value)}")
    request = pb.ListAccountsRequest(page_size=1000, filter=build_filter(filter, conditions),
                                     show_deleted=show_deleted)
    stream = open(path, "w", encoding="utf-8", newline="") if path else sys.stdout
    try:
        writer = output.csv_writer(stream, COLUMNS)
        while True:
            response = app.session.accounts.ListAccounts(request)
            writer(response.accounts)
            if not response.next_page_token:
                return 0
            request.page_token = response.next_page_token
    finally:
        if path:
            stream.close()


group = click.Group("export", help="Exports records as CSV.")
group.add_command(accounts)
