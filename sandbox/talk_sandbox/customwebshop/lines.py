"""One order line at a time: /orders/{id}/lines (add) and /orders/{id}/lines/{line_id} (change,
delete), the way integrations keep a line's identity (its id never changes, never comes back).

Every line write is a write of its order: If-Match is the order's ETag, and the order gets a
new version, a new `updated_at` (so `updated_since` lists it) and a new total.
"""
from __future__ import annotations

from typing import Any

from talk.webshop_api import schemas

from .records import ORDERS, ApiError, Records, check_if_match, validate

# Sent back by clients that echo a whole line; ignored as the order's read-only fields are.
READ_ONLY = {"id"}


def line_not_found(order_id: str, line_id: str) -> ApiError:
    return ApiError(404, "not_found", f"Order '{order_id}' has no line with id '{line_id}'.", "line_id")


class OrderLines:
    def __init__(self, records: Records, new_ids_on_change: bool = False):
        self.records = records
        # The `new_line_ids` defect: a changed line comes back under a new id, as in a shop
        # that deletes and re-creates a line to change it (the checker must name this).
        self.new_ids_on_change = new_ids_on_change

    def add(self, order_id: str, body: Any, if_match: str | None) -> tuple[dict, dict]:
        """The new line and the order as stored."""
        before = self.records.get(ORDERS, order_id)
        body = clean(body, "OrderLineInput")
        check_if_match(ORDERS, before, if_match)
        line = self.records.complete_line(body)
        order = self.records.save(ORDERS, before, self.with_lines(before, [*before["lines"], line]))
        return line, order

    def change(self, order_id: str, line_id: str, body: Any, if_match: str | None) -> tuple[dict, dict]:
        before = self.records.get(ORDERS, order_id)
        index = position(before, line_id)
        body = clean(body, "OrderLineUpdate")
        check_if_match(ORDERS, before, if_match)
        merged = {**before["lines"][index], **body}
        # A new product named by only one of product_id and sku: the other follows it, as on create.
        if "product_id" in body and "sku" not in body:
            merged["sku"] = None
        if "sku" in body and "product_id" not in body:
            merged["product_id"] = None
        line = self.records.complete_line(merged)
        if self.new_ids_on_change and line != before["lines"][index]:
            line["id"] = self.records.new_id("lines")
        lines = [*before["lines"][:index], line, *before["lines"][index + 1:]]
        return line, self.records.save(ORDERS, before, self.with_lines(before, lines))

    def remove(self, order_id: str, line_id: str, if_match: str | None) -> dict:
        before = self.records.get(ORDERS, order_id)
        index = position(before, line_id)
        check_if_match(ORDERS, before, if_match)
        if len(before["lines"]) == 1:
            raise ApiError(422, "validation_failed",
                           "An order keeps at least one line; cancel the order instead of deleting its last line.",
                           "line_id")
        lines = [line for n, line in enumerate(before["lines"]) if n != index]
        return self.records.save(ORDERS, before, self.with_lines(before, lines))

    def with_lines(self, order: dict, lines: list[dict]) -> dict:
        changed = {key: value for key, value in order.items() if key != "total_excl_vat"}
        return self.records.complete(ORDERS, {**changed, "lines": lines})


def position(order: dict, line_id: str) -> int:
    for index, line in enumerate(order["lines"]):
        if line["id"] == line_id:
            return index
    raise line_not_found(order["id"], line_id)


def clean(body: Any, schema: str) -> dict:
    if not isinstance(body, dict):
        raise ApiError(422, "validation_failed", "The request body must be a JSON object.")
    body = {key: value for key, value in body.items() if key not in READ_ONLY}
    unknown = sorted(set(body) - schemas.properties("OrderLineFields"))
    if unknown:
        raise ApiError(422, "validation_failed", f"Unknown field '{unknown[0]}'.", unknown[0])
    validate(schema, body)
    return body
