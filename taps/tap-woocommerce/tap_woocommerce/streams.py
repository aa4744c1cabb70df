"""The streams: WooCommerce customers, products and orders (line items inside the order)."""
from __future__ import annotations

import typing as t
from datetime import datetime, timezone

from singer_sdk import typing as th

from . import records
from .client import WooCommerceStream, next_page, page_size

PARENT = "_talk_parent"  # a variation row's variable product, from get_records to post_process

S, DT, B, I, N = th.StringType, th.DateTimeType, th.BooleanType, th.IntegerType, th.NumberType

META = th.Property("meta", th.ObjectType(additional_properties=th.CustomType({})),
                   description="Public meta_data entries as {key: value} (talk_global_id among them)")
DATES = (th.Property("date_created", S, description="Site-local time, as sent"),
         th.Property("date_created_gmt", DT), th.Property("date_modified", S),
         th.Property("date_modified_gmt", DT, required=True))


def address(*extra: str) -> th.ObjectType:
    return th.ObjectType(*(th.Property(name, S) for name in (
        "first_name", "last_name", "company", "address_1", "address_2", "city", "state", "postcode", "country",
        "phone", *extra)))


class CustomersStream(WooCommerceStream):
    """Registered customers (role `customer`).

    The customers endpoint has no `modified_after` and cannot be ordered by change time, so an
    incremental run pages through every customer (100 a request) and emits only those whose
    `date_modified_gmt` is at or after the bookmark. Reading costs one request per 100
    customers; what reaches the pipeline is only what changed. (Ordering by registration date
    would find new customers cheaply but miss edits of old ones.)
    """

    name = "customers"
    path = "/customers"
    modified_filter = False
    schema = th.PropertiesList(
        th.Property("id", I, required=True), *DATES,
        th.Property("email", S), th.Property("first_name", S), th.Property("last_name", S),
        th.Property("role", S), th.Property("username", S), th.Property("is_paying_customer", B),
        th.Property("avatar_url", S),
        th.Property("billing", address("email")), th.Property("shipping", address()), META,
    ).to_dict()

    def post_process(self, row: dict, context=None) -> dict | None:
        record = super().post_process(row, context)
        since = self.get_starting_timestamp(context)
        if since is not None and record.get("date_modified_gmt"):
            if since.tzinfo is None:
                since = since.replace(tzinfo=timezone.utc)
            # At or after the bookmark: a customer changed in the bookmark's second is not lost.
            if datetime.fromisoformat(record["date_modified_gmt"]) < since:
                return None  # unchanged since the last run
        return record


class ProductsStream(WooCommerceStream):
    """Products, read incrementally with `modified_after`. `price` is WooCommerce's current
    (computed, read-only) price; `regular_price` and `sale_price` are the ones a shop sets.

    What a shop sells: simple products and the variations of variable products. A variable
    product is not sold itself (an order line names one of its variations), so it is not a
    record; each of its variations is one, of type `variation` with the parent's id, read from
    /products/{id}/variations whenever the variable product shows up as changed. WooCommerce
    saves the parent whenever one of its variations is saved (its deferred product sync), so a
    changed variation always brings its parent into the `modified_after` read. A variation
    record's date_modified_gmt is the later of its own and its parent's, so the bookmark passes
    the parent that was read.

    Each product also carries `prices_include_tax`: the shop's setting "Prices entered with
    tax" (woocommerce_prices_include_tax), read once per run. A price alone does not say
    whether it includes VAT, and the mapper cannot ask the shop; an order carries the same
    flag under the same name."""

    name = "products"
    path = "/products"
    schema = th.PropertiesList(
        th.Property("id", I, required=True), *DATES,
        th.Property("name", S), th.Property("slug", S), th.Property("type", S), th.Property("status", S),
        th.Property("sku", S), th.Property("price", S), th.Property("regular_price", S), th.Property("sale_price", S),
        th.Property("description", S), th.Property("short_description", S),
        th.Property("manage_stock", B), th.Property("stock_quantity", I), th.Property("stock_status", S),
        th.Property("tax_status", S), th.Property("tax_class", S),
        th.Property("parent_id", I, description="A variation's variable product"),
        th.Property("prices_include_tax", B, description="The shop's setting: regular_price includes VAT"), META,
    ).to_dict()

    def get_records(self, context) -> t.Iterable[dict]:
        for row in super().get_records(context):
            if row.get("type") == "variable":
                yield from ({**variation, PARENT: row} for variation in self.variations_of(row["id"]))
            else:
                yield row

    def variations_of(self, parent_id: int) -> t.Iterable[dict]:
        """Every variation of one variable product, 100 a request."""
        page = 1
        while page:
            prepared = self.build_prepared_request(
                method="GET", url=f"{self.url_base}/products/{parent_id}/variations", headers=self.http_headers,
                params={"page": page, "per_page": page_size(self.config), "orderby": "id", "order": "asc"})
            response = self.request_decorator(self._request)(prepared, None)
            yield from response.json() or []
            page = next_page(response, page)

    def post_process(self, row: dict, context=None) -> dict | None:
        parent = row.pop(PARENT, None)
        record = records.variation_record(row, parent) if parent else super().post_process(row, context)
        record["prices_include_tax"] = self.prices_include_tax()
        return record

    def prices_include_tax(self) -> bool:
        if getattr(self._tap, "shop_prices_include_tax", None) is None:
            value = self.read_setting("tax", "woocommerce_prices_include_tax")
            self._tap.shop_prices_include_tax = value == "yes"
            self.logger.info("The shop's prices %s VAT (woocommerce_prices_include_tax: %s)",
                             "include" if value == "yes" else "exclude", value)
        return self._tap.shop_prices_include_tax


class OrdersStream(WooCommerceStream):
    """Orders with their line items, read incrementally with `modified_after`.
    `customer_id` is 0 for a guest order; the buyer is then known by `billing.email` only."""

    name = "orders"
    path = "/orders"
    schema = th.PropertiesList(
        th.Property("id", I, required=True), th.Property("parent_id", I), th.Property("number", S),
        th.Property("status", S), th.Property("currency", S), *DATES,
        th.Property("customer_id", I), th.Property("customer_note", S),
        th.Property("billing", address("email")), th.Property("shipping", address()),
        th.Property("payment_method", S), th.Property("prices_include_tax", B),
        *(th.Property(name, S, description="Decimal amount as a string")
          for name in ("total", "total_tax", "discount_total", "shipping_total")),
        th.Property("line_items", th.ArrayType(th.ObjectType(
            th.Property("id", I), th.Property("name", S), th.Property("product_id", I), th.Property("variation_id", I),
            th.Property("sold_id", I, description="The variation sold, else the product (tap-woocommerce's)"),
            th.Property("quantity", N), th.Property("sku", S), th.Property("price", N),
            th.Property("subtotal", S), th.Property("total", S), th.Property("total_tax", S),
        ))),
        META,
    ).to_dict()


STREAMS = [CustomersStream, ProductsStream, OrdersStream]
