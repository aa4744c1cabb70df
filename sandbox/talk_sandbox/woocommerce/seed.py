"""Deterministic WooCommerce data: a demo shop that overlaps the PowerOffice demo company (same
emails and SKUs, so a sync has records to match), sized data sets, and fixture loading."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from .errors import WooError
from .records import CUSTOMERS, LINE_IDS, ORDERS, POST_IDS, PRODUCTS, USER_IDS, VARIATIONS
from .resources import Shop

# (first, last, email, phone, street, postcode, city): the first two are PowerOffice persons too.
CUSTOMERS_DEMO = [
    ("Ola", "Nordmann", "ola.nordmann@example.no", "+47 912 34 567", "Storgata 1", "0155", "Oslo"),
    ("Kari", "Nordmann", "kari.nordmann@example.no", "+47 913 45 678", "Kongens gate 14", "7011", "Trondheim"),
    ("Emma", "Solberg", "emma.solberg@example.no", "+47 968 12 345", "Nygata 8", "3015", "Drammen"),
]
# (sku, name, regular price, stock or None): SKU-100x are PowerOffice products too.
PRODUCTS_DEMO = [
    ("SKU-1001", "Kaffekopp keramikk", "149.00", 120),
    ("SKU-1002", "Kaffebønner 500 g", "189.00", 300),
    ("SKU-1004", "Telys 30 stk", "79.00", 500),
    ("WOO-2001", "Gavekort", "500.00", None),
]
VARIABLE_DEMO = ("WOO-3000", "T-skjorte økologisk bomull", [("S", "249.00", 15), ("M", "249.00", 0), ("L", "269.00", 8)])
GUEST_EMAIL = "per.hansen@example.no"  # a PowerOffice customer who shops here without an account


def address(first: str, last: str, email: str | None, phone: str, street: str, postcode: str, city: str) -> dict:
    fields = {"first_name": first, "last_name": last, "address_1": street, "postcode": postcode, "city": city,
              "country": "NO", "phone": phone}
    return {**fields, "email": email} if email else fields


def demo(shop: Shop) -> dict[str, int]:
    customers = []
    for first, last, email, phone, street, postcode, city in CUSTOMERS_DEMO:
        customers.append(shop.customers.create({
            "email": email, "first_name": first, "last_name": last,
            "billing": address(first, last, email, phone, street, postcode, city),
            "shipping": address(first, last, None, phone, street, postcode, city),
        }))
    products = {}
    for sku, name, price, stock in PRODUCTS_DEMO:
        products[sku] = shop.catalog.create_product({
            "sku": sku, "name": name, "regular_price": price, "manage_stock": stock is not None,
            "stock_quantity": stock, "virtual": stock is None, "description": f"<p>{name}</p>",
        })
    sku, name, sizes = VARIABLE_DEMO
    shirt = shop.catalog.create_product({
        "sku": sku, "name": name, "type": "variable",
        "attributes": [{"id": 0, "name": "Størrelse", "position": 0, "visible": True, "variation": True,
                        "options": [size for size, _, _ in sizes]}],
    })
    for size, price, stock in sizes:
        shop.catalog.create_variation(shirt, {
            "sku": f"{sku}-{size}", "regular_price": price, "manage_stock": True, "stock_quantity": stock,
            "attributes": [{"id": 0, "name": "Størrelse", "option": size}],
        })
    ola, kari = customers[0], customers[1]
    orders = [
        {"customer_id": ola["id"], "status": "processing", "billing": ola["billing"], "shipping": ola["shipping"],
         "set_paid": True, "payment_method": "vipps", "payment_method_title": "Vipps",
         "line_items": [{"sku": "SKU-1001", "quantity": 2}, {"sku": "SKU-1002", "quantity": 1}]},
        {"customer_id": 0, "status": "completed", "payment_method": "klarna", "payment_method_title": "Klarna",
         "billing": address("Per", "Hansen", GUEST_EMAIL, "+47 924 56 789", "Strandkaien 3", "5013", "Bergen"),
         "line_items": [{"sku": f"{sku}-L", "quantity": 1}, {"sku": "SKU-1004", "quantity": 3}],
         "meta_data": [{"key": "_customer_reference", "value": "Per sin bestilling"}]},
        {"customer_id": kari["id"], "status": "pending", "billing": kari["billing"],
         "line_items": [{"sku": "SKU-1002", "quantity": 2}], "customer_note": "Leveres på døra."},
    ]
    for body in orders:
        shop.orders.create(body)
    return {CUSTOMERS: len(customers), PRODUCTS: len(products) + 1, VARIATIONS: len(sizes), ORDERS: len(orders)}


def sized(shop: Shop, customers: int, products: int, orders: int) -> dict[str, int]:
    """customer{n}@example.com and SKU-{n}, as the PowerOffice sized set; orders of 1-3 lines."""
    ledger, store = shop.ledger, shop.store
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)

    def dated(n: int) -> dict:
        moment = (start + timedelta(minutes=n)).strftime("%Y-%m-%dT%H:%M:%S")
        return {"date_created_gmt": moment, "date_modified_gmt": moment}

    first = ledger.counters.reserve(USER_IDS, customers, 2)
    rows = [shop.customers.build({
        "id": first + n - 1, "email": f"customer{n}@example.com", "first_name": f"Kunde{n}", "last_name": "Testesen",
        "billing": {"email": f"customer{n}@example.com", "address_1": f"Testveien {n}", "city": "Oslo", "country": "NO"},
        **dated(n)}) for n in range(1, customers + 1)]
    store.put_many(CUSTOMERS, [(r["id"], r) for r in rows])

    first = ledger.counters.reserve(POST_IDS, products, 100)
    catalog = [shop.catalog.build_product({
        "id": first + n - 1, "sku": f"SKU-{n}", "name": f"Testprodukt {n}",
        "regular_price": f"{100 + (n * 37) % 900}.00", "manage_stock": True, "stock_quantity": (n * 7) % 200,
        **dated(n)}) for n in range(1, products + 1)]
    store.put_many(PRODUCTS, [(p["id"], p) for p in catalog])

    made = []
    if orders and customers and products:
        first = ledger.counters.reserve(POST_IDS, orders, 100)
        line_id = ledger.counters.reserve(LINE_IDS, orders * 3, 1)
        for n in range(orders):
            customer = rows[(n * 7) % customers]
            lines = []
            for index in range(1 + n % 3):
                product = catalog[(n * 5 + index * 11) % products]
                quantity = 1 + (n + index) % 4
                total = f"{int(float(product['price']) * quantity)}.00"
                lines.append({"id": line_id, "name": product["name"], "product_id": product["id"], "variation_id": 0,
                              "quantity": quantity, "tax_class": "", "subtotal": total, "subtotal_tax": "0.00",
                              "total": total, "total_tax": "0.00", "taxes": [], "meta_data": [], "sku": product["sku"],
                              "price": float(product["price"]), "image": {"id": "", "src": ""}, "parent_name": None})
                line_id += 1
            made.append(shop.orders.build({"id": first + n, "customer_id": customer["id"], "status": "processing",
                                           "billing": customer["billing"], **dated(n)}, lines))
        store.put_many(ORDERS, [(o["id"], o) for o in made])
    return {CUSTOMERS: customers, PRODUCTS: products, ORDERS: len(made)}


def load(shop: Shop, entity: str, given: list[dict]) -> list[dict]:
    """Store fixture records in the API's own shape; ids, dates and defaults are filled in."""
    stored = []
    for body in given:
        if entity == CUSTOMERS:
            record = shop.customers.build(body)
        elif entity == PRODUCTS:
            record = shop.catalog.build_product(body)
        elif entity == VARIATIONS:
            parent = shop.store.get(PRODUCTS, body.get("parent_id"))
            if parent is None:
                raise WooError(400, "woocommerce_rest_product_invalid_id", "A variation needs an existing parent_id.")
            record = shop.catalog.build_variation(parent, body)
        elif entity == ORDERS:
            record = shop.orders.build(body, [fixture_line(shop, line) for line in body.get("line_items") or []])
        else:
            raise WooError(404, "rest_no_route", f"Unknown entity {entity!r}.")
        shop.store.put(entity, record["id"], record)
        if entity == VARIATIONS:
            shop.catalog.attach(shop.store.get(PRODUCTS, record["parent_id"]), record)
        stored.append(record)
    return stored


def fixture_line(shop: Shop, line: dict) -> dict:
    """A fixture's order line: priced from the catalog when its product exists, given fields win."""
    try:
        built = shop.orders.line_item({k: v for k, v in line.items() if k != "id"})
    except WooError:
        built = {"id": shop.ledger.next_id(LINE_IDS), "quantity": 1, "subtotal": "0.00", "total": "0.00"}
    if line.get("id"):
        shop.ledger.counters.at_least(LINE_IDS, int(line["id"]))
    return {**built, **line}
