"""Channels, calls with request ids and retries, pages and errors.

Import the generated stubs (kam.account.v1.account_pb2_grpc, ...) from a
folder on sys.path; this module itself needs only grpcio.
"""

import importlib
import os
import random
import re
import time
import uuid

import grpc

# Codes a call may be sent again on, with the same request (so the same
# request_id): the API answers them only when nothing was written.
# UNAVAILABLE: the service is starting or stopping, its database or a service
# it depends on is down (docs/decisions.md, "Every inter-service call has a
# deadline"); a call cut by a shutdown is ambiguous for a write, which is why
# a create keeps its request_id across retries (docs/operations.md).
# RESOURCE_EXHAUSTED: refused by the rate limit or the stream cap before the
# handler ran (docs/security.md, "The gate"). DEADLINE_EXCEEDED is not
# retried: the caller's time is up. ABORTED is not either: a stale etag needs
# a fresh read, not the same request again.
RETRYABLE = frozenset({grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.RESOURCE_EXHAUSTED})

# An INVALID_ARGUMENT message starts with the field path ("account.display_name
# must not be empty"; docs/decisions.md, "API conventions").
_FIELD_PATH = re.compile(r"^([a-z_][a-z0-9_]*(?:\[\d+\])?(?:\.[a-z_][a-z0-9_]*(?:\[\d+\])?)*)\b")


class KamError(Exception):
    """A call that failed: `code` (grpc.StatusCode), `message`, and `field`,
    the request field an INVALID_ARGUMENT names (None otherwise)."""

    def __init__(self, method, code, message):
        super().__init__(f"{method}: {code.name}: {message}")
        self.method = method
        self.code = code
        self.message = message
        match = _FIELD_PATH.match(message) if code == grpc.StatusCode.INVALID_ARGUMENT else None
        self.field = match.group(1) if match else None


def connect(address, ca_file=None, token=None):
    """A channel to one service. With `ca_file`, TLS trusting that CA (PEM)
    and, with `token`, the bearer token on every call; without, plaintext
    (a suite run with --secure=false)."""
    if ca_file is None:
        if token:
            raise ValueError("a token needs TLS: give the CA file too")
        return grpc.insecure_channel(address)
    with open(ca_file, "rb") as f:
        credentials = grpc.ssl_channel_credentials(root_certificates=f.read())
    if token:
        credentials = grpc.composite_channel_credentials(
            credentials, grpc.access_token_call_credentials(token))
    return grpc.secure_channel(address, credentials)


class Service:
    """A generated stub whose unary calls get a deadline, a request id on
    creates, retries of RETRYABLE codes with backoff, and KamError.

    The request id is written into the request given, so sending that
    request object again later is a retry of the same create. Each attempt
    has the whole `timeout`.

    Server-streaming methods are passed through with the deadline only: a
    stream is resumed by the caller (e.g. `start_after`), not re-sent."""

    def __init__(self, stub, timeout=10.0, attempts=5, backoff=0.1, metadata=()):
        self._stub = stub
        self._timeout = timeout
        self._attempts = attempts
        self._backoff = backoff
        self._metadata = tuple(metadata)

    def __getattr__(self, method_name):
        method = getattr(self._stub, method_name)
        if isinstance(method, grpc.UnaryStreamMultiCallable):
            return lambda request, **kwargs: method(
                request, timeout=kwargs.pop("timeout", self._timeout),
                metadata=self._metadata, **kwargs)
        return lambda request, **kwargs: self._call(method_name, method, request, **kwargs)

    def _call(self, method_name, method, request, timeout=None):
        if "request_id" in request.DESCRIPTOR.fields_by_name and not request.request_id:
            request.request_id = str(uuid.uuid4())
        delay = self._backoff
        for attempt in range(1, self._attempts + 1):
            try:
                return method(request, timeout=timeout or self._timeout,
                              metadata=self._metadata)
            except grpc.RpcError as error:
                if error.code() not in RETRYABLE or attempt == self._attempts:
                    raise KamError(method_name, error.code(), error.details() or "") from None
                time.sleep(max(_pushback(error), delay * (0.5 + random.random())))
                delay *= 2
        raise AssertionError("unreachable")


def _pushback(error):
    """The wait a refusal asks for (grpc-retry-pushback-ms), in seconds."""
    for key, value in error.trailing_metadata() or ():
        if key == "grpc-retry-pushback-ms" and value.isdigit():
            return int(value) / 1000
    return 0


def pages(method, request, items):
    """Yields every item of a List method, page after page: `method` a bound
    List call (e.g. client.accounts.ListAccounts), `items` the name of the
    response's repeated field ("accounts"). The request is not changed."""
    request = type(request).FromString(request.SerializeToString())
    while True:
        response = method(request)
        yield from getattr(response, items)
        if not response.next_page_token:
            return
        request.page_token = response.next_page_token


# The services of the suite: attribute, stub module, stub class, which
# service's address (KAM_<SERVICE>_ADDRESS) serves it.
_SERVICES = {
    "accounts": ("kam.account.v1.account_pb2_grpc", "AccountServiceStub", "ACCOUNT"),
    "exports": ("kam.account.v1.account_pb2_grpc", "AccountExportServiceStub", "ACCOUNT"),
    "activities": ("kam.interaction.v1.activity_pb2_grpc", "ActivityServiceStub", "INTERACTION"),
    "billing": ("kam.interaction.v1.billing_pb2_grpc", "BillingServiceStub", "INTERACTION"),
    "credit_holds": ("kam.interaction.v1.billing_pb2_grpc", "CreditHoldServiceStub",
                     "INTERACTION"),
    "cases": ("kam.interaction.v1.service_case_pb2_grpc", "ServiceCaseServiceStub",
              "INTERACTION"),
    "opportunities": ("kam.interaction.v1.opportunity_pb2_grpc", "OpportunityServiceStub",
                      "INTERACTION"),
    "agreements": ("kam.interaction.v1.agreement_pb2_grpc", "AgreementServiceStub",
                   "INTERACTION"),
    "satisfaction": ("kam.interaction.v1.satisfaction_pb2_grpc", "SatisfactionServiceStub",
                     "INTERACTION"),
    "facts": ("kam.interaction.v1.facts_pb2_grpc", "FactsServiceStub", "INTERACTION"),
    "policies": ("kam.scoring.v1.policy_pb2_grpc", "ScoringPolicyServiceStub", "SCORING"),
    "ratings": ("kam.scoring.v1.rating_pb2_grpc", "RatingServiceStub", "SCORING"),
    "reports": ("kam.scoring.v1.report_pb2_grpc", "ReportServiceStub", "SCORING"),
    "alerts": ("kam.scoring.v1.alert_pb2_grpc", "AlertServiceStub", "SCORING"),
    "designations": ("kam.scoring.v1.designation_pb2_grpc", "DesignationServiceStub",
                     "SCORING"),
}


class Client:
    """Every service of the suite, e.g. `client.accounts.GetAccount(...)`.

    `addresses` maps "ACCOUNT", "INTERACTION", "SCORING" to host:port; the
    channel of each is opened on first use and shared by its services."""

    def __init__(self, addresses, ca_file=None, token=None, **service_options):
        self._addresses = dict(addresses)
        self._ca_file = ca_file
        self._token = token
        self._options = service_options
        self._channels = {}

    @classmethod
    def from_env(cls, role="ADMIN", **service_options):
        """Reads KAM_{ACCOUNT,INTERACTION,SCORING}_ADDRESS (default: the
        ports of `./kam up`), KAM_CA_FILE and KAM_TOKEN_<ROLE>, as
        `kam-local --exec` sets them; KAM_TOKEN, when set, wins."""
        defaults = {"ACCOUNT": "127.0.0.1:50051", "INTERACTION": "127.0.0.1:50052",
                    "SCORING": "127.0.0.1:50053"}
        addresses = {name: os.environ.get(f"KAM_{name}_ADDRESS", default)
                     for name, default in defaults.items()}
        token = os.environ.get("KAM_TOKEN") or os.environ.get(f"KAM_TOKEN_{role}")
        return cls(addresses, os.environ.get("KAM_CA_FILE"), token, **service_options)

    def channel(self, service):
        if service not in self._channels:
            self._channels[service] = connect(self._addresses[service], self._ca_file,
                                              self._token)
        return self._channels[service]

    def __getattr__(self, name):
        if name not in _SERVICES:
            raise AttributeError(name)
        module, stub, service = _SERVICES[name]
        stub = getattr(importlib.import_module(module), stub)(self.channel(service))
        wrapped = Service(stub, **self._options)
        setattr(self, name, wrapped)
        return wrapped

    def close(self):
        for channel in self._channels.values():
            channel.close()
        self._channels.clear()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
