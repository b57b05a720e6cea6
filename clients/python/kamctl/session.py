"""The services of one kamctl invocation, with failures turned into
KamctlError (exit code per class, the address that failed)."""

import grpc

from kam_client import KamError

from kamctl import config
from kamctl.errors import call_failure

# kam_client's service attributes and which address serves each.
_SERVICE_OF = {
    "accounts": "ACCOUNT", "exports": "ACCOUNT", "cases": "INTERACTION",
    "policies": "SCORING", "ratings": "SCORING", "reports": "SCORING", "alerts": "SCORING",
    "designations": "SCORING", "credit_holds": "INTERACTION", "agreements": "INTERACTION",
}


class Session:
    """`session.accounts.GetAccount(request)` as kam_client's Client, but a
    failure raises KamctlError; `session.stream(...)` reads a server stream."""

    def __init__(self, settings, attempts=5):
        self.settings = settings
        self._client = config.connect(settings, attempts)

    def address(self, attribute):
        return self.settings.address_of(_SERVICE_OF[attribute])

    def raw(self, attribute):
        """kam_client's service itself: failures raise KamError (for callers
        that handle some codes themselves)."""
        return getattr(self._client, attribute)

    def __getattr__(self, attribute):
        if attribute not in _SERVICE_OF:
            raise AttributeError(attribute)
        return _Proxy(getattr(self._client, attribute), self.address(attribute))

    def stream(self, attribute, method, request, timeout=None):
        """Yields the messages of a server-streaming call; `timeout` None
        means none (a stream followed until Ctrl-C)."""
        call = getattr(getattr(self._client, attribute), method)(request, timeout=timeout)
        try:
            yield from call
        except grpc.RpcError as error:
            raise call_failure(method, error.code(), error.details() or "",
                               self.address(attribute)) from None
        finally:
            call.cancel()

    def close(self):
        self._client.close()


class _Proxy:
    def __init__(self, service, address):
        self._service = service
        self._address = address

    def __getattr__(self, method):
        bound = getattr(self._service, method)

        def call(request, **kwargs):
            try:
                return bound(request, **kwargs)
            except KamError as error:
                raise call_failure(method, error.code, error.message, self._address,
                                   error.field) from None
        return call
