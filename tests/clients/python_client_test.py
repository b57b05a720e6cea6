#!/usr/bin/python3.11
"""The Python client (clients/python) against a running, secured suite.

Run by ctest (tests/clients/CMakeLists.txt) under `kam-local --exec`, which
starts MariaDB and the three services with TLS and tokens and sets
KAM_*_ADDRESS, KAM_CA_FILE and KAM_TOKEN_<ROLE>; PYTHONPATH holds the stubs
generated from protos/ and clients/python.
"""

import importlib.util
import os
import unittest

import grpc

from kam.account.v1 import account_pb2 as pb
from kam_client import Client, KamError, Service

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "clients",
                        "python", "examples")


def load_example(name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(EXAMPLES, f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class FakeRpcError(grpc.RpcError):
    def __init__(self, code, details="", trailers=()):
        super().__init__(details)
        self._code, self._details, self._trailers = code, details, trailers

    def code(self):
        return self._code

    def details(self):
        return self._details

    def trailing_metadata(self):
        return self._trailers


class ScriptedStub:
    """A stub whose CreateAccount answers the given errors, then succeeds;
    it records every request it was sent."""

    def __init__(self, *errors):
        self.errors = list(errors)
        self.requests = []

    def CreateAccount(self, request, timeout=None, metadata=None):
        self.requests.append(pb.CreateAccountRequest.FromString(request.SerializeToString()))
        if self.errors:
            raise self.errors.pop(0)
        return pb.Account(name="accounts/1")


class CallLayerTest(unittest.TestCase):
    """Request ids and retries, without a network."""

    def test_retries_unavailable_with_the_same_request_id(self):
        stub = ScriptedStub(FakeRpcError(grpc.StatusCode.UNAVAILABLE, "starting"),
                            FakeRpcError(grpc.StatusCode.RESOURCE_EXHAUSTED, "rate limit",
                                         (("grpc-retry-pushback-ms", "10"),)))
        service = Service(stub, backoff=0.001)
        account = service.CreateAccount(pb.CreateAccountRequest(account=pb.Account()))
        self.assertEqual(account.name, "accounts/1")
        ids = {r.request_id for r in stub.requests}
        self.assertEqual(len(stub.requests), 3)
        self.assertEqual(len(ids), 1, "every attempt carries the one generated request id")
        self.assertNotEqual(ids, {""})

    def test_a_request_id_given_is_kept(self):
        stub = ScriptedStub()
        Service(stub).CreateAccount(pb.CreateAccountRequest(request_id="mine"))
        self.assertEqual(stub.requests[0].request_id, "mine")

    def test_other_codes_are_not_retried(self):
        for code in (grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.ABORTED,
                     grpc.StatusCode.DEADLINE_EXCEEDED, grpc.StatusCode.UNAUTHENTICATED):
            stub = ScriptedStub(FakeRpcError(code, "account.display_name is required"))
            with self.assertRaises(KamError) as raised:
                Service(stub, backoff=0.001).CreateAccount(pb.CreateAccountRequest())
            self.assertEqual(len(stub.requests), 1, code)
            self.assertEqual(raised.exception.code, code)
            expected = "account.display_name" if code == grpc.StatusCode.INVALID_ARGUMENT else None
            self.assertEqual(raised.exception.field, expected)

    def test_gives_up_after_the_attempts(self):
        stub = ScriptedStub(*[FakeRpcError(grpc.StatusCode.UNAVAILABLE, "down")] * 5)
        with self.assertRaises(KamError) as raised:
            Service(stub, attempts=3, backoff=0.001).CreateAccount(pb.CreateAccountRequest())
        self.assertEqual(raised.exception.code, grpc.StatusCode.UNAVAILABLE)
        self.assertEqual(len(stub.requests), 3)


class SuiteTest(unittest.TestCase):
    """The client against the suite kam-local started (TLS and tokens on)."""

    @classmethod
    def setUpClass(cls):
        for variable in ("KAM_ACCOUNT_ADDRESS", "KAM_CA_FILE", "KAM_TOKEN_ADMIN"):
            if not os.environ.get(variable):
                raise RuntimeError(f"{variable} is not set: run under kam-local --exec (secured)")
        cls.client = Client.from_env()

    @classmethod
    def tearDownClass(cls):
        cls.client.close()

    def test_examples(self):
        for name in ("account_example", "interaction_example", "scoring_example"):
            with self.subTest(name):
                self.assertEqual(load_example(name).main(self.client), 0)

    def test_a_create_sent_twice_creates_once(self):
        request = pb.CreateAccountRequest(account=pb.Account(
            display_name="Client retry", industry="retail", region="east"))
        first = self.client.accounts.CreateAccount(request)
        self.assertTrue(request.request_id, "the client filled in a request id")
        again = self.client.accounts.CreateAccount(request)
        self.assertEqual(again.name, first.name)

    def test_an_invalid_argument_names_the_field(self):
        with self.assertRaises(KamError) as raised:
            self.client.accounts.GetAccount(pb.GetAccountRequest(name="customers/1"))
        self.assertEqual(raised.exception.code, grpc.StatusCode.INVALID_ARGUMENT)
        self.assertEqual(raised.exception.field, "name")

    def test_calls_without_a_token_are_refused(self):
        addresses = {"ACCOUNT": os.environ["KAM_ACCOUNT_ADDRESS"]}
        with Client(addresses, os.environ["KAM_CA_FILE"], token=None) as anonymous:
            with self.assertRaises(KamError) as raised:
                anonymous.accounts.GetAccount(pb.GetAccountRequest(name="accounts/1"))
        self.assertEqual(raised.exception.code, grpc.StatusCode.UNAUTHENTICATED)

    def test_an_analyst_may_not_create(self):
        with Client.from_env(role="ANALYST") as analyst:
            with self.assertRaises(KamError) as raised:
                analyst.accounts.CreateAccount(pb.CreateAccountRequest(
                    account=pb.Account(display_name="Not allowed")))
        self.assertEqual(raised.exception.code, grpc.StatusCode.PERMISSION_DENIED)


if __name__ == "__main__":
    unittest.main(verbosity=2)
