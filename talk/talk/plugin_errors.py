"""A failure no record can get past ends a plugin with one line a person can act on.

Wrong credentials, an API that cannot be reached, a base URL without its API path: the run
cannot go on, and a traceback (or one reject per record) hides what to do. `install` makes
a tap's `sync_all` and a target's `listen` turn such a failure into one line on stderr that
names the system, the URL and the settings to check, and exit with status 2. The plugin
writes nothing after it, so Meltano saves no state past what was already done.

Any other exception (a bug) keeps its traceback: there the traceback is what helps.
"""
from __future__ import annotations

import functools
import logging
import socket
import ssl
import sys
import warnings
from dataclasses import dataclass
from typing import Any, Mapping

import click
from singer_sdk import Tap
from singer_sdk import exceptions as sdk_errors

from . import redact
from .http import ApiError, AuthFailed, FatalApiError, Unreachable, WrongBaseUrl

EXIT_FATAL = 2  # 1 is a crash, 3 a run that finished with rejects


def request_of(error: ApiError) -> str:
    """'GET /customers' of a failed request, when the error kept it (the path only, no query)."""
    method, url = getattr(error, "method", ""), getattr(error, "url", "")
    return f"{method} {url}".strip()


@dataclass(frozen=True)
class System:
    title: str
    api_path: str = ""  # what base_url must end in
    example: str = ""   # a right base_url
    url_help: str = ""  # what base_url is, when no path can be checked


class RegisteredSystems(Mapping):
    """Each installed system's title and base-URL facts, read from the registry (talk.systems)
    when a message first needs them: a plugin that never fails never scans the registry."""

    def _all(self) -> dict[str, System]:
        from . import systems

        return {name: System(s.title, s.api_path, s.example_url, s.url_help) for name, s in systems.registered().items()}

    def __getitem__(self, key: str) -> System:
        return self._all()[key]

    def __iter__(self):
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


SYSTEMS: Mapping[str, System] = RegisteredSystems()

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


@dataclass(frozen=True)
class Connection:
    """Where a plugin connects and with which settings, for the messages."""

    plugin: str  # tap-poweroffice
    system: System
    base_url: str
    credentials: tuple[str, ...]  # the secret settings

    @classmethod
    def of(cls, plugin: Any) -> "Connection":
        name = str(plugin.name)
        key = name.split("-", 1)[-1]
        config: Mapping = getattr(plugin, "config", {}) or {}
        system = SYSTEMS.get(key, System(key))
        return cls(name, system, configured_url(config, system), secret_settings(plugin))

    def env(self, setting: str) -> str:
        """The environment variable Meltano reads the setting from."""
        return f"{self.plugin.upper().replace('-', '_')}_{setting.upper()}"

    @property
    def local(self) -> bool:
        host = self.base_url.split("://", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0]
        return host in LOCAL_HOSTS


def configured_url(config: Mapping, system: System) -> str:
    if config.get("base_url"):
        return str(config["base_url"]).rstrip("/")
    store = str(config.get("store") or "")
    if store:
        return store if "://" in store else f"https://{store.removesuffix('.myshopify.com')}.myshopify.com"
    return system.example or "(base_url not set)"


def secret_settings(plugin: Any) -> tuple[str, ...]:
    """Settings declared secret in the plugin's config schema (th.Property(..., secret=True))."""
    properties = (getattr(plugin, "config_jsonschema", None) or {}).get("properties", {})
    declared = [name for name, schema in properties.items() if schema.get("secret")]
    extra = [name for name in getattr(plugin, "secret_settings", ()) if name not in declared]
    return tuple(declared + extra)


# -- the messages ---------------------------------------------------------------------------------

def words(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def refused(conn: Connection, error: ApiError) -> str:
    said = api_words(error.detail)
    status = f"{error.status}: {said}" if said else str(error.status)
    names = list(conn.credentials)
    check = (f"check {words(names)} ({', '.join(conn.env(n) for n in names)})" if names
             else "check the plugin's credentials")
    return f"{conn.plugin}: {conn.system.title} refused the credentials at {conn.base_url} ({status}): {check}"


def unreachable(conn: Connection, cause: str) -> str:
    if "certificate" in cause:  # it is running: what it shows cannot be trusted
        return f"{conn.plugin}: {conn.system.title} at {conn.base_url}: {cause}"
    hint = f"is it running, and is base_url ({conn.env('base_url')}) right?"
    if conn.local:
        hint += " For the local sandboxes: talk sandbox start"
    return f"{conn.plugin}: cannot reach {conn.system.title} at {conn.base_url} ({cause}): {hint}"


def wrong_base_url(conn: Connection, error: ApiError) -> str:
    system, url = conn.system, conn.base_url
    if system.api_path and not url.endswith(system.api_path):
        advice = f"base_url must end in {system.api_path}: did you mean {url}{system.api_path}?"
    elif system.api_path:
        advice = f"base_url must be the API root, ending in {system.api_path} (e.g. {system.example})"
    else:
        advice = system.url_help or "check base_url"
    where = f"{request_of(error)} " if request_of(error) else ""
    return (f"{conn.plugin}: {system.title} has no API at {url} ({where}answered {error.status}): "
            f"{advice} ({conn.env('base_url')})")


def api_failed(conn: Connection, error: Exception) -> str:
    text = error.detail if isinstance(error, ApiError) else str(error)
    if isinstance(error, ApiError) and error.status and str(error.status) not in text:
        text = f"{error.status}: {text}"
    where = f"{request_of(error)} " if isinstance(error, ApiError) and request_of(error) else ""
    return f"{conn.plugin}: {conn.system.title} at {conn.base_url} failed: {where}{text}".replace("  ", " ")


def api_words(detail: str) -> str:
    """The API's own explanation from an error's detail, without our wording around it."""
    prefix = "the API refused the credentials:"
    detail = (detail or "").strip()
    return detail[len(prefix):].strip() if detail.startswith(prefix) else detail


# -- which failures get one line ------------------------------------------------------------------

def one_line(plugin: Any, error: BaseException) -> str | None:
    """The line that explains `error`, or None when it is not a failure of the connection to the
    API (a bug, which keeps its traceback)."""
    kind = classify(error)
    if kind is None:
        return None
    conn = Connection.of(plugin)
    if kind == "auth":
        return refused(conn, error)
    if kind == "path":
        return wrong_base_url(conn, error)
    if kind == "unreachable":
        return unreachable(conn, unreachable_cause(error))
    return api_failed(conn, error)


def classify(error: BaseException) -> str | None:
    if isinstance(error, AuthFailed):
        return "auth"
    if isinstance(error, WrongBaseUrl):
        return "path"
    if isinstance(error, Unreachable):
        return "unreachable"
    if isinstance(error, FatalApiError) or _singer_api_error(error):
        return "api"  # the plugin already said what failed, in its own words
    if connection_failure(error) is not None:
        return "unreachable"
    return None


def _singer_api_error(error: BaseException) -> bool:
    """A tap's request that failed for good: a 4xx the SDK does not retry, or retries used up."""
    return isinstance(error, (sdk_errors.FatalAPIError, sdk_errors.RetriableAPIError))


def causes(error: BaseException):
    """`error` and what it came from (requests wraps urllib3, which wraps the socket error)."""
    seen: set[int] = set()
    todo = [error]
    while todo:
        current = todo.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        linked = [current.__cause__, current.__context__, getattr(current, "reason", None), *current.args]
        todo += [e for e in linked if isinstance(e, BaseException)]


def connection_failure(error: BaseException) -> str | None:
    """A few words on why no answer came ('connection refused'), or None if one did.
    Built from the error types, never from their text: that holds the URL and its query."""
    if isinstance(error, ApiError) and not isinstance(error, Unreachable):
        return None
    found = list(causes(error))
    names = {type(e).__name__ for e in found}
    for e in found:
        if isinstance(e, ConnectionRefusedError):
            return "connection refused"
        if isinstance(e, socket.gaierror):
            return "unknown host"
        if isinstance(e, ssl.SSLCertVerificationError) or ("SSLError" in names and "CERTIFICATE_VERIFY_FAILED" in str(e)):
            return ("its HTTPS certificate could not be verified (certificate verify failed): give the plugin "
                    "the CA file that signed it (setting ca_bundle where the system has one)")
    if names & {"ReadTimeout", "ReadTimeoutError"}:
        return "no answer in time"
    if names & {"ConnectTimeout", "ConnectTimeoutError", "TimeoutError"}:
        return "timed out connecting"
    if names & {"ConnectionError", "NewConnectionError", "MaxRetryError", "ConnectError", "RemoteDisconnected",
                "ConnectionResetError", "ProtocolError"}:
        return "connection failed"
    return None


def nothing_listening(error: BaseException) -> bool:
    """No server at the address at all (refused, unknown host): retrying will not change that."""
    return connection_failure(error) in ("connection refused", "unknown host")


def unreachable_cause(error: BaseException) -> str:
    if isinstance(error, Unreachable):
        detail = error.detail or ""
        # ApiSession words it 'cannot reach ORIGIN (CAUSE)'; the cause is what the line needs.
        if detail.startswith("cannot reach") and detail.endswith(")") and "(" in detail:
            return detail[detail.index("(") + 1:-1]
        return api_words(detail) or "no connection"
    return connection_failure(error) or "no connection"


# -- installing it --------------------------------------------------------------------------------

class _ExplainedElsewhere(logging.Filter):
    """Drops the SDK's own lines about a failure that gets its one line ('An unhandled error
    occurred while syncing', backoff's 'Giving up ... after N tries' with the exception text):
    they would only repeat it less clearly. They are logged inside the `except` block that
    handles the failure, so sys.exc_info() tells which failure they are about. Retry messages
    ('Backing off') stay: they say why the run is waiting."""

    REPEATS = ("An unhandled error occurred while syncing", "Giving up ")

    def filter(self, record: logging.LogRecord) -> bool:
        if not str(record.msg).startswith(self.REPEATS):
            return True
        error = sys.exc_info()[1]
        return error is None or classify(error) is None


_QUIET = _ExplainedElsewhere()


def install(plugin: Any) -> None:
    """Mask secrets in every log line and, when the plugin runs as its command, end a failure
    of the connection to the API in one line and exit status 2. Called from the plugin's
    __init__, once singer-sdk has set up logging."""
    conn_secrets = [plugin.config.get(name) for name in secret_settings(plugin)]
    redact.install(conn_secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(_QUIET)
    # Only a plugin run as its command (inside its click command) ends the process: in-process
    # callers (tests, benchmarks) get the exception itself.
    if click.get_current_context(silent=True) is not None:
        entry = "sync_all" if isinstance(plugin, Tap) else "listen"
        setattr(plugin, entry, _ending_in_one_line(plugin, getattr(plugin, entry)))


def _ending_in_one_line(plugin: Any, run):
    @functools.wraps(run)
    def guarded(*args, **kwargs):
        try:
            return run(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 - classified below; the rest is re-raised
            line = one_line(plugin, error)
            if line is None:
                raise
        sys.stdout.flush()
        sys.stderr.write(redact.redact(line) + "\n")
        sys.stderr.flush()
        # The failed request's connection is still open; the process ends here and the OS
        # closes it, so Python's warning about it at exit would only add noise to the line.
        warnings.simplefilter("ignore", ResourceWarning)
        raise SystemExit(EXIT_FATAL)

    return guarded
