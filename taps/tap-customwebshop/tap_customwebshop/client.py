"""The base stream for the webshop API: API-key auth, cursor paging, `updated_since`, 429 Retry-After."""
from __future__ import annotations

import typing as t
from datetime import timezone
from urllib.parse import urlparse

import requests
from singer_sdk import RESTStream
from singer_sdk.authenticators import APIKeyAuthenticator
from singer_sdk.pagination import JSONPathPaginator
from talk.tap import TalkStream

MAX_PAGE_SIZE = 200  # the API's largest `limit`
DEFAULT_TIMEOUT = 60.0
API_KEY_HEADER = "X-API-Key"
MAX_RETRY_WAIT = 60.0  # a longer Retry-After is cut to this, so a run never hangs on one answer
MAX_TRIES = 8


def error_text(body: t.Any) -> str:
    """`code: message (field)` from the API's error body `{"error": {code, message, field}}`."""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return str(body)[:300]
    text = f"{error.get('code') or 'error'}: {error.get('message') or ''}".strip()
    return f"{text} (field {error['field']})" if error.get("field") else text


def api_detail(response: requests.Response) -> str:
    try:
        return error_text(response.json())
    except ValueError:
        return response.text[:300]


def retry_wait(response: requests.Response | None, attempt: int) -> float:
    """The server's Retry-After when it gives one, else exponential; never above MAX_RETRY_WAIT."""
    if response is not None:
        try:
            return min(MAX_RETRY_WAIT, max(0.0, float(response.headers.get("Retry-After") or "")))
        except ValueError:
            pass
    return min(MAX_RETRY_WAIT, 0.5 * 2**attempt)


class CustomWebshopStream(TalkStream, RESTStream):
    """One list endpoint, read oldest change first: the API orders lists by (updated_at, id)."""

    records_jsonpath = "$.data[*]"
    primary_keys: t.ClassVar[list[str]] = ["id"]
    replication_key = "updated_at"
    is_sorted = True

    @property
    def url_base(self) -> str:
        return str(self.config["base_url"]).rstrip("/")

    @property
    def authenticator(self) -> APIKeyAuthenticator:
        return APIKeyAuthenticator(key=API_KEY_HEADER, value=self.config["api_key"], location="header")

    @property
    def http_headers(self) -> dict:
        return {"Accept": "application/json"}

    @property
    def timeout(self) -> float:
        return float(self.config.get("timeout") or DEFAULT_TIMEOUT)

    @property
    def page_size(self) -> int:
        return max(1, min(int(self.config.get("page_size") or MAX_PAGE_SIZE), MAX_PAGE_SIZE))

    def get_new_paginator(self) -> JSONPathPaginator:
        return JSONPathPaginator("$.next_cursor")

    def get_url_params(self, context: dict | None, next_page_token: str | None) -> dict[str, t.Any]:
        # The API wants the first page's parameters again with every cursor.
        params: dict[str, t.Any] = {"limit": self.page_size}
        start = self.get_starting_timestamp(context)
        if start is not None:
            if start.tzinfo is None:
                start = start.replace(tzinfo=timezone.utc)
            # Strictly after: safe because the shop stamps every change with sub-second precision.
            params["updated_since"] = start.isoformat()
        if next_page_token:
            params["cursor"] = next_page_token
        return params

    def validate_response(self, response: requests.Response) -> None:
        if 400 <= response.status_code < 500:
            self.raise_for_access(response, api_detail(response))
        super().validate_response(response)

    def response_error_message(self, response: requests.Response) -> str:
        """Status, path and the API's error code and message; never headers (they carry the key)."""
        return f"{response.status_code} {response.reason} for path {urlparse(response.url).path}: {api_detail(response)}"

    def backoff_wait_generator(self) -> t.Generator[float, None, None]:
        attempt = 0
        error = yield
        while True:
            attempt += 1
            error = yield retry_wait(getattr(error, "response", None), attempt)

    def backoff_jitter(self, value: float) -> float:
        return value  # Retry-After is exact; jitter would only make us early

    def backoff_max_tries(self) -> int:
        return MAX_TRIES
