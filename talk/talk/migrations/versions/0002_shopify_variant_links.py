"""Shopify product links become variant links.

Talk products were linked to Shopify products (entity `products`, the first variant's id kept
as the extra `variant_id`); each variant is now a Talk product of its own (entity
`product_variants`, its product's id kept as the extra `product_id`). A product link without a
variant id has nothing to move to and stays for a person to look at (`talk rejects`).

Revision ID: 0002_shopify_variant_links
Revises: 0001_baseline
"""
import json

from alembic import op
import sqlalchemy as sa

revision = "0002_shopify_variant_links"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None

links = sa.table("links", sa.column("system"), sa.column("entity"), sa.column("native_id"), sa.column("extra"))


def upgrade() -> None:
    conn = op.get_bind()
    old = conn.execute(sa.select(links.c.native_id, links.c.extra).where(
        links.c.system == "shopify", links.c.entity == "products")).all()
    for product_id, extra in old:
        variant_id = json.loads(extra or "{}").get("variant_id")
        if variant_id:
            conn.execute(links.update().where(links.c.system == "shopify", links.c.entity == "products",
                                              links.c.native_id == product_id)
                         .values(entity="product_variants", native_id=str(variant_id),
                                 extra=json.dumps({"product_id": product_id})))


def downgrade() -> None:
    # Several variants of one product would all become that product's one link.
    raise NotImplementedError("0002_shopify_variant_links cannot be undone: restore the store from a backup")
