"""Exit codes and the one-line messages of failed calls.

A script branches on the exit code, a person reads the line on stderr; both
say which class of failure it was, so the codes are per class, not per
command (docs/kamctl.md, "Exit codes").
"""

import grpc

# Exit codes, documented in `kamctl --help` and docs/kamctl.md.
OK = 0
FAILED = 1            # any other failure: INTERNAL, DEADLINE_EXCEEDED, ...
USAGE = 2             # bad flags, unreadable file or config (click uses 2 too)
ROWS_REJECTED = 3     # import: some rows were rejected (the valid ones landed)
INVALID_ARGUMENT = 4  # the service refused a value (the field is named)
NOT_FOUND = 5
UNAUTHENTICATED = 6   # no token, or the token is expired or not the suite's
PERMISSION_DENIED = 7  # the token's role may not do this
UNAVAILABLE = 8       # the service cannot be reached or is not ready
CONFLICT = 9          # ALREADY_EXISTS, ABORTED (stale etag), FAILED_PRECONDITION
RUN_FAILED = 10       # rate --wait: the run ended FAILED or CANCELLED
INTERRUPTED = 130     # Ctrl-C (128 + SIGINT), except where it is the normal end

EXIT_CODES_HELP = """\b
Exit codes:
  0   success
  1   any other failure (INTERNAL, DEADLINE_EXCEEDED, ...)
  2   usage: bad flags or arguments, unreadable file or config
  3   import: rows were rejected (each one reported; the valid rows landed)
  4   INVALID_ARGUMENT: a value was refused (the message names the field)
  5   NOT_FOUND
  6   UNAUTHENTICATED: no token, or an expired or foreign one
  7   PERMISSION_DENIED: the token's role may not do this
  8   UNAVAILABLE: the service cannot be reached or is not ready
  9   conflict: ALREADY_EXISTS, ABORTED (stale etag), FAILED_PRECONDITION
  10  rate --wait: the run ended FAILED or CANCELLED
  130 interrupted (Ctrl-C)"""

_BY_CODE = {
    grpc.StatusCode.INVALID_ARGUMENT: INVALID_ARGUMENT,
    grpc.StatusCode.OUT_OF_RANGE: INVALID_ARGUMENT,
    grpc.StatusCode.NOT_FOUND: NOT_FOUND,
    grpc.StatusCode.UNAUTHENTICATED: UNAUTHENTICATED,
    grpc.StatusCode.PERMISSION_DENIED: PERMISSION_DENIED,
    grpc.StatusCode.UNAVAILABLE: UNAVAILABLE,
    grpc.StatusCode.ALREADY_EXISTS: CONFLICT,
    grpc.StatusCode.ABORTED: CONFLICT,
    grpc.StatusCode.FAILED_PRECONDITION: CONFLICT,
}


class KamctlError(Exception):
    """A failure to report in one line and exit with `exit_code`."""

    def __init__(self, message, exit_code=FAILED):
        super().__init__(message)
        self.exit_code = exit_code


class UsageError(KamctlError):
    def __init__(self, message):
        super().__init__(message, USAGE)


def exit_code_of(code):
    """The exit code of a gRPC status code."""
    return _BY_CODE.get(code, FAILED)


def call_failure(method, code, message, address=None, field=None):
    """The KamctlError of a failed call: one line that says what happened
    and, where it helps, what to do."""
    where = f" at {address}" if address else ""
    detail = message or "(no details)"
    if code == grpc.StatusCode.UNAUTHENTICATED:
        text = (f"not authenticated{where}: {detail} (give a valid token: --token-file, "
                "KAM_TOKEN, or token_file in the config file)")
    elif code == grpc.StatusCode.PERMISSION_DENIED:
        text = f"permission denied for {method}{where}: {detail} (use a token of a role that may)"
    elif code == grpc.StatusCode.UNAVAILABLE:
        text = (f"service unavailable{where}: {detail} (is the suite running there? "
                "check --account-address/--interaction-address/--scoring-address)")
    elif code == grpc.StatusCode.NOT_FOUND:
        text = f"not found: {detail}"
    elif code == grpc.StatusCode.INVALID_ARGUMENT and field:
        text = f"invalid argument: field {field}: {detail}"
    else:
        text = f"{code.name.lower().replace('_', ' ')}: {detail}"
    return KamctlError(text, exit_code_of(code))
