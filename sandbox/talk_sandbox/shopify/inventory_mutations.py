"""inventorySetQuantities, inventoryAdjustQuantities and orderCreate's inventory claim.

Both inventory mutations check every entry before they change anything (one bad entry refuses the
whole call, as Shopify does) and answer with an InventoryAdjustmentGroup whose `changes` list
each quantity that moved, `on_hand` included. Error codes and rules are Shopify's (2025-04):
set takes `available` or `on_hand` and, unless `ignoreCompareQuantity`, a `compareQuantity` that
must equal the stored quantity; adjust takes `available` or an unavailable state, and a
`ledgerDocumentUri` for a state but not for `available`.
"""
from __future__ import annotations

import copy
from typing import Any

from . import inventory
from .model import UserErrors, error
from .store import ShopifyStore, gid, gid_number, now

BEHAVIOURS = ("BYPASS", "DECREMENT_IGNORING_POLICY", "DECREMENT_OBEYING_POLICY")


class Writes:
    """Product documents changed by one mutation: copied once, stored together at the end."""

    def __init__(self, store: ShopifyStore):
        self.store = store
        self.products: dict[str, dict] = {}

    def variant_of_item(self, item_id: Any) -> dict | None:
        found = inventory.variant_of_item(self.store, item_id)
        if found is None:
            return None
        return self._variant(found[0], found[1]["id"])

    def variant(self, variant_id: Any) -> dict | None:
        found = self.store.variant(variant_id)
        return self._variant(found[0], found[1]["id"]) if found else None

    def _variant(self, product: dict, variant_id: str) -> dict:
        copied = self.products.setdefault(product["id"], copy.deepcopy(product))
        return next(v for v in copied["variants"] if v["id"] == variant_id)

    def save(self) -> None:
        # Quantities live on inventory levels: the product's updatedAt stays.
        for product in self.products.values():
            self.store.put("products", gid_number(product["id"]), product)


def _common(given: dict, names: tuple[str, ...], bad_name: str) -> list[dict]:
    errors = []
    if given.get("name") not in names:
        message = ("The quantity name must be either 'available' or 'on_hand'." if bad_name == "INVALID_NAME"
                   else "The specified quantity name is invalid.")
        errors.append(error(["input", "name"], message, bad_name))
    if given.get("reason") not in inventory.REASONS:
        errors.append(error(["input", "reason"], "The specified reason is invalid.", "INVALID_REASON"))
    return errors


def _target(writes: Writes, entry: dict, path: list[str]) -> tuple[dict | None, list[dict]]:
    variant = writes.variant_of_item(entry.get("inventoryItemId"))
    if variant is None:
        return None, [error(path + ["inventoryItemId"], "The specified inventory item could not be found.", "INVALID_INVENTORY_ITEM")]
    if entry.get("locationId") != inventory.LOCATION_ID:
        return None, [error(path + ["locationId"], "The specified location could not be found.", "INVALID_LOCATION")]
    return variant, []


def _group(store: ShopifyStore, given: dict, changes: list[dict]) -> dict:
    return {"id": gid("InventoryAdjustmentGroup", store.next_id("InventoryAdjustmentGroup", 1)), "createdAt": now(),
            "reason": given["reason"], "referenceDocumentUri": given.get("referenceDocumentUri"), "changes": changes}


def set_quantities(store: ShopifyStore, given: dict) -> dict:
    writes, errors, planned, seen = Writes(store), _common(given, inventory.SETTABLE, "INVALID_NAME"), [], set()
    for n, entry in enumerate(given.get("quantities") or []):
        path = ["input", "quantities", str(n)]
        variant, found = _target(writes, entry, path)
        errors += found
        if variant is None:
            continue
        if (entry["inventoryItemId"], entry["locationId"]) in seen:
            errors.append(error(path, "The combination of inventoryItemId and locationId must be unique.",
                                "NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR"))
        seen.add((entry["inventoryItemId"], entry["locationId"]))
        value = entry["quantity"]
        if value > inventory.QUANTITY_LIMIT:
            errors.append(error(path + ["quantity"], "The total quantity can't be higher than 1,000,000,000.", "INVALID_QUANTITY_TOO_HIGH"))
        elif value < -inventory.QUANTITY_LIMIT:
            errors.append(error(path + ["quantity"], "The total quantity can't be lower than -1,000,000,000.", "INVALID_QUANTITY_TOO_LOW"))
        elif value < 0 and given.get("name") == "on_hand":
            errors.append(error(path + ["quantity"], "The quantity can't be negative.", "INVALID_QUANTITY_NEGATIVE"))
        if not given.get("ignoreCompareQuantity"):
            current = inventory.quantity(inventory.ensure_level(variant, entry["locationId"]), given.get("name") or "available")
            if entry.get("compareQuantity") is None:
                errors.append(error(path + ["compareQuantity"], "The compareQuantity argument must be given to each quantity "
                                    "or ignored using ignoreCompareQuantity.", "COMPARE_QUANTITY_REQUIRED"))
            elif entry["compareQuantity"] != current:
                errors.append(error(path + ["compareQuantity"], "The compareQuantity value does not match persisted value.",
                                    "COMPARE_QUANTITY_STALE"))
        planned.append((variant, entry))
    if errors:
        raise UserErrors(errors)
    changes = []
    for variant, entry in planned:
        changes += inventory.set_quantity(variant, entry["locationId"], given["name"], entry["quantity"])
    writes.save()
    return _group(store, given, changes)


def adjust_quantities(store: ShopifyStore, given: dict) -> dict:
    writes, errors, planned = Writes(store), _common(given, inventory.ADJUSTABLE, "INVALID_QUANTITY_NAME"), []
    for n, entry in enumerate(given.get("changes") or []):
        path = ["input", "changes", str(n)]
        variant, found = _target(writes, entry, path)
        errors += found
        ledger = entry.get("ledgerDocumentUri")
        if given.get("name") == "available" and ledger:
            errors.append(error(path + ["ledgerDocumentUri"], "A ledger document URI is not allowed when adjusting available.",
                                "INVALID_AVAILABLE_DOCUMENT"))
        elif given.get("name") != "available" and not ledger:
            errors.append(error(path + ["ledgerDocumentUri"], "A ledger document URI is required except when adjusting available.",
                                "INVALID_QUANTITY_DOCUMENT"))
        if variant is not None:
            after = inventory.quantity(inventory.ensure_level(variant, entry["locationId"]), given.get("name") or "available") + entry["delta"]
            if after > 2 * inventory.QUANTITY_LIMIT:
                errors.append(error(path + ["delta"], "The quantity can't be higher than 2,000,000,000.", "INVALID_QUANTITY_TOO_HIGH"))
            elif after < -2 * inventory.QUANTITY_LIMIT:
                errors.append(error(path + ["delta"], "The quantity can't be lower than -2,000,000,000.", "INVALID_QUANTITY_TOO_LOW"))
            planned.append((variant, entry))
    if errors:
        raise UserErrors(errors)
    changes = []
    for variant, entry in planned:
        moved = inventory.adjust(variant, entry["locationId"], given["name"], entry["delta"])
        moved[0]["ledgerDocumentUri"] = entry.get("ledgerDocumentUri")
        changes += moved
    writes.save()
    return _group(store, given, changes)


def claim_for_order(store: ShopifyStore, order: dict, options: dict | None) -> Writes | None:
    """orderCreate's inventory: BYPASS (the default) claims nothing; DECREMENT_IGNORING_POLICY
    claims every tracked variant's units; DECREMENT_OBEYING_POLICY refuses the order when a
    tracked variant that may not be oversold (inventoryPolicy DENY) has too few available.
    Returns the claimed product copies for the caller to store once the order is valid."""
    behaviour = (options or {}).get("inventoryBehaviour") or "BYPASS"
    if behaviour == "BYPASS":
        return None
    writes, wanted = Writes(store), {}
    for n, line in enumerate(order.get("lineItems") or []):
        if line.get("variantId"):
            variant = writes.variant(line["variantId"])
            if variant is not None and inventory.item(variant)["tracked"]:
                count, first = wanted.get(variant["id"], (0, n))
                wanted[variant["id"]] = (count + int(line.get("quantity") or 0), first)
    for variant_id, (count, n) in wanted.items():
        variant = writes.variant(variant_id)
        available = inventory.quantity(inventory.ensure_level(variant, inventory.LOCATION_ID), "available")
        if behaviour == "DECREMENT_OBEYING_POLICY" and (variant.get("inventoryPolicy") or "DENY") == "DENY" and available < count:
            raise UserErrors([error(["order", "lineItems", str(n), "quantity"],
                                    f"Unable to claim inventory: {available} of {variant.get('sku') or variant['title']} available.",
                                    "INVENTORY_CLAIM_FAILED")])
        inventory.claim(variant, count)
    return writes
