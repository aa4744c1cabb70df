"""Talk products in Shopify: one product variant each (tap-shopify's `product_variants` records).

A Shopify product may have several options (Size, Colour) and variants; each variant is a
sellable item with its own SKU, price and stock, so each is one Talk product. What this module
guarantees is that writing one of them never changes its siblings:

- a new Talk product becomes a new Shopify product with one variant (productSet, as Shopify's
  own "add product" does);
- an existing variant is updated with productVariantsBulkUpdate naming that variant only (price,
  barcode, SKU, its metafields), its stock with inventorySetQuantities on its own inventory item,
  and the product's own fields with productUpdate. productSet is never sent for an existing
  product: it makes the product's variants and options exactly those listed, deleting the rest;
- the product's title, status and options are shared by all its variants: they are written from
  a variant only when it is the product's one variant. For a product with several variants they
  stay as the shop keeper made them (the variant's Talk name, "T-skjorte / S / Black", is read,
  not written).
"""
from __future__ import annotations

import logging
from typing import Any, Callable

from talk.http import ApiError
from tap_shopify import records

log = logging.getLogger("target_shopify.variants")

DEFAULT_OPTION, DEFAULT_VALUE = "Title", "Default Title"
# Record paths and where each is written for an existing variant.
VARIANT_FIELDS = ("price", "barcode", "taxable", "sku")
SHARED = {"fullTitle": "title", "product.status": "status"}  # record path -> productUpdate input field
METAFIELD_TYPE = "single_line_text_field"


def metafield_inputs(metafields: dict | None, owner_id: str | None = None) -> list[dict]:
    out = []
    for namespace, keys in (metafields or {}).items():
        for key, value in (keys or {}).items():
            if value is None:
                continue
            field = {"namespace": namespace, "key": key, "value": str(value), "type": METAFIELD_TYPE}
            if owner_id:
                field["ownerId"] = owner_id
            out.append(field)
    return out


class VariantWrites:
    """Creates and updates `product_variants` records through a ShopifyClient's transport."""

    def __init__(self, client: Any):
        self.client = client

    # -- reads -------------------------------------------------------------------------
    def fetch(self, variant_id: str) -> dict | None:
        node = self.client.graphql(records.variant_node_query(self.client.namespaces), {"id": variant_id}).get("productVariant")
        return records.variant_from_node(node) if node else None

    # -- create ------------------------------------------------------------------------
    def create(self, record: dict) -> dict:
        """A new product with this one variant; its option is "Title" with the variant's title
        (the Talk description) as its value, as Shopify names a product without options."""
        product = record.get("product") or {}
        given: dict[str, Any] = {"title": record.get("fullTitle")}
        if product.get("status"):
            given["status"] = product["status"]
        value = record.get("title") or DEFAULT_VALUE
        given["productOptions"] = [{"name": DEFAULT_OPTION, "values": [{"name": value}]}]
        variant: dict[str, Any] = {"optionValues": [{"optionName": DEFAULT_OPTION, "name": value}]}
        for name in VARIANT_FIELDS:
            if record.get(name) is not None:
                variant[name] = str(record[name]) if name == "price" else record[name]
        if record.get("inventoryQuantity") is not None:
            variant["inventoryQuantities"] = [
                {"locationId": self.client.location_id(), "name": "available", "quantity": int(record["inventoryQuantity"])}]
        if record.get("metafields"):
            variant["metafields"] = metafield_inputs(record["metafields"])
        given["variants"] = [variant]
        query = (
            "mutation TalkProductCreate($input: ProductSetInput!) { productSet(input: $input, synchronous: true) { "
            f"product {{ {records.product_selection(self.client.namespaces)} }} userErrors {{ field message }} }} }}"
        )
        # No identifier: productSet creates, which is not safe to repeat after a lost answer.
        payload = self.client.mutate(query, {"input": given}, "productSet", idempotent=False)
        (created,) = records.variant_records(self.client.complete("products", payload["product"]))
        return created

    # -- update ------------------------------------------------------------------------
    def update(self, variant_id: str, wanted: dict, changes: dict, current: dict) -> dict:
        unknown = {path.split(".")[0] for path in changes} - {"metafields", "title", "inventoryQuantity", "fullTitle",
                                                             "product", *VARIANT_FIELDS}
        if unknown:
            raise ApiError(422, f"product variant fields cannot be written: {', '.join(sorted(unknown))}")
        product_id = current.get("productId") or (current.get("product") or {}).get("id")
        alone = int((current.get("product") or {}).get("variantsCount") or 1) == 1
        writes: list[Callable[[], dict | None]] = []

        shared = {field: wanted.get(path) if path == "fullTitle" else (wanted.get("product") or {}).get("status")
                  for path, field in SHARED.items() if path in changes}
        if shared and alone:
            writes.append(lambda: self._product_update(product_id, shared))
        elif shared:
            log.info("shopify variant %s: not writing %s, which its product shares with its other variants",
                     variant_id, ", ".join(sorted(shared)))
        if "inventoryQuantity" in changes and wanted.get("inventoryQuantity") is not None:
            writes.append(lambda: self._set_stock(current, int(wanted["inventoryQuantity"])))
        variant = self._variant_input(variant_id, wanted, changes, current, alone)
        if len(variant) > 1:
            writes.append(lambda: self._variants_update(product_id, variant))
        stored = None
        for write in writes:
            stored = write()
        # The variant update answers with the variant as stored; after anything else, read it.
        return stored if stored is not None else (self.fetch(variant_id) or current)

    def _variant_input(self, variant_id: str, wanted: dict, changes: dict, current: dict, alone: bool) -> dict:
        given: dict[str, Any] = {"id": variant_id}
        for name in ("price", "barcode", "taxable"):
            if name in changes:
                given[name] = None if wanted.get(name) is None else (str(wanted[name]) if name == "price" else wanted[name])
        if "sku" in changes:
            given["inventoryItem"] = {"sku": wanted.get("sku")}  # the variant's SKU is its inventory item's
        if any(path == "metafields" or path.startswith("metafields.") for path in changes):
            given["metafields"] = metafield_inputs(changed_metafields(changes, wanted))
        if "title" in changes:
            option = self._own_option(current, alone)
            if option is None:
                log.info("shopify variant %s: not renaming it, its title is its product's options %s",
                         variant_id, current.get("title"))
            elif wanted.get("title"):
                given["optionValues"] = [{"optionName": option, "name": wanted["title"]}]
        return given

    @staticmethod
    def _own_option(current: dict, alone: bool) -> str | None:
        """The option whose value is the variant's title, if writing the title changes nothing
        else: the product's one variant, selecting one option."""
        selected = current.get("selectedOptions") or [{"name": DEFAULT_OPTION}]
        return selected[0]["name"] if alone and len(selected) == 1 else None

    def _variants_update(self, product_id: str, variant: dict) -> dict:
        query = (
            "mutation TalkVariantUpdate($productId: ID!, $variants: [ProductVariantsBulkInput!]!) { "
            "productVariantsBulkUpdate(productId: $productId, variants: $variants) { "
            f"productVariants {{ {records.VARIANT} product {{ {records.PRODUCT} {records.metafield_selection(self.client.namespaces)} }} }} "
            "userErrors { field message } } }"
        )
        payload = self.client.mutate(query, {"productId": product_id, "variants": [variant]}, "productVariantsBulkUpdate")
        (node,) = payload.get("productVariants") or [None]
        return records.variant_from_node(node) if node else None

    def _product_update(self, product_id: str, fields: dict) -> None:
        self.client.mutate(
            "mutation TalkProductUpdate($product: ProductUpdateInput!) { productUpdate(product: $product) { "
            "product { id } userErrors { field message } } }",
            {"product": {"id": product_id, **fields}}, "productUpdate")

    def _set_stock(self, current: dict, quantity: int) -> None:
        """The variant's available stock at the shop's location. The ERP owns stock
        (talk/flows.yml): its figure replaces Shopify's, so no compareQuantity is asked; a sale
        made meanwhile reaches the ERP as an order and comes back in its next figure."""
        item = (current.get("inventoryItem") or {}).get("id")
        if not item:
            raise ApiError(422, f"shopify variant {current.get('id')} has no inventory item to hold stock")
        self.client.mutate(
            "mutation TalkStock($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) { "
            "inventoryAdjustmentGroup { id } userErrors { field message code } } }",
            {"input": {"name": "available", "reason": "correction", "ignoreCompareQuantity": True,
                       "quantities": [{"inventoryItemId": item, "locationId": self.client.location_id(), "quantity": quantity}]}},
            "inventorySetQuantities")


def changed_metafields(changes: dict, wanted: dict) -> dict:
    """Only the metafields named by `changes` (the others are left as they are in Shopify)."""
    out: dict[str, dict] = {}
    for path in changes:
        parts = path.split(".")
        if parts[0] != "metafields":
            continue
        if len(parts) == 1:
            return wanted.get("metafields") or {}
        if len(parts) == 2:
            out[parts[1]] = dict((wanted.get("metafields") or {}).get(parts[1]) or {})
        else:
            out.setdefault(parts[1], {})[parts[2]] = ((wanted.get("metafields") or {}).get(parts[1]) or {}).get(parts[2])
    return out
