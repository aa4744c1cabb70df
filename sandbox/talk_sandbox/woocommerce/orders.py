"""Orders: a customer (0 for a guest), billing and shipping, line items priced from the catalog."""
from __future__ import annotations

import hashlib
from decimal import Decimal

from . import dates
from .catalog import Catalog
from .customers import BILLING, SHIPPING
from .errors import WooError, invalid_params
from .settings import prices_include_tax
from .records import CUSTOMERS, LINE_IDS, ORDERS, POST_IDS, PRODUCTS, VARIATIONS, Ledger, check_types, merge_address, money
from .stock import Stock

STATUSES = ("pending", "processing", "on-hold", "completed", "cancelled", "refunded", "failed", "checkout-draft")
SCHEMA = {"status": "string", "currency": "string", "customer_id": "integer", "customer_note": "string",
          "billing": "object", "shipping": "object", "payment_method": "string", "payment_method_title": "string",
          "transaction_id": "string", "meta_data": "array", "line_items": "array", "set_paid": "boolean",
          "parent_id": "integer", "shipping_total": "money"}
LINE_SCHEMA = {"product_id": "integer", "variation_id": "integer", "quantity": "integer", "name": "string",
               "sku": "string", "subtotal": "money", "total": "money", "tax_class": "string", "meta_data": "array"}
WRITABLE = ("currency", "customer_note", "payment_method", "payment_method_title", "transaction_id", "parent_id")


def removes(item: dict) -> bool:
    """WooCommerce removes a line given with quantity 0, or with a null product_id or name."""
    return item.get("quantity") == 0 or any(k in item and item[k] is None for k in ("product_id", "name"))


def order_not_found() -> WooError:
    return WooError(404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.")


class Orders:
    def __init__(self, ledger: Ledger, catalog: Catalog):
        self.ledger = ledger
        self.catalog = catalog
        self.store = ledger.store
        self.stock = Stock(ledger)

    # -- line items ------------------------------------------------------------------------
    def product_for(self, line: dict) -> dict:
        """The product (or variation) a line names by sku, variation_id or product_id."""
        if line.get("sku"):
            found = self.catalog.sku_owner(line["sku"])
        elif line.get("product_id") and not line.get("variation_id"):
            # wc_get_product takes any product post id: a variation's id names the variation.
            found = self.store.get(PRODUCTS, line["product_id"]) or self.store.get(VARIATIONS, line["product_id"])
        elif line.get("variation_id"):
            found = self.store.get(VARIATIONS, line["variation_id"])
        else:
            raise WooError(400, "woocommerce_rest_required_product_reference", "Product ID or SKU is required.")
        if found is None or found.get("status") == "trash":
            given = line.get("sku") or line.get("variation_id") or line.get("product_id")
            raise WooError(400, "woocommerce_rest_invalid_product_id", f"Product ID or SKU {given} is invalid.")
        return found

    def line_item(self, given: dict, current: dict | None = None) -> dict:
        """A new line (priced from its product) or `current` changed by `given`."""
        check_types(given, LINE_SCHEMA, "line_items[0]")
        line = dict(current or {"id": self.ledger.next_id(LINE_IDS), "quantity": 1, "tax_class": "",
                                "subtotal_tax": "0.00", "total_tax": "0.00", "taxes": [], "meta_data": [],
                                "image": {"id": "", "src": ""}, "parent_name": None})
        # The unit price: the product's when the line is new or names another product,
        # else what the line was sold at.
        if current is None or any(k in given for k in ("product_id", "variation_id", "sku")):
            product = self.product_for(given)
            is_variation = product.get("type") == "variation"
            line.update(product_id=product["parent_id"] if is_variation else product["id"],
                        variation_id=product["id"] if is_variation else 0, sku=product.get("sku", ""),
                        name=product["name"],
                        parent_name=(self.store.get(PRODUCTS, product["parent_id"]) or {}).get("name") if is_variation else None)
            unit = Decimal(product.get("price") or "0")
        else:
            unit = Decimal(line["subtotal"]) / line["quantity"]
        quantity = given.get("quantity", line["quantity"])
        if quantity is None or quantity <= 0:
            raise invalid_params({"line_items[0][quantity]": "line_items[0][quantity] must be greater than 0."})
        line["quantity"] = quantity
        line["name"] = given.get("name", line["name"])
        line["subtotal"] = money(given.get("subtotal") or unit * quantity)
        line["total"] = money(given.get("total") or line["subtotal"])
        line["price"] = float(Decimal(line["total"]) / quantity)
        if "meta_data" in given:
            line["meta_data"] = self.ledger.meta_data(line["meta_data"], given["meta_data"])
        return line

    def line_items(self, current: list[dict], given: list, order: dict | None = None) -> list[dict]:
        """WooCommerce's (REST v3) line item update: an item with an id changes that item in
        place, one without an id is added, and an item with quantity 0 (or a null product_id or
        name) is removed; items not listed stay as they are. A change of a stored `order`'s
        lines moves stock as core does (Stock.line_saved)."""
        lines = [dict(line) for line in current]
        for item in given:
            if not isinstance(item, dict):
                raise invalid_params({"line_items": "line_items[0] is not of type object."})
            index = None
            if item.get("id") or removes(item):
                index = next((i for i, line in enumerate(lines) if line["id"] == item.get("id")), None)
                if index is None:
                    raise WooError(400, "woocommerce_rest_invalid_item_id", "Order item ID provided is not associated with order.")
            if removes(item):
                removed = lines.pop(index)
                if order is not None:
                    self.stock.line_saved(order, removed, 0)
                continue
            line = self.line_item(item, lines[index] if index is not None else None)
            if index is None:
                lines.append(line)
            else:
                lines[index] = line
            if order is not None:
                self.stock.line_saved(order, line, line["quantity"])
        return lines

    # -- orders ----------------------------------------------------------------------------
    def check(self, body: dict) -> None:
        check_types(body, SCHEMA)
        if "status" in body and body["status"] not in STATUSES:
            raise invalid_params({"status": f"status is not one of {', '.join(STATUSES)}."})
        if body.get("customer_id") and self.store.get(CUSTOMERS, body["customer_id"]) is None:
            raise WooError(400, "woocommerce_rest_invalid_customer_id", "Customer ID is invalid.")

    @staticmethod
    def totals(order: dict) -> None:
        lines = order["line_items"]
        order["discount_total"] = money(sum(Decimal(l["subtotal"]) - Decimal(l["total"]) for l in lines))
        order["total"] = money(sum(Decimal(l["total"]) for l in lines) + Decimal(order["shipping_total"]))

    def paid(self, order: dict) -> None:
        dates.stamp(order, "date_paid", dates.now(), self.ledger.zone)
        if order["status"] in ("pending", "on-hold", "failed"):
            order["status"] = "processing"

    def build(self, body: dict, lines: list[dict] | None = None) -> dict:
        """A full order from a create body or a fixture (fixture lines are kept as given)."""
        record = {"id": self.ledger.keep_id(POST_IDS, body.get("id")), "parent_id": body.get("parent_id", 0)}
        record["number"] = str(body.get("number") or record["id"])
        # Deterministic per id, so seeded shops are identical run to run.
        record["order_key"] = body.get("order_key") or f"wc_order_{hashlib.sha1(str(record['id']).encode()).hexdigest()[:13]}"
        record.update(created_via=body.get("created_via", "rest-api"), version="9.4.0",
                      status=body.get("status", "pending"), currency=body.get("currency", "NOK"))
        self.ledger.created(record, body)
        record.update({
            "discount_total": "0.00", "discount_tax": "0.00", "shipping_total": money(body.get("shipping_total")),
            "shipping_tax": "0.00", "cart_tax": "0.00", "total": "0.00", "total_tax": "0.00",
            "prices_include_tax": prices_include_tax(self.ledger.settings), "customer_id": body.get("customer_id", 0), "customer_ip_address": "",
            "customer_user_agent": "", "customer_note": body.get("customer_note", ""),
            "billing": merge_address(dict.fromkeys(BILLING, ""), body.get("billing") or {}, "billing"),
            "shipping": merge_address(dict.fromkeys(SHIPPING, ""), body.get("shipping") or {}, "shipping"),
            "payment_method": body.get("payment_method", ""), "payment_method_title": body.get("payment_method_title", ""),
            "transaction_id": body.get("transaction_id", ""), "date_paid": body.get("date_paid"),
            "date_paid_gmt": body.get("date_paid_gmt"), "date_completed": None, "date_completed_gmt": None,
            "cart_hash": "", "meta_data": self.ledger.meta_data([], body.get("meta_data") or []),
            "line_items": lines if lines is not None else self.line_items([], body.get("line_items") or []),
            "tax_lines": [], "shipping_lines": [], "fee_lines": [], "coupon_lines": [], "refunds": [],
            "payment_url": "", "currency_symbol": "kr",
        })
        if body.get("set_paid"):
            self.paid(record)
        self.totals(record)
        return record

    def create(self, body: dict) -> dict:
        self.check(body)
        record = self.build({k: v for k, v in body.items() if k not in ("id", "number") and not k.startswith("date_")})
        self.store.put(ORDERS, record["id"], record)
        self.stock.order_saved(record, None, paid=bool(body.get("set_paid")))
        return record

    def update(self, record: dict, body: dict) -> dict:
        self.check(body)
        after = dict(record)
        for name in WRITABLE + ("customer_id", "status"):
            if name in body:
                after[name] = body[name]
        for name in ("billing", "shipping"):
            if name in body:
                after[name] = merge_address(record[name], body[name], name)
        if "shipping_total" in body:
            after["shipping_total"] = money(body["shipping_total"])
        if "line_items" in body:
            # Lines move stock as the order stood before this request (core sets the status last).
            after["line_items"] = self.line_items(record["line_items"], body["line_items"], record)
        if "meta_data" in body:
            after["meta_data"] = self.ledger.meta_data(record["meta_data"], body["meta_data"])
        if body.get("set_paid") and not record.get("date_paid"):
            self.paid(after)
        if after["status"] == "completed" and record["status"] != "completed":
            dates.stamp(after, "date_completed", dates.now(), self.ledger.zone)
        self.totals(after)
        if after != record:
            self.ledger.modified(after)
        self.store.put(ORDERS, after["id"], after)
        self.stock.order_saved(after, record["status"], paid=bool(body.get("set_paid")) and not record.get("date_paid"))
        return after

    def delete(self, record: dict, force: bool) -> dict:
        if force:
            self.store.delete(ORDERS, record["id"])
            return record
        return self.catalog.trash(ORDERS, record, "shop_order")
