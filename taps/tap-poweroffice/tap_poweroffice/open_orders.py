"""Open sales orders and whether their lines changed since the last run.

PowerOffice GO gives a sales order line no change timestamp (SalesOrderLineDto has none), and
adding, changing or deleting a line leaves the order's LastChangedDateTimeOffset as it was, so
`lastChangedDateTimeOffsetGreaterThan` never finds a line edit. Nor can lines be listed for many
orders at once: GET /SalesOrders/{id}/Lines is one request per order. So, once per run, the tap
lists every open order (one slim request per 20000 orders), reads the lines of those dated,
created or changed in the last `open_order_days` days (one request per order) and compares a
fingerprint of each order's lines with the one the sales_orders stream kept in its state.

Every order GET /SalesOrders returns is open: the list holds Draft and Confirmed orders only
(OrderStatus has no other member; a Confirmed order can be set back to Draft and edited), and
an order leaves it once it is invoiced. So no status filter is needed, and none would be
cheaper: `orderStatus` takes one status, which would make the listing two requests.
"""
from __future__ import annotations

import hashlib
import json
import typing as t
from datetime import date, datetime, timedelta, timezone

# Key of the sales_orders stream's state: {order id: [fingerprint of its lines, product code, ...]}.
# The codes are those the lines named when the fingerprint was taken, so that a line deleted
# since (or a deleted order) still says which products' reservation it released.
FINGERPRINTS = "line_fingerprints"
SLIM_FIELDS = "Id,LastChangedDateTimeOffset,CreatedDateTimeOffset,SalesOrderDate"


class Reader(t.Protocol):
    def read_json(self, path: str, params: dict | None = None) -> t.Any: ...
    def read_pages(self, path: str, params: dict) -> t.Iterable[dict]: ...


def fingerprint(lines: list[dict]) -> str:
    """Any change of any line property changes it; the order of the lines in the answer does not."""
    text = json.dumps(sorted(lines, key=lambda line: str(line.get("Id"))), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def product_codes(lines: t.Iterable[dict]) -> list[str]:
    return sorted({line["ProductCode"] for line in lines if line.get("ProductCode")})


class OpenOrders:
    """The open orders of this run (slim headers), their lines as read, and which changed.

    `lines_read` is the tap's cache of lines read this run: the sales_order_lines stream takes
    an order's lines from it instead of asking again."""

    def __init__(self, reader: Reader, previous: dict[str, list], days: int, lines_read: dict[str, list[dict]],
                 now: datetime | None = None):
        self.reader = reader
        self.previous = previous
        self.lines_read = lines_read
        self.headers = {str(o["Id"]): o for o in reader.read_pages("/SalesOrders", {"Fields": SLIM_FIELDS})}
        cutoff = (now or datetime.now(timezone.utc)) - timedelta(days=days) if days > 0 else None
        self.fingerprints: dict[str, list] = {}
        self.lines_changed: list[str] = []
        for order_id, header in self.headers.items():
            if cutoff is not None and not _touched_since(header, cutoff):
                continue
            lines = self.lines_of(order_id)
            self.fingerprints[order_id] = [fingerprint(lines), *product_codes(lines)]
            # An order without a fingerprint yet (first run, or a state from before fingerprints)
            # counts as changed: the mapper drops it if the shops hold it already.
            if (previous.get(order_id) or [None])[0] != self.fingerprints[order_id][0]:
                self.lines_changed.append(order_id)

    def lines_of(self, order_id: str) -> list[dict]:
        if order_id not in self.lines_read:
            self.lines_read[order_id] = self.reader.read_json(f"/SalesOrders/{order_id}/Lines") or []
        return self.lines_read[order_id]

    def released(self) -> t.Iterable[tuple[str, str | None]]:
        """(product code, when) of the products whose reservation an order's line change, or the
        order's disappearance (deleted or invoiced), may have moved: the codes on its lines now
        and at the last run. `when` is the order's LastChangedDateTimeOffset (None: gone)."""
        for order_id in self.lines_changed:
            stamp = self.headers[order_id].get("LastChangedDateTimeOffset")
            for code in {*self.fingerprints[order_id][1:], *(self.previous.get(order_id) or [None])[1:]}:
                yield code, stamp
        for order_id, kept in self.previous.items():
            if order_id not in self.headers:
                for code in kept[1:]:
                    yield code, None

    def state(self) -> dict[str, list]:
        """What the next run compares with: this run's fingerprints, and the ones of orders this
        run did not read that are still open (they kept what they had)."""
        kept = {order_id: value for order_id, value in self.previous.items() if order_id in self.headers}
        return {**kept, **self.fingerprints}


def _touched_since(header: dict, cutoff: datetime) -> bool:
    """Dated, created or changed at or after `cutoff`."""
    for field in ("LastChangedDateTimeOffset", "CreatedDateTimeOffset"):
        if header.get(field) and instant(header[field]) >= cutoff:
            return True
    day = header.get("SalesOrderDate")
    return bool(day) and date.fromisoformat(str(day)[:10]) >= cutoff.date()


def instant(stamp: str) -> datetime:
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
