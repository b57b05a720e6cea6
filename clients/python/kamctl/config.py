"""Where kamctl connects and as whom.

Each setting is taken from the first of: its flag, its environment variable,
the config file, the default. The environment variables are those
clients/python's `Client.from_env()` and `kam-local --exec` use, so a shell
set up for the Python client works for kamctl too.
"""

import dataclasses
import getpass
import os
import tomllib

from kam_client import Client

from kamctl.errors import UsageError

# Setting -> (environment variables, first set wins; default).
ENVIRONMENT = {
    "account_address": (("KAM_ACCOUNT_ADDRESS",), "127.0.0.1:50051"),
    "interaction_address": (("KAM_INTERACTION_ADDRESS",), "127.0.0.1:50052"),
    "scoring_address": (("KAM_SCORING_ADDRESS",), "127.0.0.1:50053"),
    "ca_file": (("KAM_CA_FILE",), None),
    # KAM_TOKEN_ADMIN is what `kam-local --exec` exports; KAM_TOKEN wins.
    "token": (("KAM_TOKEN", "KAM_TOKEN_ADMIN"), None),
    "token_file": (("KAM_TOKEN_FILE",), None),
    "timeout": (("KAMCTL_TIMEOUT",), 30.0),
    "actor": (("KAMCTL_ACTOR",), None),
}
# Settings naming a file: relative paths in the config file are relative to it.
_PATHS = ("ca_file", "token_file")


def default_config_path():
    """$XDG_CONFIG_HOME/kamctl/config.toml, else ~/.config/kamctl/config.toml."""
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return os.path.join(base, "kamctl", "config.toml")


def read_config_file(path, explicit):
    """The settings of a TOML file; {} when the default file is absent. An
    explicitly named file must exist."""
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        if explicit:
            raise UsageError(f"config file {path} does not exist") from None
        return {}
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise UsageError(f"config file {path}: {error}") from None
    unknown = sorted(set(data) - set(ENVIRONMENT))
    if unknown:
        raise UsageError(f"config file {path}: unknown key {unknown[0]!r} "
                         f"(known: {', '.join(sorted(ENVIRONMENT))})")
    folder = os.path.dirname(os.path.abspath(path))
    for key in _PATHS:
        if isinstance(data.get(key), str):
            data[key] = os.path.join(folder, os.path.expanduser(data[key]))
    return data


@dataclasses.dataclass
class Settings:
    account_address: str
    interaction_address: str
    scoring_address: str
    ca_file: str | None
    token: str | None
    timeout: float
    actor: str

    def address_of(self, service):
        """The address of "ACCOUNT", "INTERACTION" or "SCORING"."""
        return getattr(self, f"{service.lower()}_address")


def resolve(flags, environ=None):
    """Settings from `flags` (setting -> value or None when not given), the
    environment and the config file (`flags["config"]`, else KAMCTL_CONFIG,
    else the default path)."""
    environ = os.environ if environ is None else environ
    config_path = flags.get("config") or environ.get("KAMCTL_CONFIG")
    file_values = read_config_file(config_path or default_config_path(),
                                   explicit=bool(config_path))

    def layers(key):
        """The value of `key` in each place, flag first."""
        variables, default = ENVIRONMENT[key]
        from_env = next((environ[v] for v in variables if environ.get(v)), None)
        return [flags.get(key) or None, from_env, file_values.get(key), default]

    def pick(key):
        return next((value for value in layers(key) if value not in (None, "")), None)

    # The token: the first place that gives one or a token file, the token
    # itself before the file within a place.
    token = None
    for given, path in zip(layers("token"), layers("token_file")):
        if given:
            token = given
            break
        if path:
            try:
                with open(os.path.expanduser(path), encoding="ascii") as f:
                    token = f.read().strip()
            except (OSError, UnicodeDecodeError) as error:
                raise UsageError(f"cannot read the token file {path}: {error}") from None
            break
    ca_file = pick("ca_file")
    if ca_file and not os.path.isfile(os.path.expanduser(ca_file)):
        raise UsageError(f"CA file {ca_file} does not exist")
    if token and not ca_file:
        raise UsageError("a token needs TLS: give the suite's CA file too "
                         "(--ca-file, KAM_CA_FILE or ca_file in the config file)")
    try:
        timeout = float(pick("timeout"))
    except (TypeError, ValueError):
        raise UsageError(f"timeout must be a number of seconds (got {pick('timeout')!r})") \
            from None
    if timeout <= 0:
        raise UsageError(f"timeout must be positive (got {timeout})")
    return Settings(
        account_address=pick("account_address"),
        interaction_address=pick("interaction_address"),
        scoring_address=pick("scoring_address"),
        ca_file=os.path.expanduser(ca_file) if ca_file else None,
        token=token or None,
        timeout=timeout,
        actor=pick("actor") or _user(),
    )


def _user():
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "kamctl"


def connect(settings, attempts=5):
    """The kam_client Client for these settings; `attempts` per call on the
    codes kam_client retries (UNAVAILABLE, RESOURCE_EXHAUSTED). x-kam-actor names the
    person to a suite run without tokens; with tokens the token's subject is
    the actor and the header is ignored."""
    addresses = {name: settings.address_of(name) for name in ("ACCOUNT", "INTERACTION",
                                                              "SCORING")}
    return Client(addresses, settings.ca_file, settings.token, timeout=settings.timeout,
                  attempts=attempts, metadata=(("x-kam-actor", settings.actor),))
