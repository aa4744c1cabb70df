"""The base stream for PowerOffice GO v2: auth, subscription key, paging, incremental filter, 429/401 handling."""
from __future__ import annotations

import typing as t
from datetime import timezone
from importlib import resources
from urllib.parse import urlparse

import requests
from singer_sdk import RESTStream, SchemaDirectory, StreamSchema
from singer_sdk.exceptions import RetriableAPIError
from singer_sdk.pagination import PageNumberPaginator
from talk.tap import TalkStream

from .auth import DEFAULT_BASE_URL, Pacer, PowerOfficeAuthenticator, problem_detail
from .open_orders import instant

MAX_PAGE_SIZE = 20000  # ResourceParameters.MaxPageSize in the v2 spec


class PowerOfficePaginator(PageNumberPaginator):
    """PageNumber 1, 2, ... until an empty page (204) or a page shorter than PageSize."""

    def __init__(self, page_size: int):
        super().__init__(1)
        self.page_size = page_size

    def has_more(self, response: requests.Response) -> bool:
        if response.status_code == 204 or not response.content:
            return False
        return len(response.json()) >= self.page_size


class PowerOfficeStream(TalkStream, RESTStream):
    """One PowerOffice GO list endpoint; records are the API's DTOs, PascalCase as delivered."""

    records_jsonpath = "$[*]"
    primary_keys: t.ClassVar[list[str]] = ["Id"]
    replication_key: str | None = "LastChangedDateTimeOffset"
    is_sorted = False  # lists come in id order, not change order
    extra_retry_statuses: t.ClassVar[list[int]] = [429]
    schema = StreamSchema(SchemaDirectory(resources.files(__package__) / "schemas"))

    @property
    def url_base(self) -> str:
        return (self.config.get("base_url") or DEFAULT_BASE_URL).rstrip("/")

    @property
    def authenticator(self) -> PowerOfficeAuthenticator:
        # One token and one pace for the whole tap: the rate limit is per subscription key.
        tap = self._tap
        if getattr(tap, "_poweroffice_auth", None) is None:
            tap._poweroffice_auth = PowerOfficeAuthenticator(dict(self.config))
            tap._poweroffice_pacer = Pacer(float(self.config.get("requests_per_second", 10) or 0))
        return tap._poweroffice_auth

    @property
    def pacer(self) -> Pacer:
        self.authenticator  # noqa: B018 - makes sure the shared pacer exists
        return self._tap._poweroffice_pacer

    @property
    def http_headers(self) -> dict:
        return {"Ocp-Apim-Subscription-Key": self.config["subscription_key"], "Accept": "application/json"}

    @property
    def page_size(self) -> int:
        return min(int(self.config.get("page_size") or MAX_PAGE_SIZE), MAX_PAGE_SIZE)

    def get_new_paginator(self) -> PowerOfficePaginator:
        return PowerOfficePaginator(self.page_size)

    def get_url_params(self, context: dict | None, next_page_token: int | None) -> dict[str, t.Any]:
        params: dict[str, t.Any] = {"PageNumber": next_page_token or 1, "PageSize": self.page_size}
        if self.replication_key:
            start = self.get_starting_timestamp(context)
            if start is not None:
                if start.tzinfo is None:
                    start = start.replace(tzinfo=timezone.utc)
                params[self.changed_filter] = start.isoformat(timespec="microseconds")
        return params

    changed_filter = "lastChangedDateTimeOffsetGreaterThan"  # the list's "changed since" parameter

    def _increment_stream_state(self, latest_record: dict, *, context: dict | None = None) -> None:
        """Only a record changed since the starting bookmark moves it. The SDK's bookmark of an
        unsorted stream is the latest value among the run's records, not of those and the start,
        and some records are read again for another reason (an order whose lines changed, a
        product whose reservation moved) with an older value: alone, they would move it back."""
        start = self.get_starting_timestamp(context) if self.replication_key else None
        value = latest_record.get(self.replication_key) if self.replication_key else None
        if start is not None and value:
            start = start if start.tzinfo else start.replace(tzinfo=timezone.utc)
            if instant(str(value)) <= start:
                return
        super()._increment_stream_state(latest_record, context=context)

    def read_json(self, path: str, params: dict | None = None) -> t.Any:
        """One GET outside the stream's own paging, with its auth, pacing and retries."""
        prepared = self.build_prepared_request(method="GET", url=f"{self.url_base}{path}", params=params or {},
                                               headers=self.http_headers)
        response = self.request_decorator(self._request)(prepared, None)
        return response.json() if response.content else None

    def read_pages(self, path: str, params: dict) -> t.Iterable[dict]:
        page = 1
        while True:
            rows = self.read_json(path, {**params, "PageNumber": page, "PageSize": self.page_size}) or []
            yield from rows
            if len(rows) < self.page_size:
                return
            page += 1

    def parse_response(self, response: requests.Response) -> t.Iterable[dict]:
        if response.status_code == 204 or not response.content:
            return []
        return super().parse_response(response)

    def _request(self, prepared_request: requests.PreparedRequest, context: dict | None) -> requests.Response:
        self.pacer.wait()
        return super()._request(prepared_request, context)

    def validate_response(self, response: requests.Response) -> None:
        auth = self.authenticator
        if response.status_code == 401 and not auth.renewed_after_401:
            # Expired or revoked token: drop it so the retry fetches a new one. A 401 with that
            # new token is about the keys themselves (raise_for_access ends the run).
            auth.invalidate()
            auth.renewed_after_401 = True
            raise RetriableAPIError(self.response_error_message(response), response)
        if 400 <= response.status_code < 500:
            self.raise_for_access(response, problem_detail(response))
        if response.ok:
            auth.renewed_after_401 = False
        super().validate_response(response)

    def response_error_message(self, response: requests.Response) -> str:
        """Status, path and the ProblemDetails text; never headers (they carry the keys)."""
        return f"{response.status_code} {response.reason} for path {urlparse(response.url).path}: {problem_detail(response)}"

    def backoff_wait_generator(self) -> t.Generator[float, None, None]:
        return self.backoff_runtime(value=_retry_delay)

    def backoff_max_tries(self) -> int:
        return 10


def _retry_delay(exception: Exception) -> float:
    response = getattr(exception, "response", None)
    if response is not None:
        if response.status_code == 401:
            return 0.0
        value = response.headers.get("Retry-After")
        try:
            if value:
                return max(0.0, float(value))
        except ValueError:
            pass
    return 2.0
