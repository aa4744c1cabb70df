"""Shopify inventory: each variant has an inventory item, stocked at locations with named quantities.

What the emulator keeps, on the variant document inside its product:

- `inventoryItem`: `{id, tracked}`. The item's number is the variant's plus ITEM_OFFSET, so an item
  id is never a variant id (a client that mixes them up is refused, as by Shopify).
- `inventoryLevels`: one per location, `{locationId, available, committed, damaged,
  quality_control, reserved, safety_stock, incoming, updatedAt}`. `on_hand` is not stored: it is
  available + committed + the unavailable states, as Shopify defines it (incoming is not on hand).
- `inventoryQuantity`: the sum of `available` over the levels, kept in step with them because
  ProductVariant.inventoryQuantity, the REST `inventory_quantity` and bulk output read it.

Documents written before inventory existed (sized seeds, old fixtures) have only
`inventoryQuantity`: they read as one level at the shop's location holding that much, tracked.

What changes quantities: productSet / productVariantsBulkCreate `inventoryQuantities` (set
available), inventorySetQuantities (set available or on_hand), inventoryAdjustQuantities (add to
available or an unavailable state), orderCreate when asked to claim inventory
(`options.inventoryBehaviour` DECREMENT_*: available goes down, committed up, on_hand stays;
Shopify's default is BYPASS, which claims nothing), and an order edit's commit (units it adds
are claimed; units it removes are released, available again when `restock` was asked). None of them moves the product's `updatedAt`:
Shopify keeps quantities on inventory levels with their own `updatedAt`.
"""
from __future__ import annotations

from typing import Any

from .store import ShopifyStore, gid, gid_kind, gid_number, now

LOCATION_ID = gid("Location", 1)
ITEM_OFFSET = 100_000_000
UNAVAILABLE = ("damaged", "quality_control", "reserved", "safety_stock")
STORED = ("available", "committed", *UNAVAILABLE, "incoming")
# Quantities a client may name: set takes available or on_hand, adjust available or a state.
SETTABLE = ("available", "on_hand")
ADJUSTABLE = ("available", "incoming", *UNAVAILABLE)
# Shopify's inventory adjustment reasons.
REASONS = {
    "correction", "cycle_count_available", "damaged", "movement_canceled", "movement_created",
    "movement_received", "movement_updated", "other", "promotion", "quality_control", "received",
    "reservation_created", "reservation_deleted", "reservation_updated", "restock", "safety_stock",
    "shrinkage",
}
QUANTITY_LIMIT = 1_000_000_000


# -- reading -------------------------------------------------------------------------------
def item_id(variant: dict) -> str:
    return (variant.get("inventoryItem") or {}).get("id") or gid("InventoryItem", gid_number(variant["id"]) + ITEM_OFFSET)


def item(variant: dict) -> dict:
    """The variant's inventory item as the schema shows it (`variant` resolves back)."""
    stored = variant.get("inventoryItem") or {}
    return {"id": item_id(variant), "tracked": stored.get("tracked", True), "sku": variant.get("sku"), "_variant": variant}


def levels(variant: dict) -> list[dict]:
    if variant.get("inventoryLevels"):
        return variant["inventoryLevels"]
    return [new_level(int(variant.get("inventoryQuantity") or 0), variant.get("updatedAt"))]


def new_level(available: int = 0, stamp: str | None = None, location: str = LOCATION_ID) -> dict:
    return {"locationId": location, **dict.fromkeys(STORED, 0), "available": available, "updatedAt": stamp or now()}


def quantity(level: dict, name: str) -> int:
    if name == "on_hand":
        return sum(int(level.get(state) or 0) for state in ("available", "committed", *UNAVAILABLE))
    return int(level.get(name) or 0)


def level_at(variant: dict, location: str) -> dict | None:
    return next((level for level in levels(variant) if level["locationId"] == location), None)


def variant_of_item(store: ShopifyStore, value: Any) -> tuple[dict, dict] | None:
    """(product, variant) owning an InventoryItem gid."""
    if gid_kind(value) != "InventoryItem":
        return None
    number = gid_number(value)
    if number is None or number <= ITEM_OFFSET:
        return None
    return store.variant(gid("ProductVariant", number - ITEM_OFFSET))


# -- writing (on a variant inside a product copy the caller stores) -------------------------------
def new_item(variant: dict, given: dict) -> None:
    """Inventory for a new variant: `inventoryQuantities` (set available at the shop's location;
    `name` on_hand sets that) and `inventoryItem.tracked`. Tracked unless told otherwise when
    quantities are given (the merchant counts it), untracked when none are."""
    quantities = given.get("inventoryQuantities")
    stated = (given.get("inventoryItem") or {}).get("tracked")
    tracked = stated if stated is not None else bool(quantities) or given.get("inventoryQuantity") is not None
    variant["inventoryItem"] = {"id": item_id(variant), "tracked": bool(tracked)}
    variant["inventoryLevels"] = [new_level(int(given.get("inventoryQuantity") or 0), variant.get("createdAt"))]
    sync(variant)
    if quantities:
        set_given_quantities(variant, quantities)


def update_item(variant: dict, given: dict) -> None:
    """An existing variant's `inventoryItem.tracked` and (productSet) `inventoryQuantities`."""
    stated = (given.get("inventoryItem") or {}).get("tracked")
    if stated is not None:
        variant["inventoryItem"] = {"id": item_id(variant), "tracked": bool(stated)}
    if given.get("inventoryQuantities"):
        set_given_quantities(variant, given["inventoryQuantities"])


def set_given_quantities(variant: dict, quantities: list[dict]) -> None:
    """Quantities given with a variant (productSet's `{locationId, name, quantity}`, the bulk
    mutations' `{locationId, availableQuantity}`). The shop has one location: they are set there."""
    for given in quantities:
        name = given.get("name") or "available"
        value = given.get("quantity", given.get("availableQuantity"))
        set_quantity(variant, LOCATION_ID, "on_hand" if name == "on_hand" else "available", int(value or 0))


def set_quantity(variant: dict, location: str, name: str, value: int) -> list[dict]:
    """Set `available` or `on_hand` (which moves available); the changes, Shopify-style."""
    level = ensure_level(variant, location)
    delta = value - quantity(level, name)
    return adjust(variant, location, "available", delta)


def adjust(variant: dict, location: str, name: str, delta: int) -> list[dict]:
    """Add `delta` to one quantity; the changes it makes (the named one and on_hand)."""
    level = ensure_level(variant, location)
    on_hand = quantity(level, "on_hand")
    level[name] = int(level.get(name) or 0) + delta
    level["updatedAt"] = now()
    sync(variant)
    changes = [change(variant, location, name, delta, quantity(level, name))]
    if name in ("available", *UNAVAILABLE):
        changes.append(change(variant, location, "on_hand", quantity(level, "on_hand") - on_hand, quantity(level, "on_hand")))
    return changes


def claim(variant: dict, count: int) -> None:
    """An order takes `count` units: no longer available, committed until fulfilled."""
    level = ensure_level(variant, LOCATION_ID)
    level["available"] = quantity(level, "available") - count
    level["committed"] = quantity(level, "committed") + count
    level["updatedAt"] = now()
    sync(variant)


def release(variant: dict, count: int, restock: bool) -> None:
    """An order edit took `count` units off an order: they are no longer committed to it (as far
    as it had claimed them), and with `restock` they are available again; without, they leave
    the shelf (on_hand goes down), as Shopify does for items removed but not restocked."""
    level = ensure_level(variant, LOCATION_ID)
    level["committed"] = quantity(level, "committed") - min(count, quantity(level, "committed"))
    if restock:
        level["available"] = quantity(level, "available") + count
    level["updatedAt"] = now()
    sync(variant)


def ensure_level(variant: dict, location: str) -> dict:
    if not variant.get("inventoryLevels"):
        variant["inventoryLevels"] = levels(variant)
    found = level_at(variant, location)
    if found is None:
        found = new_level(0, location=location)
        variant["inventoryLevels"].append(found)
    return found


def sync(variant: dict) -> None:
    variant["inventoryQuantity"] = sum(quantity(level, "available") for level in levels(variant))


def change(variant: dict, location: str, name: str, delta: int, after: int) -> dict:
    return {"name": name, "delta": delta, "quantityAfterChange": after, "itemId": item_id(variant),
            "locationId": location, "ledgerDocumentUri": None}
