"""The limits PowerOffice GO's v2 OpenAPI spec puts on what a client writes, and the 400 answer
for a body that breaks one.

The table is taken from the spec's write DTOs (named in SPEC_SCHEMAS): every `maxLength`, the
`required` lists and the enums of the fields the emulator stores. The spec has no `minimum` on
these DTOs and no length limit on a customer's Name, so neither is enforced. The spec itself is
not read at run time (the repository must not depend on it); sandbox/tests/test_poweroffice_spec.py
compares this table with the spec whenever the spec is at hand, so the two cannot drift apart.
"""
from __future__ import annotations

from typing import Any

from .problem import Problem

# kind -> the spec's write DTO that the kind's limits come from
SPEC_SCHEMAS = {
    "product": "ProductPostDto",
    "customer": "CustomerPostDto",
    "contact_person": "ContactPersonPostDto",
    "contact_address": "ContactAddressPostDto",
    "person_address": "AddressPostDto",
    "sales_order": "SalesOrderCompletePostDto",
    "sales_order_line": "SalesOrderLinePostDto",
}

MAX_LENGTHS: dict[str, dict[str, int]] = {
    "product": {"Code": 100, "Name": 400},
    "customer": {"ExternalImportReference": 50},
    "contact_person": {"ExternalCode": 50},
    "contact_address": {"AddressLine1": 200, "AddressLine2": 200, "City": 100, "ExternalCode": 50, "ZipCode": 50},
    "person_address": {"AddressLine1": 200, "AddressLine2": 200, "City": 100, "ZipCode": 50},
}

REQUIRED: dict[str, tuple[str, ...]] = {
    "product": ("Name",),
    "contact_person": ("FirstName", "LastName"),
    "contact_address": ("City", "ZipCode"),
    "person_address": ("City", "ZipCode"),
}

# Enums of stored fields (the spec's ProductType, OrderStatus and VoucherLineType schemas).
ENUMS: dict[str, dict[str, tuple[str, ...]]] = {
    "product": {"ProductType": ("Product", "Service")},
    "sales_order": {"SalesOrderStatus": ("Draft", "Confirmed")},
    "sales_order_line": {"LineType": ("Normal", "Text", "Summary", "InvoiceFee", "TotalHours")},
}


def invalid(title: str, field: str, message: str) -> Problem:
    """A 400 that names the field twice: in `detail` for people, in `errors` (ASP.NET's
    validation shape, which ProblemDetails' additional properties allow) for programs."""
    return Problem(400, title, message, errors={field: [message]})


def check(kind: str, record: Any, title: str, prefix: str = "", required: bool = True) -> None:
    """Refuse `record` (a body or a patched DTO) if it breaks one of the spec's limits for `kind`;
    `prefix` names a nested object in the message (`MailAddress.`). `required=False` skips the
    required fields (an address left empty is no address)."""
    if not isinstance(record, dict):
        return
    for field in REQUIRED.get(kind, ()) if required else ():
        if not record.get(field):
            raise invalid(title, prefix + field, f"{prefix}{field} is required.")
    for field, limit in MAX_LENGTHS.get(kind, {}).items():
        value = record.get(field)
        if isinstance(value, str) and len(value) > limit:
            raise invalid(title, prefix + field, f"{prefix}{field} can not be longer than {limit} characters.")
    for field, allowed in ENUMS.get(kind, {}).items():
        value = record.get(field)
        if value is not None and value not in allowed:
            raise invalid(title, prefix + field, f"{prefix}{field} '{value}' is not one of {', '.join(allowed)}.")
