"""PowerOffice GO v2 streams: one class per endpoint. Records keep the API's PascalCase names.

Schemas (schemas/<stream name>.json, loaded by the base stream) list every property of the v2 DTOs (CustomerDto, ContactPersonDto,
ProductDto, SalesOrderDto, SalesOrderLineDto), nullable as the API may omit or null them.
"""
from __future__ import annotations

import typing as t
from datetime import datetime, timezone

from singer_sdk.exceptions import FatalAPIError

from .client import PowerOfficeStream
from .open_orders import FINGERPRINTS, instant, product_codes

class CustomersStream(PowerOfficeStream):
    """Customers, persons (IsPerson true: FirstName/LastName) and organisations (Name, OrganizationNumber)."""

    name = "customers"
    path = "/Customers"


class ContactPersonsStream(PowerOfficeStream):
    """Contact persons of customers; `ContactId` is the owning customer's `Id`."""

    name = "contact_persons"
    path = "/ContactPersons"


class ProductsStream(PowerOfficeStream):
    """Products: `Code` (SKU), `UnitPrice` (sales price excl. VAT), `UnitCost`, `StockOnHand`, `StockAvailable`.

    A stock movement (a goods receipt, a confirmed order's reservation) moves the product's
    `StockOnHandLastChangedDatetimeOffset`, not its `LastChangedDateTimeOffset`. The ERP owns
    stock, so its changes must reach the shops: each run lists what changed since the bookmark
    by either timestamp (one list request more per run, usually one page) and bookmarks
    `ChangedAt`, the later of the two.
    """

    name = "products"
    path = "/Products"
    replication_key = "ChangedAt"
    FILTERS = {"lastChangedDateTimeOffsetGreaterThan": "LastChangedDateTimeOffset",
               "stockOnHandLastChangedDatetimeOffsetGreaterThan": "StockOnHandLastChangedDatetimeOffset"}

    def get_records(self, context: dict | None) -> t.Iterable[dict]:
        found: dict = {}
        for name in self.FILTERS:
            self.changed_filter = name
            for record in super().get_records(context):
                found[record["Id"]] = record
        if self.get_starting_timestamp(context) is None:
            # A full read sees every reservation made so far: the bookmark covers the orders too,
            # or the next run would read the products of every order again.
            latest = self._latest_order_change()
            for record in found.values():
                record["ReservedAt"] = latest
        for record, reserved_at in self._reserved_since(context):
            found.setdefault(record["Id"], record)["ReservedAt"] = reserved_at
        for record in found.values():
            stamps = [record.get(field) for field in (*self.FILTERS.values(), "ReservedAt") if record.get(field)]
            record["ChangedAt"] = max(stamps, key=instant) if stamps else None
            record.pop("ReservedAt", None)
        yield from sorted(found.values(), key=lambda r: instant(r["ChangedAt"]) if r["ChangedAt"] else _EPOCH)

    def _latest_order_change(self) -> str | None:
        stamps = [o["LastChangedDateTimeOffset"] for o in self._tap.open_orders(self).headers.values()
                  if o.get("LastChangedDateTimeOffset")]
        return max(stamps, key=instant) if stamps else None

    def _reserved_since(self, context: dict | None) -> t.Iterable[tuple[dict, str | None]]:
        """Products whose available stock an order changed since the bookmark, with when.

        A confirmed order reserves stock (StockAvailable drops) without moving any timestamp of
        the product, so the products on the lines of orders changed since the bookmark are read
        again, and those on the lines of open orders whose lines changed (open_orders; before
        and after the change) or that are gone: from the run's one list of open orders and the
        lines it read (kept for the sales_order_lines stream), one product list per 50 codes."""
        start = self.get_starting_timestamp(context)
        if start is None:
            return  # a full read holds every product already
        since = start if start.tzinfo else start.replace(tzinfo=timezone.utc)
        orders = self._tap.open_orders(self)
        reserved_at: dict[str, str | None] = {}

        def note(code: str, stamp: str | None) -> None:
            if code not in reserved_at or (stamp and (reserved_at[code] is None or instant(stamp) > instant(reserved_at[code]))):
                reserved_at[code] = stamp

        for order_id, header in orders.headers.items():
            stamp = header.get("LastChangedDateTimeOffset")
            if stamp and instant(stamp) > since:
                for code in product_codes(orders.lines_of(order_id)):
                    note(code, stamp)
        for code, stamp in orders.released():
            note(code, stamp)
        codes = sorted(reserved_at)
        for start_at in range(0, len(codes), 50):
            for product in self.read_pages("/Products", {"codes": ",".join(codes[start_at:start_at + 50])}):
                yield product, reserved_at[product["Code"]]


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


class SalesOrdersStream(PowerOfficeStream):
    """Sales order headers (the list endpoint has no lines; see sales_order_lines).

    Besides the orders changed since the bookmark, an incremental run emits the open orders
    whose lines changed (open_orders: a line edit moves no timestamp of the order), read with
    GET /SalesOrders/{id}, each in the same shape and followed by its lines. Their fingerprints
    are kept in this stream's state (`line_fingerprints`), written with its bookmark."""

    name = "sales_orders"
    path = "/SalesOrders"

    def get_records(self, context: dict | None) -> t.Iterable[dict]:
        orders = self._tap.open_orders(self)
        emitted = set()
        for record in super().get_records(context):
            emitted.add(str(record["Id"]))
            yield record
        if self.get_starting_timestamp(context) is not None:  # a full read emitted every order
            for order_id in orders.lines_changed:
                if order_id not in emitted:
                    header = self._header(order_id)
                    if header is not None:
                        yield header
        self.stream_state[FINGERPRINTS] = orders.state()

    def _header(self, order_id: str) -> dict | None:
        try:
            return self.read_json(f"/SalesOrders/{order_id}")
        except FatalAPIError as error:
            # The SDK's error keeps no response; its message starts with the status (client.py).
            if str(error).startswith("404"):
                return None  # deleted since the list was read: nothing to sync
            raise

    def get_child_context(self, record: dict, context: dict | None) -> dict:
        return {"SalesOrderId": record["Id"]}


class SalesOrderLinesStream(PowerOfficeStream):
    """Lines of every sales order synced in this run, one `/SalesOrders/{id}/Lines` call per order
    unless the run has read them already (open_orders, or the products stream for stock).

    Lines have no change timestamp of their own and changing a line does not touch the order's
    LastChangedDateTimeOffset, so lines are read in full for each order the run emits.
    """

    name = "sales_order_lines"
    path = "/SalesOrders/{SalesOrderId}/Lines"
    parent_stream_type = SalesOrdersStream
    replication_key = None
    state_partitioning_keys: t.ClassVar[list[str]] = []  # no state per order

    def get_records(self, context: dict | None) -> t.Iterable[dict]:
        read = self._tap.order_lines_read.pop(str((context or {}).get("SalesOrderId")), None)
        if read is None:
            yield from super().get_records(context)
            return
        for row in read:  # read already this run
            yield self.post_process(dict(row), context)

    def post_process(self, row: dict, context: dict | None = None) -> dict | None:
        if context and not row.get("SalesOrderId"):
            row["SalesOrderId"] = context["SalesOrderId"]
        return row
