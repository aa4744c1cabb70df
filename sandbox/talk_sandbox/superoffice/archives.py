"""Archive providers: the rows behind `GET /Contact`, `/Person`, `/Sale`, `/Product` and
`/Archive/{provider}`, with the provider's camelCase columns.

Column lists are the subset the sandbox models of SuperOffice's providers (SimpleContact,
SimplePerson, FindSale, Product, QuoteLine); the exact lists are not published in the Swagger
specs. Values are raw: ids as numbers, dates as SuperOffice writes them (UTC, no offset), so a
filter like `category oneOf (1,3)` compares ids.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlencode

from ..common.documents import DocumentStore
from . import odata, quotes
from .entities import CONTACT, PERSON, PRODUCT, SALE
from .errors import SoError


def _first(doc: dict, field: str) -> str:
    return (doc.get(field) or [{}])[0].get("Value", "")


def _ref(doc: dict, field: str, id_field: str) -> int:
    return (doc.get(field) or {}).get(id_field, 0)


def contact_row(doc: dict, store: DocumentStore) -> dict:
    return {
        "contactId": doc["ContactId"], "name": doc["Name"], "department": doc["Department"], "orgnr": doc["OrgNr"],
        "number1": doc["Number1"], "number2": doc["Number2"], "category": _ref(doc, "Category", "Id"),
        "business": _ref(doc, "Business", "Id"), "countryId": _ref(doc, "Country", "CountryId"),
        "email": _first(doc, "Emails"), "phone": _first(doc, "Phones"), "url": _first(doc, "Urls"),
        "postAddress/city": doc["Address"]["Postal"]["City"], "postAddress/zip": doc["Address"]["Postal"]["Zipcode"],
        "registered": doc["CreatedDate"], "updatedDate": doc["UpdatedDate"], "deleted": bool(doc["Deleted"]),
    }


def person_row(doc: dict, store: DocumentStore) -> dict:
    return {
        "personId": doc["PersonId"], "firstname": doc["Firstname"], "middleName": doc["MiddleName"],
        "lastname": doc["Lastname"], "fullName": doc["FullName"], "title": doc["Title"],
        "contactId": _ref(doc, "Contact", "ContactId"), "personEmail": _first(doc, "Emails"),
        "mobilePhone": _first(doc, "MobilePhones"), "personDirectPhone": _first(doc, "OfficePhones"),
        "retired": doc["Retired"], "personRegisteredDate": doc["CreatedDate"], "personUpdatedDate": doc["UpdatedDate"],
    }


def sale_row(doc: dict, store: DocumentStore) -> dict:
    return {
        "saleId": doc["SaleId"], "heading": doc["Heading"], "amount": doc["Amount"], "status": doc["Status"],
        "saledate": doc["Saledate"], "probability": doc["Probability"], "number": doc["Number"],
        "currency": (doc.get("Currency") or {}).get("Value", ""), "contactId": _ref(doc, "Contact", "ContactId"),
        "personId": _ref(doc, "Person", "PersonId"), "registered": doc["CreatedDate"], "updatedDate": doc["UpdatedDate"],
    }


def product_row(doc: dict, store: DocumentStore) -> dict:
    return {
        "productId": doc["ProductId"], "erpProductKey": doc["ERPProductKey"], "code": doc["Code"], "name": doc["Name"],
        "description": doc["Description"], "unitListPrice": doc["UnitListPrice"], "unitCost": doc["UnitCost"],
        "vat": doc["VAT"], "inStock": doc["InStock"], "inAssortment": doc["InAssortment"],
        "priceUnit": doc["PriceUnit"], "quantityUnit": doc["QuantityUnit"],
        "registered": doc.get("_created", ""), "updatedDate": doc.get("_updated", ""),
    }


def quote_line_row(doc: dict, store: DocumentStore) -> dict:
    return {
        "quoteLineId": doc["QuoteLineId"], "quoteAlternativeId": doc["QuoteAlternativeId"],
        "erpProductKey": doc["ERPProductKey"], "rank": doc["Rank"], "quantity": doc["Quantity"], "name": doc["Name"],
        "description": doc["Description"], "code": doc["Code"], "quantityUnit": doc["QuantityUnit"],
        "priceUnit": doc["PriceUnit"], "vatInfo": doc["VATInfo"], "vat": doc["VAT"], "unitCost": doc["UnitCost"],
        "unitListPrice": doc["UnitListPrice"], "discountPercent": doc["DiscountPercent"],
        "discountAmount": doc["DiscountAmount"], "subTotal": doc["SubTotal"], "totalPrice": doc["TotalPrice"],
        "registered": doc.get("_created", ""), "updatedDate": doc.get("_updated", ""),
    }


@dataclass(frozen=True)
class Provider:
    name: str
    entity: str          # EntityName in each row
    key: str             # the primary key column
    collection: str      # the document collection the rows come from
    row: Callable[[dict, DocumentStore], dict]
    blank: Callable[[], dict]  # an empty document: the columns when there are no rows

    def columns(self, store: DocumentStore) -> list[str]:
        return list(self.row(self.blank(), store))


PROVIDERS = {
    "simplecontact": Provider("SimpleContact", "contact", "contactId", CONTACT.store, contact_row, CONTACT.blank),
    "simpleperson": Provider("SimplePerson", "person", "personId", PERSON.store, person_row, PERSON.blank),
    "findsale": Provider("FindSale", "sale", "saleId", SALE.store, sale_row, SALE.blank),
    "product": Provider("Product", "product", "productId", PRODUCT.store, product_row, PRODUCT.blank),
    "quoteline": Provider("QuoteLine", "quoteLine", "quoteLineId", quotes.LINES, quote_line_row, quotes.blank_line),
}
# The entity list endpoints and their providers.
ENTITY_PROVIDERS = {"Contact": "simplecontact", "Person": "simpleperson", "Sale": "findsale", "Product": "product"}
ALIASES = {"contact": "simplecontact", "person": "simpleperson", "sale": "findsale", "simplesale": "findsale",
           "quotelines": "quoteline"}


def provider(name: str) -> Provider:
    found = PROVIDERS.get(ALIASES.get(name.lower(), name.lower()))
    if found is None:
        raise SoError(404, "SoNotFoundException", f"Archive provider {name} not found")
    return found


def answer(source: Provider, store: DocumentStore, params: dict[str, str], api_base: str, path: str,
           next_links: bool) -> dict:
    """The OData envelope for one page of a provider's rows."""
    params = {key.lower(): value for key, value in params.items()}
    rows = [source.row(doc, store) for doc in store.all(source.collection)]
    columns = source.columns(store)
    if params.get("$filter", "").strip():
        test = odata.FilterParser(params["$filter"], columns).parse()
        rows = [row for row in rows if test(row)]
    rows.sort(key=lambda row: row[source.key])
    if params.get("$orderby", "").strip():
        rows = odata.order(rows, params["$orderby"], columns)
    skip = odata.query_int(params, "$skip") or 0
    top = odata.query_int(params, "$top")
    page = rows[skip: skip + top if top is not None else None]
    selected = _selection(params.get("$select", ""), columns)
    value = [{"PrimaryKey": str(row[source.key]), "EntityName": source.entity, **{c: row[c] for c in selected}}
             for row in page]
    next_link = None
    if next_links and top is not None and skip + top < len(rows):
        query = {**{k: v for k, v in params.items() if k != "$skip"}, "$skip": str(skip + top)}
        next_link = f"{api_base}/{path}?{urlencode(query)}"
    return {"odata.metadata": f"{api_base}/archive$metadata", "odata.nextLink": next_link, "value": value}


def _selection(select: str, columns: list[str]) -> list[str]:
    if not select.strip():
        return columns
    known = {column.lower(): column for column in columns}
    chosen = []
    for name in (part.strip() for part in select.split(",") if part.strip()):
        if name.lower() not in known:
            raise SoError(400, "ArgumentException", f"$select names an unknown column '{name}'.")
        chosen.append(known[name.lower()])
    return chosen
