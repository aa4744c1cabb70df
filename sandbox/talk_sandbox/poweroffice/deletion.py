"""Deleting PowerOffice records: when the v2 API refuses (409, the record is in use) and what
goes along with a deleted record.

The spec documents a 409 "resource is in use and cannot be deleted" on DELETE /Customers/{id}
("links to transactions or other entities") and on DELETE /Products/{id}. The sandbox's links are
sales orders: a customer with sales orders, or a product on a sales order line, is in use.
"""
from __future__ import annotations

from typing import Any

from ..common.documents import DocumentStore
from .records import CONTACT_PERSONS, CUSTOMERS, SALES_ORDERS, Problem


def customer_in_use(store: DocumentStore, id: Any) -> Problem | None:
    if any(str(order.get("CustomerId")) == str(id) for order in store.all(SALES_ORDERS)):
        return Problem(409, "Customer conflict", f"Customer with id = {id} is in use and cannot be deleted.")
    return None


def product_in_use(store: DocumentStore, id: Any) -> Problem | None:
    for order in store.all(SALES_ORDERS):
        if any(str(line.get("ProductId")) == str(id) for line in order.get("SalesOrderLines") or []):
            return Problem(409, "Product conflict", f"Product with id = {id} is in use and cannot be deleted.")
    return None


def delete_customer(store: DocumentStore, id: Any) -> bool:
    """The customer and its contact persons (they belong to the contact and go with it)."""
    if not store.delete(CUSTOMERS, id):
        return False
    for person in list(store.all(CONTACT_PERSONS)):
        if str(person.get("ContactId")) == str(id):
            store.delete(CONTACT_PERSONS, person["Id"])
    return True
