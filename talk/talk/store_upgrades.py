"""Data in an identity store written by an earlier version of Talk, brought up to date when the
store is opened (in the transaction that creates missing tables, one process at a time).

Each upgrade is idempotent and cheap when there is nothing to do: one indexed query.
"""
from __future__ import annotations

import json

import sqlalchemy as sa

from .schema import links


def shopify_products_are_variants(conn: sa.Connection) -> int:
    """Talk products were linked to Shopify products (entity `products`, the first variant's
    id kept as the extra `variant_id`); each variant is now a Talk product of its own (entity
    `product_variants`, its product's id kept as `product_id`). Returns how many were moved."""
    old = conn.execute(sa.select(links.c.native_id, links.c.extra).where(
        links.c.system == "shopify", links.c.entity == "products")).all()
    moved = 0
    for native_id, extra in old:
        variant_id = json.loads(extra or "{}").get("variant_id")
        if not variant_id:
            continue  # never had a variant: nothing to link it to; left for a person (talk rejects)
        conn.execute(links.update().where(links.c.system == "shopify", links.c.entity == "products",
                                          links.c.native_id == native_id)
                     .values(entity="product_variants", native_id=str(variant_id),
                             extra=json.dumps({"product_id": native_id})))
        moved += 1
    return moved


UPGRADES = (shopify_products_are_variants,)


def apply(conn: sa.Connection) -> None:
    for upgrade in UPGRADES:
        upgrade(conn)
