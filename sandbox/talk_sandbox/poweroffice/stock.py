"""Stock in PowerOffice GO: what is on hand, and what confirmed sales orders reserve of it.

The v2 spec's ProductDto says StockOnHand is "the number of products in stock" and
StockAvailable "the number of products available for sale", which differs from the stock on hand
"if confirmed sales orders exists, thus reserving a portion of the stock". So:

- StockAvailable = StockOnHand - the quantities on the lines of Confirmed orders, for stock items
  (IsStockItem). A Draft order reserves nothing. Only Normal lines with a product reserve.
- StockOnHand is writable (POST, PATCH); StockAvailable is read-only and follows it: a receipt
  written as StockOnHand 10 -> 15 with 2 reserved gives 13 available.
- A reservation changes when an order is confirmed or set back to Draft, when a confirmed
  order's lines change (added, quantity or product changed, deleted) and when it is deleted.
- Neither a reservation nor a StockOnHand change moves the product's LastChangedDateTimeOffset:
  the spec says "changes in total stock does not affect the product's last changed property"
  and points to StockOnHandLastChangedDatetimeOffset (filter
  stockOnHandLastChangedDatetimeOffsetGreaterThan) instead. A reservation moves neither
  timestamp: it is no change of the stock on hand. A reader that wants StockAvailable fresh has to
  read the products again; GO offers no change marker for it.

Reservations are kept as differences: each write of an order moves StockAvailable by what the
order reserves after it minus what it reserved before, so no write scans every order. A full
count (`reserved_for`) is only needed when a product becomes a stock item or a fixture is loaded.
"""
from __future__ import annotations

from collections import Counter
from typing import Any

from ..common.documents import DocumentStore

CUSTOMERS, PRODUCTS, SALES_ORDERS = "customers", "products", "sales_orders"


def reserves(order: dict | None) -> Counter:
    """What an order reserves, per product id: the quantities of its Normal product lines if it
    is Confirmed, nothing otherwise (whether a product is a stock item is checked on apply)."""
    reserved: Counter = Counter()
    if not order or order.get("SalesOrderStatus") != "Confirmed":
        return reserved
    for line in order.get("SalesOrderLines") or []:
        if (line.get("LineType") or "Normal") == "Normal" and line.get("ProductId") is not None:
            reserved[int(line["ProductId"])] += float(line.get("Quantity") or 0)
    return reserved


def order_changed(store: DocumentStore, before: dict | None, after: dict | None) -> None:
    """Move StockAvailable of every product whose reservation an order write changed
    (`before` None: the order is new; `after` None: it is deleted)."""
    old, new = reserves(before), reserves(after)
    for product_id in set(old) | set(new):
        delta = new[product_id] - old[product_id]
        if not delta:
            continue
        product = store.get(PRODUCTS, product_id)
        if product is None or not product.get("IsStockItem"):
            continue
        product["StockAvailable"] = quantity(product.get("StockAvailable")) - delta
        store.put(PRODUCTS, product_id, product)


def reserved_for(store: DocumentStore, product_id: Any) -> float:
    """Everything the confirmed orders reserve of one product (a full count)."""
    return sum(reserves(order)[int(product_id)] for order in store.all(SALES_ORDERS))


def available(product: dict, reserved: float) -> None:
    """Set StockAvailable from StockOnHand and what is reserved. A product that is not a stock
    item has no stock to reserve: its StockAvailable just mirrors StockOnHand."""
    if product.get("IsStockItem"):
        product["StockOnHand"] = quantity(product.get("StockOnHand"))
        product["StockAvailable"] = product["StockOnHand"] - reserved
    else:
        product["StockAvailable"] = product.get("StockOnHand")


def reserved_in(product: dict) -> float:
    """What is reserved of a stock item, read off the product itself (on hand minus available)."""
    return quantity(product.get("StockOnHand")) - quantity(product.get("StockAvailable"))


def quantity(value: Any) -> float:
    return float(value or 0)
