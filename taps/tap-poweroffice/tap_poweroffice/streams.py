"""PowerOffice GO v2 streams: one class per endpoint. Records keep the API's PascalCase names.

Schemas (schemas/<stream name>.json, loaded by the base stream) list every property of the v2 DTOs (CustomerDto, ContactPersonDto,
ProductDto, SalesOrderDto, SalesOrderLineDto), nullable as the API may omit or null them.
"""
from __future__ import annotations

import typing as t
from datetime import datetime, timezone

from .client import PowerOfficeStream

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
                stamps = [record.get(field) for field in self.FILTERS.values() if record.get(field)]
                record["ChangedAt"] = max(stamps, key=_instant) if stamps else None
                found[record["Id"]] = record
        yield from sorted(found.values(), key=lambda r: _instant(r["ChangedAt"]) if r["ChangedAt"] else _EPOCH)


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _instant(stamp: str) -> datetime:
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class SalesOrdersStream(PowerOfficeStream):
    """Sales order headers (the list endpoint has no lines; see sales_order_lines)."""

    name = "sales_orders"
    path = "/SalesOrders"

    def get_child_context(self, record: dict, context: dict | None) -> dict:
        return {"SalesOrderId": record["Id"]}


class SalesOrderLinesStream(PowerOfficeStream):
    """Lines of every sales order synced in this run, one `/SalesOrders/{id}/Lines` call per order.

    Lines have no change timestamp of their own and changing a line does not touch the order's
    LastChangedDateTimeOffset, so lines are read in full for each order the run sees.
    """

    name = "sales_order_lines"
    path = "/SalesOrders/{SalesOrderId}/Lines"
    parent_stream_type = SalesOrdersStream
    replication_key = None
    state_partitioning_keys: t.ClassVar[list[str]] = []  # no state per order

    def post_process(self, row: dict, context: dict | None = None) -> dict | None:
        if context and not row.get("SalesOrderId"):
            row["SalesOrderId"] = context["SalesOrderId"]
        return row
