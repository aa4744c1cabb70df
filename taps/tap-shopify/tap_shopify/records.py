"""What the tap selects for each entity and how a GraphQL node becomes a record.

Records flatten connections to lists of nodes, money bags to amount strings
(`totalPriceSet.shopMoney.amount` -> `totalPrice`) and metafields to
`{namespace: {key: value}}`. target-shopify's client reads and returns the same shape.
"""
from __future__ import annotations

import json
from typing import Any

# Nested page sizes: most orders have a few lines and most products a few variants, so a small
# first page of them lets a cost-limited page carry more orders and products (the rest of a
# long one is fetched after).
NESTED_PAGE = {"addresses": 10, "variants": 10, "lineItems": 5, "metafields": 10}

ADDRESS = "address1 address2 city zip countryCodeV2 province phone company firstName lastName"
MONEY = "shopMoney { amount currencyCode }"


def metafield_selection(namespaces: list[str]) -> str:
    return " ".join(
        f'metafields_{n}: metafields(first: {NESTED_PAGE["metafields"]}, namespace: {json.dumps(ns)}) {{ nodes {{ namespace key value }} }}'
        for n, ns in enumerate(namespaces)
    )


def customer_selection(namespaces: list[str]) -> str:
    return (
        "id firstName lastName email phone note tags state createdAt updatedAt "
        f"defaultAddress {{ {ADDRESS} }} addresses(first: {NESTED_PAGE['addresses']}) {{ {ADDRESS} }} "
        + metafield_selection(namespaces)
    )


VARIANT_FIELDS = "id title sku price barcode inventoryQuantity taxable position createdAt updatedAt"
# Talk's own metafields of a variant, each read by key: a variant's metafields connection would
# be a third level of nested connections, which a bulk query may not have (products > variants
# > metafields), and costs far more per page than three single fields.
VARIANT_METAFIELDS = ("talk.global_id", "talk.price_excl_vat", "talk.vat_rate")
VARIANT = (
    f"{VARIANT_FIELDS} selectedOptions {{ name value }} inventoryItem {{ id }} "
    + " ".join(f'variant_metafield_{n}: metafield(namespace: "{key.split(".")[0]}", key: "{key.split(".")[1]}") '
               "{ namespace key value }" for n, key in enumerate(VARIANT_METAFIELDS))
)
PRODUCT = "id title handle descriptionHtml vendor productType status tags createdAt updatedAt variantsCount { count }"


def product_selection(namespaces: list[str]) -> str:
    return (
        f"{PRODUCT} "
        f"variants(first: {NESTED_PAGE['variants']}) {{ nodes {{ {VARIANT} }} pageInfo {{ hasNextPage endCursor }} }} "
        + metafield_selection(namespaces)
    )


def _variant_with_product(namespaces: list[str]) -> str:
    return f"{VARIANT} product {{ {PRODUCT} {metafield_selection(namespaces)} }}"


def variant_node_query(namespaces: list[str]) -> str:
    """One variant with the product fields its record carries (target-shopify's fetch)."""
    return f"query TalkProductVariant($id: ID!) {{ productVariant(id: $id) {{ {_variant_with_product(namespaces)} }} }}"


def variant_search_query(namespaces: list[str]) -> str:
    """Variants matching a search, each as `variant_node_query` reads one (target-shopify's search)."""
    return (
        "query TalkProductVariants($first: Int!, $after: String, $query: String) { "
        "productVariants(first: $first, after: $after, query: $query) { "
        f"nodes {{ {_variant_with_product(namespaces)} }} pageInfo {{ hasNextPage endCursor }} }} }}"
    )


# `quantity` counts every unit ever ordered; `currentQuantity` leaves out the units an order
# edit removed (a line removed by an edit stays on the order with currentQuantity 0).
LINE_ITEM = (
    "id title name quantity currentQuantity sku variant { id sku } product { id } "
    f"originalUnitPriceSet {{ {MONEY} }} discountedUnitPriceSet {{ {MONEY} }} totalDiscountSet {{ {MONEY} }}"
)


def order_selection(namespaces: list[str]) -> str:
    return (
        "id name email poNumber note currencyCode createdAt updatedAt processedAt cancelledAt taxesIncluded "
        "displayFinancialStatus customer { id email } "
        f"currentTotalPriceSet {{ {MONEY} }} totalPriceSet {{ {MONEY} }} subtotalPriceSet {{ {MONEY} }} totalTaxSet {{ {MONEY} }} "
        f"lineItems(first: {NESTED_PAGE['lineItems']}) {{ nodes {{ {LINE_ITEM} }} pageInfo {{ hasNextPage endCursor }} }} "
        + metafield_selection(namespaces)
    )


SELECTIONS = {"customers": customer_selection, "products": product_selection, "orders": order_selection}
NODE_TYPES = {"customers": "Customer", "products": "Product", "orders": "Order"}
# Nested connections a record may need more pages of: entity -> (field, node selection).
NESTED = {"products": ("variants", VARIANT), "orders": ("lineItems", LINE_ITEM)}


def connection_query(entity: str, namespaces: list[str]) -> str:
    return (
        f"query Talk{entity.title()}($first: Int!, $after: String, $query: String) {{ "
        f"{entity}(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {{ "
        f"nodes {{ {SELECTIONS[entity](namespaces)} }} pageInfo {{ hasNextPage endCursor }} }} }}"
    )


def node_query(entity: str, namespaces: list[str]) -> str:
    root = entity[:-1]
    return f"query Talk{root.title()}($id: ID!) {{ {root}(id: $id) {{ {SELECTIONS[entity](namespaces)} }} }}"


def nested_page_query(entity: str) -> str:
    from .cost_pacer import SINGLE_QUERY_MAX, page_size

    root = entity[:-1]
    field, selection = NESTED[entity]
    # As many nested nodes as fit in one query (line items cost 9 points each: 110, not 250).
    first = page_size(selection, 250, SINGLE_QUERY_MAX - 1)
    return (
        f"query TalkMore($id: ID!, $after: String) {{ {root}(id: $id) {{ "
        f"{field}(first: {first}, after: $after) {{ nodes {{ {selection} }} pageInfo {{ hasNextPage endCursor }} }} }} }}"
    )


def _amount(bag: Any) -> str | None:
    return ((bag or {}).get("shopMoney") or {}).get("amount")


def _address(value: Any) -> dict | None:
    if not value:
        return None
    return {key: value.get(key) for key in ADDRESS.split()}


def _metafields(node: dict) -> dict:
    out: dict[str, dict[str, str]] = {}
    for key in sorted(k for k in node if k.startswith("metafields")):
        value = node[key] or {}
        for field in value.get("nodes") or [e["node"] for e in value.get("edges") or []]:
            out.setdefault(field["namespace"], {})[field["key"]] = field["value"]
    return out


def _nodes(value: Any) -> list[dict]:
    if not value:
        return []
    if "nodes" in value:
        return list(value["nodes"])
    return [edge["node"] for edge in value.get("edges") or []]


def customer_record(node: dict) -> dict:
    return {
        **{k: node.get(k) for k in ("id", "firstName", "lastName", "email", "phone", "note")},
        "tags": list(node.get("tags") or []),
        **{k: node.get(k) for k in ("state", "createdAt", "updatedAt")},
        "defaultAddress": _address(node.get("defaultAddress")),
        "addresses": [_address(a) for a in node.get("addresses") or []],
        "metafields": _metafields(node),
    }


def _keyed_metafields(node: dict) -> dict:
    """The metafields read one by key (VARIANT_METAFIELDS) as {namespace: {key: value}}."""
    out: dict[str, dict[str, str]] = {}
    for name in sorted(k for k in node if k.startswith("variant_metafield_")):
        field = node[name]
        if field and field.get("value") is not None:
            out.setdefault(field["namespace"], {})[field["key"]] = field["value"]
    return out


def variant_record(node: dict) -> dict:
    return {
        **{k: node.get(k) for k in VARIANT_FIELDS.split()},
        "selectedOptions": [{"name": o.get("name"), "value": o.get("value")} for o in node.get("selectedOptions") or []],
        "inventoryItem": {"id": (node.get("inventoryItem") or {}).get("id")} if node.get("inventoryItem") else None,
        "metafields": _keyed_metafields(node),
    }


def product_record(node: dict) -> dict:
    variants = [variant_record(v) for v in _nodes(node.get("variants"))]
    return {
        **{k: node.get(k) for k in ("id", "title", "handle", "descriptionHtml", "vendor", "productType", "status")},
        "tags": list(node.get("tags") or []),
        "createdAt": node.get("createdAt"),
        "updatedAt": node.get("updatedAt"),
        "variantsCount": ((node.get("variantsCount") or {}).get("count")) or len(variants),
        "variants": variants,
        "metafields": _metafields(node),
    }


# A variant's own fields in a product_variants record; the rest of the record is its product's.
SHARED_PRODUCT_FIELDS = ("id", "title", "handle", "status", "vendor", "productType", "tags", "updatedAt", "variantsCount")


def full_title(product_title: str | None, variant_title: str | None, variants_count: int) -> str | None:
    """The name of one sellable item: the product's title, and for a product with several
    variants its variant's title after it ("T-skjorte / S / Black"): each of them is a product
    of its own elsewhere (one SKU each), and they must not all be called alike."""
    if variants_count > 1 and variant_title:
        return f"{product_title} / {variant_title}"
    return product_title


def variant_records(product: dict) -> list[dict]:
    """A product record (product_record) as one record per variant: the `product_variants`
    stream. Each carries what it needs of its product (`product`); its `updatedAt` is the
    later of the two (a product's title is part of every variant's name), and
    `productUpdatedAt` the product's, by which the products connection is read.

    Talk's metafields live on the variant. A product with one variant also lends the variant
    its product's Talk metafields where the variant has none: Talk kept them on the product
    before it mapped variants."""
    count = product.get("variantsCount") or len(product.get("variants") or [])
    shared = {k: product.get(k) for k in SHARED_PRODUCT_FIELDS}
    out = []
    for variant in product.get("variants") or []:
        metafields = {ns: dict(keys) for ns, keys in (variant.get("metafields") or {}).items()}
        if count == 1:
            for ns, keys in (product.get("metafields") or {}).items():
                for key, value in keys.items():
                    metafields.setdefault(ns, {}).setdefault(key, value)
        out.append({
            **variant,
            "productId": product.get("id"),
            "fullTitle": full_title(product.get("title"), variant.get("title"), count),
            "updatedAt": max(filter(None, (variant.get("updatedAt"), product.get("updatedAt"))), default=None),
            "productUpdatedAt": product.get("updatedAt"),
            "product": shared,
            "metafields": metafields,
        })
    return out


def variant_from_node(node: dict) -> dict:
    """A `productVariant(id)` answer (variant_node_query) as its product_variants record."""
    product = product_record({**(node.get("product") or {}), "variants": {"nodes": []}})
    own = {k: v for k, v in node.items() if k != "product"}
    return next(r for r in variant_records({**product, "variants": [variant_record(own)]}))


def line_item_record(node: dict) -> dict:
    variant = node.get("variant")
    product = node.get("product")
    return {
        **{k: node.get(k) for k in ("id", "title", "name", "quantity", "currentQuantity", "sku")},
        "variant": {"id": variant["id"], "sku": variant.get("sku")} if variant else None,
        "product": {"id": product["id"]} if product else None,
        "originalUnitPrice": _amount(node.get("originalUnitPriceSet")),
        "discountedUnitPrice": _amount(node.get("discountedUnitPriceSet")),
        "totalDiscount": _amount(node.get("totalDiscountSet")),
    }


def order_record(node: dict) -> dict:
    """An order; each line also carries the order's `taxesIncluded`, since whether a line's
    price includes VAT is the order's to say and a line is mapped on its own. A line an edit
    removed (currentQuantity 0) is no line of the order any more: it is left out."""
    customer = node.get("customer")
    taxes_included = node.get("taxesIncluded")
    return {
        **{k: node.get(k) for k in (
            "id", "name", "email", "poNumber", "note", "currencyCode", "createdAt", "updatedAt",
            "processedAt", "cancelledAt", "taxesIncluded", "displayFinancialStatus")},
        "customer": {"id": customer["id"], "email": customer.get("email")} if customer else None,
        "currentTotalPrice": _amount(node.get("currentTotalPriceSet")),
        "totalPrice": _amount(node.get("totalPriceSet")),
        "subtotalPrice": _amount(node.get("subtotalPriceSet")),
        "totalTax": _amount(node.get("totalTaxSet")),
        "lineItems": [{**line_item_record(line), "taxesIncluded": taxes_included} for line in _nodes(node.get("lineItems"))
                      if line.get("currentQuantity") != 0],
        "metafields": _metafields(node),
    }


SHOP_SETTINGS = "query TalkShop { shop { taxesIncluded } }"


def taxes_included(data: dict) -> bool:
    """The shop's setting from SHOP_SETTINGS' data: whether its product prices include VAT."""
    return bool(((data or {}).get("shop") or {}).get("taxesIncluded"))


TO_RECORD = {"customers": customer_record, "products": product_record, "orders": order_record}


def to_record(entity: str, node: dict) -> dict:
    return TO_RECORD[entity](node)


def more_pages(entity: str, node: dict) -> str | None:
    """The end cursor of a nested connection that has more nodes than the first page, else None."""
    if entity not in NESTED:
        return None
    info = (node.get(NESTED[entity][0]) or {}).get("pageInfo") or {}
    return info.get("endCursor") if info.get("hasNextPage") else None


def append_nested(entity: str, node: dict, page: dict) -> None:
    field = NESTED[entity][0]
    node[field]["nodes"] = list(node[field].get("nodes") or []) + list(page.get("nodes") or [])
    node[field]["pageInfo"] = page.get("pageInfo") or {}
