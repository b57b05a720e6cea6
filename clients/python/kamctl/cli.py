"""The `kamctl` command: global connection flags, the command groups, and
the one place failures become a line on stderr and an exit code."""

import sys

import click
import grpc

from kamctl import accounts, agreements, alerts, cases, config, contacts, credit_hold, \
    designations, errors, exports, imports, policies, programme, scoring, trend
from kamctl.errors import KamctlError
from kamctl.session import Session


class App:
    """What every command gets (click's ctx.obj): the connection flags, and
    the session, opened on first use (so --help and --dry-run need no
    suite)."""

    def __init__(self, flags):
        self.flags = flags
        self._sessions = {}

    def session_with(self, attempts):
        if attempts not in self._sessions:
            self._sessions[attempts] = Session(config.resolve(self.flags), attempts)
        return self._sessions[attempts]

    @property
    def session(self):
        return self.session_with(5)

    def close(self):
        for session in self._sessions.values():
            session.close()


_HELP = f"""The KAM suite at a terminal: accounts, contacts and service cases, CSV
import and export, scoring policies, key-account designations, rating runs
and their reports, alerts.

Connection: each setting comes from its flag, else its environment variable,
else the config file (~/.config/kamctl/config.toml, or --config /
KAMCTL_CONFIG: keys account_address, interaction_address, scoring_address,
ca_file, token, token_file, timeout, actor), else the default (the ports of
`./kam up`). Against `./kam up`:

\b
  export KAM_CA_FILE=$PWD/.kam/pki/ca.pem KAM_TOKEN_FILE=$PWD/.kam/tokens/admin.jwt

{errors.EXIT_CODES_HELP}
"""


@click.group(help=_HELP, context_settings={"help_option_names": ["-h", "--help"],
                                           "max_content_width": 100})
@click.option("--account-address", metavar="HOST:PORT",
              help="Account service [KAM_ACCOUNT_ADDRESS; 127.0.0.1:50051].")
@click.option("--interaction-address", metavar="HOST:PORT",
              help="Interaction service [KAM_INTERACTION_ADDRESS; 127.0.0.1:50052].")
@click.option("--scoring-address", metavar="HOST:PORT",
              help="Scoring service [KAM_SCORING_ADDRESS; 127.0.0.1:50053].")
@click.option("--ca-file", metavar="PEM", help="CA of the services' TLS certificates "
              "[KAM_CA_FILE]; without one, calls are plaintext (a suite run --secure=false).")
@click.option("--token", metavar="JWT", help="Bearer token [KAM_TOKEN, KAM_TOKEN_ADMIN] "
              "(a flag shows in `ps`: prefer --token-file).")
@click.option("--token-file", metavar="FILE", help="File holding the bearer token "
              "[KAM_TOKEN_FILE], e.g. .kam/tokens/admin.jwt.")
@click.option("--config", metavar="FILE", help="Config file [KAMCTL_CONFIG; "
              "~/.config/kamctl/config.toml].")
@click.option("--timeout", type=float, metavar="SECONDS",
              help="Deadline of each call [KAMCTL_TIMEOUT; 30].")
@click.option("--actor", help="x-kam-actor for a suite without tokens [KAMCTL_ACTOR; $USER].")
@click.version_option("1.0", prog_name="kamctl")
@click.pass_context
def cli(ctx, **flags):
    ctx.obj = App(flags)
    ctx.call_on_close(ctx.obj.close)


for command in (accounts.group, contacts.group, cases.group, imports.group, exports.group,
                policies.group, designations.group, scoring.rate, scoring.runs, scoring.pyramid, scoring.pareto, scoring.diff,
                programme.effort, programme.appraisals, programme.rollup, trend.trend,
                alerts.alerts, agreements.group, credit_hold.group):
    cli.add_command(command)


def main(argv=None):
    """Runs kamctl and exits with its code (errors.py lists them)."""
    try:
        code = cli.main(args=argv, prog_name="kamctl", standalone_mode=False)
    except click.exceptions.Abort:
        print("kamctl: interrupted", file=sys.stderr)
        code = errors.INTERRUPTED
    except click.ClickException as error:
        error.show()
        code = error.exit_code
    except KamctlError as error:
        print(f"kamctl: {error}", file=sys.stderr)
        code = error.exit_code
    except grpc.RpcError as error:  # a call outside kam_client's wrapper
        failure = errors.call_failure("", error.code(), error.details() or "")
        print(f"kamctl: {failure}", file=sys.stderr)
        code = failure.exit_code
    except BrokenPipeError:
        # `kamctl ... | head`: the reader left; not an error of ours.
        sys.stderr.close()
        code = errors.OK
    sys.exit(code or 0)
