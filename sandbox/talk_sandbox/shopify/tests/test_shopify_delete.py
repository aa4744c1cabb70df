"""customerDelete and productDelete answer as Shopify does, and a deleted record is gone from
every read: by id, node(id:), lists, counts and bulk queries."""
from __future__ import annotations

import json
import time

import httpx
import pytest

from talk_sandbox.admin import shopify_graphql as gql

DELETE_CUSTOMER = """mutation($id: ID!) { customerDelete(input: {id: $id}) {
  deletedCustomerId shop { id } userErrors { field message } } }"""
DELETE_PRODUCT = """mutation($id: ID!) { productDelete(input: {id: $id}) {
  deletedProductId productDeleteOperation { id } shop { id } userErrors { field message } } }"""
CREATE_CUSTOMER = "mutation($input: CustomerInput!) { customerCreate(input: $input) { customer { id } userErrors { message } } }"
BULK = "mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id } userErrors { message } } }"
POLL = "query($id: ID!) { node(id: $id) { ... on BulkOperation { status url } } }"


pytestmark = pytest.mark.usefixtures("demo")


def new_customer(shop, email: str) -> str:
    created = gql(shop, CREATE_CUSTOMER, {"input": {"email": email, "firstName": "Slett"}})["customerCreate"]
    assert created["userErrors"] == []
    return created["customer"]["id"]


def bulk_ids(shop, query: str) -> list[str]:
    operation = gql(shop, BULK, {"q": query})["bulkOperationRunQuery"]["bulkOperation"]["id"]
    for _ in range(200):
        state = gql(shop, POLL, {"id": operation})["node"]
        if state["status"] == "COMPLETED":
            lines = httpx.get(state["url"]).text.splitlines() if state["url"] else []
            return [json.loads(line)["id"] for line in lines]
        time.sleep(0.05)
    raise AssertionError("bulk operation did not finish")


def test_a_customer_without_orders_is_deleted_and_gone_everywhere(shop):
    customer = new_customer(shop, "slett.meg@example.no")
    answer = gql(shop, DELETE_CUSTOMER, {"id": customer})["customerDelete"]
    assert answer == {"deletedCustomerId": customer, "shop": {"id": "gid://shopify/Shop/1"}, "userErrors": []}
    reads = gql(shop, "query($id: ID!) { customer(id: $id) { id } node(id: $id) { id } }", {"id": customer})
    assert reads == {"customer": None, "node": None}
    listed = gql(shop, "{ customers(first: 50) { nodes { id } } customersCount { count } }")
    assert customer not in [c["id"] for c in listed["customers"]["nodes"]]
    assert listed["customersCount"]["count"] == len(listed["customers"]["nodes"])
    assert customer not in bulk_ids(shop, "{ customers { edges { node { id } } } }")
    assert customer not in [c["id"] for c in shop.get("/_sandbox/records/customers").json()]


def test_deleting_an_unknown_or_deleted_customer_is_a_user_error(shop):
    customer = new_customer(shop, "to.ganger@example.no")
    gql(shop, DELETE_CUSTOMER, {"id": customer})
    again = gql(shop, DELETE_CUSTOMER, {"id": customer})["customerDelete"]
    assert again["deletedCustomerId"] is None
    assert again["userErrors"] == [{"field": ["id"], "message": "Customer can't be found"}]


def test_a_customer_with_orders_cannot_be_deleted(shop):
    buyer = gql(shop, "{ orders(first: 1) { nodes { customer { id } } } }")["orders"]["nodes"][0]["customer"]["id"]
    answer = gql(shop, DELETE_CUSTOMER, {"id": buyer})["customerDelete"]
    assert answer["deletedCustomerId"] is None
    assert answer["userErrors"] == [{"field": ["id"], "message": "Customer can’t be deleted because they have associated orders"}]
    assert gql(shop, "query($id: ID!) { customer(id: $id) { id } }", {"id": buyer})["customer"] == {"id": buyer}


def test_a_deleted_product_takes_its_variants_along(shop):
    product = gql(shop, "{ products(first: 1) { nodes { id variants(first: 5) { nodes { id } } } } }")["products"]["nodes"][0]
    variant = product["variants"]["nodes"][0]["id"]
    answer = gql(shop, DELETE_PRODUCT, {"id": product["id"]})["productDelete"]
    assert answer == {"deletedProductId": product["id"], "productDeleteOperation": None,
                      "shop": {"id": "gid://shopify/Shop/1"}, "userErrors": []}
    reads = gql(shop, "query($id: ID!, $v: ID!) { product(id: $id) { id } node(id: $id) { id } productVariant(id: $v) { id } "
                      "variantNode: node(id: $v) { id } }", {"id": product["id"], "v": variant})
    assert reads == {"product": None, "node": None, "productVariant": None, "variantNode": None}
    listed = gql(shop, "{ products(first: 50) { nodes { id } } productVariants(first: 50) { nodes { id } } }")
    assert product["id"] not in [p["id"] for p in listed["products"]["nodes"]]
    assert variant not in [v["id"] for v in listed["productVariants"]["nodes"]]
    assert product["id"] not in bulk_ids(shop, "{ products { edges { node { id } } } }")
    # Orders keep their lines; the line's variant reads as null.
    lines = gql(shop, "{ orders(first: 10) { nodes { lineItems(first: 10) { nodes { variant { id } } } } } }")
    assert variant not in [line["variant"]["id"] for order in lines["orders"]["nodes"]
                           for line in order["lineItems"]["nodes"] if line["variant"]]


def test_deleting_an_unknown_product_is_a_user_error(shop):
    answer = gql(shop, DELETE_PRODUCT, {"id": "gid://shopify/Product/999999"})["productDelete"]
    assert answer["deletedProductId"] is None
    assert answer["userErrors"] == [{"field": ["id"], "message": "Product does not exist"}]


def test_the_admin_delete_takes_the_gid_or_its_number(shop):
    first, second = (c["id"] for c in shop.get("/_sandbox/records/customers").json()[:2])
    by_gid = shop.delete(f"/_sandbox/records/customers/{first}")
    assert by_gid.status_code == 200 and by_gid.json()["deleted"] is True
    assert shop.delete(f"/_sandbox/records/customers/{second.rsplit('/', 1)[1]}").status_code == 200
    assert shop.delete(f"/_sandbox/records/customers/{first}").status_code == 404
    # The back office deletes even a customer with orders; the API would refuse.
    assert gql(shop, "query($id: ID!) { customer(id: $id) { id } }", {"id": first})["customer"] is None
