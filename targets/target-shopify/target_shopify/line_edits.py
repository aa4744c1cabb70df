"""Which order edits bring a Shopify order's line items to the lines Talk wants.

Shopify changes an order's lines only through an order edit (orderEditBegin, staged changes,
orderEditCommit), and an edit can do three things to lines: set a line's quantity (0 removes
it; the line keeps its LineItem id), add a variant at the variant's price, add a custom item
with a title and price. It cannot change the price, title or product of a line the order holds.

The core says which line is which: a wanted line carries `id`, the LineItem it is linked to,
or none when Shopify does not have it yet; a current line no wanted line names is to go (a flow
that keeps removed lines leaves them in the list). So:

- a line whose quantity changed: one orderEditSetQuantity;
- a line gone: orderEditSetQuantity to 0;
- a new line: orderEditAddVariant (allowDuplicates: two Talk lines may sell one product), or
  orderEditAddCustomItem for a line without a variant;
- an unchanged line: nothing.

A wanted price, title or product of a held line that differs from Shopify's is refused with
the line and the values named: nothing of the record is written (see `refusal`). A line of a
variant is titled by its product in Shopify, so its title is not compared (as orderCreate takes
none for it), nor is any line's SKU or discount, which Talk does not write to Shopify either.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any


@dataclass
class LinePlan:
    quantities: list[tuple[str, int]] = field(default_factory=list)  # (LineItem id, new quantity; 0 removes)
    additions: list[dict] = field(default_factory=list)              # wanted lines Shopify does not hold
    refused: list[str] = field(default_factory=list)                 # what an edit cannot do, line by line

    def __bool__(self) -> bool:
        return bool(self.quantities or self.additions)


def quantity(line: dict) -> int:
    """The units a line holds: `currentQuantity` (what the mapping writes and the tap reads),
    else `quantity` (records written by hand name only that)."""
    value = line.get("currentQuantity")
    return int(line.get("quantity") if value is None else value or 0)


def plan(wanted: list[dict], current: list[dict]) -> LinePlan:
    held = {line["id"]: line for line in current}
    result, kept = LinePlan(), set()
    for line in wanted:
        have = held.get(line.get("id")) if line.get("id") not in kept else None
        if have is None:
            # New here, or linked to a line removed in Shopify since: the order still wants it.
            result.additions.append(line)
            continue
        kept.add(have["id"])
        result.refused += unchangeable(line, have)
        if quantity(line) != quantity(have):
            result.quantities.append((have["id"], quantity(line)))
    # An order without lines is no order: an empty list says no lines are known, not that all
    # are gone (as for the other targets).
    if wanted:
        result.quantities += [(line_id, 0) for line_id in held if line_id not in kept]
    return result


def unchangeable(want: dict, have: dict) -> list[str]:
    """What differs in a held line that no order edit can change. A value the wanted line
    leaves empty is no change, nor is its SKU (Shopify's is the variant's)."""
    name = have.get("sku") or have.get("title") or have["id"]
    found = []
    wanted_variant, held_variant = (want.get("variant") or {}).get("id"), (have.get("variant") or {}).get("id")
    if wanted_variant and wanted_variant != held_variant:
        found.append(f"line {name} ({have['id']}): product {held_variant or 'none'} -> {wanted_variant}")
    # A line of a variant is titled by its product (orderCreate and orderEditAddVariant take no
    # title for it): only a custom line's title is Talk's to write.
    if not held_variant and want.get("title") and want["title"] != have.get("title"):
        found.append(f"line {name} ({have['id']}): title {have.get('title')!r} -> {want['title']!r}")
    if want.get("originalUnitPrice") is not None and not same_money(want["originalUnitPrice"], have.get("originalUnitPrice")):
        found.append(f"line {name} ({have['id']}): unit price {have.get('originalUnitPrice')} -> {want['originalUnitPrice']}")
    return found


def same_money(a: Any, b: Any) -> bool:
    """Equal to the cent: '199.00', 199 and 199.0 are one price."""
    try:
        return abs(Decimal(str(a)) - Decimal(str(b))) < Decimal("0.005")
    except (InvalidOperation, TypeError):
        return a == b


def refusal(reasons: list[str]) -> str:
    return (
        "; ".join(reasons) + ". Shopify's order editing can change a line's quantity, add lines and remove them, "
        "but not the price, title or product of a line the order holds, and it adds a product at the product's own "
        "price. Nothing of this order was written: set the value back where it was changed, or, for an order placed "
        "in Shopify, edit it in Shopify admin (remove the line, add the product anew); an order Talk created can be "
        "edited only by Talk, the app that created it"
    )
