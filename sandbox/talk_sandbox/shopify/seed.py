"""Fixture loading and deterministic seed data (demo set and sized sets for benchmarks)."""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from . import model
from .store import ShopifyStore, gid, gid_number, money, reserve

DEMO_TIME = datetime(2024, 5, 1, 8, 0, tzinfo=timezone.utc)
LOADERS = {"customers": model.new_customer, "products": model.new_product, "orders": model.new_order}


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def load(store: ShopifyStore, entity: str, records: list[dict]) -> list[dict]:
    """Store records given in the GraphQL / tap record shape; missing ids and times are filled."""
    if entity not in LOADERS:
        raise ValueError(f"unknown entity {entity!r}; expected one of {sorted(LOADERS)}")
    stored = []
    for record in records:
        doc = LOADERS[entity](store, record)
        store.put(entity, gid_number(doc["id"]), doc)
        stored.append(doc)
    return stored


def demo(store: ShopifyStore) -> dict[str, int]:
    at = lambda minutes: _stamp(DEMO_TIME + timedelta(minutes=minutes))  # noqa: E731
    ola = load(store, "customers", [{
        "firstName": "Ola", "lastName": "Nordmann", "email": "ola.nordmann@example.no", "phone": "+4790000001",
        "tags": ["talk"], "state": "ENABLED", "createdAt": at(0),
        "defaultAddress": {"address1": "Storgata 1", "city": "Oslo", "zip": "0155", "countryCodeV2": "NO",
                           "firstName": "Ola", "lastName": "Nordmann", "phone": "+4790000001"},
    }])[0]
    load(store, "customers", [{
        "firstName": "Kari", "lastName": "Shopify", "email": "kari.shopify@example.com", "phone": "+4790000002",
        "state": "ENABLED", "createdAt": at(1), "note": "Only in Shopify",
        "defaultAddress": {"address1": "Bryggen 5", "city": "Bergen", "zip": "5003", "countryCodeV2": "NO"},
    }])
    cup = load(store, "products", [{
        "title": "Kaffekopp", "descriptionHtml": "<p>Kaffekopp i steintøy</p>", "vendor": "Talk Demo",
        "productType": "Kjøkken", "status": "ACTIVE", "createdAt": at(2), "tags": ["talk"],
        "variants": [{"sku": "SKU-1001", "price": "199.00", "inventoryQuantity": 25, "barcode": "7040001000011", "taxable": True}],
        "metafields": {"talk": {"price_excl_vat": "159.20"}},
    }])[0]
    load(store, "products", [{
        "title": "Handlenett", "descriptionHtml": "<p>Bare i nettbutikken</p>", "vendor": "Talk Demo",
        "productType": "Tilbehør", "status": "ACTIVE", "createdAt": at(3),
        "variants": [{"sku": "SHOP-ONLY-1", "price": "49.00", "inventoryQuantity": 100, "taxable": True}],
    }])
    load(store, "orders", [{
        "email": ola["email"], "customer": {"id": ola["id"]}, "currencyCode": "NOK", "createdAt": at(10),
        "displayFinancialStatus": "PAID", "poNumber": "PO-1",
        "lineItems": [{"variant": {"id": cup["variants"][0]["id"]}, "quantity": 2, "originalUnitPrice": "199.00"}],
    }])
    return {"customers": 2, "products": 2, "orders": 1}


def sized(store: ShopifyStore, customers: int, products: int, orders: int) -> dict[str, int]:
    """N of each, deterministic and fast: documents are built here and written in bulk."""
    rng = random.Random(42)
    base = DEMO_TIME
    first_customer = reserve(store, "Customer", customers, 1001) if customers else 0
    first_address = reserve(store, "MailingAddress", customers, 1) if customers else 0
    rows = []
    for n in range(customers):
        number = first_customer + n
        stamp = _stamp(base + timedelta(seconds=n))
        addr = {"id": gid("MailingAddress", first_address + n), "address1": f"Gate {n % 200 + 1}", "address2": None,
                "city": rng.choice(["Oslo", "Bergen", "Trondheim", "Stavanger"]), "company": None, "country": "Norway",
                "countryCodeV2": "NO", "firstName": f"Kunde{number}", "lastName": "Test", "name": f"Kunde{number} Test",
                "phone": None, "province": None, "provinceCode": None, "zip": f"{1000 + n % 8000:04d}"}
        rows.append((number, {
            "id": gid("Customer", number), "firstName": f"Kunde{number}", "lastName": "Test",
            "email": f"kunde{number}@example.com", "phone": f"+479{number:07d}", "note": None, "tags": [],
            "state": "ENABLED", "verifiedEmail": True, "taxExempt": False, "createdAt": stamp, "updatedAt": stamp,
            "defaultAddress": addr, "addresses": [addr], "metafields": [],
        }))
    store.put_many("customers", rows)

    first_product = reserve(store, "Product", products, 8001) if products else 0
    first_variant = reserve(store, "ProductVariant", products, 40001) if products else 0
    rows, variants = [], []
    for n in range(products):
        number = first_product + n
        stamp = _stamp(base + timedelta(seconds=n))
        variant = {"id": gid("ProductVariant", first_variant + n), "productId": gid("Product", number), "title": "Default Title",
                   "sku": f"SKU-{number}", "price": money(rng.randint(20, 2000)), "compareAtPrice": None, "barcode": None,
                   "inventoryQuantity": rng.randint(0, 500), "taxable": True, "position": 1,
                   "createdAt": stamp, "updatedAt": stamp, "metafields": []}
        variants.append(variant)
        rows.append((number, {
            "id": gid("Product", number), "title": f"Produkt {number}", "handle": f"produkt-{number}",
            "descriptionHtml": "", "vendor": "Talk Bench", "productType": "", "status": "ACTIVE", "tags": [],
            "createdAt": stamp, "updatedAt": stamp, "variants": [variant], "metafields": [],
        }))
    store.put_many("products", rows)

    customer_ids = [gid("Customer", first_customer + n) for n in range(customers)]
    first_order = reserve(store, "Order", orders, 5001) if orders else 0
    first_name = reserve(store, "OrderNumber", orders, 1001) if orders else 0
    first_line = reserve(store, "LineItem", orders * 2, 90001) if orders else 0
    rows = []
    for n in range(orders):
        number = first_order + n
        stamp = _stamp(base + timedelta(seconds=n))
        lines = []
        for k in range(2 if variants else 0):
            variant = variants[(n * 2 + k) % len(variants)]
            quantity = 1 + (n + k) % 3
            lines.append({"id": gid("LineItem", first_line + n * 2 + k), "title": f"Produkt {gid_number(variant['productId'])}",
                          "name": f"Produkt {gid_number(variant['productId'])}", "quantity": quantity, "sku": variant["sku"],
                          "variantId": variant["id"], "productId": variant["productId"], "originalUnitPrice": variant["price"],
                          "discountedUnitPrice": variant["price"], "totalDiscount": "0.00"})
        subtotal = money(sum(float(line["originalUnitPrice"]) * line["quantity"] for line in lines))
        customer_id = customer_ids[n % len(customer_ids)] if customer_ids else None
        rows.append((number, {
            "id": gid("Order", number), "name": f"#{first_name + n}",
            "email": f"kunde{gid_number(customer_id)}@example.com" if customer_id else None, "phone": None,
            "poNumber": None, "note": None, "tags": [], "currencyCode": "NOK", "createdAt": stamp, "updatedAt": stamp,
            "processedAt": stamp, "cancelledAt": None, "displayFinancialStatus": "PAID", "customerId": customer_id,
            "subtotalPrice": subtotal, "totalTax": "0.00", "totalPrice": subtotal, "currentTotalPrice": subtotal,
            "lineItems": lines, "metafields": [],
        }))
    store.put_many("orders", rows)
    return {"customers": customers, "products": products, "orders": orders}
