"""Shopify products with several options and variants: Product.options, selectedOptions and
variant titles; productSet sets options and variants (variants not listed are removed, those
given by id are updated), refuses option values the product has no option for, and keeps to the
variant limit; productVariantsBulkUpdate changes only the variants it names; bulk and REST reads
show every variant and option."""
from __future__ import annotations

import json
import time

import httpx
import pytest

from talk_sandbox.admin import SHOPIFY_TOKEN as TOKEN, shopify_graphql as gql

PRODUCT = """id title options(first: 3) { id name position values optionValues { id name hasVariants } }
  variants(first: 20) { nodes { id title sku price position selectedOptions { name value } } }"""
PRODUCT_SET = """mutation($input: ProductSetInput!, $identifier: ProductSetIdentifiers) {
  productSet(input: $input, identifier: $identifier, synchronous: true) {
    product { %s } userErrors { field message code } } }""" % PRODUCT
READ = "query($id: ID!) { product(id: $id) { %s } }" % PRODUCT
SIZES, COLOURS = ["S", "M", "L"], ["Black", "White"]


pytestmark = pytest.mark.usefixtures("demo")


def tee_input() -> dict:
    return {
        "title": "T-skjorte",
        "productOptions": [
            {"name": "Size", "position": 1, "values": [{"name": s} for s in SIZES]},
            {"name": "Colour", "position": 2, "values": [{"name": c} for c in COLOURS]},
        ],
        "variants": [
            {"sku": f"TEE-{s}-{c}", "price": "149.00",
             "optionValues": [{"optionName": "Size", "name": s}, {"optionName": "Colour", "name": c}]}
            for s in SIZES for c in COLOURS
        ],
    }


@pytest.fixture()
def tee(shop) -> dict:
    answer = gql(shop, PRODUCT_SET, {"input": tee_input()})["productSet"]
    assert answer["userErrors"] == []
    return answer["product"]


def test_two_options_and_six_variants_round_trip(shop, tee):
    read = gql(shop, READ, {"id": tee["id"]})["product"]
    assert read == tee
    assert [(o["name"], o["position"], o["values"]) for o in read["options"]] == [("Size", 1, SIZES), ("Colour", 2, COLOURS)]
    assert all(v["hasVariants"] for o in read["options"] for v in o["optionValues"])
    assert all(o["id"].startswith("gid://shopify/ProductOption/") for o in read["options"])
    variants = read["variants"]["nodes"]
    assert len(variants) == 6 and [v["position"] for v in variants] == [1, 2, 3, 4, 5, 6]
    assert variants[0]["selectedOptions"] == [{"name": "Size", "value": "S"}, {"name": "Colour", "value": "Black"}]
    assert [v["title"] for v in variants] == [f"{s} / {c}" for s in SIZES for c in COLOURS]
    assert gql(shop, "query($id: ID!) { productVariant(id: $id) { displayName selectedOptions { value } } }",
               {"id": variants[5]["id"]})["productVariant"]["selectedOptions"] == [{"value": "L"}, {"value": "White"}]


def test_a_product_without_options_reads_as_title_default_title(shop):
    product = gql(shop, "{ products(first: 1) { nodes { %s } } }" % PRODUCT)["products"]["nodes"][0]
    assert [(o["name"], o["values"]) for o in product["options"]] == [("Title", ["Default Title"])]
    assert product["variants"]["nodes"][0]["selectedOptions"] == [{"name": "Title", "value": "Default Title"}]
    assert product["variants"]["nodes"][0]["title"] == "Default Title"


def test_productset_with_variant_ids_updates_one_price_and_keeps_the_others(shop, tee):
    before = tee["variants"]["nodes"]
    changed = before[3]["id"]
    given = [{"id": v["id"], **({"price": "199.00"} if v["id"] == changed else {})} for v in before]
    answer = gql(shop, PRODUCT_SET, {"input": {"variants": given}, "identifier": {"id": tee["id"]}})["productSet"]
    assert answer["userErrors"] == []
    after = answer["product"]["variants"]["nodes"]
    assert [v["id"] for v in after] == [v["id"] for v in before]
    assert [v["price"] for v in after] == ["149.00", "149.00", "149.00", "199.00", "149.00", "149.00"]
    assert [(v["sku"], v["title"], v["selectedOptions"]) for v in after] == [(v["sku"], v["title"], v["selectedOptions"]) for v in before]
    assert answer["product"]["options"] == tee["options"]  # ids kept too

    # With the options given again, as Talk's target sends them: the same result, the same ids.
    again = tee_input()
    for variant, data in zip(before, again["variants"]):
        data["id"] = variant["id"]
    again["variants"][0]["price"] = "99.00"
    answer = gql(shop, PRODUCT_SET, {"input": again, "identifier": {"id": tee["id"]}})["productSet"]
    assert answer["userErrors"] == [] and answer["product"]["options"] == tee["options"]
    assert [v["price"] for v in answer["product"]["variants"]["nodes"]] == ["99.00"] + ["149.00"] * 5


def test_productset_removes_variants_it_does_not_list(shop, tee):
    # Shopify's list semantics: the variants given are the product's variants afterwards.
    keep = tee["variants"]["nodes"][:2]
    answer = gql(shop, PRODUCT_SET, {"input": {"variants": [{"id": v["id"]} for v in keep]}, "identifier": {"id": tee["id"]}})["productSet"]
    assert [v["id"] for v in answer["product"]["variants"]["nodes"]] == [v["id"] for v in keep]
    used = {o["name"]: [v["name"] for v in o["optionValues"] if v["hasVariants"]] for o in answer["product"]["options"]}
    assert used == {"Size": ["S"], "Colour": ["Black", "White"]}


def test_bulk_update_of_one_variant_keeps_the_others(shop, tee):
    before = tee["variants"]["nodes"]
    answer = gql(shop, """mutation($p: ID!, $v: [ProductVariantsBulkInput!]!) { productVariantsBulkUpdate(productId: $p, variants: $v) {
        productVariants { id price title } userErrors { field message code } } }""",
                 {"p": tee["id"], "v": [{"id": before[1]["id"], "price": "175.00"}]})["productVariantsBulkUpdate"]
    assert answer["userErrors"] == [] and answer["productVariants"] == [{"id": before[1]["id"], "price": "175.00", "title": "S / White"}]
    after = gql(shop, READ, {"id": tee["id"]})["product"]["variants"]["nodes"]
    assert [v["id"] for v in after] == [v["id"] for v in before]
    assert [v["price"] for v in after] == ["149.00", "175.00"] + ["149.00"] * 4


@pytest.mark.parametrize("option_value, code", [
    ({"optionName": "Size", "name": "XXL"}, "OPTION_VALUE_DOES_NOT_EXIST"),
    ({"optionName": "Material", "name": "Wool"}, "OPTION_DOES_NOT_EXIST"),
])
def test_an_option_value_the_product_has_no_option_for_is_a_user_error(shop, tee, option_value, code):
    bad = tee_input()
    bad["variants"][2]["optionValues"] = [option_value, {"optionName": "Colour", "name": "Black"}]
    answer = gql(shop, PRODUCT_SET, {"input": bad})["productSet"]
    assert answer["product"] is None
    assert [(e["field"], e["code"]) for e in answer["userErrors"]] == [(["input", "variants", "2", "optionValues", "0"], code)]
    # Nothing was written: an update with the bad value leaves the product as it was.
    for variant, data in zip(tee["variants"]["nodes"], bad["variants"]):
        data["id"] = variant["id"]
    answer = gql(shop, PRODUCT_SET, {"input": bad, "identifier": {"id": tee["id"]}})["productSet"]
    assert answer["product"] is None and answer["userErrors"][0]["code"] == code
    assert gql(shop, READ, {"id": tee["id"]})["product"] == tee


def test_missing_and_duplicated_option_values_and_limits(shop):
    missing = tee_input()
    missing["variants"][0]["optionValues"] = [{"optionName": "Size", "name": "S"}]
    assert gql(shop, PRODUCT_SET, {"input": missing})["productSet"]["userErrors"][0]["code"] == "OPTION_VALUES_MISSING"
    twice = tee_input()
    twice["variants"][1]["optionValues"] = twice["variants"][0]["optionValues"]
    assert gql(shop, PRODUCT_SET, {"input": twice})["productSet"]["userErrors"][0]["code"] == "INVALID_VARIANT"
    four = tee_input()
    four["productOptions"] += [{"name": n, "values": [{"name": "x"}]} for n in ("A", "B")]
    assert gql(shop, PRODUCT_SET, {"input": four})["productSet"]["userErrors"][0]["code"] == "OPTIONS_OVER_LIMIT"
    many = {"title": "Mange", "productOptions": [{"name": "N", "values": [{"name": str(n)} for n in range(2049)]}],
            "variants": [{"price": "1.00", "optionValues": [{"optionName": "N", "name": str(n)}]} for n in range(2049)]}
    errors = gql(shop, PRODUCT_SET, {"input": many})["productSet"]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [(["input", "variants"], "VARIANTS_OVER_LIMIT")]


def test_bulk_operation_and_rest_show_all_variants_and_options(shop, tee):
    run = gql(shop, "mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id } userErrors { message } } }",
              {"q": "{ products { edges { node { id options { name values } variants { edges { node { id title selectedOptions { name value } } } } } } } }"})
    assert run["bulkOperationRunQuery"]["userErrors"] == []
    op_id = run["bulkOperationRunQuery"]["bulkOperation"]["id"]
    deadline = time.monotonic() + 10
    while True:
        op = gql(shop, "query($id: ID!) { node(id: $id) { ... on BulkOperation { status url } } }", {"id": op_id})["node"]
        if op["status"] == "COMPLETED" or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    lines = [json.loads(line) for line in httpx.get(op["url"]).text.splitlines()]
    product = next(line for line in lines if line["id"] == tee["id"])
    assert product["options"] == [{"name": "Size", "values": SIZES}, {"name": "Colour", "values": COLOURS}]
    children = [line for line in lines if line.get("__parentId") == tee["id"]]
    assert [c["title"] for c in children] == [v["title"] for v in tee["variants"]["nodes"]]
    assert children[5]["selectedOptions"] == [{"name": "Size", "value": "L"}, {"name": "Colour", "value": "White"}]

    products = shop.get("/admin/api/2025-04/products.json", params={"limit": 250}, headers=TOKEN).json()["products"]
    rest = next(p for p in products if p["admin_graphql_api_id"] == tee["id"])
    assert [(o["name"], o["position"], o["values"]) for o in rest["options"]] == [("Size", 1, SIZES), ("Colour", 2, COLOURS)]
    assert [(v["option1"], v["option2"], v["option3"], v["title"]) for v in rest["variants"]] == [
        (s, c, None, f"{s} / {c}") for s in SIZES for c in COLOURS]
