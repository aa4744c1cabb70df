"""One HTTP session for every target client: retries, Retry-After, pacing, secret-free errors.

Taps use singer-sdk's own request machinery; targets write through this class so that
429 and 5xx handling is written once.
"""
from __future__ import annotations

import logging
import time
from typing import Any, Callable

import httpx

log = logging.getLogger("talk.http")

RETRY_STATUSES = {429, 500, 502, 503, 504}


class ApiError(Exception):
    """An API answered with an error; `status` and `detail` say what, never a credential."""

    def __init__(self, status: int, detail: str, method: str = "", url: str = ""):
        self.status = status
        self.detail = detail
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


class ApiSession:
    """httpx.Client wrapper with bounded retries.

    `min_interval` paces requests (seconds between calls) so a client stays under a
    requests-per-second limit instead of provoking 429s. `auth_headers` is a callable so
    tokens can be refreshed; `on_unauthorized` is called once on a 401 before retrying.
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
    ):
        self.client = httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout, headers={"User-Agent": user_agent})
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

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        refreshed = False
        extra_headers = kwargs.pop("headers", {})
        for attempt in range(self.max_retries + 1):
            self._pace()
            headers = {**self.auth_headers(), **extra_headers}
            try:
                response = self.client.request(method, path, headers=headers, **kwargs)
            except httpx.TransportError as exc:
                if "CERTIFICATE_VERIFY_FAILED" in str(exc):
                    # The certificate will be the same on the next attempt: say so at once.
                    raise ApiError(0, f"the HTTPS certificate of {self.client.base_url.host} could not be verified "
                                      "(self-signed or private?): give the plugin the CA file that signed it "
                                      "(setting ca_bundle where the system has one)", method, path) from None
                if attempt >= self.max_retries:
                    raise ApiError(0, f"connection failed: {type(exc).__name__}", method, path) from None
                time.sleep(min(30, 0.5 * 2**attempt))
                continue
            self.calls += 1
            if response.status_code == 401 and self.on_unauthorized and not refreshed:
                refreshed = True
                self.on_unauthorized()
                continue
            if response.status_code in RETRY_STATUSES and attempt < self.max_retries:
                delay = retry_after(response) or min(30, 0.5 * 2**attempt)
                log.info("%s %s answered %s; retrying in %.1fs", method, path, response.status_code, delay)
                time.sleep(delay)
                continue
            if response.status_code >= 400:
                raise ApiError(response.status_code, error_detail(response), method, path)
            return response
        raise ApiError(0, "retries exhausted", method, path)

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.request(method, path, **kwargs)
        if response.status_code == 204 or not response.content:
            return None
        return response.json()

    def close(self) -> None:
        self.client.close()


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
