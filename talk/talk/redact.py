"""Masks credentials in everything a plugin logs, at every level and in every failure.

Secrets reach log lines in more ways than any one call site can guard: urllib3 logs each
request line (a WooCommerce query-string key included) at DEBUG, httpx at INFO, the `backoff`
library puts the exception text (with the URL) into its retry messages, a traceback quotes a
URL or a header dict. So the mask sits where every record passes: a filter on the logging
handlers, which rewrites the finished text of the record before any formatter sees it.

It masks (1) the values of the plugin's secret settings and of tokens it obtained at run time,
and (2) whatever looks like a credential, known or not: credential query and header
parameters, Authorization values, and the password in a URL.
"""
from __future__ import annotations

import logging
import re
import threading
from urllib.parse import quote, quote_plus

MASK = "***"

# Parameter names whose value is a credential wherever they appear as `name=value` (query
# string, form body), `name="value"` (OAuth header) or `"name": "value"` (JSON, a dict's repr).
CREDENTIAL_NAMES = (
    "consumer_key", "consumer_secret", "oauth_consumer_key", "oauth_signature", "oauth_token",
    "access_token", "refresh_token", "id_token", "api_key", "apikey", "subscription_key",
    "application_key", "client_key", "client_secret", "password", "secret", "token",
    "signature", "x-goog-signature", "x-goog-credential",  # signed download URLs (Shopify bulk results)
)
# Header names, also masked as `Name: value` (a header line or a headers dict).
CREDENTIAL_HEADERS = ("authorization", "x-api-key", "x-shopify-access-token", "ocp-apim-subscription-key")


def _alternatives(names) -> str:
    return "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))


_VALUE = r"""(?: (?P<quote>["']) (?P<quoted>[^"'\n]*) (?P=quote) | (?P<bare>[^\s&"',;)}\]]+) )"""
_NAMED_VALUE = re.compile(
    rf"""(?ix)
    (?<![\w-])
    (?: (?P<name>{_alternatives(CREDENTIAL_NAMES + CREDENTIAL_HEADERS)}) (?P<sep>\s*=\s*)
      | (?P<qname>["'](?:{_alternatives(CREDENTIAL_NAMES + CREDENTIAL_HEADERS)})["']) (?P<qsep>\s*:\s*) (?=["'])
      | (?P<hname>{_alternatives(CREDENTIAL_HEADERS)}) (?P<hsep>:\s*) )
    {_VALUE}
    """
)
# Authorization schemes: a Basic or Bearer credential, or every parameter of an OAuth header.
_SCHEME_VALUE = re.compile(
    r"""(?x)\b(?P<scheme>Basic|Bearer|OAuth)\s+
    (?P<value>(?:[\w-]+="[^"]*"(?:,\s*)?)+|[A-Za-z0-9._~+/=-]{6,})"""
)
# Values left as they are: empty, masked, or an Authorization value `_SCHEME_VALUE` masked.
_ALREADY_MASKED = {"", MASK} | {f"{scheme}{rest}" for scheme in ("Basic", "Bearer", "OAuth") for rest in ("", f" {MASK}")}
# scheme://user:password@host
_URL_PASSWORD = re.compile(r"(?P<head>\b[a-z][a-z0-9+.-]*://[^/\s:@]+:)[^@\s/]+@", re.I)

MIN_SECRET_LENGTH = 4  # shorter values would mask ordinary words and numbers


class Secrets:
    """The known secret values, in every spelling a log line may hold them (as is, URL-encoded)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._spellings: list[str] = []

    def add(self, value: object) -> None:
        text = str(value or "")
        if len(text) < MIN_SECRET_LENGTH:
            return
        with self._lock:
            for spelling in {text, quote(text, safe=""), quote_plus(text), quote(text, safe="~")}:
                if spelling not in self._spellings:
                    self._spellings.append(spelling)
            # The longest first, so a secret containing another is masked whole.
            self._spellings.sort(key=len, reverse=True)

    def mask(self, text: str) -> str:
        for spelling in self._spellings:
            if spelling in text:
                text = text.replace(spelling, MASK)
        return text


SECRETS = Secrets()


def remember(value: object) -> None:
    """Mask `value` from now on (a secret setting, an access token obtained at run time)."""
    SECRETS.add(value)


def redact(text: str) -> str:
    """`text` with every known secret and every credential-looking value masked."""
    if not text:
        return text
    text = SECRETS.mask(text)
    text = _SCHEME_VALUE.sub(lambda m: f"{m['scheme']} {MASK}", text)
    text = _NAMED_VALUE.sub(_masked_named_value, text)
    return _URL_PASSWORD.sub(lambda m: f"{m['head']}{MASK}@", text)


def _masked_named_value(match: re.Match) -> str:
    value = match["quoted"] if match["quote"] else match["bare"]
    if value in _ALREADY_MASKED:
        return match[0]
    name = match["name"] or match["qname"] or match["hname"]
    separator = match["sep"] or match["qsep"] or match["hsep"]
    quote_char = match["quote"] or ""
    return f"{name}{separator}{quote_char}{MASK}{quote_char}"


class RedactingFilter(logging.Filter):
    """Rewrites a record's message, exception and stack text with `redact` before it is formatted.

    The message is rendered here (msg % args) and the arguments dropped, because a secret may
    sit in an argument (a URL, an exception, a header dict) as well as in the format string."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string: log what there is
            message = f"{record.msg} {record.args}"
        record.msg, record.args = redact(message), ()
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None  # formatters print exc_text; none formats the raw exception again
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_FILTER = RedactingFilter()


def install(secret_values: list[object] = ()) -> None:
    """Mask `secret_values` and credential-looking text in every handler's output.

    Called once logging is configured (singer-sdk applies Meltano's logging config before the
    plugin is created), so the filter reaches every handler there is: the root's and those of
    loggers that do not propagate."""
    for value in secret_values:
        remember(value)
    loggers = [logging.getLogger()] + [
        logger for logger in list(logging.Logger.manager.loggerDict.values()) if isinstance(logger, logging.Logger)
    ]
    for logger in loggers:
        for handler in logger.handlers:
            if _FILTER not in handler.filters:
                handler.addFilter(_FILTER)
