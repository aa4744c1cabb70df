"""PowerOffice GO v2 streams: one class per endpoint. Records keep the API's PascalCase names.

Schemas (schemas/<stream name>.json, loaded by the base stream) list every property of the v2 DTOs (CustomerDto, ContactPersonDto,
ProductDto, SalesOrderDto, SalesOrderLineDto), nullable as the API may omit or null them.
"""
from __future__ import annotations

import typing as t
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
    """Products: `Code` (SKU), `UnitPrice` (sales price excl. VAT), `UnitCost`, `StockOnHand`, `StockAvailable`."""

    name = "products"
    path = "/Products"


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
