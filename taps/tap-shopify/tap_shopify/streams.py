"""The streams: Shopify customers, product variants and orders, each a record per node (per variant)."""
from __future__ import annotations

from singer_sdk import typing as th

from . import records
from .client import ShopifyStream

S, DT, B, I = th.StringType, th.DateTimeType, th.BooleanType, th.IntegerType

METAFIELDS = th.Property(
    "metafields",
    th.ObjectType(additional_properties=th.ObjectType(additional_properties=th.StringType)),
    description="Metafields of the requested namespaces as {namespace: {key: value}}",
)


def address_type() -> th.ObjectType:
    return th.ObjectType(*(th.Property(name, S) for name in (
        "address1", "address2", "city", "zip", "countryCodeV2", "province", "phone", "company", "firstName", "lastName")))


class CustomersStream(ShopifyStream):
    name = "customers"
    entity = "customers"
    schema = th.PropertiesList(
        th.Property("id", S, required=True, description="Customer gid"),
        th.Property("firstName", S), th.Property("lastName", S), th.Property("email", S), th.Property("phone", S),
        th.Property("note", S), th.Property("tags", th.ArrayType(S)), th.Property("state", S),
        th.Property("createdAt", DT), th.Property("updatedAt", DT, required=True),
        th.Property("defaultAddress", address_type()), th.Property("addresses", th.ArrayType(address_type())),
        METAFIELDS,
    ).to_dict()


class ProductVariantsStream(ShopifyStream):
    """One record per product variant: each variant is a sellable item with its own SKU, price
    and stock, which another system holds as a product of its own. Read through the products
    connection (a product's change is a change of each of its variants' records), so the
    bookmark is the product's `updatedAt` (`productUpdatedAt`)."""

    name = "product_variants"
    entity = "products"
    replication_key = "productUpdatedAt"
    schema = th.PropertiesList(
        th.Property("id", S, required=True, description="Variant gid"),
        th.Property("productId", S, description="Its product's gid"),
        th.Property("title", S, description="The variant's title: its option values joined by ' / ' (Default Title without options)"),
        th.Property("fullTitle", S, description="The product's title, followed by ' / ' and the variant's title when the product has several variants"),
        th.Property("sku", S), th.Property("price", S, description="Decimal amount as a string"), th.Property("barcode", S),
        th.Property("inventoryQuantity", I), th.Property("taxable", B), th.Property("position", I),
        th.Property("selectedOptions", th.ArrayType(th.ObjectType(th.Property("name", S), th.Property("value", S)))),
        th.Property("inventoryItem", th.ObjectType(th.Property("id", S))),
        th.Property("createdAt", DT),
        th.Property("updatedAt", DT, description="The later of the variant's and its product's updatedAt"),
        th.Property("productUpdatedAt", DT, required=True, description="The product's updatedAt (the bookmark)"),
        th.Property("product", th.ObjectType(
            th.Property("id", S), th.Property("title", S), th.Property("handle", S), th.Property("status", S),
            th.Property("vendor", S), th.Property("productType", S), th.Property("tags", th.ArrayType(S)),
            th.Property("updatedAt", DT), th.Property("variantsCount", I),
        )),
        th.Property("taxesIncluded", B, description="The shop's setting (shop { taxesIncluded }): variant prices include VAT"),
        METAFIELDS,
    ).to_dict()

    def get_records(self, context):
        for node in super().get_records(context):
            yield from records.variant_records(self.complete(node))

    def post_process(self, row: dict, context=None) -> dict | None:
        # A price alone does not say whether it includes VAT, and the mapper cannot ask the
        # shop: each variant carries the shop's setting, read once per run.
        if getattr(self._tap, "shop_taxes_included", None) is None:
            self._tap.shop_taxes_included = records.taxes_included(self._graphql(records.SHOP_SETTINGS, {}).get("data"))
            self.logger.info("The shop's prices %s VAT (shop { taxesIncluded })",
                             "include" if self._tap.shop_taxes_included else "exclude")
        return {**row, "taxesIncluded": self._tap.shop_taxes_included}


class OrdersStream(ShopifyStream):
    name = "orders"
    entity = "orders"
    schema = th.PropertiesList(
        th.Property("id", S, required=True, description="Order gid"),
        th.Property("name", S), th.Property("email", S), th.Property("poNumber", S), th.Property("note", S),
        th.Property("currencyCode", S), th.Property("createdAt", DT), th.Property("updatedAt", DT, required=True),
        th.Property("processedAt", DT), th.Property("cancelledAt", DT), th.Property("displayFinancialStatus", S),
        th.Property("taxesIncluded", B, description="Whether the order's prices include VAT"),
        th.Property("customer", th.ObjectType(th.Property("id", S), th.Property("email", S))),
        *(th.Property(name, S, description="shopMoney amount as a string")
          for name in ("currentTotalPrice", "totalPrice", "subtotalPrice", "totalTax")),
        th.Property("lineItems", th.ArrayType(th.ObjectType(
            th.Property("id", S), th.Property("title", S), th.Property("name", S), th.Property("quantity", I),
            th.Property("sku", S),
            th.Property("variant", th.ObjectType(th.Property("id", S), th.Property("sku", S))),
            th.Property("product", th.ObjectType(th.Property("id", S))),
            th.Property("originalUnitPrice", S), th.Property("discountedUnitPrice", S), th.Property("totalDiscount", S),
            th.Property("taxesIncluded", B, description="The order's taxesIncluded: this line's prices include VAT"),
        ))),
        METAFIELDS,
    ).to_dict()


STREAMS = [CustomersStream, ProductVariantsStream, OrdersStream]
