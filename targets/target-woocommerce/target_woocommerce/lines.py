"""An order's line items as the smallest order update WooCommerce takes.

WooCommerce (REST v3, PUT /orders/{id} or /orders/batch) reads `line_items` item by item: an
item with an `id` changes that line in place, one without adds a line, one with quantity 0
removes the line, and a line not listed stays as it is. The lines Talk wants (`desired`) carry
the WooCommerce id of each line the order already has, and none for a new line; a present line
missing from them is no longer wanted (the write path leaves a line in the list where the
flow keeps removed lines, so a missing line is always one to remove).

So an edited line is one item with its id and what changed, an added line one item without an
id, a removed line its id with quantity 0, and an unchanged line is not sent: a line is never
deleted and added again to change its quantity, and it keeps its id (and its place, stock and
refunds in WooCommerce).
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from talk.http import ApiError


def amount(price: Any, quantity: Any) -> str:
    """A line's subtotal and total: WooCommerce's line price is read-only, so a price is
    written as price x quantity (before discounts)."""
    try:
        return str((Decimal(str(price)) * Decimal(str(quantity))).quantize(Decimal("0.01")))
    except InvalidOperation:
        raise ApiError(400, f"line price {price!r} is not an amount", "PUT", "/orders") from None


def same_number(a: Any, b: Any) -> bool:
    try:
        return Decimal(str(a)).quantize(Decimal("0.01")) == Decimal(str(b)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return a == b


def sold(line: dict) -> Any:
    """What a present line sold (tap-woocommerce's sold_id, else its variation or product)."""
    return line.get("sold_id") or line.get("variation_id") or line.get("product_id")


def new_line(line: dict) -> dict:
    """A line to add. `product_id` may name a variation: WooCommerce then adds that variation's
    line (its product_id the parent, variation_id the variation)."""
    body: dict[str, Any] = {"product_id": line.get("sold_id") or line.get("product_id")}
    for name in ("quantity", "name"):
        if line.get(name) is not None:
            body[name] = line[name]
    if line.get("price") is not None:
        body["subtotal"] = body["total"] = amount(line["price"], line.get("quantity") or 1)
    return body


def edited_line(line: dict, present: dict) -> dict:
    """What of a present line to change to make it `line` ({} when nothing changes). A value
    Talk does not have (None) leaves the line's own."""
    body: dict[str, Any] = {}
    wanted = line.get("sold_id") or line.get("product_id")
    if wanted and str(wanted) != str(sold(present)):
        body["product_id"] = wanted  # the line now sells something else
    if line.get("name") is not None and line["name"] != present.get("name"):
        body["name"] = line["name"]
    quantity = line.get("quantity") if line.get("quantity") is not None else present.get("quantity")
    price = line.get("price") if line.get("price") is not None else present.get("price")
    if not same_number(quantity, present.get("quantity")):
        body["quantity"] = quantity
    if "quantity" in body or (price is not None and not same_number(price, present.get("price"))):
        if price is not None:
            body["subtotal"] = body["total"] = amount(price, quantity)
    return body


def line_changes(desired: list[dict], current: list[dict]) -> list[dict]:
    """The `line_items` of an order update that turns the order's `current` lines into
    `desired` (both in the tap's record shape)."""
    present = {str(line["id"]): line for line in current if line.get("id")}
    kept: set[str] = set()
    items = []
    for line in desired:
        line_id = str(line["id"]) if line.get("id") not in (None, "") else None
        if line_id is None or line_id not in present:
            items.append(new_line(line))  # new, or its line is gone from WooCommerce: added (again)
            continue
        kept.add(line_id)
        change = edited_line(line, present[line_id])
        if change:
            items.append({"id": present[line_id]["id"], **change})
    items += [{"id": line["id"], "quantity": 0} for line_id, line in present.items() if line_id not in kept]
    return items
