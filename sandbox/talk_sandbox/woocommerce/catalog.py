"""Products and their variations: prices as decimal strings, stock, SKUs unique shop-wide."""
from __future__ import annotations

import re

from .errors import WooError, invalid_params
from .records import POST_IDS, PRODUCTS, VARIATIONS, Ledger, apply_fields, check_types

SHARED_SCHEMA = {
    "sku": "string", "regular_price": "money", "sale_price": "money", "description": "string",
    "status": "string", "tax_status": "string", "tax_class": "string", "manage_stock": "boolean",
    "stock_quantity": "integer", "stock_status": "string", "backorders": "string", "weight": "string",
    "dimensions": "object", "attributes": "array", "meta_data": "array", "menu_order": "integer",
    "virtual": "boolean", "downloadable": "boolean",
}
PRODUCT_SCHEMA = {**SHARED_SCHEMA, "name": "string", "slug": "string", "type": "string", "short_description": "string",
                  "featured": "boolean", "catalog_visibility": "string", "categories": "array", "tags": "array",
                  "images": "array", "parent_id": "integer"}
SHARED_WRITABLE = ("sku", "regular_price", "sale_price", "description", "status", "tax_status", "tax_class",
                   "manage_stock", "stock_quantity", "backorders", "weight", "dimensions", "attributes",
                   "menu_order", "virtual", "downloadable")
PRODUCT_WRITABLE = SHARED_WRITABLE + ("name", "slug", "type", "short_description", "featured", "catalog_visibility",
                                      "categories", "tags", "images", "parent_id")
CHOICES = {
    "status": ("draft", "pending", "private", "publish", "future"),
    "type": ("simple", "grouped", "external", "variable"),
    "tax_status": ("taxable", "shipping", "none"),
    "backorders": ("no", "notify", "yes"),
    "stock_status": ("instock", "outofstock", "onbackorder"),
}


def product_not_found() -> WooError:
    return WooError(404, "woocommerce_rest_product_invalid_id", "Invalid ID.")


def variation_not_found() -> WooError:
    return WooError(404, "woocommerce_rest_product_variation_invalid_id", "Invalid ID.")


def variation_title(parent_name: str, attributes: list) -> str:
    """WooCommerce titles a variation after its parent and its attribute values:
    "T-skjorte - Blå, L"."""
    options = ", ".join(str(a.get("option", "")) for a in attributes if isinstance(a, dict) and a.get("option"))
    return f"{parent_name} - {options}" if options else parent_name


def touch_parent(ledger: Ledger, parent_id: int) -> None:
    """Saving a variation saves its parent too (WooCommerce's deferred product sync runs
    WC_Product_Variable::sync, which saves the parent): the parent's date_modified moves, so a
    reader that follows changed products by date finds the variable product whose variation
    changed."""
    parent = ledger.store.get(PRODUCTS, parent_id)
    if parent is not None:
        parent = dict(parent)
        ledger.modified(parent)
        ledger.store.put(PRODUCTS, parent_id, parent)


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "product"


def check_choices(body: dict) -> None:
    reasons = {name: f"{name} is not one of {', '.join(options)}."
               for name, options in CHOICES.items() if name in body and body[name] not in options}
    if reasons:
        raise invalid_params(reasons)


def priced(record: dict) -> None:
    """`price` is the sale price while there is one, else the regular price."""
    record["price"] = record["sale_price"] or record["regular_price"]
    record["on_sale"] = bool(record["sale_price"])
    if record["manage_stock"] and record.get("stock_quantity") is not None:
        # WooCommerce's rule (no-stock threshold 0): none left is out of stock, or on backorder
        # where backorders are allowed.
        if record["stock_quantity"] > 0:
            record["stock_status"] = "instock"
        else:
            record["stock_status"] = "outofstock" if record.get("backorders", "no") == "no" else "onbackorder"


def common_fields(body: dict) -> dict:
    return {
        "description": body.get("description", ""), "sku": body.get("sku", ""),
        "regular_price": body.get("regular_price", ""), "sale_price": body.get("sale_price", ""),
        "date_on_sale_from": None, "date_on_sale_from_gmt": None, "date_on_sale_to": None, "date_on_sale_to_gmt": None,
        "status": body.get("status", "publish"), "purchasable": True,
        "virtual": body.get("virtual", False), "downloadable": body.get("downloadable", False),
        "tax_status": body.get("tax_status", "taxable"), "tax_class": body.get("tax_class", ""),
        "manage_stock": body.get("manage_stock", False), "stock_quantity": body.get("stock_quantity"),
        "stock_status": body.get("stock_status", "instock"), "backorders": body.get("backorders", "no"),
        "backorders_allowed": body.get("backorders", "no") != "no", "backordered": False,
        "weight": body.get("weight", ""),
        "dimensions": {"length": "", "width": "", "height": "", **(body.get("dimensions") or {})},
        "shipping_class": "", "shipping_class_id": 0, "attributes": body.get("attributes") or [],
        "menu_order": body.get("menu_order", 0),
    }


class Catalog:
    def __init__(self, ledger: Ledger):
        self.ledger = ledger
        self.store = ledger.store

    def sku_owner(self, sku: str) -> dict | None:
        """The product or variation holding `sku` (WooCommerce keeps SKUs unique across both)."""
        for entity in (PRODUCTS, VARIATIONS):
            for record in self.store.all(entity):
                if sku and record.get("sku") == sku and record.get("status") != "trash":
                    return record
        return None

    def check_sku(self, body: dict, own_id: int | None = None) -> None:
        owner = self.sku_owner(body.get("sku") or "")
        if owner and owner["id"] != own_id:
            raise WooError(400, "product_invalid_sku", "Invalid or duplicated SKU.", resource_id=owner["id"],
                           unique_sku=f"{body['sku']}-1")

    # -- products --------------------------------------------------------------------------
    def build_product(self, body: dict) -> dict:
        record = {"id": self.ledger.keep_id(POST_IDS, body.get("id")), "name": body.get("name", "Product")}
        record["slug"] = body.get("slug") or slugify(record["name"])
        record["permalink"] = f"https://talk-sandbox.example/product/{record['slug']}/"
        self.ledger.created(record, body)
        record.update({
            "type": body.get("type", "simple"), "featured": body.get("featured", False),
            "catalog_visibility": body.get("catalog_visibility", "visible"),
            "short_description": body.get("short_description", ""), **common_fields(body),
            "total_sales": body.get("total_sales", 0), "external_url": "", "button_text": "",
            "low_stock_amount": None, "sold_individually": False, "shipping_required": True, "shipping_taxable": True,
            "reviews_allowed": True, "average_rating": "0.00", "rating_count": 0, "upsell_ids": [],
            "cross_sell_ids": [], "parent_id": body.get("parent_id", 0), "purchase_note": "",
            "categories": body.get("categories") or [], "tags": body.get("tags") or [], "images": body.get("images") or [],
            "default_attributes": [], "variations": [], "grouped_products": [], "related_ids": [],
            "meta_data": self.ledger.meta_data([], body.get("meta_data") or []), "has_options": False,
        })
        priced(record)
        return record

    def create_product(self, body: dict) -> dict:
        check_types(body, PRODUCT_SCHEMA)
        check_choices(body)
        self.check_sku(body)
        record = self.build_product({k: v for k, v in body.items() if k != "id" and not k.startswith("date_")})
        return self.store.put(PRODUCTS, record["id"], record)

    def update_product(self, record: dict, body: dict) -> dict:
        return self.update(PRODUCTS, record, body, PRODUCT_SCHEMA, PRODUCT_WRITABLE)

    def update(self, entity: str, record: dict, body: dict, schema: dict, writable: tuple[str, ...]) -> dict:
        check_types(body, schema)
        check_choices(body)
        if "sku" in body:
            self.check_sku(body, record["id"])
        after = dict(record)
        apply_fields(after, body, writable)
        if "meta_data" in body:
            after["meta_data"] = self.ledger.meta_data(record["meta_data"], body["meta_data"])
        priced(after)
        if after != record:
            self.ledger.modified(after)
            if entity == VARIATIONS:
                touch_parent(self.ledger, after["parent_id"])
        return self.store.put(entity, after["id"], after)

    def delete_product(self, record: dict, force: bool) -> dict:
        """With `force` the product and its variations are gone; without, they go to the trash
        together (WordPress trashes a product's variations with it)."""
        if force:
            for variation_id in record.get("variations") or []:
                self.store.delete(VARIATIONS, variation_id)
            self.store.delete(PRODUCTS, record["id"])
            return record
        answer = self.trash(PRODUCTS, record, "product")
        for variation_id in record.get("variations") or []:
            variation = self.store.get(VARIATIONS, variation_id)
            if variation and variation["status"] != "trash":
                self.store.put(VARIATIONS, variation_id, {**variation, "status": "trash"})
        return answer

    def trash(self, entity: str, record: dict, kind: str) -> dict:
        """Without `force` a post goes to the trash once; a second delete is refused. `kind` is
        the WordPress post type the refusal names. The answer is the record as it was before
        (WooCommerce prepares its response before it trashes); a later GET shows "trash"."""
        if record["status"] == "trash":
            raise WooError(410, "woocommerce_rest_already_trashed", f"The {kind} has already been deleted.")
        after = {**record, "status": "trash"}
        self.ledger.modified(after)
        self.store.put(entity, after["id"], after)
        return record

    # -- variations ------------------------------------------------------------------------
    def build_variation(self, parent: dict, body: dict) -> dict:
        record = {"id": self.ledger.keep_id(POST_IDS, body.get("id")), "type": "variation", "parent_id": parent["id"]}
        self.ledger.created(record, body)
        record.update(common_fields(body))
        record["name"] = variation_title(parent["name"], record["attributes"])
        record["permalink"] = f"{parent['permalink']}?variation={record['id']}"
        record["image"] = None
        record["meta_data"] = self.ledger.meta_data([], body.get("meta_data") or [])
        priced(record)
        return record

    def attach(self, parent: dict, variation: dict) -> None:
        """A variable product lists its variations' ids."""
        parent = self.store.get(PRODUCTS, parent["id"]) or parent  # the caller's copy may be stale
        if variation["id"] not in parent["variations"]:
            parent = {**parent, "variations": parent["variations"] + [variation["id"]]}
            self.store.put(PRODUCTS, parent["id"], parent)

    def create_variation(self, parent: dict, body: dict) -> dict:
        check_types(body, SHARED_SCHEMA)
        check_choices(body)
        self.check_sku(body)
        record = self.build_variation(parent, {k: v for k, v in body.items() if k != "id" and not k.startswith("date_")})
        self.store.put(VARIATIONS, record["id"], record)
        self.attach(parent, record)
        touch_parent(self.ledger, parent["id"])
        return record

    def update_variation(self, record: dict, body: dict) -> dict:
        return self.update(VARIATIONS, record, body, SHARED_SCHEMA, SHARED_WRITABLE)

    def delete_variation(self, record: dict, force: bool) -> dict:
        if not force:
            raise WooError(501, "woocommerce_rest_trash_not_supported", "Variations do not support trashing.")
        self.store.delete(VARIATIONS, record["id"])
        parent = self.store.get(PRODUCTS, record["parent_id"])
        if parent:
            self.store.put(PRODUCTS, parent["id"], {**parent, "variations": [v for v in parent["variations"] if v != record["id"]]})
            touch_parent(self.ledger, parent["id"])
        return record
