#!/usr/bin/python3.11
"""kamctl's rules without a suite: CSV row checks, request ids, what an
import does with a refused batch, filters, connection settings and error
classes (clients/python/kamctl). Run by ctest as
clients.kamctl_unit; PYTHONPATH holds the stubs and clients/python.
"""

import os
import tempfile
import unittest
from unittest import mock

import grpc

from kam.account.v1 import account_pb2 as pb
from kam.scoring.v1 import policy_pb2, report_pb2
from kam_client import KamError
from kamctl import config, errors, imports, policies, rows, trend
from kamctl.errors import UsageError
from kamctl.resources import build_filter, quote, timestamp_flag

ACCOUNTS = rows.KINDS["accounts"]
CONTACTS = rows.KINDS["contacts"]


def reasons(kind, text):
    """(line, column, reason) of every rejection of a CSV text."""
    return [tuple(r) for r in rows.read(kind, text)[1]]


def check_cases(test, kind, columns, cells, cases):
    """Each case (column, cell, expected (column, reason) or None) as the
    one row of a file whose other columns are `columns` with `cells`."""
    for column, cell, expected in cases:
        with test.subTest(column=column, cell=cell):
            got = reasons(kind, f"{columns},{column}\n{cells},\"{cell}\"\n")
            test.assertEqual(got, [] if expected is None else [(2, *expected)])


class AccountRowTest(unittest.TestCase):
    # One row per case: the cells after display_name's "Acme" (header
    # `display_name,<column>`), and the expected (column, reason) or None.
    CASES = [
        ("external_id", "CRM-1", None),
        ("external_id", "has space", ("external_id", "must not contain white space")),
        ("external_id", "x" * 129, ("external_id", "must be at most 128 characters (got 129)")),
        ("industry", "x" * 100, None),
        ("industry", "x" * 101, ("industry", "must be at most 100 characters (got 101)")),
        ("industry", "a\x07b", ("industry", "must not contain control characters "
                                            "(found U+0007 at character 1)")),
        ("category", "regional", None),
        ("category", "ACCOUNT_CATEGORY_POTENTIAL", None),
        ("category", "big", ("category", "must be one of INDUSTRY, REGIONAL, POTENTIAL "
                                         "(got 'big')")),
        ("parent_account", "accounts/7", None),
        ("parent_account", "accounts/07", ("parent_account", "must look like "
                                           "accounts/{account} (got 'accounts/07')")),
        ("parent_account", "7", ("parent_account", "must look like accounts/{account} "
                                                   "(got '7')")),
        ("stage", "INTERRUPTED", ("stage", "cannot be INTERRUPTED on create: there is no "
                                           "trade to interrupt yet")),
        ("share_of_wallet_percent", "5", ("share_of_wallet_percent",
                                          "must be from 0 to 0 for stage DEVELOPMENT (got 5)")),
        ("share_of_wallet_percent", "x", ("share_of_wallet_percent",
                                          "must be a whole number (got 'x')")),
        ("share_of_wallet_percent", "101", ("share_of_wallet_percent",
                                            "must be between 0 and 100 (got 101)")),
        ("payment_terms_days", "366", ("payment_terms_days",
                                       "must be between 0 and 365 (got 366)")),
        ("credit_currency", "usd", ("credit_currency", "must be an ISO 4217 currency code of "
                                    "three upper-case letters like USD or CNY")),
        ("credit_limit_minor", "100", ("credit_currency",
                                       "is required when credit_limit_minor is set")),
        ("credit_limit_minor", "-1", ("credit_limit_minor", "must be between 0 and "
                                      "9223372036854775807 (got -1)")),
        ("credit_risk", "high", None),
        ("labels", "tier_goal=a;region=east", None),
        ("labels", "Region=east", ("labels", "key 'Region' must start with a lower-case "
                                             "letter (a-z)")),
        ("labels", "region=East", ("labels", "key 'region': value must contain only "
                                             "lower-case letters, digits, '_' and '-'")),
        ("labels", "region", ("labels", "must be key=value pairs joined by ';' "
                                        "(got 'region')")),
    ]

    def test_each_rule(self):
        check_cases(self, ACCOUNTS, "display_name", "Acme", self.CASES)

    def test_every_problem_of_every_row_is_reported_with_its_line(self):
        text = ("display_name,stage,share_of_wallet_percent,category\n"
                "Good,STABLE,60,INDUSTRY\n"
                ",,,\n"
                "\n"
                "Bad,SOLID,x,nope\n"
                "\"Two\nlines\",,,\n"
                "Short,\n")
        valid, rejected = rows.read(ACCOUNTS, text)
        self.assertEqual([r.line for r in valid], [2])
        self.assertEqual([(r.line, r.column) for r in rejected], [
            (3, "display_name"), (5, "stage"), (5, "share_of_wallet_percent"),
            (5, "category"), (6, "display_name"), (8, "")])
        self.assertIn("has 2 cells; the header has 4", rejected[-1].reason)
        self.assertEqual(str(rejected[0]), "line 3, column display_name: is required")

    def test_header_problems_reject_the_file(self):
        self.assertEqual(reasons(ACCOUNTS, "industry\nsteel\n"),
                         [(1, "display_name", "required column is missing")])
        got = reasons(ACCOUNTS, "display_name,dispaly_name\nA,B\n")
        self.assertEqual(got[0][:2], (1, "dispaly_name"))
        self.assertTrue(got[0][2].startswith("unknown column (known: display_name,"))
        self.assertEqual(reasons(ACCOUNTS, ""), [(1, "", "the file is empty "
                                                    "(a header row is needed)")])

    def test_an_external_id_repeated_in_the_file_is_rejected(self):
        got = reasons(ACCOUNTS, "display_name,external_id\nA,X1\nB,X2\nC,X1\n")
        self.assertEqual(got, [(4, "external_id", "'X1' repeats line 2; it must be unique")])

    def test_a_row_becomes_the_request_the_api_takes(self):
        text = ("name,display_name,stage,share_of_wallet_percent,credit_currency,"
                "credit_limit_minor,credit_risk,labels\n"
                "accounts/99, Acme ,STABLE,60,EUR,0,LOW,b=2;a=1\n")
        (row,), rejected = rows.read(ACCOUNTS, text)
        self.assertEqual(rejected, [])
        account = row.request.account
        self.assertEqual(account.name, "", "the name column is ignored")
        self.assertEqual(account.display_name, "Acme")
        self.assertEqual(account.stage, pb.RELATIONSHIP_STAGE_STABLE)
        self.assertTrue(account.credit.HasField("credit_limit"), "a limit of 0 is a limit")
        self.assertEqual(account.credit.credit_limit.currency_code, "EUR")
        self.assertEqual(dict(account.labels), {"a": "1", "b": "2"})


class ContactRowTest(unittest.TestCase):
    CASES = [
        ("phone", "+8613800138000", None),
        ("phone", "13800138000", ("phone", "must be in E.164 form like +8613800138000")),
        ("email", "li.na@example.com", None),
        ("email", "li..na@example.com", ("email", "must be an email address like "
                                                  "name@example.com")),
        ("email", "user@1.2.3.4", ("email", "must be an email address like name@example.com")),
        ("time_zone", "Asia/Shanghai", None),
        ("time_zone", "Mars/Olympus", ("time_zone", "must be an IANA time zone name like "
                                                    "Asia/Shanghai or UTC")),
        ("time_zone", "../etc/passwd", ("time_zone", "must be an IANA time zone name like "
                                                     "Asia/Shanghai or UTC")),
        ("influence_weight", "101", ("influence_weight", "must be between 0 and 100 (got 101)")),
        ("do_not_call", "maybe", ("do_not_call", "must be true or false (got 'maybe')")),
        ("buying_role", "decision_maker", None),
    ]

    def test_each_rule(self):
        check_cases(self, CONTACTS, "account,display_name", "accounts/1,Li Na", self.CASES)

    def test_the_account_is_the_parent(self):
        (row,), _ = rows.read(CONTACTS, "account,display_name\naccounts/12,Li Na\n")
        self.assertEqual(row.request.parent, "accounts/12")
        self.assertEqual(reasons(CONTACTS, "account,display_name\n,Li Na\n"),
                         [(2, "account", "is required")])


class RequestIdTest(unittest.TestCase):
    HEADER = "display_name,industry,category\n"

    def ids(self, body, salt=""):
        return [r.request.request_id for r in rows.read(ACCOUNTS, self.HEADER + body, salt)[0]]

    def test_the_same_file_gives_the_same_ids(self):
        body = "Acme,steel,INDUSTRY\nBeta,retail,\n"
        self.assertEqual(self.ids(body), self.ids(body))
        first = self.ids(body)[0]
        self.assertTrue(first.startswith("kamctl-accounts-"))
        self.assertLessEqual(len(first), 128)

    def test_ids_follow_the_content_not_the_line(self):
        # A corrected row before it, rows re-ordered, spelling of the same
        # values: the rows that did not change keep their ids.
        original = self.ids("Acme,steel,INDUSTRY\nBeta,retail,\n")
        moved = self.ids("New one,,\n Beta ,retail,\nAcme,steel,ACCOUNT_CATEGORY_INDUSTRY\n")
        self.assertEqual(moved[1:], [original[1], original[0]])
        self.assertNotIn(moved[0], original)

    def test_identical_rows_are_distinct_records(self):
        ids = self.ids("Acme,steel,\nAcme,steel,\n")
        self.assertEqual(len(set(ids)), 2)
        self.assertEqual(ids, self.ids("Acme,steel,\nAcme,steel,\n"))

    def test_a_salt_gives_new_ids(self):
        self.assertNotEqual(self.ids("Acme,,\n"), self.ids("Acme,,\n", salt="again"))

    def test_ids_depend_on_the_kind(self):
        content = b"same bytes"
        self.assertNotEqual(rows.request_id("accounts", content, 0),
                            rows.request_id("contacts", content, 0))


class FakeAccounts:
    """BatchCreateAccounts answering the given errors (KamError), then
    creating every item; it records the display names of each call."""

    def __init__(self, *errors):
        self.errors = list(errors)
        self.calls = []

    def BatchCreateAccounts(self, request):
        self.calls.append([r.account.display_name for r in request.requests])
        if self.errors:
            raise self.errors.pop(0)
        return pb.BatchCreateAccountsResponse(accounts=[
            pb.Account(name=f"accounts/{r.account.display_name}") for r in request.requests])


class FakeSession:
    def __init__(self, service):
        self.service = service

    def raw(self, attribute):
        return self.service

    def address(self, attribute):
        return "a:1"


class LandingTest(unittest.TestCase):
    """What the import does with a batch the service refuses."""

    def land(self, *errors):
        valid, _ = rows.read(ACCOUNTS, "display_name\n1\n2\n3\n")
        service = FakeAccounts(*errors)
        landing = imports.Landing(FakeSession(service), ACCOUNTS, 500, 1, mock.Mock())
        landing.run(valid)
        return landing, service.calls

    def test_the_row_a_refusal_names_is_reported_and_the_rest_sent_again(self):
        landing, calls = self.land(KamError(
            "BatchCreateAccounts", grpc.StatusCode.ALREADY_EXISTS,
            'requests[1].account.external_id "X" is already used by a live account'))
        self.assertEqual(calls, [["1", "2", "3"], ["1", "3"]])
        self.assertEqual(landing.rejections, [rows.Rejection(
            3, "external_id", 'refused by the service (ALREADY_EXISTS): "X" is already used '
            "by a live account")])
        self.assertEqual(landing.names, {2: "accounts/1", 4: "accounts/3"})

    def test_a_missing_parent_is_the_parent_account_column(self):
        landing, _ = self.land(KamError("BatchCreateAccounts", grpc.StatusCode.NOT_FOUND,
                                        "requests[0]: account accounts/9 not found"))
        self.assertEqual([(r.line, r.column) for r in landing.rejections],
                         [(2, "parent_account")])

    def test_aborted_sends_the_batch_again(self):
        landing, calls = self.land(KamError("BatchCreateAccounts", grpc.StatusCode.ABORTED,
                                            "requests[2]: retry"))
        self.assertEqual(len(calls), 2)
        self.assertEqual((landing.rejections, len(landing.names)), ([], 3))

    def test_a_failure_naming_no_row_ends_the_import_with_its_class(self):
        with self.assertRaises(errors.KamctlError) as raised:
            self.land(KamError("BatchCreateAccounts", grpc.StatusCode.PERMISSION_DENIED,
                               "role analyst may not call BatchCreateAccounts"))
        self.assertEqual(raised.exception.exit_code, errors.PERMISSION_DENIED)


class FilterTest(unittest.TestCase):
    def test_flags_are_anded_with_the_filter_and_quoted(self):
        self.assertEqual(build_filter("", []), "")
        self.assertEqual(build_filter('tier = "A"', []), 'tier = "A"')
        self.assertEqual(build_filter("a = 1 OR a = 2", ['owner = "u1"']),
                         '(a = 1 OR a = 2) AND owner = "u1"')
        self.assertEqual(quote('say "hi" \\'), '"say \\"hi\\" \\\\"')


class PolicyFileTest(unittest.TestCase):
    """`policies create --file`: the API's JSON names (or the proto's), and
    a mistake is a usage error in one line that names the field."""

    def test_a_group_policy_parses_with_json_or_proto_names(self):
        for text in ('{"displayName": "Groups", "tiering": {"rankUnit": "RANK_UNIT_GROUP"}}',
                     '{"display_name": "Groups", "tiering": {"rank_unit": "RANK_UNIT_GROUP"}}'):
            policy = policies.parse_policy(text, "p.json")
            self.assertEqual(policy.display_name, "Groups")
            self.assertEqual(policy.tiering.rank_unit, policy_pb2.RANK_UNIT_GROUP)

    def test_mistakes_name_the_file_and_the_field(self):
        for text, words in [
            ('{"tiering": {"rankUnitt": "RANK_UNIT_GROUP"}}', 'no field named "rankUnitt"'),
            ('{"valueMeasure": "PROFITS"}', "Invalid enum value PROFITS"),
            ('{"periodDays": "a year"}', "periodDays"),
            ('[1]', "must be a JSON object"),
            ('{"displayName": ', "not JSON"),
        ]:
            with self.subTest(text=text):
                with self.assertRaises(UsageError) as raised:
                    policies.parse_policy(text, "p.json")
                message = str(raised.exception)
                self.assertTrue(message.startswith("p.json: "), message)
                self.assertIn(words, message)
                self.assertNotIn("\n", message)

    def test_a_time_flag_is_rfc_3339(self):
        parsed = policy_pb2.ScoringPolicy().create_time
        timestamp_flag("--end-time", "2027-12-31T00:00:00Z", parsed)
        self.assertEqual(parsed.ToJsonString(), "2027-12-31T00:00:00Z")
        with self.assertRaises(UsageError) as raised:
            timestamp_flag("--end-time", "tomorrow", parsed)
        self.assertIn("--end-time must be an RFC 3339 time", str(raised.exception))


class SettingsTest(unittest.TestCase):
    def setUp(self):
        self.folder = tempfile.mkdtemp()
        self.ca = self.write("ca.pem", "pem")
        self.write("token.jwt", "file-token\n")
        self.config = self.write("config.toml", 'account_address = "file:1"\n'
                                 'ca_file = "ca.pem"\ntoken_file = "token.jwt"\ntimeout = 5\n')

    def write(self, name, text):
        path = os.path.join(self.folder, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def resolve(self, flags=None, environ=None):
        return config.resolve(dict(flags or {}), dict(environ or {}))

    def test_flag_beats_environment_beats_file_beats_default(self):
        env = {"KAMCTL_CONFIG": self.config}
        s = self.resolve(environ=env)
        self.assertEqual((s.account_address, s.scoring_address), ("file:1", "127.0.0.1:50053"))
        self.assertEqual(s.ca_file, self.ca, "relative to the config file")
        self.assertEqual(s.token, "file-token")
        self.assertEqual(s.timeout, 5.0)
        s = self.resolve(environ={**env, "KAM_ACCOUNT_ADDRESS": "env:1", "KAM_TOKEN": "env"})
        self.assertEqual((s.account_address, s.token), ("env:1", "env"))
        s = self.resolve({"account_address": "flag:1", "token": "flag"},
                         {**env, "KAM_ACCOUNT_ADDRESS": "env:1", "KAM_TOKEN": "env"})
        self.assertEqual((s.account_address, s.token), ("flag:1", "flag"))

    def test_a_token_file_flag_beats_a_token_in_the_environment(self):
        s = self.resolve({"token_file": os.path.join(self.folder, "token.jwt"),
                          "ca_file": self.ca}, {"KAM_TOKEN": "env"})
        self.assertEqual(s.token, "file-token")

    def test_mistakes_are_usage_errors(self):
        for flags, environ, message in [
            ({"config": "/nonexistent.toml"}, {}, "does not exist"),
            ({"token": "t"}, {"KAMCTL_CONFIG": "/nonexistent.toml"}, "does not exist"),
            ({"token": "t"}, {"XDG_CONFIG_HOME": self.folder + "/none"}, "a token needs TLS"),
            ({"timeout": "soon"}, {"XDG_CONFIG_HOME": self.folder}, "timeout must be"),
        ]:
            with self.subTest(message=message):
                with self.assertRaises(UsageError) as raised:
                    self.resolve(flags, environ)
                self.assertIn(message, str(raised.exception))
                self.assertEqual(raised.exception.exit_code, errors.USAGE)
        bad = self.write("bad.toml", "acount_address = 1\n")
        with self.assertRaisesRegex(UsageError, "unknown key 'acount_address'"):
            self.resolve({"config": bad})


class TrendTest(unittest.TestCase):
    def test_a_slope_in_hundredths_reads_as_units_per_run(self):
        declining = report_pb2.SeriesTrend(slope_hundredths=-340,
                                           direction=report_pb2.TREND_DIRECTION_DECLINING)
        self.assertEqual(trend.describe("health", declining), "health -3.40/run DECLINING")
        stable = report_pb2.SeriesTrend(direction=report_pb2.TREND_DIRECTION_STABLE)
        self.assertEqual(trend.describe("value", stable), "value +0.00/run STABLE")


class ErrorTest(unittest.TestCase):
    def test_each_class_has_its_exit_code_and_a_line_that_says_it(self):
        for code, exit_code, words in [
            (grpc.StatusCode.UNAUTHENTICATED, 6, "not authenticated at a:1"),
            (grpc.StatusCode.PERMISSION_DENIED, 7, "permission denied for M at a:1"),
            (grpc.StatusCode.UNAVAILABLE, 8, "service unavailable at a:1"),
            (grpc.StatusCode.NOT_FOUND, 5, "not found: why"),
            (grpc.StatusCode.ABORTED, 9, "aborted: why"),
            (grpc.StatusCode.INTERNAL, 1, "internal: why"),
        ]:
            failure = errors.call_failure("M", code, "why", "a:1")
            self.assertEqual(failure.exit_code, exit_code)
            self.assertIn(words, str(failure))
            self.assertNotIn("\n", str(failure))
        failure = errors.call_failure("M", grpc.StatusCode.INVALID_ARGUMENT,
                                      "account.display_name is required", "a:1",
                                      "account.display_name")
        self.assertEqual(str(failure), "invalid argument: field account.display_name: "
                                       "account.display_name is required")


if __name__ == "__main__":
    unittest.main()
