#!/usr/bin/python3.11
"""kamctl end to end, as a person or a script runs it, against a secured
suite that `kam-local --exec` starts (KAM_*_ADDRESS, KAM_CA_FILE,
KAM_TOKEN_<ROLE> set; kamctl reads them).

Usage (ctest clients.kamctl): kamctl_test.py <kamctl executable>

The steps share one book and run in order (test_1_..., test_2_...): an
import with bad rows, its re-run, export, lists, contacts and cases, a
scoring policy from a JSON file, key-account designations, a rating run
with that policy and alerts followed as it raises them, reports, a second
run and the diff, then the error exit codes.
"""

import csv
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import uuid


KAMCTL = None  # the executable, from the command line
BATCH = "b" + uuid.uuid4().hex[:12]   # a label value marking this run's accounts
FOLDER = tempfile.mkdtemp(prefix="kamctl-test-")


def kamctl(*args, env=None, timeout=180):
    """Runs kamctl; the CompletedProcess (text)."""
    return subprocess.run([KAMCTL, *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def write(name, text):
    path = os.path.join(FOLDER, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


# Valid rows (lines 2, 4, 6, 8, 9, 10) and rejected ones (3, 5, 7, 11).
ACCOUNTS_CSV = f"""display_name,external_id,industry,region,category,stage,share_of_wallet_percent,credit_currency,credit_limit_minor,labels
Acme {BATCH},{BATCH}-1,steel,east,INDUSTRY,STABLE,60,EUR,1000000,batch={BATCH}
,{BATCH}-2,steel,east,,,,,,batch={BATCH}
Beta {BATCH},{BATCH}-3,retail,west,regional,,,,,batch={BATCH}
Gamma {BATCH},{BATCH}-4,retail,west,SOLID,INITIAL,70,,,batch={BATCH}
Delta {BATCH},{BATCH}-5,food,north,,STRATEGIC,90,EUR,0,batch={BATCH};tier_goal=a
Epsilon {BATCH},{BATCH}-6,food,north,,,,,,Batch={BATCH}
Zeta {BATCH},,food,south,POTENTIAL,,,USD,5000,batch={BATCH}
Zeta {BATCH},,food,south,POTENTIAL,,,USD,5000,batch={BATCH}
Eta {BATCH},{BATCH}-7,steel,east,,,,,,batch={BATCH}
Theta {BATCH},{BATCH}-7,steel,east,,,,,,batch={BATCH}
"""
VALID_LINES = [2, 4, 6, 8, 9, 10]
REJECTED = [
    "line 3, column display_name: is required",
    "line 5, column category: must be one of INDUSTRY, REGIONAL, POTENTIAL (got 'SOLID')",
    "line 5, column share_of_wallet_percent: must be from 0 to 49 for stage INITIAL (got 70)",
    "line 7, column labels: key 'Batch' must start with a lower-case letter (a-z)",
    f"line 11, column external_id: '{BATCH}-7' repeats line 10; it must be unique",
]


class State:
    names = []          # the imported accounts' names, in line order
    runs = []           # rating runs started
    policy = None       # the policy test 6a created, which test 7 rates with


def list_batch(fmt="--json"):
    result = kamctl("accounts", "list", "--label", f"batch={BATCH}", "--all", fmt)
    assert result.returncode == 0, result.stderr
    return result.stdout


class KamctlTest(unittest.TestCase):
    maxDiff = None

    def import_accounts(self, path, *flags):
        result = kamctl("import", "accounts", path, "--json", *flags)
        return result, json.loads(result.stdout) if result.stdout else None

    def test_1_import_reports_bad_rows_and_lands_the_valid_ones(self):
        path = write("accounts.csv", ACCOUNTS_CSV)
        dry, summary = self.import_accounts(path, "--dry-run")
        self.assertEqual(dry.returncode, 3, dry.stderr)
        self.assertEqual((summary["rowsValid"], summary["rowsLanded"]), (6, 0))
        self.assertEqual(json.loads(list_batch())["accounts"], [], "a dry run sends nothing")

        result = kamctl("import", "accounts", path)
        self.assertEqual(result.returncode, 3, result.stderr)
        for line in REJECTED:
            self.assertIn(f"{path}: {line}\n", result.stderr)
        self.assertIn("6 accounts landed", result.stdout)
        self.assertIn("rows/s", result.stderr, "the progress bar shows the rate")

        accounts = json.loads(list_batch())["accounts"]
        self.assertEqual(sorted(a["displayName"] for a in accounts),
                         sorted(f"{n} {BATCH}" for n in
                                ("Acme", "Beta", "Delta", "Zeta", "Zeta", "Eta")))
        acme = next(a for a in accounts if a["displayName"].startswith("Acme"))
        self.assertEqual((acme["stage"], acme["shareOfWalletPercent"]),
                         ("RELATIONSHIP_STAGE_STABLE", 60))
        self.assertEqual(acme["credit"]["creditLimit"],
                         {"currencyCode": "EUR", "minorUnits": "1000000"})
        State.names = sorted(a["name"] for a in accounts)

    def test_2_a_rerun_creates_nothing_new(self):
        result, summary = self.import_accounts(os.path.join(FOLDER, "accounts.csv"))
        self.assertEqual(result.returncode, 3, result.stderr)
        self.assertEqual(summary["rowsLanded"], 6)
        self.assertEqual(sorted(x["name"] for x in summary["landed"]), State.names)
        self.assertEqual(len(summary["rejections"]), len(REJECTED))
        self.assertEqual(sorted(a["name"] for a in json.loads(list_batch())["accounts"]),
                         State.names)

    def test_3_export_round_trips(self):
        exported = os.path.join(FOLDER, "export.csv")
        result = kamctl("export", "accounts", "--label", f"batch={BATCH}", "-o", exported)
        self.assertEqual(result.returncode, 0, result.stderr)
        with open(exported, encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        self.assertEqual(sorted(r["name"] for r in rows), State.names)
        source = {r["display_name"] + r["external_id"]: r
                  for r in csv.DictReader(io.StringIO(ACCOUNTS_CSV)) if r["display_name"]}
        for row in rows:
            original = source[row["display_name"] + row["external_id"]]
            for column in ("industry", "region", "credit_currency", "credit_limit_minor"):
                self.assertEqual(row[column], original[column], column)
        # Imported back, the rows are the same requests: the same accounts.
        again, summary = self.import_accounts(exported)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertEqual(summary["rowsRejected"], 0)
        self.assertEqual(sorted(x["name"] for x in summary["landed"]), State.names)
        self.assertEqual(len(json.loads(list_batch())["accounts"]), 6)

    def test_4_lists_parse_as_json_and_csv(self):
        document = json.loads(list_batch("--json"))
        self.assertEqual(len(document["accounts"]), 6)
        table = list(csv.DictReader(io.StringIO(list_batch("--csv"))))
        self.assertEqual(sorted(r["name"] for r in table), State.names)
        self.assertIn("credit.credit_limit.minor_units", table[0])
        page = kamctl("accounts", "list", "--label", f"batch={BATCH}", "--page-size", "4",
                      "--json")
        self.assertEqual(len(json.loads(page.stdout)["accounts"]), 4)
        self.assertTrue(json.loads(page.stdout)["nextPageToken"])
        shown = kamctl("accounts", "get", State.names[0])
        self.assertEqual(shown.returncode, 0, shown.stderr)
        self.assertIn(State.names[0], shown.stdout)

    def test_5_update_sends_just_the_flags_given(self):
        name = State.names[0]
        before = json.loads(kamctl("accounts", "get", name, "--json").stdout)
        result = kamctl("accounts", "update", name, "--owner", "u-kamctl", "--json")
        self.assertEqual(result.returncode, 0, result.stderr)
        after = json.loads(result.stdout)
        self.assertEqual(after["owner"], "u-kamctl")
        self.assertEqual(after["displayName"], before["displayName"])
        stale = kamctl("accounts", "update", name, "--industry", "x", "--etag", before["etag"])
        self.assertEqual(stale.returncode, 9, stale.stderr)
        listed = kamctl("accounts", "list", "--owner", "u-kamctl", "--json")
        self.assertEqual([a["name"] for a in json.loads(listed.stdout)["accounts"]], [name])

    def test_6_contacts_and_cases(self):
        account = State.names[0]
        path = write("contacts.csv", "account,display_name,email,phone\n"
                     f"{account},Li Na,li.na@example.com,+8613800138000\n"
                     f"{account},Bad Mail,li..na@example.com,\n"
                     "accounts/999999999,Nobody,,\n")
        result = kamctl("import", "contacts", path)
        self.assertEqual(result.returncode, 3, result.stderr)
        self.assertIn(f"{path}: line 3, column email: must be an email address", result.stderr)
        # Valid in the file, refused by the service: reported the same way,
        # and the rest of its batch lands.
        self.assertIn(f"{path}: line 4, column account: refused by the service (NOT_FOUND): ",
                      result.stderr)
        contacts = json.loads(kamctl("contacts", "list", "--account", account, "--json").stdout)
        self.assertEqual([c["displayName"] for c in contacts["contacts"]], ["Li Na"])
        case = kamctl("cases", "create", "--account", account, "--type", "complaint",
                      "--title", "Late delivery", "--json")
        self.assertEqual(case.returncode, 0, case.stderr)
        listed = kamctl("cases", "list", "--account", account, "--csv")
        self.assertIn("Late delivery", listed.stdout)

    def test_6a_policies_from_a_json_file(self):
        # Every account with no contact scores some churn risk: a threshold
        # of 1 makes the runs of test 7 raise alerts.
        path = write("policy.json", json.dumps({
            "displayName": f"kamctl test {BATCH}", "valueMeasure": "VALUE_MEASURE_PROFIT",
            "alerts": {"churnRiskThreshold": 1}}))
        created = kamctl("policies", "create", "--file", path, "--request-id", BATCH, "--json")
        self.assertEqual(created.returncode, 0, created.stderr)
        policy = json.loads(created.stdout)
        self.assertEqual((policy["version"], policy["alerts"]["churnRiskThreshold"]), (1, 1))
        State.policy = policy["name"]
        again = kamctl("policies", "create", "--file", path, "--request-id", BATCH, "--json")
        self.assertEqual(json.loads(again.stdout)["name"], State.policy, "idempotent")
        shown = kamctl("policies", "get", State.policy.split("/")[1])
        self.assertEqual(shown.returncode, 0, shown.stderr)
        self.assertIn(f"kamctl test {BATCH}", shown.stdout)
        listed = json.loads(kamctl("policies", "list", "--all", "--json").stdout)["policies"]
        self.assertIn(State.policy, [p["name"] for p in listed])

        group = write("group.json", '{"displayName": "groups", '
                      '"tiering": {"rankUnit": "RANK_UNIT_GROUP"}}')
        table = kamctl("policies", "create", "--file", group)
        self.assertEqual(table.returncode, 0, table.stderr)
        self.assertIn("GROUP", table.stdout)
        wrong = write("wrong.json", '{"displayName": "x", "tiering": {"rankUnitt": 2}}')
        for result, code, words in [
            (kamctl("policies", "create", "--file", wrong), 2, 'no field named "rankUnitt"'),
            # The service's rule: a group is ranked by value (scores do not add up).
            (kamctl("policies", "create", "--file", write("score.json", json.dumps({
                "displayName": "x", "rankBy": "RANK_BY_SCORE",
                "criteria": [{"criterion": "CRITERION_REVENUE", "weight": 100,
                              "fullMarksAt": "100000000"}],
                "tiering": {"rankUnit": "RANK_UNIT_GROUP"}}))), 4,
             "invalid argument: field policy.tiering.rank_unit"),
        ]:
            with self.subTest(words=words):
                self.assertEqual(result.returncode, code, result.stderr)
                self.assertIn(words, result.stderr)
                self.assertEqual(result.stderr.count("\n"), 1, result.stderr)

    def test_6b_designations(self):
        account = State.names[0]
        created = kamctl("designations", "create", account.split("/")[1], "--kind", "strategic",
                         "--reason", "reference customer", "--end-time",
                         "2035-01-01T00:00:00Z", "--json")
        self.assertEqual(created.returncode, 0, created.stderr)
        designation = json.loads(created.stdout)
        self.assertEqual((designation["account"], designation["kind"], designation["active"]),
                         (account, "DESIGNATION_KIND_STRATEGIC", True))
        name = designation["name"]
        overlapping = kamctl("designations", "create", account, "--kind", "STRATEGIC",
                             "--reason", "again", "--end-time", "2034-01-01T00:00:00Z")
        self.assertEqual(overlapping.returncode, 9, overlapping.stderr)
        listed = kamctl("designations", "list", "--account", account, "--filter",
                        "active = true", "--json")
        self.assertEqual([d["name"] for d in json.loads(listed.stdout)["designations"]], [name])
        table = kamctl("designations", "list", "--account", account)
        self.assertIn("STRATEGIC", table.stdout)
        self.assertIn("reference customer", kamctl("designations", "get", name).stdout)
        ended = kamctl("designations", "end", name.split("/")[1], "--reason", "lost the deal",
                       "--json")
        self.assertEqual(ended.returncode, 0, ended.stderr)
        ended = json.loads(ended.stdout)  # proto3 JSON leaves out a false "active"
        self.assertEqual((ended.get("active", False), ended["endReason"]),
                         (False, "lost the deal"))
        for result, code, words in [
            (kamctl("designations", "end", name, "--reason", "twice"), 9, "failed precondition"),
            (kamctl("designations", "create", account, "--kind", "potential", "--reason", "x",
                    "--end-time", "2020-01-01T00:00:00Z"), 4, "field designation.end_time"),
            (kamctl("designations", "create", account, "--kind", "potential", "--reason", "x",
                    "--end-time", "next year"), 2, "--end-time must be an RFC 3339 time"),
            (kamctl("designations", "create", account, "--kind", "potential", "--reason", "x",
                    "--end-time", "2035-01-01T00:00:00Z",
                    env={"KAM_TOKEN": os.environ["KAM_TOKEN_ANALYST"]}), 7,
             "permission denied for CreateDesignation"),
        ]:
            with self.subTest(words=words):
                self.assertEqual(result.returncode, code, result.stderr)
                self.assertIn(words, result.stderr)

    def test_6c_credit_hold(self):
        account = State.names[0]
        shown = kamctl("credit-hold", "show", account.split("/")[1], "--json")
        self.assertEqual(shown.returncode, 0, shown.stderr)
        hold = json.loads(shown.stdout)  # proto3 JSON leaves out zeros and false
        self.assertEqual((hold["name"], hold.get("onHold", False), hold.get("strikeCount", 0),
                          hold["strikeDays"], hold["strikeThreshold"]),
                         (f"{account}/creditHold", False, 0, 30, 3))
        table = kamctl("credit-hold", "show", account)
        self.assertIn(f"{account}/creditHold: not on hold; strikes 0 (hold from 3", table.stdout)
        policy = kamctl("credit-hold", "policy", "--json")
        self.assertEqual(json.loads(policy.stdout)["strikeThreshold"], 3, policy.stderr)
        for result, code, words in [
            (kamctl("credit-hold", "lift", account, "--reason", "paid"), 9,
             f"account {account} is not on credit hold"),
            (kamctl("credit-hold", "lift", account, "--reason", " "), 4, "field reason"),
            (kamctl("credit-hold", "policy", "--strike-threshold", "0"), 4,
             "policy.strike_threshold must be from 1 to 100 (got 0)"),
            (kamctl("credit-hold", "lift", account, "--reason", "paid",
                    env={"KAM_TOKEN": os.environ["KAM_TOKEN_ANALYST"]}), 7,
             "permission denied for LiftCreditHold"),
        ]:
            with self.subTest(words=words):
                self.assertEqual(result.returncode, code, result.stderr)
                self.assertIn(words, result.stderr)

    def test_6d_agreements(self):
        account = State.names[0]
        created = kamctl("agreements", "create", account.split("/")[1], "--title",
                         "Framework: steel supply", "--model", "framework", "--start-time",
                         "2026-01-01T00:00:00Z", "--end-time", "2036-01-01T00:00:00Z",
                         "--service", "supply", "--service", "maintenance", "--discount-bp",
                         "500", "--notice-days", "90", "--renew-months", "12", "--json")
        self.assertEqual(created.returncode, 0, created.stderr)
        agreement = json.loads(created.stdout)
        self.assertEqual((agreement["account"], agreement["state"],
                          agreement["servicesCovered"], agreement["noticeDeadline"],
                          agreement["renewalEndTime"]),
                         (account, "AGREEMENT_STATE_ACTIVE", ["supply", "maintenance"],
                          "2035-10-03T00:00:00Z", "2037-01-01T00:00:00Z"))
        name = agreement["name"]
        listed = kamctl("agreements", "list", "--account", account, "--filter",
                        "state = ACTIVE", "--json")
        self.assertEqual([a["name"] for a in json.loads(listed.stdout)["agreements"]], [name])
        self.assertIn("Framework: steel supply", kamctl("agreements", "get", name).stdout)
        ended = kamctl("agreements", "terminate", name.split("/")[1], "--reason",
                       "merged into the group agreement", "--json")
        self.assertEqual(ended.returncode, 0, ended.stderr)
        self.assertEqual(json.loads(ended.stdout)["state"], "AGREEMENT_STATE_TERMINATED")
        for result, code, words in [
            (kamctl("agreements", "terminate", name, "--reason", "twice"), 9,
             "failed precondition"),
            (kamctl("agreements", "create", account, "--title", "x", "--model", "project",
                    "--start-time", "2026-01-01T00:00:00Z", "--end-time",
                    "2025-01-01T00:00:00Z"), 4, "field agreement.end_time"),
            (kamctl("agreements", "create", account, "--title", "x", "--model", "project",
                    "--start-time", "2026-01-01T00:00:00Z", "--end-time", "soon"), 2,
             "--end-time must be an RFC 3339 time"),
            (kamctl("agreements", "create", account, "--title", "x", "--model", "project",
                    "--start-time", "2026-01-01T00:00:00Z", "--end-time",
                    "2027-01-01T00:00:00Z", env={"KAM_TOKEN": os.environ["KAM_TOKEN_ANALYST"]}),
             7, "permission denied for CreateAgreement"),
        ]:
            with self.subTest(words=words):
                self.assertEqual(result.returncode, code, result.stderr)
                self.assertIn(words, result.stderr)

    def test_7_rate_wait_alerts_follow_and_reports(self):
        policy = State.policy
        follow = subprocess.Popen([KAMCTL, "alerts", "--follow"], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        lines = []
        reader = threading.Thread(target=lambda: lines.extend(follow.stdout), daemon=True)
        reader.start()
        time.sleep(1.5)  # the stream is open before the run raises anything
        result = kamctl("rate", "--policy", policy, "--wait")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("SUCCEEDED", result.stdout)
        self.assertIn("rated", result.stderr)
        self.assertIn("published", result.stderr)
        State.runs.append(result.stdout.split(":")[0])
        deadline = time.monotonic() + 30
        while not any("CHURN_RISK_HIGH" in line for line in lines) and \
                time.monotonic() < deadline:
            time.sleep(0.2)
        follow.send_signal(signal.SIGINT)
        self.assertEqual(follow.wait(timeout=20), 0, follow.stderr.read())
        reader.join(timeout=5)
        follow.stdout.close()
        follow.stderr.close()
        self.assertTrue(any("CHURN_RISK_HIGH" in line and State.runs[0] in line
                            for line in lines), lines)

        svg = os.path.join(FOLDER, "pyramid.svg")
        pyramid = kamctl("pyramid", State.runs[0], "--svg", svg)
        self.assertEqual(pyramid.returncode, 0, pyramid.stderr)
        with open(svg, encoding="utf-8") as f:
            self.assertTrue(f.read().startswith("<svg"))
        for tier in ("A", "B", "C", "D"):
            self.assertIn(f" {tier} ", pyramid.stdout)
        pareto_svg = os.path.join(FOLDER, "pareto.svg")
        pareto = kamctl("pareto", State.runs[0], "--svg", pareto_svg, "--json")
        self.assertEqual(pareto.returncode, 0, pareto.stderr)
        self.assertIn("points", json.loads(pareto.stdout))
        self.assertTrue(os.path.getsize(pareto_svg) > 0)
        listed = json.loads(kamctl("alerts", "--run", State.runs[0], "--json").stdout)
        self.assertTrue(listed["alerts"])

        second = kamctl("rate", "--policy", policy, "--wait", "--no-progress")
        self.assertEqual(second.returncode, 0, second.stderr)
        State.runs.append(second.stdout.split(":")[0])
        runs = json.loads(kamctl("runs", "--policy", policy, "--json").stdout)["runs"]
        self.assertEqual([r["name"] for r in runs], State.runs[::-1], "newest first")

    def test_8_diff_between_two_runs(self):
        result = kamctl("diff", *State.runs)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn(f"{State.runs[0]} -> {State.runs[1]}", result.stdout)
        self.assertIn("0 promoted, 0 demoted", result.stdout)
        document = json.loads(kamctl("diff", *State.runs, "--accounts", "--json").stdout)
        self.assertEqual(document["accounts"], [])

    def test_8a_programme_reports(self):
        effort_svg = os.path.join(FOLDER, "effort.svg")
        effort = kamctl("effort", State.runs[0], "--svg", effort_svg, "--json")
        self.assertEqual(effort.returncode, 0, effort.stderr)
        tiers = json.loads(effort.stdout)["tiers"]
        self.assertEqual([t["pyramid"]["tier"] for t in tiers],
                         ["TIER_A", "TIER_B", "TIER_C", "TIER_D"])
        with open(effort_svg, encoding="utf-8") as f:
            self.assertTrue(f.read().startswith("<svg"))
        table = kamctl("effort", State.runs[0], "--tolerance", "5")
        self.assertEqual(table.returncode, 0, table.stderr)
        self.assertIn("(tolerance 5.00%)", table.stdout)

        appraisals = kamctl("appraisals", State.runs[0], "--all", "--json")
        self.assertEqual(appraisals.returncode, 0, appraisals.stderr)
        self.assertIn("appraisals", json.loads(appraisals.stdout))

        rollup = kamctl("rollup", State.runs[0], State.names[0], "--json")
        self.assertEqual(rollup.returncode, 0, rollup.stderr)
        self.assertEqual(json.loads(rollup.stdout)["memberCount"], "1")
        missing = kamctl("rollup", State.runs[0], "accounts/999999999")
        self.assertNotEqual(missing.returncode, 0)

        # The account over both runs (of the newest run's policy), oldest first.
        trend_svg = os.path.join(FOLDER, "trend.svg")
        trend = kamctl("trend", State.names[0], "--svg", trend_svg, "--json")
        self.assertEqual(trend.returncode, 0, trend.stderr)
        document = json.loads(trend.stdout)
        self.assertEqual([p["ratingRun"] for p in document["points"]], State.runs)
        self.assertIn(document["health"]["direction"],
                      ["TREND_DIRECTION_STABLE", "TREND_DIRECTION_DECLINING",
                       "TREND_DIRECTION_RISING"])
        with open(trend_svg, encoding="utf-8") as f:
            self.assertTrue(f.read().startswith("<svg"))
        newest = json.loads(kamctl("trend", State.names[0], "--runs", "1", "--json").stdout)
        self.assertEqual([p["ratingRun"] for p in newest["points"]], State.runs[1:])

    def test_9_errors_have_their_exit_code_and_one_line(self):
        unreachable = kamctl("--account-address", "127.0.0.1:1", "accounts", "list")
        bad_token = kamctl("--token", "not-a-token", "accounts", "list")
        denied = kamctl("accounts", "create", "--display-name", "x",
                        env={"KAM_TOKEN": os.environ["KAM_TOKEN_ANALYST"]})
        missing = kamctl("accounts", "get", "accounts/999999999")
        invalid = kamctl("accounts", "list", "--filter", "colour = red")
        usage = kamctl("accounts", "create", "--display-name", "x", "--stage", "SOLID")
        for result, code, words in [
            (unreachable, 8, "service unavailable at 127.0.0.1:1"),
            (bad_token, 6, "not authenticated"),
            (denied, 7, "permission denied for CreateAccount"),
            (missing, 5, "not found"),
            (invalid, 4, "invalid argument: field filter"),
            (usage, 2, "--stage: must be one of"),
        ]:
            with self.subTest(words=words):
                self.assertEqual(result.returncode, code, result.stderr)
                self.assertTrue(result.stderr.startswith("kamctl: "), result.stderr)
                self.assertIn(words, result.stderr)
                self.assertEqual(result.stderr.count("\n"), 1, result.stderr)


if __name__ == "__main__":
    KAMCTL = sys.argv.pop(1)
    unittest.main(verbosity=2, failfast=True)
