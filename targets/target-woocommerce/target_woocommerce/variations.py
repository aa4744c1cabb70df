"""Variations: each is a Talk product of its own, held under the `products` entity like a
simple product (WooCommerce gives products and variations ids from one sequence, and an order
line names either).

A variation is read and written through its variable product (/products/{parent}/variations),
so the client must know the parent. It learns it from every variation it sees (the index, a
fetch, a write) and otherwise asks GET /products/{id}, which WooCommerce answers for a
variation's id too. A write to a variation sends only what a variation has: never the parent's
attributes or its other variations, and never a name (WooCommerce titles a variation after its
parent and attribute values; the Talk name is read, not written).
"""
from __future__ import annotations

from typing import Callable

from tap_woocommerce.records import variation_record

# What a variation takes in a write (the API's variation properties that Talk may send).
VARIATION_WRITABLE = {
    "sku", "regular_price", "sale_price", "description", "status", "tax_status", "tax_class", "manage_stock",
    "stock_quantity", "backorders", "weight", "dimensions", "menu_order", "virtual", "downloadable", "meta_data",
}


def is_variation(record: dict | None) -> bool:
    return isinstance(record, dict) and record.get("type") == "variation"


def variation_body(body: dict) -> dict:
    """A product update body as a variation takes it."""
    return {k: v for k, v in body.items() if k in VARIATION_WRITABLE}


class Parents:
    """Variable products as far as their variations need them (id, name, date_modified_gmt),
    and which parent each variation seen belongs to: read once per run each."""

    def __init__(self, read_parent: Callable[[int], dict | None]):
        self.read_parent = read_parent
        self.parents: dict[int, dict] = {}
        self.of_variation: dict[str, int] = {}

    def keep(self, parent: dict) -> dict:
        self.parents[int(parent["id"])] = {k: parent.get(k) for k in ("id", "name", "date_modified_gmt")}
        return self.parents[int(parent["id"])]

    def parent(self, parent_id: int) -> dict:
        if int(parent_id) not in self.parents:
            found = self.read_parent(int(parent_id)) or {"id": int(parent_id)}
            self.keep(found)
        return self.parents[int(parent_id)]

    def record(self, raw: dict, parent: dict | None = None) -> dict:
        """A variation from the API as the tap's product record, remembering its parent."""
        parent = self.keep(parent) if parent else self.parent(raw["parent_id"])
        self.of_variation[str(raw["id"])] = int(parent["id"])
        return variation_record(raw, parent)

    def known(self, native_ids: list[str]) -> dict[int, list[str]]:
        """Parent id -> the ids among `native_ids` known to be its variations."""
        grouped: dict[int, list[str]] = {}
        for native_id in native_ids:
            if native_id in self.of_variation:
                grouped.setdefault(self.of_variation[native_id], []).append(native_id)
        return grouped
