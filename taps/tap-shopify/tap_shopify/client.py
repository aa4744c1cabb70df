"""The GraphQL stream base: endpoint, auth, cost pacing, THROTTLED retries and cursor paging."""
from __future__ import annotations

import json
import typing as t
from functools import cached_property

import requests
from singer_sdk.exceptions import FatalAPIError, RetriableAPIError
from singer_sdk.pagination import BaseAPIPaginator
from singer_sdk.streams import GraphQLStream
from talk.tap import TalkStream

from . import bulk, records
from .auth import ShopifyAuthenticator
from .cost_pacer import CostPacer, error_messages, estimate_cost, is_throttled, page_size

DEFAULT_API_VERSION = "2025-04"


def admin_base_url(config: t.Mapping) -> str:
    """`base_url` if set (the sandbox), else the store's myshopify.com address."""
    if config.get("base_url"):
        return str(config["base_url"]).rstrip("/")
    store = str(config.get("store") or "").strip()
    if not store:
        raise ValueError("tap-shopify needs `store` (the myshopify.com name) or `base_url`")
    if store.startswith(("http://", "https://")):
        return store.rstrip("/")
    return f"https://{store.removesuffix('.myshopify.com')}.myshopify.com"


def graphql_url(config: t.Mapping) -> str:
    return f"{admin_base_url(config)}/admin/api/{config.get('api_version') or DEFAULT_API_VERSION}/graphql.json"


class Throttled(RetriableAPIError):
    """Shopify answered THROTTLED; the pacer already knows how long to wait."""


class PageInfoPaginator(BaseAPIPaginator[t.Optional[str]]):
    """Relay cursor paging on `data.<root>.pageInfo`."""

    def __init__(self, root: str):
        super().__init__(None)
        self.root = root

    def get_next(self, response: requests.Response) -> str | None:
        info = ((response.json().get("data") or {}).get(self.root) or {}).get("pageInfo") or {}
        return info.get("endCursor") if info.get("hasNextPage") else None


class ShopifyStream(TalkStream, GraphQLStream):
    """One Admin API connection read incrementally by `updatedAt`, oldest first."""

    entity: str = ""
    primary_keys: t.ClassVar[list[str]] = ["id"]
    replication_key = "updatedAt"
    is_sorted = True

    @property
    def url_base(self) -> str:
        return graphql_url(self.config)

    @cached_property
    def authenticator(self) -> ShopifyAuthenticator:
        return ShopifyAuthenticator.for_stream(self)

    @property
    def http_headers(self) -> dict:
        return {"Content-Type": "application/json", "Accept": "application/json"}

    @property
    def pacer(self) -> CostPacer:
        # One pacer per tap: every stream draws on the same bucket of the same app and store.
        if getattr(self._tap, "cost_pacer", None) is None:
            self._tap.cost_pacer = CostPacer()
        return self._tap.cost_pacer

    @property
    def namespaces(self) -> list[str]:
        return list(self.config.get("metafield_namespaces") or ["talk"])

    @property
    def query(self) -> str:
        return records.connection_query(self.entity, self.namespaces)

    @property
    def page_size(self) -> int:
        wanted = int(self.config.get("page_size") or 250)
        return page_size(records.SELECTIONS[self.entity](self.namespaces), wanted, self.pacer.query_limit())

    def get_url_params(self, context, next_page_token) -> dict:
        variables: dict[str, t.Any] = {"first": self.page_size, "after": next_page_token}
        search = self.search_filter(context)
        if search:
            variables["query"] = search
        return variables

    def search_filter(self, context) -> str | None:
        """The incremental filter of this run (the paged read and the bulk read use the same)."""
        start = self.get_starting_replication_key_value(context)
        return f"updated_at:>='{start}'" if start else None

    def get_records(self, context) -> t.Iterable[dict]:
        """Many records to read: one bulk operation; few: page through the connection."""
        nodes = self.bulk_nodes(context)
        if nodes is None:
            yield from super().get_records(context)
        else:
            yield from nodes  # post_process turns each node into a record, as for a page

    def bulk_nodes(self, context) -> t.Iterator[dict] | None:
        """The nodes read by a bulk operation, as they download; None when this read should be paged."""
        nodes, runner, count = bulk.read_if_worth_it(
            lambda query, variables: self._graphql(query, variables).get("data") or {},
            self.config, self.entity, self.namespaces, self.search_filter(context), self.page_size,
        )
        if nodes is None:
            return None
        self.bulk_polls = getattr(self, "bulk_polls", 0) + runner.polls
        return self._counted(nodes, count, runner)

    def _counted(self, nodes: t.Iterator[dict], count: int, runner: bulk.BulkRunner) -> t.Iterator[dict]:
        read = 0
        for node in nodes:
            read += 1
            yield node
        self.logger.info("%s: %d of %d records read by bulk operation %s after %d polls",
                         self.name, read, count, (runner.operation or {}).get("id"), runner.polls)

    def get_new_paginator(self) -> PageInfoPaginator:
        return PageInfoPaginator(self.entity)

    def _request(self, prepared_request, context):
        body = json.loads(prepared_request.body or b"{}")
        variables = body.get("variables") or {}
        if variables.get("first") and variables["first"] > self.page_size:
            # A retry after THROTTLED taught us a smaller bucket: shrink the page to fit it.
            variables["first"] = self.page_size
            prepared_request.prepare_body(data=None, files=None, json=body)
        self.pacer.wait(estimate_cost(body.get("query", ""), variables))
        return super()._request(prepared_request, context)

    def validate_response(self, response: requests.Response) -> None:
        if response.status_code == 429 or response.status_code >= 500:
            raise RetriableAPIError(f"{response.status_code} {response.reason}", response)
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code >= 400:
            detail = error_messages(body) or response.text[:200]
            self.raise_for_access(response, detail)
            raise FatalAPIError(f"{response.status_code} {response.reason}: {detail}")
        self.pacer.observe(body)
        if is_throttled(body):
            raise Throttled("THROTTLED by Shopify's cost budget", response)
        if error_messages(body):
            raise FatalAPIError(f"GraphQL errors: {error_messages(body)}")

    def backoff_wait_generator(self):
        # Throttled: the pacer sleeps exactly as long as the bucket needs before the retry.
        attempt = 0
        error = yield
        while True:
            attempt += 1
            error = yield 0.0 if isinstance(error, Throttled) else min(30.0, 0.5 * 2**attempt)

    def backoff_jitter(self, value: float) -> float:
        return value

    def backoff_max_tries(self) -> int:
        return 10

    def parse_response(self, response: requests.Response) -> t.Iterable[dict]:
        yield from ((response.json().get("data") or {}).get(self.entity) or {}).get("nodes") or []

    def post_process(self, row: dict, context=None) -> dict | None:
        return self.complete(row)

    def complete(self, row: dict) -> dict:
        """A node as its record, with the rest of a long nested connection (variants, line items) fetched."""
        cursor = records.more_pages(self.entity, row)
        while cursor:
            page = self._graphql(records.nested_page_query(self.entity), {"id": row["id"], "after": cursor})
            nested = ((page.get("data") or {}).get(self.entity[:-1]) or {}).get(records.NESTED[self.entity][0]) or {}
            records.append_nested(self.entity, row, nested)
            cursor = records.more_pages(self.entity, row)
        return records.to_record(self.entity, row)

    def _graphql(self, query: str, variables: dict) -> dict:
        """A paced side request (the rest of a long nested connection) with THROTTLED retries."""
        for _ in range(self.backoff_max_tries()):
            self.pacer.wait(estimate_cost(query, variables))
            prepared = requests.Request(
                "POST", self.url_base, headers=self.http_headers, json={"query": query, "variables": variables}
            ).prepare()
            response = self.requests_session.send(self.authenticator(prepared), timeout=self.timeout)
            try:
                self.validate_response(response)
            except Throttled:
                continue
            return response.json()
        raise RetriableAPIError("still THROTTLED after retries")
