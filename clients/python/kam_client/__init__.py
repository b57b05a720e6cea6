"""A small Python client of the KAM suite.

The messages and stubs are the ones protoc generates from protos/ (see
clients/README.md); this package adds only what every caller would otherwise
write again:

- `connect()` / `Client.from_env()`: a channel with TLS and the bearer token;
- request ids: a create sent without `request_id` gets a fresh UUID, kept
  across the retries of that call, so a retry never writes twice;
- retries of the codes the API calls safe (`RETRYABLE`);
- `pages()`: the items of every page of a List method;
- `KamError`: a failed call, with its code, message and the request field an
  INVALID_ARGUMENT names.
"""

from kam_client.client import (RETRYABLE, Client, KamError, Service, connect,
                               pages)

__all__ = ["RETRYABLE", "Client", "KamError", "Service", "connect", "pages"]
