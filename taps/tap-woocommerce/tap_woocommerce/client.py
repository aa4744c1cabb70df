"""The REST stream base: API root, auth, page-by-page reading, retries and timeouts."""
from __future__ import annotations

import typing as t
from datetime import datetime, timedelta, timezone
from functools import cached_property
from urllib.parse import parse_qs, urlsplit

import requests
from singer_sdk import RESTStream
from singer_sdk.exceptions import FatalAPIError, RetriableAPIError
from singer_sdk.pagination import BaseAPIPaginator
from talk.tap import TalkStream

from . import records
from .auth import WooCommerceAuth

API_PATH = "/wp-json/wc/v3"
MAX_PAGE_SIZE = 100  # WooCommerce refuses per_page above 100
DEFAULT_TIMEOUT = 60
DEFAULT_USER_AGENT = "talk-woocommerce/0.1 (+https://github.com/talk-sync/talk)"
MAX_TRIES = 6


def api_root(config: t.Mapping) -> str:
    """`{base_url}/wp-json/wc/v3`; a base_url that already ends in the API path is taken as is."""
    base = str(config.get("base_url") or "").rstrip("/")
    if not base:
        raise ValueError("tap-woocommerce needs `base_url`, the shop's root URL (https://shop.example.com)")
    return base if base.endswith(API_PATH) else base + API_PATH


def tls_verify(config: t.Mapping) -> bool | str:
    """What to check an HTTPS certificate against: a CA bundle file, the system's CAs, or nothing."""
    if config.get("ca_bundle"):
        return str(config["ca_bundle"])
    return bool(config.get("verify_tls", True))


def certificate_problem(url: str) -> str:
    """What to do when a shop's HTTPS certificate cannot be verified (usually self-signed)."""
    host = urlsplit(url).netloc
    return (f"the HTTPS certificate of {host} could not be verified (certificate verify failed; a "
            "self-signed or private certificate?): set `ca_bundle` to the file of the CA that signed it, "
            "or `verify_tls: false` for a test shop only")


def page_size(config: t.Mapping) -> int:
    return max(1, min(int(config.get("page_size") or MAX_PAGE_SIZE), MAX_PAGE_SIZE))


def next_page(response, page: int) -> int | None:
    """The page after `page`: the Link header's rel=next when there is one, else from
    X-WP-TotalPages. Works for `requests` and `httpx` responses alike."""
    link = response.headers.get("Link") or ""
    for part in link.split(","):
        if 'rel="next"' in part and "<" in part:
            url = part[part.index("<") + 1: part.index(">")]
            found = parse_qs(urlsplit(url).query).get("page")
            if found:
                return int(found[0])
    total = response.headers.get("X-WP-TotalPages")
    if total is not None and total.isdigit():
        return page + 1 if page < int(total) else None
    return None


def woo_detail(response: requests.Response) -> str:
    """WooCommerce's `code: message` from an error body."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:300]
    return f"{body.get('code')}: {body.get('message')}" if isinstance(body, dict) else str(body)[:300]


class WooPaginator(BaseAPIPaginator[int]):
    def __init__(self) -> None:
        super().__init__(1)

    def get_next(self, response: requests.Response) -> int | None:
        return next_page(response, self.current_value)


class WooCommerceStream(TalkStream, RESTStream):
    """One WooCommerce collection, read page by page in id order (stable while it changes)."""

    primary_keys: t.ClassVar[list[str]] = ["id"]
    replication_key = "date_modified_gmt"
    is_sorted = False
    modified_filter = True  # the collection takes `modified_after`

    @property
    def url_base(self) -> str:
        return api_root(self.config)

    @cached_property
    def authenticator(self) -> WooCommerceAuth:
        return WooCommerceAuth(dict(self.config))

    @cached_property
    def user_agent(self) -> str:
        # Some hosts (and their firewalls) answer 403 to a request without a User-Agent.
        return str(self.config.get("user_agent") or DEFAULT_USER_AGENT)

    @property
    def requests_session(self) -> requests.Session:
        session = super().requests_session
        session.verify = tls_verify(self.config)
        return session

    @property
    def timeout(self) -> float:
        return float(self.config.get("timeout") or DEFAULT_TIMEOUT)

    @property
    def http_headers(self) -> dict:
        return {"Accept": "application/json", "User-Agent": self.user_agent}

    def _request(self, prepared_request: requests.PreparedRequest, context) -> requests.Response:
        try:
            return super()._request(prepared_request, context)
        except requests.exceptions.SSLError as exc:
            # Not worth a retry: the certificate will not change between attempts.
            raise FatalAPIError(certificate_problem(prepared_request.url or "")) from exc

    def get_new_paginator(self) -> WooPaginator:
        return WooPaginator()

    def get_url_params(self, context, next_page_token) -> dict[str, t.Any]:
        params: dict[str, t.Any] = {"page": next_page_token or 1, "per_page": page_size(self.config),
                                    "orderby": "id", "order": "asc"}
        since = self.modified_since(context)
        if since and self.modified_filter:
            params["modified_after"] = since.strftime("%Y-%m-%dT%H:%M:%S")
            params["dates_are_gmt"] = "true"
        return params

    def modified_since(self, context) -> datetime | None:
        """The bookmark, less one second: `modified_after` is strictly after and timestamps have
        whole seconds, so a record changed in the bookmark's own second after the last run is
        still read."""
        start = self.get_starting_timestamp(context)
        if start is None:
            return None
        if start.tzinfo is None:
            start = start.replace(tzinfo=timezone.utc)
        return start.astimezone(timezone.utc) - timedelta(seconds=1)

    def read_setting(self, group: str, name: str) -> t.Any:
        """One shop setting's value (`GET /settings/{group}/{name}`), retried as pages are."""
        prepared = self.build_prepared_request(method="GET", url=f"{self.url_base}/settings/{group}/{name}",
                                               headers=self.http_headers)
        response = self.request_decorator(self._request)(prepared, None)
        return (response.json() or {}).get("value")

    def parse_response(self, response: requests.Response) -> t.Iterable[dict]:
        body = response.json()
        yield from body if isinstance(body, list) else []

    def post_process(self, row: dict, context=None) -> dict | None:
        return records.to_record(row)

    def validate_response(self, response: requests.Response) -> None:
        if response.status_code == 429 or response.status_code >= 500:
            raise RetriableAPIError(self.response_error_message(response), response)
        if response.status_code >= 400:
            self.raise_for_access(response, woo_detail(response))
            raise FatalAPIError(self.response_error_message(response))

    def response_error_message(self, response: requests.Response) -> str:
        """Status, path and WooCommerce's code and message; never the query (it may carry keys)."""
        return f"{response.status_code} {response.reason} for path {urlsplit(response.url).path}: {woo_detail(response)}"

    def backoff_max_tries(self) -> int:
        return MAX_TRIES

    def backoff_wait_generator(self) -> t.Generator[float, None, None]:
        # 0.5, 1, 2, 4, 8 s: a slow or restarting host gets about 15 s to recover, not minutes.
        return (min(8.0, 0.5 * 2**n) for n in range(MAX_TRIES))
