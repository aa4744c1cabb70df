"""Deterministic Custom Webshop data: the demo shop, sized data sets and fixture loading.

The demo overlaps the other sandboxes on purpose, so matching is exercised on first sync:
Ola Nordmann has the email of PowerOffice's (and Shopify's) Ola; Fjordkaffe AS has
PowerOffice's organisation number 912345670 but another email; SKU-1001 exists in PowerOffice
and Shopify, SKU-1002 in PowerOffice. Sized sets use PowerOffice's sized patterns
(customer{n}@example.com, organisation 900000000+n, SKU-{n}).
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from .records import CUSTOMERS, ORDERS, PRODUCTS, ApiError, Records, order_total, parse_time, price_incl_vat, stamp

DEMO_TIME = datetime(2024, 6, 3, 8, 0, tzinfo=timezone.utc)

DEMO_CUSTOMERS = [
    {"type": "person", "first_name": "Ola", "last_name": "Nordmann", "email": "ola.nordmann@example.no",
     "phone": "+47 912 34 567",
     "address": {"line1": "Storgata 1", "postal_code": "0155", "city": "Oslo", "country": "NO"}},
    {"type": "company", "company_name": "Fjordkaffe AS", "organisation_number": "912345670",
     "email": "nettbutikk@fjordkaffe.example.no", "phone": "+47 22 33 44 55",
     "address": {"line1": "Akersgata 10", "postal_code": "0158", "city": "Oslo", "country": "NO"}},
    {"type": "person", "first_name": "Mari", "last_name": "Nettbutikk", "email": "mari.nettbutikk@example.com",
     "phone": "+47 987 65 432",
     "address": {"line1": "Nygårdsgaten 12", "line2": "2. etasje", "postal_code": "5015", "city": "Bergen", "country": "NO"}},
    {"type": "company", "company_name": "Svensk Design AB", "organisation_number": "5567891234",
     "email": "order@svenskdesign.example.se", "phone": None,
     "address": {"line1": "Drottninggatan 5", "postal_code": "11151", "city": "Stockholm", "country": "SE"}},
]

DEMO_PRODUCTS = [
    {"sku": "SKU-1001", "name": "Kaffekopp keramikk", "description": "Håndlaget kopp, 3 dl",
     "price_excl_vat": "159.20", "vat_rate": "0.25", "stock": 30, "gtin": "7070000000011"},
    {"sku": "SKU-1002", "name": "Kaffebønner 500 g", "description": "Lysbrent, hele bønner fra Etiopia",
     "price_excl_vat": "189.00", "vat_rate": "0.15", "stock": 120, "gtin": "7070000000028"},
    {"sku": "CWS-2001", "name": "Gavekort 500 kr", "description": "Digitalt gavekort",
     "price_excl_vat": "500.00", "vat_rate": "0.00", "stock": None, "gtin": None},
    {"sku": "CWS-2002", "name": "Handlenett bomull", "description": "Økologisk bomull",
     "price_excl_vat": "39.20", "vat_rate": "0.25", "stock": 80, "gtin": None},
]

# (customer index, [(product index, quantity, discount percent)], status, currency)
DEMO_ORDERS = [
    (0, [(0, 2, "0"), (1, 1, "0")], "completed", "NOK"),
    (1, [(1, 12, "5")], "processing", "NOK"),
    (2, [(2, 1, "0")], "pending", "NOK"),
    (3, [(0, 4, "10"), (3, 10, "0")], "cancelled", "SEK"),
]


def demo(records: Records) -> dict[str, int]:
    at = lambda minutes: stamp(DEMO_TIME + timedelta(minutes=minutes))  # noqa: E731
    customers = load(records, CUSTOMERS, [{**c, "created_at": at(n), "updated_at": at(n)} for n, c in enumerate(DEMO_CUSTOMERS)])
    products = load(records, PRODUCTS, [{**p, "created_at": at(10 + n), "updated_at": at(10 + n)} for n, p in enumerate(DEMO_PRODUCTS)])
    load(records, ORDERS, [{
        "customer_id": customers[c]["id"], "status": status, "currency": currency,
        "ordered_at": at(20 + n), "created_at": at(20 + n), "updated_at": at(20 + n),
        "lines": [{"product_id": products[p]["id"], "quantity": quantity, "discount_percent": discount,
                   "unit_price": products[p]["price_excl_vat"]} for p, quantity, discount in lines],
    } for n, (c, lines, status, currency) in enumerate(DEMO_ORDERS)])
    return {"customers": len(customers), "products": len(products), "orders": len(DEMO_ORDERS)}


def sized(records: Records, customers: int, products: int, orders: int) -> dict[str, int]:
    """N customers (every third a company), N products, N orders of 1-3 lines; bulk-written."""
    at = lambda seconds: stamp(DEMO_TIME + timedelta(seconds=seconds))  # noqa: E731
    customer_ids, product_ids = records.reserve_ids(CUSTOMERS, customers), records.reserve_ids(PRODUCTS, products)
    customer_rows = []
    for n in range(1, customers + 1):
        person = n % 3 != 0
        record = {
            "id": customer_ids[n - 1], "external_reference": None, "type": "person" if person else "company",
            "first_name": f"Kunde{n}" if person else None, "last_name": "Testesen" if person else None,
            "company_name": None if person else f"Testfirma {n} AS",
            "organisation_number": None if person else f"{900000000 + n}",
            "email": f"customer{n}@example.com", "phone": f"+47 9{n:07d}"[:15],
            "address": {"line1": f"Testveien {n}", "line2": None, "postal_code": f"{(n % 9000) + 1000:04d}",
                        "city": "Oslo", "country": "NO"},
            "archived": False, "created_at": at(n), "updated_at": at(n), "version": 1,
        }
        customer_rows.append((record["id"], record))
    records.store.put_many(CUSTOMERS, customer_rows)

    product_rows = []
    for n in range(1, products + 1):
        price = f"{100 + (n * 37) % 900}.00"
        record = {
            "id": product_ids[n - 1], "external_reference": None, "sku": f"SKU-{n}", "name": f"Testprodukt {n}",
            "description": None, "price_excl_vat": price, "vat_rate": "0.25", "price_incl_vat": price_incl_vat(price, "0.25"),
            "stock": (n * 7) % 200, "gtin": None, "archived": False,
            "created_at": at(n), "updated_at": at(n), "version": 1,
        }
        product_rows.append((record["id"], record))
    records.store.put_many(PRODUCTS, product_rows)

    orders = orders if customers and products else 0
    order_ids = records.reserve_ids(ORDERS, orders)
    numbers = records.reserve("order_number", orders)
    line_ids = iter(records.reserve_ids("lines", sum(1 + n % 3 for n in range(orders))))
    order_rows = []
    for n in range(orders):
        lines = []
        for index in range(1 + n % 3):
            product = product_rows[(n * 5 + index * 11) % products][1]
            lines.append({"id": next(line_ids), "product_id": product["id"], "sku": product["sku"],
                          "description": product["name"], "quantity": 1 + (n + index) % 4,
                          "unit_price": product["price_excl_vat"], "discount_percent": "0"})
        record = {
            "id": order_ids[n], "external_reference": None, "number": str(10000 + numbers[n]),
            "customer_id": customer_rows[(n * 7) % customers][1]["id"], "currency": "NOK",
            "status": ("pending", "processing", "completed")[n % 3], "ordered_at": at(n),
            "lines": lines, "total_excl_vat": order_total(lines),
            "created_at": at(n), "updated_at": at(n), "version": 1,
        }
        order_rows.append((record["id"], record))
    records.store.put_many(ORDERS, order_rows)
    return {"customers": customers, "products": products, "orders": len(order_rows)}


def load(records: Records, entity: str, items: list[dict]) -> list[dict]:
    """Fixture records in the API's shape, stored as given: missing ids, timestamps, versions,
    defaults and derived values are filled; nothing is validated, so a fixture can hold data
    the API would refuse."""
    if entity not in (CUSTOMERS, PRODUCTS, ORDERS):
        raise ApiError(404, "not_found", f"No entity '{entity}'; use customers, products or orders.")
    stored = []
    for item in items:
        now = records.clock.now()
        record = {"created_at": now, "updated_at": item.get("created_at", now), "version": 1, **item}
        record.setdefault("id", records.new_id(entity))
        for key in ("created_at", "updated_at"):  # fixed-width UTC: lists sort on the text
            record[key] = stamp(parse_time(record[key]))
        if entity == ORDERS:
            record.setdefault("currency", "NOK")
            record.setdefault("lines", [])
        stored.append(records.store.put(entity, record["id"], records.complete(entity, record)))
    return stored
