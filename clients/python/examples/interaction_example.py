#!/usr/bin/python3.11
"""Interaction: log a customer visit on an account, then list the account's
activities.

Run against `./kam up` (PYTHONPATH holds the generated stubs and
clients/python; see clients/README.md):  python3 interaction_example.py
"""

import sys

from google.protobuf import timestamp_pb2
from kam.account.v1 import account_pb2
from kam.interaction.v1 import activity_pb2 as pb
from kam_client import Client, pages


def main(client):
    account = client.accounts.CreateAccount(account_pb2.CreateAccountRequest(
        account=account_pb2.Account(display_name="Example visits", industry="retail",
                                    region="east")))
    an_hour_ago = timestamp_pb2.Timestamp()
    an_hour_ago.GetCurrentTime()
    an_hour_ago.seconds -= 3600
    visit = client.activities.CreateActivity(pb.CreateActivityRequest(activity=pb.Activity(
        account=account.name, kind=pb.ACTIVITY_KIND_VISIT, status=pb.ACTIVITY_STATUS_DONE,
        subject="Quarterly review", team_members=["am.example"], actual_time=an_hour_ago)))
    print(f"logged {visit.name} on {visit.account}: {visit.subject!r} by {visit.creator}")

    listed = list(pages(client.activities.ListActivities,
                        pb.ListActivitiesRequest(filter=f'account = "{account.name}"'),
                        "activities"))
    for activity in listed:
        print(f"  {activity.name} {pb.ActivityKind.Name(activity.kind)} {activity.subject!r}")
    return 0 if [a.name for a in listed] == [visit.name] else 1


if __name__ == "__main__":
    with Client.from_env() as kam:
        sys.exit(main(kam))
