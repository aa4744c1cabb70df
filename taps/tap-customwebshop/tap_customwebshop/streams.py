"""The streams: webshop customers, products and orders (lines inline), as the API returns them."""
from __future__ import annotations

from singer_sdk import typing as th

from .client import CustomWebshopStream

S, DT, B, I, N = th.StringType, th.DateTimeType, th.BooleanType, th.IntegerType, th.NumberType


def common(*properties: th.Property) -> th.PropertiesList:
    """Every entity has these: its id, the caller's external reference, times and version."""
    return th.PropertiesList(
        th.Property("id", S, required=True),
        th.Property("external_reference", S, description="The caller's id for the record (Talk writes its global id)"),
        *properties,
        th.Property("created_at", DT),
        th.Property("updated_at", DT, required=True),
        th.Property("version", I, description="Raised by every change; send it back in If-Match"),
    )


class CustomersStream(CustomWebshopStream):
    name = "customers"
    path = "/customers"
    schema = common(
        th.Property("type", S, allowed_values=["person", "company"]),
        th.Property("first_name", S), th.Property("last_name", S),
        th.Property("company_name", S), th.Property("organisation_number", S),
        th.Property("email", S), th.Property("phone", S),
        th.Property("address", th.ObjectType(*(th.Property(name, S) for name in (
            "line1", "line2", "postal_code", "city", "country")))),
        th.Property("archived", B),
    ).to_dict()


class ProductsStream(CustomWebshopStream):
    name = "products"
    path = "/products"
    schema = common(
        th.Property("sku", S), th.Property("name", S), th.Property("description", S),
        th.Property("price_excl_vat", S, description="Decimal amount as a string"),
        th.Property("price_incl_vat", S, description="Decimal amount as a string, computed by the shop"),
        th.Property("vat_rate", S, description='VAT rate as a decimal fraction string ("0.25")'),
        th.Property("stock", I), th.Property("gtin", S), th.Property("archived", B),
    ).to_dict()


class OrdersStream(CustomWebshopStream):
    name = "orders"
    path = "/orders"
    schema = common(
        th.Property("number", S), th.Property("customer_id", S), th.Property("currency", S),
        th.Property("status", S), th.Property("ordered_at", DT),
        th.Property("lines", th.ArrayType(th.ObjectType(
            th.Property("id", S), th.Property("product_id", S), th.Property("sku", S), th.Property("description", S),
            th.Property("quantity", N), th.Property("unit_price", S, description="Decimal amount excl. VAT as a string"),
            th.Property("discount_percent", S, description="Percent 0-100 as a decimal string"),
        ))),
        th.Property("total_excl_vat", S, description="Sum of the lines excl. VAT, computed by the shop"),
    ).to_dict()


STREAMS = [CustomersStream, ProductsStream, OrdersStream]
