"""Shopify refuses a product title over 255 characters, a negative variant price and a malformed
customer email with userErrors (HTTP 200, nothing written), in each mutation's own error shape."""
from __future__ import annotations

import pytest

from talk_sandbox.admin import shopify_graphql as gql

LONG = "T" * 256
ERRORS = "userErrors { field message code }"


pytestmark = pytest.mark.usefixtures("demo")


def products(shop) -> int:
    return gql(shop, "{ productsCount { count } }")["productsCount"]["count"]


def test_a_title_over_255_characters_is_refused(shop):
    count = products(shop)
    product_set = gql(shop, "mutation($i: ProductSetInput!) { productSet(input: $i) { product { id } %s } }" % ERRORS,
                      {"i": {"title": LONG}})["productSet"]
    assert product_set["product"] is None
    assert product_set["userErrors"] == [{"field": ["input", "title"], "message": "Title is too long (maximum is 255 characters)",
                                          "code": "INVALID_PRODUCT"}]
    create = gql(shop, "mutation($p: ProductCreateInput!) { productCreate(product: $p) { product { id } userErrors { field message } } }",
                 {"p": {"title": LONG}})["productCreate"]
    assert create["userErrors"] == [{"field": ["title"], "message": "Title is too long (maximum is 255 characters)"}]
    assert gql(shop, "mutation($i: ProductSetInput!) { productSet(input: $i) { %s } }" % ERRORS,
               {"i": {"title": "T" * 255}})["productSet"]["userErrors"] == []
    assert products(shop) == count + 1
    product = gql(shop, "{ products(first: 1) { nodes { id title } } }")["products"]["nodes"][0]
    update = gql(shop, "mutation($p: ProductUpdateInput!) { productUpdate(product: $p) { product { id } userErrors { field message } } }",
                 {"p": {"id": product["id"], "title": LONG}})["productUpdate"]
    assert update["product"] is None and update["userErrors"][0]["field"] == ["title"]
    assert gql(shop, "query($id: ID!) { product(id: $id) { title } }", {"id": product["id"]})["product"]["title"] == product["title"]


def test_a_negative_variant_price_is_refused(shop):
    refused = gql(shop, "mutation($i: ProductSetInput!) { productSet(input: $i) { product { id } %s } }" % ERRORS, {"i": {
        "title": "Minus", "variants": [{"sku": "MINUS-1", "price": "-1.00"}]}})["productSet"]
    assert refused["product"] is None
    assert refused["userErrors"] == [{"field": ["input", "variants", "0", "price"], "message": "Price must be greater than or equal to 0",
                                      "code": "INVALID_VARIANT"}]
    product = gql(shop, "{ products(first: 1) { nodes { id variants(first: 1) { nodes { id price } } } } }")["products"]["nodes"][0]
    variant = product["variants"]["nodes"][0]
    for mutation, given in (("productVariantsBulkUpdate", {"id": variant["id"], "price": "-5.00"}),
                            ("productVariantsBulkCreate", {"price": "-5.00", "optionValues": [{"optionName": "Title", "name": "Minus"}]})):
        answer = gql(shop, "mutation($p: ID!, $v: [ProductVariantsBulkInput!]!) { %s(productId: $p, variants: $v) { product { id } %s } }"
                     % (mutation, ERRORS), {"p": product["id"], "v": [given]})[mutation]
        assert answer["product"] is None
        assert answer["userErrors"][0]["code"] == "GREATER_THAN_OR_EQUAL_TO" and answer["userErrors"][0]["field"] == ["variants", "0", "price"]
    again = gql(shop, "query($id: ID!) { productVariant(id: $id) { price } }", {"id": variant["id"]})["productVariant"]
    assert again["price"] == variant["price"]


def test_a_malformed_email_is_refused(shop):
    create = gql(shop, "mutation($i: CustomerInput!) { customerCreate(input: $i) { customer { id } userErrors { field message } } }",
                 {"i": {"firstName": "Feil", "email": "feil@@example"}})["customerCreate"]
    assert create == {"customer": None, "userErrors": [{"field": ["input", "email"], "message": "Email is invalid"}]}
    upsert = gql(shop, "mutation($i: CustomerSetInput!) { customerSet(input: $i) { customer { id } %s } }" % ERRORS,
                 {"i": {"firstName": "Feil", "email": "uten-krøllalfa.example.no"}})["customerSet"]
    assert upsert["userErrors"] == [{"field": ["input", "email"], "message": "Email is invalid", "code": "INVALID"}]
