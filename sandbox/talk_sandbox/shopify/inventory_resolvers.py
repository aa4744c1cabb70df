"""Resolvers for the inventory schema: items and levels read off the variant documents, and the
two inventory mutations. Imported after `resolvers` (it wraps that module's node lookup)."""
from __future__ import annotations

from graphql import GraphQLError

from . import inventory, inventory_mutations
from .listing import paginate
from .resolvers import LOCATION, _field, _payload
from .schema import schema
from .store import gid_kind, gid_number

QUANTITY_NAMES = ("on_hand", *inventory.STORED)


def _level(variant: dict, level: dict) -> dict:
    item = inventory.item(variant)
    number = gid_number(item["id"])
    return {"id": f"gid://shopify/InventoryLevel/{number}?inventory_item_id={number}", "_level": level, "_item": item,
            "createdAt": variant.get("createdAt"), "updatedAt": level.get("updatedAt") or variant.get("updatedAt")}


def _quantities(level: dict, info, names: list[str]) -> list[dict]:
    unknown = [name for name in names if name not in QUANTITY_NAMES]
    if unknown:
        raise GraphQLError(f"Invalid quantity name(s): {', '.join(unknown)}. Valid names are {', '.join(QUANTITY_NAMES)}.")
    stored = level["_level"]
    return [{"id": f"gid://shopify/InventoryQuantity/{gid_number(level['_item']['id'])}?name={name}", "name": name,
             "quantity": inventory.quantity(stored, name), "updatedAt": stored.get("updatedAt")} for name in names]


def _item_levels(item: dict, info, **args) -> dict:
    variant = item["_variant"]
    levels = [_level(variant, level) for level in inventory.levels(variant)]
    return paginate(levels, lambda level: (level["_level"]["locationId"],), args)


def _item_level(item: dict, info, locationId: str) -> dict | None:
    found = inventory.level_at(item["_variant"], locationId)
    return _level(item["_variant"], found) if found else None


def _item_by_id(store, value) -> dict | None:
    found = inventory.variant_of_item(store, value)
    return inventory.item(found[1]) if found else None


def _changes(group: dict, info, inventoryItemIds=None, locationIds=None, quantityNames=None) -> list[dict]:
    return [change for change in group["changes"]
            if (not inventoryItemIds or change["itemId"] in inventoryItemIds)
            and (not locationIds or change["locationId"] in locationIds)
            and (not quantityNames or change["name"] in quantityNames)]


_field("ProductVariant", "inventoryItem", lambda variant, info: inventory.item(variant))
_field("ProductVariant", "inventoryPolicy", lambda variant, info: variant.get("inventoryPolicy") or "DENY")
_field("InventoryItem", "legacyResourceId", lambda item, info: str(gid_number(item["id"])))
_field("InventoryItem", "variant", lambda item, info: item["_variant"])
_field("InventoryItem", "inventoryLevels", _item_levels)
_field("InventoryItem", "inventoryLevel", _item_level)
_field("InventoryLevel", "location", lambda level, info: LOCATION)
_field("InventoryLevel", "item", lambda level, info: level["_item"])
_field("InventoryLevel", "quantities", _quantities)
_field("InventoryChange", "item", lambda change, info: _item_by_id(info.context, change["itemId"]))
_field("InventoryChange", "location", lambda change, info: LOCATION if change["locationId"] == LOCATION["id"] else None)
_field("InventoryAdjustmentGroup", "changes", _changes)
_field("QueryRoot", "inventoryItem", lambda _, info, id: _item_by_id(info.context, id))

# `node(id:)` and the Node interface learn the inventory item.
_node_before, _type_before = schema.query_type.fields["node"].resolve, schema.type_map["Node"].resolve_type


def _node(root, info, id):
    if gid_kind(id) == "InventoryItem":
        return _item_by_id(info.context, id)
    return _node_before(root, info, id)


def _resolve_type(value, info, abstract_type):
    kind = gid_kind(value.get("id"))
    if kind in ("InventoryItem", "InventoryLevel", "InventoryAdjustmentGroup"):
        return kind
    return _type_before(value, info, abstract_type)


_field("QueryRoot", "node", _node)
schema.type_map["Node"].resolve_type = _resolve_type

_field("Mutation", "inventorySetQuantities", lambda _, info, input: _payload(
    "inventoryAdjustmentGroup", lambda: inventory_mutations.set_quantities(info.context, input)))
_field("Mutation", "inventoryAdjustQuantities", lambda _, info, input: _payload(
    "inventoryAdjustmentGroup", lambda: inventory_mutations.adjust_quantities(info.context, input)))
