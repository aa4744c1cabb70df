"""One HTTP session for every target client: retries, Retry-After, pacing, secret-free errors.

Taps use singer-sdk's own request machinery; targets write through this class so that
429, 5xx and lost answers are handled once, and a write that may have been applied is never
sent again blindly (`UnknownOutcome`).
"""
from __future__ import annotations

import logging
import re
import time
from typing import Any, Callable

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

log = logging.getLogger("talk.http")


class _WithoutQuery(logging.Filter):
    """httpx logs each request's full URL at INFO; WooCommerce's query-string auth puts the
    consumer key and secret there. Its lines keep the path only."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(without_query(a) if isinstance(a, httpx.URL) else a for a in record.args)
        return True


logging.getLogger("httpx").addFilter(_WithoutQuery())


class ApiError(Exception):
    """An API answered with an error; `status` and `detail` say what, never a credential."""

    def __init__(self, status: int, detail: str, method: str = "", url: str = ""):
        self.status = status
        self.detail = detail
        self.method, self.url = method, url  # the path only: a query string may carry credentials
        super().__init__(f"{method} {url} -> {status}: {detail}".strip())


class UnknownOutcome(ApiError):
    """A request that is not safe to repeat (a create) was sent, and no answer says whether the
    API applied it: a timeout while waiting, a dropped connection, a 5xx. It must not be sent
    again blindly: the caller first looks for what may have landed (by external reference)."""


class FatalApiError(ApiError):
    """A failure no record can get past (wrong credentials, API unreachable, wrong base URL):
    the run stops with one line that says what to do, instead of rejecting every record."""


class AuthFailed(FatalApiError):
    """The API refused the credentials (401/403 after a fresh token)."""


class Unreachable(FatalApiError):
    """No connection to the API (refused, unknown host, TLS failure) after the retries."""


class WrongBaseUrl(FatalApiError):
    """The API answered 404 before anything else worked, and so did a collection that always
    exists: base_url is missing its path (/v2, /api/v1) or points somewhere else."""


# Methods a repeat cannot double: reads, and writes that set a state (PUT, PATCH, DELETE).
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"}
# Failures before any byte of the request left: safe to send again whatever it does.
NOTHING_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def answer_lost(status: int) -> bool:
    """A 5xx that may hide an applied request (a gateway gave up waiting, the app failed after
    its commit). 501 and 505 say the server never handled the request at all."""
    return status >= 500 and status not in (501, 505)


def without_query(url: object) -> str:
    """A URL or path fit for a log line or an error: the query string may carry credentials."""
    return str(url).split("?", 1)[0]


class _Again(Exception):
    """One attempt failed in a way the policy retries. `wait` is the API's Retry-After, if it
    gave one; `final` is what the caller gets if no attempt is left."""

    def __init__(self, reason: str, final: ApiError, wait: float | None = None):
        super().__init__(reason)
        self.reason, self.final, self.wait = reason, final, wait


class ApiSession:
    """httpx.Client wrapper with one retry policy (tenacity):

    - 429 is always retried after Retry-After: the API refused the request without applying it;
    - a connection that could not be opened is retried for every method: nothing was sent;
    - a 5xx, a timeout or a connection lost after sending is retried only for a request that is
      safe to repeat (`idempotent`; by default every method but POST). For any other request it
      raises `UnknownOutcome` at once: the caller looks for what landed before sending again;
    - a 401 calls `on_unauthorized` once (a fresh token) and tries again; a 401 after that, or a
      403 about the credentials, raises `AuthFailed`; no connection after the retries raises
      `Unreachable`.

    `min_interval` paces requests (seconds between calls) so a client stays under a
    requests-per-second limit instead of provoking 429s. `auth_headers` is a callable so
    tokens can be refreshed.
    """

    def __init__(
        self,
        base_url: str,
        auth_headers: Callable[[], dict[str, str]] | None = None,
        on_unauthorized: Callable[[], None] | None = None,
        min_interval: float = 0.0,
        max_retries: int = 6,
        timeout: float = 60.0,
        user_agent: str = "talk-sync/0.1",
        probe_path: str | None = None,
    ):
        self.client = httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout, headers={"User-Agent": user_agent})
        # A GET that always answers 200 at a right base_url (a small page of a collection): on a
        # 404 before anything worked it tells "no such record" from "no API here".
        self.probe_path = probe_path
        self.answered = False  # the API has answered at all (a refused connection is then transient)
        self.worked = False    # ... with a 2xx
        self.auth_headers = auth_headers or (lambda: {})
        self.on_unauthorized = on_unauthorized
        self.min_interval = min_interval
        self.max_retries = max_retries
        self._last_call = 0.0
        self.calls = 0

    def _pace(self) -> None:
        if self.min_interval:
            wait = self._last_call + self.min_interval - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        self._last_call = time.monotonic()

    @property
    def origin(self) -> str:
        url = self.client.base_url
        return f"{url.scheme}://{url.host}" + (f":{url.port}" if url.port else "")

    def request(self, method: str, path: str, idempotent: bool | None = None, **kwargs: Any) -> httpx.Response:
        """Send with the retry policy. `idempotent` says whether the request may be repeated
        blindly; pass True for a POST that only reads or sets values (a GraphQL query, an
        update mutation, a batch of updates only)."""
        method = method.upper()
        safe = method in SAFE_METHODS if idempotent is None else idempotent
        refreshed: list[bool] = []  # on_unauthorized is called once per request
        retrying = Retrying(
            retry=retry_if_exception_type(_Again),
            stop=stop_after_attempt(self.max_retries + 1),
            wait=self._wait,
            before_sleep=lambda state: log.info(
                "%s %s: %s; retrying in %.1fs (attempt %d of %d)", method, without_query(path),
                state.outcome.exception().reason, state.next_action.sleep, state.attempt_number + 1, self.max_retries + 1),
            reraise=True,
        )
        try:
            return retrying(self._attempt, method, path, safe, refreshed, kwargs)
        except _Again as again:
            raise again.final from None

    _backoff = wait_exponential(multiplier=0.5, max=30)

    def _wait(self, state: RetryCallState) -> float:
        again = state.outcome.exception()
        return again.wait if again.wait is not None else self._backoff(state)

    def _attempt(self, method: str, path: str, safe: bool, refreshed: list[bool], kwargs: dict) -> httpx.Response:
        shown = without_query(path)
        self._pace()
        headers = {**self.auth_headers(), **(kwargs.get("headers") or {})}
        try:
            response = self.client.request(method, path, **{**kwargs, "headers": headers})
        except httpx.TransportError as exc:
            raise self._transport_failure(exc, method, shown, safe) from None
        self.calls += 1
        self.answered = True
        status = response.status_code
        self.worked = self.worked or status < 300
        if status == 401 and self.on_unauthorized and not refreshed:
            refreshed.append(True)
            self.on_unauthorized()
            raise _Again("401, token renewed", ApiError(401, error_detail(response), method, shown), wait=0)
        if status == 401 or (status == 403 and about_credentials(response)):
            raise AuthFailed(status, f"the API refused the credentials: {error_detail(response)}", method, shown)
        if status == 429:
            raise _Again("429 too many requests", ApiError(429, error_detail(response), method, shown), retry_after(response))
        if answer_lost(status):
            error = ApiError(status, error_detail(response), method, shown)
            if not safe:
                raise UnknownOutcome(status, f"{error.detail} (the request may have been applied; not sent again)", method, shown)
            raise _Again(f"answered {status}", error, retry_after(response))
        if status == 404 and not self.worked and self._no_api_here(headers):
            raise WrongBaseUrl(404, f"no API at {self.client.base_url} ({method} {shown} and GET "
                                    f"{without_query(self.probe_path)} both answered 404)", method, shown)
        if status >= 400:
            raise ApiError(status, error_detail(response), method, shown)
        return response

    def _no_api_here(self, headers: dict) -> bool:
        if not self.probe_path:
            return False
        try:
            probe = self.client.get(self.probe_path, headers=headers)
        except httpx.TransportError:
            return False
        self.worked = probe.status_code < 300
        return probe.status_code == 404

    def _transport_failure(self, exc: httpx.TransportError, method: str, shown: str, safe: bool) -> Exception:
        """What a request that got no answer becomes: an error at once, or another attempt."""
        cause = describe(exc, self.client.timeout.read)
        if "CERTIFICATE_VERIFY_FAILED" in str(exc):
            # The certificate will be the same on the next attempt: say so at once.
            return Unreachable(0, f"the HTTPS certificate of {self.client.base_url.host} could not be verified "
                                  "(self-signed or private?): give the plugin the CA file that signed it "
                                  "(setting ca_bundle where the system has one)", method, shown)
        if isinstance(exc, httpx.UnsupportedProtocol):
            return Unreachable(0, f"cannot reach {self.origin}: {cause}", method, shown)
        if isinstance(exc, httpx.ConnectError) and not self.answered:
            # Refused or unknown host before the API ever answered: not running, or a wrong
            # base_url. Thirty seconds of retries would only delay saying so.
            return Unreachable(0, f"cannot reach {self.origin} ({cause})", method, shown)
        if not safe and not isinstance(exc, NOTHING_SENT):
            return UnknownOutcome(0, f"{cause} after the request was sent (it may have been applied; not sent again)",
                                  method, shown)
        return _Again(cause, Unreachable(0, f"cannot reach {self.origin} ({cause})", method, shown))

    def json(self, method: str, path: str, idempotent: bool | None = None, **kwargs: Any) -> Any:
        response = self.request(method, path, idempotent=idempotent, **kwargs)
        if response.status_code == 204 or not response.content:
            return None
        return response.json()

    def close(self) -> None:
        self.client.close()


def describe(exc: httpx.TransportError, read_timeout: float | None) -> str:
    """A transport failure in a few words: 'connection refused', 'no answer within 5s'."""
    if isinstance(exc, httpx.ReadTimeout):
        return f"no answer within {read_timeout:g}s" if read_timeout else "no answer in time"
    if isinstance(exc, httpx.TimeoutException):
        return "timed out " + {httpx.ConnectTimeout: "connecting", httpx.WriteTimeout: "sending",
                               httpx.PoolTimeout: "waiting for a free connection"}.get(type(exc), "")
    text = re.sub(r"\[Errno -?\d+\]\s*", "", str(exc)).strip()
    return without_query(text).lower() or type(exc).__name__


# What a 403 says when the key or token lacks the right, rather than one record being off limits.
CREDENTIAL_WORDS = re.compile(r"(?i)credential|api[ _-]?key|token|scope|access ?denied|not allowed|permission|"
                              r"unauthori[sz]ed|authenticat|subscription|cannot_(create|edit|view|list)")


def about_credentials(response: httpx.Response) -> bool:
    return bool(CREDENTIAL_WORDS.search(error_detail(response)))


def retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


def error_detail(response: httpx.Response) -> str:
    """The API's own words for an error (ProblemDetails, GraphQL, WooCommerce...), shortened."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:300] or response.reason_phrase
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and error.get("message"):  # {"error": {"code", "message", "field"}}
            field = f" (field {error['field']})" if error.get("field") else ""
            return f"{error.get('code') or 'error'}: {error['message']}{field}"[:500]
        for key in ("detail", "title", "message", "errors", "error"):
            if body.get(key):
                value = body[key]
                if key == "title" and body.get("errors"):
                    value = f"{value}: {body['errors']}"
                return str(value)[:500]
    return str(body)[:500]
