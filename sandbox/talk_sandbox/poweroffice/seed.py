"""Deterministic PowerOffice GO data: the demo company, sized data sets and fixture loading."""
from __future__ import annotations

from . import stock
from .records import CONTACT_PERSONS, CUSTOMERS, PRODUCTS, SALES_ORDERS, Problem, Records, line_uuid, order_uuid

PERSONS = [
    ("Ola", "Nordmann", "ola.nordmann@example.no", "+47 912 34 567", "Storgata 1", "0155", "Oslo"),
    ("Kari", "Nordmann", "kari.nordmann@example.no", "+47 913 45 678", "Kongens gate 14", "7011", "Trondheim"),
    ("Per", "Hansen", "per.hansen@example.no", "+47 924 56 789", "Strandkaien 3", "5013", "Bergen"),
    ("Ingrid", "Johansen", "ingrid.johansen@example.no", "+47 935 67 890", "Kirkegata 22", "4006", "Stavanger"),
    ("Lars", "Olsen", "lars.olsen@example.no", "+47 946 78 901", "Storgata 40", "9008", "Tromsø"),
    ("Sigrid", "Larsen", "sigrid.larsen@example.no", "+47 957 89 012", "Dronningens gate 5", "4610", "Kristiansand"),
]

ORGANISATIONS = [
    ("Fjordkaffe AS", "912345670", "post@fjordkaffe.example.no", "+47 22 33 44 55", "Akersgata 10", "0158", "Oslo",
     [("Nils", "Berg", "nils.berg@fjordkaffe.example.no", "Daglig leder"),
      ("Anne", "Lie", "anne.lie@fjordkaffe.example.no", "Innkjøpssjef")]),
    ("Nordlys Interiør AS", "923456781", "ordre@nordlysinterior.example.no", "+47 73 12 34 56", "Olav Tryggvasons gate 7", "7011", "Trondheim",
     [("Erik", "Dahl", "erik.dahl@nordlysinterior.example.no", "Innkjøper")]),
    ("Vestland Sport og Fritid AS", "934567892", "faktura@vestlandsport.example.no", "+47 55 66 77 88", "Torgallmenningen 2", "5014", "Bergen",
     [("Marte", "Haugen", "marte.haugen@vestlandsport.example.no", "Butikksjef"),
      ("Jonas", "Moen", "jonas.moen@vestlandsport.example.no", "Regnskap")]),
]

PRODUCTS_DEMO = [
    ("SKU-1001", "Kaffekopp keramikk", "Håndlaget kopp, 3 dl", 149.0, 52.0, 120, "7070000000011"),
    ("SKU-1002", "Kaffebønner 500 g", "Lysbrent, hele bønner fra Etiopia", 189.0, 85.0, 300, "7070000000028"),
    ("SKU-1003", "Ullpledd", "Pledd i norsk ull, 130 x 170 cm", 899.0, 410.0, 40, "7070000000035"),
    ("SKU-1004", "Telys 30 stk", "Uparfymerte telys", 79.0, 22.0, 500, "7070000000042"),
    ("SKU-1005", "Skjærefjøl eik", "Skjærefjøl i massiv eik, 40 cm", 449.0, 190.0, 60, "7070000000059"),
    ("SKU-1006", "Termokopp", "Termokopp i rustfritt stål, 4 dl", 299.0, 120.0, 150, "7070000000066"),
    ("SKU-1007", "Turstoler 2 stk", "Sammenleggbare turstoler", 1299.0, 650.0, 25, "7070000000073"),
    ("SKU-1008", "Monteringstime", "Montering og levering, per time", 750.0, 0.0, None, None),
]

# (customer index into persons + organisations, [(product index, quantity, allowance)], status, date)
ORDERS_DEMO = [
    (0, [(0, 2, None), (1, 1, None)], "Confirmed", "2024-03-04"),
    (6, [(2, 4, 10.0), (3, 10, None), (4, 2, None)], "Draft", "2024-03-11"),
    (1, [(5, 1, None)], "Draft", "2024-04-02"),
    (7, [(6, 2, None), (7, 3, None)], "Confirmed", "2024-04-15"),
    (8, [(1, 12, 5.0), (0, 6, None)], "Draft", "2024-05-06"),
]


def demo(records: Records) -> dict[str, int]:
    customers = []
    for first, last, email, phone, street, zip_code, city in PERSONS:
        customers.append(records.create_customer({
            "IsPerson": True, "FirstName": first, "LastName": last, "EmailAddress": email, "PhoneNumber": phone,
            "MailAddress": {"AddressLine1": street, "ZipCode": zip_code, "City": city, "CountryCode": "NO"},
        }))
    persons = 0
    for name, org_no, email, phone, street, zip_code, city, contacts in ORGANISATIONS:
        organisation = records.create_customer({
            "IsPerson": False, "Name": name, "OrganizationNumber": org_no, "EmailAddress": email,
            "InvoiceEmailAddress": email, "PhoneNumber": phone, "LegalName": name,
            "MailAddress": {"AddressLine1": street, "ZipCode": zip_code, "City": city, "CountryCode": "NO"},
        })
        customers.append(organisation)
        for index, (first, last, person_email, title) in enumerate(contacts):
            records.create_contact_person(organisation["Id"], {
                "FirstName": first, "LastName": last, "EmailAddress": person_email, "Title": title, "IsDefault": index == 0,
            })
            persons += 1
    products = []
    for code, name, description, price, cost, on_hand, gtin in PRODUCTS_DEMO:
        products.append(records.create_product({
            "Code": code, "Name": name, "Description": description, "UnitPrice": price, "UnitCost": cost, "Gtin": gtin,
            "IsStockItem": on_hand is not None, "StockOnHand": on_hand,
            "ProductType": "Product" if on_hand is not None else "Service",
            "UnitOfMeasureCode": "EA" if on_hand is not None else "HUR",
        }))
    for customer_index, lines, status, day in ORDERS_DEMO:
        records.create_sales_order({
            "CustomerId": customers[customer_index]["Id"], "SalesOrderStatus": status, "SalesOrderDate": day,
            "CurrencyCode": "NOK", "CustomerReference": customers[customer_index].get("Name"),
            "SalesOrderLines": [
                {"ProductId": products[p]["Id"], "Quantity": quantity, "Allowance": allowance}
                for p, quantity, allowance in lines
            ],
        })
    return {CUSTOMERS: len(customers), CONTACT_PERSONS: persons, PRODUCTS: len(products), SALES_ORDERS: len(ORDERS_DEMO)}


def sized(records: Records, customers: int, products: int, orders: int) -> dict[str, int]:
    """N customers (every third an organisation), N products, N orders of 1-3 lines; bulk-written."""
    counters, store = records.counters, records.store
    first_id = counters.reserve("customer_id", customers, 1000001)
    first_no = counters.reserve("customer_no", customers, 10000)
    first_address = counters.reserve("address_id", customers, 3000001)
    customer_rows = []
    for n in range(1, customers + 1):
        person = n % 3 != 0
        body = {
            "IsPerson": person, "EmailAddress": f"customer{n}@example.com", "PhoneNumber": f"+47 9{n:07d}"[:15],
            "MailAddress": {"AddressLine1": f"Testveien {n}", "ZipCode": f"{(n % 9000) + 1000:04d}", "City": "Oslo", "CountryCode": "NO"},
        }
        if person:
            body.update(FirstName=f"Kunde{n}", LastName="Testesen")
        else:
            body.update(Name=f"Testfirma {n} AS", OrganizationNumber=f"{900000000 + n}")
        dto = records.customer_dto(body, {"Id": first_id + n - 1, "Number": first_no + n - 1, "AddressId": first_address + n - 1})
        customer_rows.append((dto["Id"], dto))
    store.put_many(CUSTOMERS, customer_rows)

    first_product = counters.reserve("product_id", products, 2000001)
    product_rows = []
    for n in range(1, products + 1):
        dto = records.product_dto({
            "Code": f"SKU-{n}", "Name": f"Testprodukt {n}", "UnitPrice": float(100 + (n * 37) % 900),
            "UnitCost": float(40 + (n * 17) % 300), "IsStockItem": True, "StockOnHand": float((n * 7) % 200),
        }, first_product + n - 1)
        product_rows.append((dto["Id"], dto))
    store.put_many(PRODUCTS, product_rows)

    order_rows = []
    if orders and customers and products:
        first_order = counters.reserve("sales_order_no", orders, 1)
        line_counts = [1 + (n % 3) for n in range(orders)]
        first_line = counters.reserve("sales_order_line", sum(line_counts), 1)
        line_no = first_line
        for n in range(orders):
            customer = customer_rows[(n * 7) % customers][1]
            number = first_order + n
            order_id = order_uuid(number)
            lines = []
            for index in range(line_counts[n]):
                product = product_rows[(n * 5 + index * 11) % products][1]
                lines.append(records.line_dto(order_id, {"Quantity": float(1 + (n + index) % 4)}, index, product, line_uuid(line_no)))
                line_no += 1
            dto = records.sales_order_dto(
                {"Id": order_id, "SalesOrderDate": f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}"}, customer, number, lines
            )
            order_rows.append((dto["Id"], dto))
        store.put_many(SALES_ORDERS, order_rows)
    return {CUSTOMERS: customers, PRODUCTS: products, SALES_ORDERS: len(order_rows)}


def load(records: Records, entity: str, given: list[dict]) -> list[dict]:
    """Store fixture records in the API's own shape; ids, numbers and timestamps are filled when missing."""
    counters, store = records.counters, records.store
    stored = []
    for body in given:
        if entity == CUSTOMERS:
            dto = records.customer_dto(body)
            counters.at_least("customer_id", int(dto["Id"]))
            counters.at_least("customer_no", int(dto["Number"]))
            counters.at_least("address_id", int(dto["MailAddress"]["Id"]))
        elif entity == CONTACT_PERSONS:
            if body.get("ContactId") is None:
                raise Problem(400, "Invalid fixture", "A contact person needs its ContactId.")
            dto = records.contact_person_dto(body["ContactId"], body)
            counters.at_least("contact_person_id", int(dto["Id"]))
        elif entity == PRODUCTS:
            # Fixtures may bring orders first: count what confirmed ones already reserve.
            reserved = stock.reserved_for(store, body["Id"]) if body.get("Id") else 0.0
            dto = records.product_dto(body, reserved=reserved)
            counters.at_least("product_id", int(dto["Id"]))
        elif entity == SALES_ORDERS:
            customer = records.resolve_customer(body)
            number = body.get("SalesOrderNo") or counters.next("sales_order_no", 1)
            counters.at_least("sales_order_no", int(number))
            order_id = body.get("Id") or order_uuid(number)
            lines = [
                records.line_dto(order_id, line, index, records.resolve_product(line))
                for index, line in enumerate(body.get("SalesOrderLines") or [])
            ]
            dto = records.sales_order_dto({**body, "Id": order_id}, customer, number, lines)
            stored.append(records.save_order(dto, store.get(SALES_ORDERS, dto["Id"])))
            continue
        else:
            raise Problem(404, "Object(s) not found", f"Unknown entity '{entity}'.")
        stored.append(store.put(entity, dto["Id"], dto))
    return stored
