"""Large reads through Shopify's bulk query operations, shared by the tap and target-shopify's client.

A connection read page by page costs a request per few records once nested connections (line
items, variants, metafields) are selected, because a single query may not cost more than 1000
points. A bulk operation reads the whole connection in one server-side job: one
`bulkOperationRunQuery` mutation (10 points), a few status polls, one JSONL download.

The JSONL has a line per node of the top-level connection and a line per node of each nested
connection carrying `__parentId`. The operation is started with `groupObjects: true`, so each
node's nested nodes follow it directly (API 2026-01 stopped grouping by default). The file is
read as it downloads: `grouped_nodes` puts the nested nodes back under their parent
(`{"nodes": [...]}`, as a paged query answers) and hands the parent on as soon as the next
top-level line shows it is complete, so a read holds one node with its children, never the
result. `records.to_record` turns both shapes into the same record.

Nodes come in the file's order, which follows the query's `sortKey: UPDATED_AT` as the paged
read does. The tap's streams are declared sorted, so a file out of that order would stop the run
at singer-sdk's sort check rather than move the bookmark past a record not yet read.
"""
from __future__ import annotations

import json
import logging
import re
import time
from typing import Any, Callable, Iterable, Iterator

import httpx

from . import records

log = logging.getLogger("tap_shopify.bulk")

BULK_REQUESTS = 3  # a bulk read: the mutation, usually one poll, the download
DEFAULT_POLL_INTERVAL = 1.0
DEFAULT_POLL_MAX_INTERVAL = 30.0
DEFAULT_TIMEOUT = 3600.0
ACTIVE = ("CREATED", "RUNNING", "CANCELING")

# groupObjects: a node's nested nodes directly below it, which reading the file as it arrives needs.
RUN = (
    "mutation TalkBulkRun($query: String!) { bulkOperationRunQuery(query: $query, groupObjects: true) { "
    "bulkOperation { id status } userErrors { field message code } } }"
)
POLL = (
    "query TalkBulkPoll($id: ID!) { node(id: $id) { ... on BulkOperation { "
    "id status errorCode objectCount rootObjectCount fileSize url partialDataUrl } } }"
)
CURRENT = "query TalkBulkCurrent { currentBulkOperation(type: QUERY) { id status } }"
CANCEL = "mutation TalkBulkCancel($id: ID!) { bulkOperationCancel(id: $id) { bulkOperation { id status } userErrors { field message } } }"

# A nested node's kind (from its gid) -> the connection field it belongs to in the parent node.
CHILD_FIELD = {"LineItem": "lineItems", "ProductVariant": "variants", "Metafield": "metafields_bulk"}


class BulkUnavailable(Exception):
    """The bulk path cannot deliver (refused, failed, canceled, timed out): read page by page instead."""


# -- settings ----------------------------------------------------------------------------
def worth_it(config: Any, count: int, page: int) -> bool:
    """Whether a bulk read is the cheaper way to read `count` records that page `page` at a time.

    With `bulk_threshold` set: above it (0 never). Unset: when paging would take more requests
    than a bulk read does (start, a poll or two, the download), so no stream costs more than
    about one request per 100 records once it is large."""
    value = config.get("bulk_threshold")
    if value is not None:
        return int(value) > 0 and count > int(value)
    return -(-count // max(1, page)) > BULK_REQUESTS


def read_if_worth_it(graphql: Any, config: Any, entity: str, namespaces: list[str], search: str | None,
                     page: int) -> tuple[Iterator[dict] | None, "BulkRunner | None", int]:
    """Count what the read would return; read it with one bulk operation when that is worth it.
    Returns (nodes or None to page instead, the runner, the count). The operation has finished
    when this returns (a failed one means paging instead); its nodes download as they are read."""
    if config.get("bulk_threshold") is not None and int(config["bulk_threshold"]) <= 0:
        return None, None, 0  # bulk reads disabled: not even the count is asked
    body = graphql(count_query(entity), {"query": search})
    count = ((body or {}).get(f"{entity}Count") or {}).get("count") or 0
    if not worth_it(config, count, page):
        return None, None, count
    runner = BulkRunner(graphql, interval=poll_interval(config), limit=timeout(config))
    try:
        return runner.read(entity, namespaces, search), runner, count
    except BulkUnavailable as exc:
        log.warning("shopify %s: bulk read unavailable (%s); reading page by page", entity, exc)
        return None, runner, count


def poll_interval(config: Any) -> float:
    value = config.get("bulk_poll_interval")
    return DEFAULT_POLL_INTERVAL if value is None else float(value)


def timeout(config: Any) -> float:
    value = config.get("bulk_timeout")
    return DEFAULT_TIMEOUT if value is None else float(value)


# -- queries -----------------------------------------------------------------------------
def count_query(entity: str) -> str:
    """`customersCount` / `productsCount` / `ordersCount` with the stream's search filter."""
    return f"query TalkCount($query: String) {{ {entity}Count(query: $query) {{ count precision }} }}"


def _metafields(namespaces: list[str]) -> str:
    return " ".join(
        f"metafields_{n}: metafields(namespace: {json.dumps(ns)}) {{ edges {{ node {{ id namespace key value }} }} }}"
        for n, ns in enumerate(namespaces)
    )


def bulk_selection(entity: str, namespaces: list[str]) -> str:
    """The paged selection of `records`, with whole nested connections (bulk ignores page sizes)."""
    if entity == "customers":
        return (
            "id firstName lastName email phone note tags state createdAt updatedAt "
            f"defaultAddress {{ {records.ADDRESS} }} addresses(first: {records.NESTED_PAGE['addresses']}) {{ {records.ADDRESS} }} "
            + _metafields(namespaces)
        )
    if entity == "products":
        return (
            f"{records.PRODUCT} variants {{ edges {{ node {{ {records.VARIANT} }} }} }} " + _metafields(namespaces)
        )
    if entity == "orders":
        return (
            "id name email poNumber note currencyCode createdAt updatedAt processedAt cancelledAt taxesIncluded "
            "displayFinancialStatus customer { id email } "
            f"currentTotalPriceSet {{ {records.MONEY} }} totalPriceSet {{ {records.MONEY} }} "
            f"subtotalPriceSet {{ {records.MONEY} }} totalTaxSet {{ {records.MONEY} }} "
            f"lineItems {{ edges {{ node {{ {records.LINE_ITEM} }} }} }} " + _metafields(namespaces)
        )
    raise ValueError(f"no bulk selection for {entity!r}")


def bulk_query(entity: str, namespaces: list[str], search: str | None = None) -> str:
    """The document for bulkOperationRunQuery (no variables there: the filter is inlined)."""
    arguments = (f"query: {json.dumps(search)}, " if search else "") + "sortKey: UPDATED_AT"
    return f"{{ {entity}({arguments}) {{ edges {{ node {{ {bulk_selection(entity, namespaces)} }} }} }} }}"


# -- results -----------------------------------------------------------------------------
def _kind(gid: Any) -> str | None:
    match = re.match(r"gid://shopify/(\w+)/", str(gid or ""))
    return match.group(1) if match else None


class UngroupedResult(BulkUnavailable):
    """A nested node in the bulk result does not follow its parent: the file was not grouped."""


def grouped_nodes(lines: Iterable[dict]) -> Iterator[dict]:
    """Top-level nodes in file order, each with its nested connections as `{"nodes": [...]}`,
    handed on when the next top-level line (or the end) shows it complete."""
    current: dict | None = None
    child_ids: set[str] = set()  # the current node's nested nodes: a grandchild names one of them
    for line in lines:
        parent_id = line.pop("__parentId", None)
        if parent_id is None:
            if current is not None:
                yield current
            current, child_ids = line, set()
        elif current is not None and parent_id == current.get("id"):
            field = CHILD_FIELD.get(_kind(line.get("id")) or "")
            if field is not None:  # else a kind the records do not select
                current.setdefault(field, {"nodes": []})["nodes"].append(line)
                child_ids.add(line.get("id"))
        elif parent_id not in child_ids:
            raise UngroupedResult(f"bulk result line {line.get('id')} follows a node other than its parent {parent_id}: "
                                  "the result is not grouped (groupObjects)")
    if current is not None:
        yield current


class _TryAgain(Exception):
    pass


def _raw_lines(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Complete lines (with their newline) of a byte stream; the last one may have none."""
    rest = b""
    for chunk in chunks:
        rest += chunk
        *complete, rest = rest.split(b"\n")
        for line in complete:
            yield line + b"\n"
    if rest:
        yield rest


def download_lines(url: str, request_timeout: float = 300.0, tries: int = 5,
                   sleep: Callable[[float], None] = time.sleep) -> Iterator[dict]:
    """The JSONL behind a signed URL, one line at a time as the body arrives (no Shopify token is
    sent to the storage host). A download refused (429, 5xx) or broken off is asked again, up to
    `tries` times, and goes on after the last complete line: from that byte where the host
    honours a Range request, else by passing over the lines already read."""
    done_bytes = done_lines = failures = 0
    with httpx.Client(timeout=request_timeout, follow_redirects=True) as http:
        while True:
            headers = {"Range": f"bytes={done_bytes}-"} if done_bytes else {}
            try:
                with http.stream("GET", url, headers=headers) as response:
                    if response.status_code == 429 or response.status_code >= 500:
                        raise _TryAgain(f"answered {response.status_code}")
                    if response.status_code not in (200, 206):
                        raise BulkUnavailable(f"bulk result download answered {response.status_code}")
                    skip = done_lines if response.status_code == 200 else 0
                    for raw in _raw_lines(response.iter_bytes()):
                        if skip:
                            skip -= 1
                            continue
                        done_bytes, done_lines = done_bytes + len(raw), done_lines + 1
                        if raw.strip():
                            yield json.loads(raw)
                    return
            except (httpx.TransportError, _TryAgain) as exc:
                failures += 1
                if failures >= tries:
                    raise BulkUnavailable(f"bulk result download failed after {done_lines} lines ({exc})") from None
                sleep(min(30.0, 0.5 * 2 ** (failures - 1)))


# -- running one -------------------------------------------------------------------------
class BulkRunner:
    """Start a bulk query, poll it with backoff until it finishes, and fetch its lines.

    `graphql(query, variables)` returns a response's `data` (paced, errors raised);
    `download(url)` yields the JSONL lines as dicts.
    """

    def __init__(
        self,
        graphql: Callable[[str, dict], dict],
        download: Callable[[str], Iterable[dict]] = download_lines,
        interval: float = DEFAULT_POLL_INTERVAL,
        max_interval: float = DEFAULT_POLL_MAX_INTERVAL,
        limit: float = DEFAULT_TIMEOUT,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.graphql = graphql
        self.download = download
        self.interval = max(0.0, interval)
        self.max_interval = max(self.interval, max_interval)
        self.limit = limit
        self.sleep = sleep
        self.clock = clock
        self.polls = 0
        self.operation: dict | None = None

    def run(self, query: str) -> Iterator[dict]:
        """Start the query and wait for it (failures raise BulkUnavailable here); the result's
        lines are downloaded as the returned iterator is read."""
        deadline = self.clock() + self.limit
        operation_id = self._start(query, deadline)
        self.operation = self._wait(operation_id, deadline, cancel_on_timeout=True)
        status = self.operation.get("status")
        if status != "COMPLETED":
            raise BulkUnavailable(f"bulk operation {operation_id} ended {status} ({self.operation.get('errorCode')})")
        url = self.operation.get("url")
        if not url:
            return iter(())  # Shopify gives no file when nothing matched
        return iter(self.download(url))

    def read(self, entity: str, namespaces: list[str], search: str | None = None) -> Iterator[dict]:
        """The entity's nodes matching `search` with their nested nodes, in the file's order."""
        return grouped_nodes(self.run(bulk_query(entity, namespaces, search)))

    def _start(self, query: str, deadline: float) -> str:
        while True:
            payload = self.graphql(RUN, {"query": query}).get("bulkOperationRunQuery") or {}
            errors = payload.get("userErrors") or []
            if not errors and (payload.get("bulkOperation") or {}).get("id"):
                return payload["bulkOperation"]["id"]
            busy = [e for e in errors if e.get("code") == "OPERATION_IN_PROGRESS" or "already in progress" in (e.get("message") or "")]
            if not busy:
                raise BulkUnavailable("bulkOperationRunQuery refused: " + "; ".join(e.get("message", "") for e in errors))
            # Another bulk query of this app (a target's index, another run) holds the shop's slot:
            # wait for it to end, then ask again.
            current = (self.graphql(CURRENT, {}).get("currentBulkOperation") or {})
            if current.get("id"):
                log.info("waiting for bulk operation %s to finish before starting ours", current["id"])
                self._wait(current["id"], deadline, cancel_on_timeout=False)
            elif self.clock() >= deadline:
                raise BulkUnavailable("another bulk operation kept running")
            else:
                self.sleep(self.interval)

    def _wait(self, operation_id: str, deadline: float, cancel_on_timeout: bool) -> dict:
        interval = self.interval
        while True:
            if self.clock() + interval > deadline:
                if cancel_on_timeout:
                    self.graphql(CANCEL, {"id": operation_id})
                raise BulkUnavailable(f"bulk operation {operation_id} did not finish in time")
            self.sleep(interval)
            self.polls += 1
            operation = self.graphql(POLL, {"id": operation_id}).get("node") or {}
            if operation.get("status") not in ACTIVE:
                return operation
            interval = min(self.max_interval, max(interval * 1.5, 0.05))
