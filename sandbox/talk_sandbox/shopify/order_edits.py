"""Order editing as Shopify does it: a session (CalculatedOrder) stages changes, a commit saves them.

What the emulator keeps, per session (entity `calculated_orders`): the order it edits, the
quantity asked for each existing line (`quantities`, by LineItem gid, with `restock`), the lines
added (`added`), and whether it was committed. Nothing touches the order before the commit.

Shopify's rules it follows:
- A CalculatedLineItem of a line the order had carries the LineItem's number
  (`gid://shopify/CalculatedLineItem/123` for `gid://shopify/LineItem/123`); a line added in
  the session has an id of its own, and becomes a LineItem with a new number at the commit.
- A line keeps its LineItem id through any quantity change. Its `quantity` counts every unit
  ever ordered; `currentQuantity` leaves out the units edits removed. Quantity 0 removes a line:
  it stays on the order with `currentQuantity` 0.
- A session is committed once; committing moves the order's `updatedAt` and its totals.
- Inventory of tracked variants: units added are claimed (committed), units removed are
  released, and back in `available` only with `restock` (inventory.release).
- A cancelled order cannot be edited.
"""
from __future__ import annotations

import copy
import uuid
from decimal import Decimal
from typing import Any

from . import inventory, model
from .inventory_mutations import Writes
from .model import UserErrors, error
from .store import ShopifyStore, gid, gid_kind, gid_number, money, now

ENTITY = "calculated_orders"
CALCULATED_LINE = "CalculatedLineItem"


def current_quantity(line: dict) -> int:
    """Units of a line still on the order (documents from before editing have no such field)."""
    return int(line.get("currentQuantity", line.get("quantity") or 0))


# -- sessions --------------------------------------------------------------------------------
def begin(store: ShopifyStore, order_id: Any) -> dict:
    order = store.get("orders", gid_number(order_id)) if gid_kind(order_id) == "Order" else None
    if order is None:
        raise UserErrors([error(["id"], "The order does not exist.")])
    if order.get("cancelledAt"):
        raise UserErrors([error(["id"], "A cancelled order can't be edited.")])
    number = store.next_id("CalculatedOrder", 1)
    session = {"id": gid("CalculatedOrder", number), "orderId": order["id"], "committed": False,
               "quantities": {}, "added": [], "createdAt": now()}
    return store.put(ENTITY, number, session)


def open_session(store: ShopifyStore, session_id: Any) -> dict:
    session = store.get(ENTITY, gid_number(session_id)) if gid_kind(session_id) == "CalculatedOrder" else None
    if session is None:
        raise UserErrors([error(["id"], "The calculated order does not exist.")])
    if session["committed"]:
        raise UserErrors([error(["id"], "The calculated order has already been committed.")])
    return session


def order_of(store: ShopifyStore, session: dict) -> dict:
    return store.get("orders", gid_number(session["orderId"])) or {}


# -- staging ---------------------------------------------------------------------------------------
def set_quantity(store: ShopifyStore, session_id: Any, line_id: Any, quantity: int, restock: bool | None) -> tuple[dict, str]:
    """Stage a line's new quantity; returns the session and the calculated line's id."""
    session = open_session(store, session_id)
    if quantity < 0:
        raise UserErrors([error(["quantity"], "Quantity must be greater than or equal to 0")])
    added = next((line for line in session["added"] if line["id"] == line_id), None)
    if added is not None:
        # A line added in this session: 0 takes it out again.
        if quantity == 0:
            session["added"].remove(added)
        else:
            added["quantity"] = quantity
        store.put(ENTITY, gid_number(session["id"]), session)
        return session, line_id
    line = _existing_line(order_of(store, session), line_id)
    if line is None:
        raise UserErrors([error(["lineItemId"], "The line item does not exist.")])
    session["quantities"][line["id"]] = {"quantity": quantity, "restock": bool(restock)}
    store.put(ENTITY, gid_number(session["id"]), session)
    return session, line_id


def add_variant(store: ShopifyStore, session_id: Any, variant_id: Any, quantity: int, allow_duplicates: bool) -> tuple[dict, str]:
    session = open_session(store, session_id)
    found = store.variant(variant_id) if gid_kind(variant_id) == "ProductVariant" else None
    errors = []
    if found is None:
        errors.append(error(["variantId"], "The variant does not exist."))
    if quantity < 1:
        errors.append(error(["quantity"], "Quantity must be greater than 0"))
    if found is not None and not allow_duplicates and _holds_variant(store, session, found[1]["id"]):
        errors.append(error(["variantId"], "The variant is already on the order: set allowDuplicates to add it again."))
    if errors:
        raise UserErrors(errors)
    product, variant = found
    line = {"id": gid(CALCULATED_LINE, uuid.uuid4()), "variantId": variant["id"], "productId": product["id"],
            "title": product["title"], "variantTitle": variant["title"], "sku": variant.get("sku"),
            "price": variant["price"], "quantity": quantity}
    session["added"].append(line)
    store.put(ENTITY, gid_number(session["id"]), session)
    return session, line["id"]


def add_custom_item(store: ShopifyStore, session_id: Any, title: str, price: dict, quantity: int) -> tuple[dict, str]:
    session = open_session(store, session_id)
    errors = []
    if not (title or "").strip():
        errors.append(error(["title"], "Title can't be blank"))
    if Decimal(str(price.get("amount") or 0)) < 0:
        errors.append(error(["price"], "Price can't be negative"))
    if quantity < 1:
        errors.append(error(["quantity"], "Quantity must be greater than 0"))
    if errors:
        raise UserErrors(errors)
    line = {"id": gid(CALCULATED_LINE, uuid.uuid4()), "variantId": None, "productId": None, "title": title,
            "variantTitle": None, "sku": None, "price": money(price["amount"]), "quantity": quantity}
    session["added"].append(line)
    store.put(ENTITY, gid_number(session["id"]), session)
    return session, line["id"]


def _existing_line(order: dict, calculated_id: Any) -> dict | None:
    if gid_kind(calculated_id) != CALCULATED_LINE or gid_number(calculated_id) is None:
        return None
    wanted = gid("LineItem", gid_number(calculated_id))
    return next((line for line in order.get("lineItems", []) if line["id"] == wanted and current_quantity(line) > 0), None)


def _holds_variant(store: ShopifyStore, session: dict, variant_id: str) -> bool:
    lines = [line for line in calculated_lines(store, session) if line["quantity"] > 0]
    return any(line.get("variantId") == variant_id for line in lines + session["added"])


# -- what a session shows ---------------------------------------------------------------------------
def calculated_lines(store: ShopifyStore, session: dict) -> list[dict]:
    """The order's lines as the session would leave them (CalculatedOrder.lineItems): every line
    still on the order, with its staged quantity."""
    order, out = order_of(store, session), []
    for line in order.get("lineItems", []):
        before = current_quantity(line)
        if before == 0:
            continue
        staged = session["quantities"].get(line["id"])
        quantity = staged["quantity"] if staged else before
        out.append({"id": gid(CALCULATED_LINE, gid_number(line["id"])), "title": line["title"], "sku": line.get("sku"),
                    "variantId": line.get("variantId"), "quantity": quantity, "before": before,
                    "restocking": bool(staged and staged["restock"] and quantity < before),
                    "price": line.get("originalUnitPrice"), "discounted": line.get("discountedUnitPrice"),
                    "variantTitle": _variant_title(store, line.get("variantId"))})
    return out


def added_lines(session: dict) -> list[dict]:
    return [dict(line, before=0, restocking=False, discounted=line["price"]) for line in session["added"]]


def _variant_title(store: ShopifyStore, variant_id: str | None) -> str | None:
    found = store.variant(variant_id) if variant_id else None
    return found[1]["title"] if found else None


# -- commit ------------------------------------------------------------------------------------------
def commit(store: ShopifyStore, session_id: Any, staff_note: str | None = None) -> dict:
    """Apply the session to the order, once; returns the order as saved."""
    session = open_session(store, session_id)
    current = order_of(store, session)
    if not current:
        raise UserErrors([error(["id"], "The order does not exist.")])
    order, stock = copy.deepcopy(current), Writes(store)
    for line in order["lineItems"]:
        staged = session["quantities"].get(line["id"])
        if staged is not None:
            _change_quantity(stock, line, staged["quantity"], staged["restock"])
    for added in session["added"]:
        order["lineItems"].append(_new_line(store, added))
        _claim(stock, added.get("variantId"), added["quantity"])
    _retotal(order, current)
    saved = model.save(store, "orders", order)
    stock.save()
    session.update(committed=True, staffNote=staff_note, committedAt=now())
    store.put(ENTITY, gid_number(session["id"]), session)
    return saved


def _change_quantity(stock: Writes, line: dict, quantity: int, restock: bool) -> None:
    before = current_quantity(line)
    if quantity > before:
        # More units of the same line item: ordered, so counted in `quantity` too.
        line["quantity"] = int(line["quantity"]) + quantity - before
        _claim(stock, line.get("variantId"), quantity - before)
    elif quantity < before:
        variant = stock.variant(line["variantId"]) if line.get("variantId") else None
        if variant is not None and inventory.item(variant)["tracked"]:
            inventory.release(variant, before - quantity, restock)
    line["currentQuantity"] = quantity


def _claim(stock: Writes, variant_id: str | None, count: int) -> None:
    variant = stock.variant(variant_id) if variant_id else None
    if variant is not None and inventory.item(variant)["tracked"]:
        inventory.claim(variant, count)


def _new_line(store: ShopifyStore, added: dict) -> dict:
    title, variant_title = added["title"], added.get("variantTitle")
    named = f"{title} - {variant_title}" if variant_title and variant_title != "Default Title" else title
    return {"id": gid("LineItem", store.next_id("LineItem", 90001)), "title": title, "name": named,
            "quantity": added["quantity"], "currentQuantity": added["quantity"], "sku": added.get("sku"),
            "variantId": added.get("variantId"), "productId": added.get("productId"),
            "originalUnitPrice": money(added["price"]), "discountedUnitPrice": money(added["price"]),
            "totalDiscount": money(0)}


def subtotal(lines: list[dict]) -> Decimal:
    return sum((Decimal(str(line.get("discountedUnitPrice") or 0)) * current_quantity(line) for line in lines), Decimal(0))


def _retotal(order: dict, before: dict) -> None:
    """The totals follow the lines; tax moves in proportion (the emulator keeps no tax lines)."""
    old, new = Decimal(str(before.get("subtotalPrice") or 0)), subtotal(order["lineItems"])
    tax = Decimal(str(before.get("totalTax") or 0))
    if old > 0:
        tax = tax * new / old
    order["subtotalPrice"], order["totalTax"] = money(new), money(tax)
    order["totalPrice"] = order["currentTotalPrice"] = money(new + tax)
