"""What PowerOffice GO refuses in a customer, contact person, product or sales order: its own
rules (a person needs both names, an address needs City and ZipCode, codes and external
references are unique) and the spec's limits (`limits`). Every refusal is a 400 ProblemDetails."""
from __future__ import annotations

import re
from typing import Any

from ..common.documents import DocumentStore
from . import limits
from .problem import Problem

CUSTOMERS, PRODUCTS, SALES_ORDERS = "customers", "products", "sales_orders"
COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")


def check_address(address: Any, what: str, title: str, kind: str = "contact_address") -> None:
    """An address is optional, but one that is given needs City and ZipCode (the spec's
    ContactAddressPostDto and AddressPostDto require both) and a two-letter CountryCode."""
    if not isinstance(address, dict):
        return
    # A customer created without an address still has a MailAddress (every key null) that a
    # PATCH sends back through here: an address with nothing in it is no address.
    given = any(address.get(k) for k in ("AddressLine1", "AddressLine2", "City", "ZipCode", "CountryCode"))
    limits.check(kind, address, title, f"{what}.", required=given)
    code = address.get("CountryCode")
    if code and not COUNTRY_CODE.match(code):
        raise limits.invalid(title, f"{what}.CountryCode",
                             f"{what}.CountryCode '{code}' is not a valid ISO 3166-1 alpha-2 country code.")


def check_external_reference(store: DocumentStore, entity: str, record: dict, title: str, kind: str) -> None:
    """ExternalImportReference is unique per entity (its length limit is in `limits`)."""
    reference = record.get("ExternalImportReference")
    if reference is None:
        return
    for other in store.all(entity):
        if other.get("ExternalImportReference") == reference and other["Id"] != record.get("Id"):
            raise Problem(
                400, title, f"ExternalImportReference is already in use. '{reference}' is used on ({kind}) Id = {other['Id']}."
            )


def check_customer(store: DocumentStore, customer: dict) -> None:
    title = "Customer validation error(s)"
    if customer.get("IsPerson"):
        if not customer.get("FirstName") or not customer.get("LastName"):
            field = "FirstName" if not customer.get("FirstName") else "LastName"
            raise limits.invalid(title, field, "FirstName and LastName are required when IsPerson is true.")
    elif not customer.get("Name"):
        raise limits.invalid(title, "Name", "Name is required when IsPerson is false.")
    limits.check("customer", customer, title)
    check_address(customer.get("MailAddress"), "MailAddress", title)
    check_external_reference(store, CUSTOMERS, customer, title, "contact")


def check_product(store: DocumentStore, product: dict) -> None:
    title = "Product validation error(s)"
    limits.check("product", product, title)
    code = product.get("Code")
    if code:
        for other in store.all(PRODUCTS):
            if other.get("Code") == code and other["Id"] != product.get("Id"):
                raise Problem(400, title, f"Product code '{code}' is already in use on product Id = {other['Id']}.")


def check_contact_person(person: dict) -> None:
    title = "Contact person validation error(s)"
    limits.check("contact_person", person, title)
    check_address(person.get("MailAddress"), "MailAddress", title, "person_address")


def check_sales_order(order: dict) -> None:
    title = "Sales order validation error(s)"
    limits.check("sales_order", order, title)
    for index, line in enumerate(order.get("SalesOrderLines") or []):
        limits.check("sales_order_line", line, "Sales order line validation error(s)", f"SalesOrderLines[{index}].")
