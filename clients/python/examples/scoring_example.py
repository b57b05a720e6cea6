#!/usr/bin/python3.11
"""Scoring: three accounts invoiced 500, 300 and 160 thousand euro cents, a
policy that tiers accounts by revenue, a rating run of it, the tier each
account got, and the customer pyramid of that run.

Run against `./kam up` (PYTHONPATH holds the generated stubs and
clients/python; see clients/README.md):  python3 scoring_example.py
"""

import sys
import time

from kam.account.v1 import account_pb2
from kam.interaction.v1 import billing_pb2
from kam.scoring.v1 import policy_pb2, rating_pb2, report_pb2
from kam.type.v1 import money_pb2
from kam_client import Client

_FINAL = (rating_pb2.RUN_STATE_SUCCEEDED, rating_pb2.RUN_STATE_FAILED,
          rating_pb2.RUN_STATE_CANCELLED)


def _eur(minor_units):
    return money_pb2.Money(currency_code="EUR", minor_units=minor_units)


def _invoiced_account(client, name, revenue_minor):
    """An account with a credit line (invoices need one) and one invoice."""
    account = client.accounts.CreateAccount(account_pb2.CreateAccountRequest(
        account=account_pb2.Account(
            display_name=name, industry="manufacturing", region="east",
            credit=account_pb2.CreditProfile(credit_limit=_eur(10_000_000),
                                             payment_terms_days=30))))
    client.billing.CreateInvoice(billing_pb2.CreateInvoiceRequest(
        invoice=billing_pb2.Invoice(account=account.name, amount=_eur(revenue_minor))))
    return account.name


def main(client, wait_seconds=120):
    book = [_invoiced_account(client, f"Example revenue {revenue}", revenue)
            for revenue in (500_000, 300_000, 160_000)]
    policy = client.policies.CreateScoringPolicy(policy_pb2.CreateScoringPolicyRequest(
        policy=policy_pb2.ScoringPolicy(
            display_name="Example revenue tiers", value_measure=policy_pb2.VALUE_MEASURE_REVENUE,
            tiering=policy_pb2.Tiering(default_rule=policy_pb2.TierRule(
                thresholds=policy_pb2.Thresholds(a_min=450_000, b_min=250_000,
                                                 c_min=150_000))))))
    run = client.ratings.StartRatingRun(rating_pb2.StartRatingRunRequest(policy=policy.name))
    print(f"started {run.name} of {policy.name}")
    deadline = time.monotonic() + wait_seconds
    while run.state not in _FINAL and time.monotonic() < deadline:
        time.sleep(0.2)
        run = client.ratings.GetRatingRun(rating_pb2.GetRatingRunRequest(name=run.name))
    print(f"{run.name}: {rating_pb2.RunState.Name(run.state)}, "
          f"{run.accounts_published} accounts published")
    if run.state != rating_pb2.RUN_STATE_SUCCEEDED:
        return 1
    for name in book:
        account = client.accounts.GetAccount(account_pb2.GetAccountRequest(name=name))
        print(f"  {account.name} {account.display_name!r}: "
              f"{account_pb2.Tier.Name(account.tier)}")
    pyramid = client.reports.GetPyramidReport(report_pb2.GetPyramidReportRequest(run=run.name))
    for tier in pyramid.tiers:
        print(f"  {account_pb2.Tier.Name(tier.tier)}: {tier.account_count} accounts")
    tiers = [client.accounts.GetAccount(account_pb2.GetAccountRequest(name=name)).tier
             for name in book]
    return 0 if tiers == [account_pb2.TIER_A, account_pb2.TIER_B, account_pb2.TIER_C] else 1


if __name__ == "__main__":
    with Client.from_env() as kam:
        sys.exit(main(kam))
