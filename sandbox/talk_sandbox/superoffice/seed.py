"""Deterministic SuperOffice data: the demo tenant, sized data sets and fixture loading.

The demo companies, persons and products are the ones the PowerOffice GO sandbox holds (same
names, organisation numbers, e-mails; ERPProductKey = the ERP's product code, SKU-1001...), so
a sync between the two finds them. Sales cover every status, each with a quote; the sold one
has two alternatives and the accepted one is likely. Dates are fixed (spring 2024), so a demo
run and a test see the same UpdatedDate values and anything changed now is newer.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from . import dates
from .entities import CONTACT, KINDS, PERSON, PRODUCT, SALE

COMPANIES = [
    ("Fjordkaffe AS", "912345670", "post@fjordkaffe.example.no", "+47 22 33 44 55", "Akersgata 10", "0158", "Oslo", 1, 2,
     [("Nils", "Berg", "nils.berg@fjordkaffe.example.no", "Daglig leder", "+47 900 11 222"),
      ("Anne", "Lie", "anne.lie@fjordkaffe.example.no", "Innkjøpssjef", "+47 900 33 444")]),
    ("Nordlys Interiør AS", "923456781", "ordre@nordlysinterior.example.no", "+47 73 12 34 56", "Olav Tryggvasons gate 7",
     "7011", "Trondheim", 1, 3, [("Erik", "Dahl", "erik.dahl@nordlysinterior.example.no", "Innkjøper", "+47 911 22 333")]),
    ("Vestland Sport og Fritid AS", "934567892", "faktura@vestlandsport.example.no", "+47 55 66 77 88",
     "Torgallmenningen 2", "5014", "Bergen", 2, 4,
     [("Marte", "Haugen", "marte.haugen@vestlandsport.example.no", "Butikksjef", "+47 922 33 444"),
      ("Jonas", "Moen", "jonas.moen@vestlandsport.example.no", "Regnskap", "+47 933 44 555")]),
]

# (ERPProductKey = code, name, description, list price, cost, VAT %, in stock)
PRODUCTS = [
    ("SKU-1001", "Kaffekopp keramikk", "Håndlaget kopp, 3 dl", 149.0, 52.0, 25.0, 120),
    ("SKU-1002", "Kaffebønner 500 g", "Lysbrent, hele bønner fra Etiopia", 189.0, 85.0, 15.0, 300),
    ("SKU-1003", "Ullpledd", "Pledd i norsk ull, 130 x 170 cm", 899.0, 410.0, 25.0, 40),
    ("SKU-1004", "Telys 30 stk", "Uparfymerte telys", 79.0, 22.0, 25.0, 500),
    ("SKU-1005", "Skjærefjøl eik", "Skjærefjøl i massiv eik, 40 cm", 449.0, 190.0, 25.0, 60),
    ("SKU-1006", "Termokopp", "Termokopp i rustfritt stål, 4 dl", 299.0, 120.0, 25.0, 150),
    ("SKU-1007", "Turstoler 2 stk", "Sammenleggbare turstoler", 1299.0, 650.0, 25.0, 25),
    ("SKU-1008", "Monteringstime", "Montering og levering, per time", 750.0, 0.0, 25.0, 0),
]

# (company, person, heading, status, sale date, [(alternative name, [(sku, quantity, discount %)])],
#  index of the likely alternative, accepted?)
SALES = [
    (0, 0, "Kaffe til kontoret", "Open", "2024-03-04",
     [("Standard", [("SKU-1002", 12, 5.0), ("SKU-1001", 6, 0.0)])], 0, False),
    (1, 0, "Showroom vinter", "Sold", "2024-03-11",
     [("Basis", [("SKU-1003", 4, 0.0), ("SKU-1004", 10, 0.0)]),
      ("Komplett", [("SKU-1003", 4, 10.0), ("SKU-1005", 2, 0.0), ("SKU-1008", 3, 0.0)])], 1, True),
    (2, 0, "Turutstyr vår", "Lost", "2024-04-02", [("Tilbud", [("SKU-1007", 5, 8.0), ("SKU-1006", 20, 0.0)])], 0, False),
    (2, 1, "Julegaver ansatte", "Stalled", "2024-04-15",
     [("Gaver", [("SKU-1004", 50, 0.0), ("SKU-1006", 10, 15.0)])], 0, False),
]


class DemoClock:
    """Fixed, increasing moments: one minute apart from 1 March 2024."""

    def __init__(self) -> None:
        self.moment = datetime(2024, 3, 1, 8, 0, 0)

    def __call__(self) -> str:
        self.moment += timedelta(minutes=1)
        return self.moment.strftime(dates.FORMAT)


def contact_body(name: str, org_nr: str, email: str, phone: str, street: str, zip_code: str, city: str,
                 category: int, business: int) -> dict:
    postal = {"Address1": street, "Zipcode": zip_code, "City": city}
    return {"Name": name, "OrgNr": org_nr, "Emails": [{"Value": email}], "Phones": [{"Value": phone}],
            "Category": {"Id": category}, "Business": {"Id": business}, "Country": {"CountryId": 578},
            "Address": {"Postal": postal, "Street": postal}}


def demo(emulator) -> dict[str, int]:
    clock = DemoClock()
    records, quotes = emulator.records, emulator.quotes
    contacts, persons = [], []
    for name, org_nr, email, phone, street, zip_code, city, category, business, people in COMPANIES:
        contact = records.create(CONTACT, contact_body(name, org_nr, email, phone, street, zip_code, city, category,
                                                       business), at=clock())
        contacts.append(contact)
        persons.append([records.create(PERSON, {
            "Firstname": first, "Lastname": last, "Emails": [{"Value": person_email}], "Title": title,
            "MobilePhones": [{"Value": mobile}], "Contact": {"ContactId": contact["ContactId"]}}, at=clock())
            for first, last, person_email, title, mobile in people])
    for code, name, description, price, cost, vat, in_stock in PRODUCTS:
        records.create(PRODUCT, {"ERPProductKey": code, "Code": code, "Name": name, "Description": description,
                                 "UnitListPrice": price, "UnitCost": cost, "VAT": vat, "InStock": in_stock}, at=clock())
    for number, (company, person, heading, status, day, alternatives, likely, accepted) in enumerate(SALES, 1001):
        sale = records.create(SALE, {
            "Heading": heading, "Status": status, "Saledate": f"{day}T00:00:00", "Probability": 100 if status == "Sold" else 50,
            "Contact": {"ContactId": contacts[company]["ContactId"]},
            "Person": {"PersonId": persons[company][person]["PersonId"]}, "Number": f"S-{number}"},
            at=clock())
        quote_sale(quotes, sale["SaleId"], alternatives, likely, accepted, clock)
    return {"contacts": len(contacts), "persons": sum(map(len, persons)), "products": len(PRODUCTS), "sales": len(SALES)}


def quote_sale(quotes, sale_id: int, alternatives: list, likely: int, accepted: bool, clock) -> None:
    quote = quotes.create_quote(sale_id, alternatives[0][0], at=clock())
    version_id = quote["ActiveQuoteVersionId"]
    made = [quotes.alternatives(version_id)[0]]
    for name, _ in alternatives[1:]:
        made.append(quotes.add_alternative(version_id, name))
    for alternative, (_, lines) in zip(made, alternatives):
        for sku, quantity, discount in lines:
            line = quotes.product_line(alternative["QuoteAlternativeId"], sku)
            quotes.save_line({**line, "Quantity": float(quantity), "DiscountPercent": discount}, at=clock())
    quotes.save_version({"QuoteVersionId": version_id, "LikelyQuoteAlternativeId": made[likely]["QuoteAlternativeId"]})
    if accepted:
        quotes.accept(made[likely]["QuoteAlternativeId"], "PO-2024-031", "")


def sized(emulator, customers: int, products: int, orders: int) -> dict[str, int]:
    """Many records fast: `customers` companies with one person each, `products` products and
    `orders` open sales with a one-line quote."""
    clock = DemoClock()
    records, quotes = emulator.records, emulator.quotes
    contacts = []
    for n in range(customers):
        contact = records.create(CONTACT, contact_body(f"Firma {n + 1:05d} AS", f"{900000000 + n}",
                                                       f"post{n + 1}@firma.example.no", f"+47 2{n % 10} 00 {n % 100:02d} 00",
                                                       f"Gate {n % 90 + 1}", "0150", "Oslo", 1, 1), at=clock())
        records.create(PERSON, {"Firstname": "Kontakt", "Lastname": f"Nummer{n + 1}",
                                "Emails": [{"Value": f"kontakt{n + 1}@firma.example.no"}],
                                "Contact": {"ContactId": contact["ContactId"]}}, at=clock())
        contacts.append(contact)
    keys = []
    for n in range(products):
        key = f"SKU-{5000 + n}"
        records.create(PRODUCT, {"ERPProductKey": key, "Code": key, "Name": f"Vare {n + 1}", "UnitListPrice": 100.0 + n,
                                 "UnitCost": 40.0, "VAT": 25.0}, at=clock())
        keys.append(key)
    for n in range(orders if contacts and keys else 0):
        sale = records.create(SALE, {"Heading": f"Salg {n + 1}", "Status": "Open", "Saledate": "2024-05-01T00:00:00",
                                     "Contact": {"ContactId": contacts[n % len(contacts)]["ContactId"]}}, at=clock())
        quote_sale(quotes, sale["SaleId"], [("Tilbud", [(keys[n % len(keys)], 1 + n % 5, 0.0)])], 0, False, clock)
    return {"contacts": customers, "persons": customers, "products": products, "sales": orders if contacts and keys else 0}


def load(emulator, entity: str, bodies: list[dict[str, Any]]) -> list[dict]:
    """Fixture records in the API's own shape; `entity` is a collection (contacts) or an entity name (Contact)."""
    kind = KINDS.get(entity.lower()) or next((k for k in KINDS.values() if k.store == entity), None)
    if kind is None:
        raise ValueError(f"the SuperOffice sandbox loads contacts, persons, sales or products, not {entity}")
    return [emulator.records.create(kind, body) for body in bodies]
