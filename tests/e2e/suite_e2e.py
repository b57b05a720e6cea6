#!/usr/bin/python3.11
"""End-to-end test: a Python client generated from protos/ drives all three
services together, as a CRM front end or a data warehouse would.

Run by ctest (tests/e2e/CMakeLists.txt) as

  kam-local --exec --demo_data=false -- \
      /usr/bin/python3.11 suite_e2e.py --stubs <build>/tests/e2e/py

kam-local starts a private MariaDB and the account, interaction and scoring
services on free loopback ports and sets KAM_ACCOUNT_ADDRESS,
KAM_INTERACTION_ADDRESS and KAM_SCORING_ADDRESS. The book is empty at the
start, so the rating run below rates exactly the accounts made here.

Exit code: 0 when every test passes, non-zero otherwise.
"""

import os
import sys
import time
import unittest
import uuid

import e2e_stubs

TIMEOUT = 10  # seconds, on every unary RPC
ACTOR = "suite-e2e-py"

_UNITTEST_ARGV = e2e_stubs.load_stubs("suite_e2e.py", __doc__.split("\n\n")[0],
                                      ("kam", "scoring", "v1", "rating_pb2.py"))

import grpc  # noqa: E402
from google.protobuf import timestamp_pb2  # noqa: E402

from grpc_health.v1 import health_pb2, health_pb2_grpc  # noqa: E402
from kam.account.v1 import account_pb2, account_pb2_grpc  # noqa: E402
from kam.interaction.v1 import activity_pb2, activity_pb2_grpc  # noqa: E402
from kam.interaction.v1 import billing_pb2, billing_pb2_grpc  # noqa: E402
from kam.interaction.v1 import facts_pb2, facts_pb2_grpc  # noqa: E402
from kam.scoring.v1 import alert_pb2, alert_pb2_grpc  # noqa: E402
from kam.scoring.v1 import policy_pb2, policy_pb2_grpc  # noqa: E402
from kam.scoring.v1 import rating_pb2, rating_pb2_grpc  # noqa: E402
from kam.scoring.v1 import report_pb2, report_pb2_grpc  # noqa: E402
from kam.type.v1 import money_pb2  # noqa: E402

RUN = uuid.uuid4().hex[:12]
METADATA = [("x-kam-actor", ACTOR)]


def _address(name):
    value = os.environ.get(f"KAM_{name}_ADDRESS")
    if not value:
        print(f"suite_e2e.py: KAM_{name}_ADDRESS is not set (run it under kam-local --exec)",
              file=sys.stderr)
        sys.exit(2)
    return value


CHANNELS = {name: grpc.insecure_channel(_address(name))
            for name in ("ACCOUNT", "INTERACTION", "SCORING")}
ACCOUNTS = account_pb2_grpc.AccountServiceStub(CHANNELS["ACCOUNT"])
ACTIVITIES = activity_pb2_grpc.ActivityServiceStub(CHANNELS["INTERACTION"])
BILLING = billing_pb2_grpc.BillingServiceStub(CHANNELS["INTERACTION"])
FACTS = facts_pb2_grpc.FactsServiceStub(CHANNELS["INTERACTION"])
POLICIES = policy_pb2_grpc.ScoringPolicyServiceStub(CHANNELS["SCORING"])
RATINGS = rating_pb2_grpc.RatingServiceStub(CHANNELS["SCORING"])
REPORTS = report_pb2_grpc.ReportServiceStub(CHANNELS["SCORING"])
ALERTS = alert_pb2_grpc.AlertServiceStub(CHANNELS["SCORING"])

# Revenue per account (EUR minor units) and the tier the threshold policy
# below gives it: A from 450,000, B from 250,000, C from 150,000.
BOOK = [(500_000, account_pb2.TIER_A), (400_000, account_pb2.TIER_B),
        (300_000, account_pb2.TIER_B), (200_000, account_pb2.TIER_C),
        (100_000, account_pb2.TIER_D)]


def _eur(minor):
    return money_pb2.Money(currency_code="EUR", minor_units=minor)


def _now(offset_seconds=0):
    ts = timestamp_pb2.Timestamp()
    ts.GetCurrentTime()
    ts.seconds += offset_seconds
    return ts


class SuiteTest(unittest.TestCase):
    """One story across the three services; the steps build on each other."""

    def test_every_service_serves_health(self):
        for name, channel in CHANNELS.items():
            reply = health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(service=""), timeout=TIMEOUT)
            self.assertEqual(reply.status, health_pb2.HealthCheckResponse.SERVING, name)

    def test_rating_run_over_a_book_built_through_the_apis(self):
        # Accounts with a credit profile (the currency of their money).
        names = []
        for i, (revenue, _) in enumerate(BOOK):
            account = ACCOUNTS.CreateAccount(account_pb2.CreateAccountRequest(
                account=account_pb2.Account(
                    display_name=f"E2E {RUN} {i}", industry="manufacturing", region="east",
                    credit=account_pb2.CreditProfile(credit_limit=_eur(10_000_000),
                                                     payment_terms_days=30)),
                request_id=f"{RUN}-account-{i}"), metadata=METADATA, timeout=TIMEOUT)
            names.append(account.name)
            # Interaction: one invoice each (the revenue), and a visit.
            invoice = BILLING.CreateInvoice(billing_pb2.CreateInvoiceRequest(
                invoice=billing_pb2.Invoice(account=account.name, amount=_eur(revenue)),
                request_id=f"{RUN}-invoice-{i}"), metadata=METADATA, timeout=TIMEOUT)
            self.assertEqual(invoice.amount.minor_units, revenue)
        visit = ACTIVITIES.CreateActivity(activity_pb2.CreateActivityRequest(
            activity=activity_pb2.Activity(
                account=names[0], kind=activity_pb2.ACTIVITY_KIND_VISIT,
                status=activity_pb2.ACTIVITY_STATUS_DONE, subject="Quarterly review",
                team_members=["am.e2e"], actual_time=_now(-3600)),
            request_id=f"{RUN}-visit"), metadata=METADATA, timeout=TIMEOUT)
        self.assertEqual(visit.creator, ACTOR)

        # The facts stream: every account with its revenue, in account order.
        facts = {}
        for page in FACTS.StreamAccountFacts(facts_pb2.StreamAccountFactsRequest(
                start_time=_now(-86400), end_time=_now()), metadata=METADATA, timeout=60):
            for f in page.facts:
                facts[f.account] = f
        self.assertEqual([facts[n].revenue_minor for n in names], [r for r, _ in BOOK])
        self.assertEqual(facts[names[0]].visit_count, 1)

        # A policy on revenue with absolute thresholds, and a run of it.
        policy = POLICIES.CreateScoringPolicy(policy_pb2.CreateScoringPolicyRequest(
            policy=policy_pb2.ScoringPolicy(
                display_name=f"E2E {RUN}", value_measure=policy_pb2.VALUE_MEASURE_REVENUE,
                tiering=policy_pb2.Tiering(default_rule=policy_pb2.TierRule(
                    thresholds=policy_pb2.Thresholds(a_min=450_000, b_min=250_000,
                                                     c_min=150_000)))),
            request_id=f"{RUN}-policy"), metadata=METADATA, timeout=TIMEOUT)
        start = rating_pb2.StartRatingRunRequest(policy=policy.name, request_id=f"{RUN}-run")
        run = RATINGS.StartRatingRun(start, metadata=METADATA, timeout=TIMEOUT)
        again = RATINGS.StartRatingRun(start, metadata=METADATA, timeout=TIMEOUT)
        self.assertEqual(again.name, run.name, "one request id, one run")
        deadline = time.monotonic() + 60
        while run.state not in (rating_pb2.RUN_STATE_SUCCEEDED, rating_pb2.RUN_STATE_FAILED,
                                rating_pb2.RUN_STATE_CANCELLED):
            self.assertLess(time.monotonic(), deadline, f"{run.name} still {run.state}")
            time.sleep(0.1)
            run = RATINGS.GetRatingRun(rating_pb2.GetRatingRunRequest(name=run.name),
                                       metadata=METADATA, timeout=TIMEOUT)
        self.assertEqual(rating_pb2.RunState.Name(run.state), "RUN_STATE_SUCCEEDED", run.error)
        self.assertEqual((run.tier_counts.a, run.tier_counts.b, run.tier_counts.c,
                          run.tier_counts.d), (1, 2, 1, 1))
        self.assertEqual(run.accounts_published, len(BOOK))

        # The tiers are published: every caller reads them from the account
        # service, stamped with the run.
        for name, (_, tier) in zip(names, BOOK):
            account = ACCOUNTS.GetAccount(account_pb2.GetAccountRequest(name=name),
                                          metadata=METADATA, timeout=TIMEOUT)
            self.assertEqual(account_pb2.Tier.Name(account.tier), account_pb2.Tier.Name(tier))
            self.assertEqual(account.tier_rating_run, run.name)

        # Reports over the run.
        pyramid = REPORTS.GetPyramidReport(report_pb2.GetPyramidReportRequest(run=run.name),
                                           metadata=METADATA, timeout=TIMEOUT)
        self.assertEqual({account_pb2.Tier.Name(t.tier): t.account_count for t in pyramid.tiers},
                         {"TIER_A": 1, "TIER_B": 2, "TIER_C": 1, "TIER_D": 1})
        self.assertEqual(pyramid.total_value_minor, 1_500_000)
        pareto = REPORTS.GetParetoReport(
            report_pb2.GetParetoReportRequest(run=run.name, top_shares_bp=[2000]),
            metadata=METADATA, timeout=TIMEOUT)
        top = [p for p in pareto.points if p.top_share_bp == 2000]
        self.assertEqual([(p.account_count, p.value_share_bp) for p in top], [(1, 3333)])
        self.assertTrue(pareto.svg.startswith("<svg"), pareto.svg[:40])

        # A first run raises no tier-drop alerts; the listing answers.
        alerts = ALERTS.ListAlerts(
            alert_pb2.ListAlertsRequest(filter=f'run = "{run.name}"', page_size=50),
            metadata=METADATA, timeout=TIMEOUT)
        self.assertFalse([a for a in alerts.alerts
                          if a.kind == alert_pb2.ALERT_KIND_TIER_DROP])


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]] + _UNITTEST_ARGV, verbosity=2)
