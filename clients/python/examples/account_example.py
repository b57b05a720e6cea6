#!/usr/bin/python3.11
"""Accounts: create one (a retry would return the same), read it back, list
accounts by label page by page, and see which field a bad request names.

Run against `./kam up` (PYTHONPATH holds the generated stubs and
clients/python; see clients/README.md):  python3 account_example.py
"""

import sys
import uuid

from kam.account.v1 import account_pb2 as pb
from kam_client import Client, KamError, pages


def main(client):
    batch = uuid.uuid4().hex[:8]  # a label unique to this run
    created = [client.accounts.CreateAccount(pb.CreateAccountRequest(account=pb.Account(
        display_name=f"Example {batch} {i}", industry="retail", region="east",
        labels={"example": batch})))
        for i in range(3)]
    account = client.accounts.GetAccount(pb.GetAccountRequest(name=created[0].name))
    print(f"created {account.name} {account.display_name!r} etag {account.etag}")

    listed = list(pages(client.accounts.ListAccounts,
                        pb.ListAccountsRequest(filter=f'labels.example = "{batch}"',
                                               page_size=2),
                        "accounts"))
    print(f"listed {len(listed)} accounts with label example={batch}, two per page")

    try:
        client.accounts.CreateAccount(pb.CreateAccountRequest(account=pb.Account()))
        print("an account without a display name was accepted", file=sys.stderr)
        return 1
    except KamError as error:
        print(f"refused: {error.code.name} on field {error.field}: {error.message}")
    return 0 if [a.name for a in listed] == [a.name for a in created] else 1


if __name__ == "__main__":
    with Client.from_env() as kam:
        sys.exit(main(kam))
