"""The Talk model: the one shape every system's records are mapped into and out of.

Records are flat on purpose: field-level merge, shadows and echo checks compare one property
at a time, and a flat record makes "which property changed" a dictionary difference. The only
nested value is an order's `lines`: each line has its own global id, is linked to its native
line in every system, and merges line by line and property by property (lines.py).
"""
from __future__ import annotations

from typing import Any

NULLABLE_STRING = {"type": ["string", "null"]}
MONEY = {"type": ["string", "null"], "pattern": r"^-?\d+\.\d{2}$", "description": "decimal amount, 2 places"}
VAT_RATE = {"type": ["string", "null"], "pattern": r"^0\.\d{2,}$",
            "description": "VAT rate as a fraction (\"0.25\" for 25 %); none: the default rate (a setting)"}

SOURCE = {
    "type": "object",
    "description": "where this record came from: system, native entity (stream), native id, change time",
    "properties": {
        "system": {"type": "string"},
        "entity": {"type": "string"},
        "id": {"type": "string"},
        "updated_at": NULLABLE_STRING,
    },
    "required": ["system", "entity", "id"],
}

COMMON = {
    "id": {"type": "string", "description": "Talk global id, shared by every linked native record"},
    "source": SOURCE,
    "changed": {
        "type": "array",
        "items": {"type": "string"},
        "description": "properties the source changed since the last sync (all, on first contact)",
    },
    "updated_at": NULLABLE_STRING,
    "stale": {
        "type": "array",
        "items": {"type": "string"},
        "description": "properties the source holds in several places that disagree; rewritten there next time",
    },
    "retry_for": {
        "type": "array",
        "items": {"type": "string"},
        "description": "re-sent from the retry queue for these destination systems only (a record "
                       "that did not sync there on an earlier run); every other target ignores it",
    },
    "settled": {
        "type": "boolean",
        "description": "unchanged since the last sync; sent only because a flow creates it in a system "
                       "that has no record for it yet (a target that has one leaves it alone)",
    },
}

CUSTOMER_FIELDS: dict[str, Any] = {
    "kind": {"type": ["string", "null"], "enum": ["person", "organisation", None]},
    "first_name": NULLABLE_STRING,
    "last_name": NULLABLE_STRING,
    "name": {**NULLABLE_STRING, "description": "organisation name"},
    "email": {"type": ["string", "null"], "pattern": r"^[^@\s]+@[^@\s]+\.[^@\s]+$"},
    "phone": NULLABLE_STRING,
    "organisation_number": NULLABLE_STRING,
    "organisation_id": {**NULLABLE_STRING, "description": "global id of the organisation a contact person belongs to"},
    "website": NULLABLE_STRING,
    "currency": NULLABLE_STRING,
    "address_line1": NULLABLE_STRING,
    "address_line2": NULLABLE_STRING,
    "address_zip": NULLABLE_STRING,
    "address_city": NULLABLE_STRING,
    "address_country": {"type": ["string", "null"], "pattern": "^[A-Z]{2}$"},
    "archived": {"type": ["boolean", "null"]},
}

PRODUCT_FIELDS: dict[str, Any] = {
    "sku": NULLABLE_STRING,
    "name": NULLABLE_STRING,
    "description": NULLABLE_STRING,
    "gtin": NULLABLE_STRING,
    "price": {**MONEY, "description": "sales price excluding VAT"},
    "vat_rate": VAT_RATE,
    "cost_price": MONEY,
    "stock": {"type": ["integer", "null"]},
    "archived": {"type": ["boolean", "null"]},
}

ORDER_LINE = {
    "type": "object",
    "properties": {
        "id": {**NULLABLE_STRING, "description": "global id of the line, shared by its native line in every system"},
        "product_id": NULLABLE_STRING,
        "sku": NULLABLE_STRING,
        "description": NULLABLE_STRING,
        "quantity": {"type": ["number", "null"]},
        "unit_price": MONEY,
        "vat_rate": VAT_RATE,
        "discount_percent": {"type": ["number", "null"]},
    },
}

ORDER_FIELDS: dict[str, Any] = {
    "number": NULLABLE_STRING,
    "customer_id": NULLABLE_STRING,
    "contact_id": NULLABLE_STRING,
    "date": NULLABLE_STRING,
    "currency": {"type": ["string", "null"], "pattern": "^[A-Z]{3}$"},
    "status": NULLABLE_STRING,
    "reference": {**NULLABLE_STRING, "description": "the customer's purchase order number"},
    "net_amount": MONEY,
    "total_amount": MONEY,
    "lines": {"type": ["array", "null"], "items": ORDER_LINE},
}

FIELDS: dict[str, dict[str, Any]] = {
    "customer": CUSTOMER_FIELDS,
    "product": PRODUCT_FIELDS,
    "order": ORDER_FIELDS,
}

# What must hold for a record to be written anywhere (checked by the target; a record that
# fails is rejected with these reasons).
REQUIRED = {
    "customer": lambda r: (
        ["a person needs a first or last name"]
        if r.get("kind") == "person" and not (r.get("first_name") or r.get("last_name"))
        else ["an organisation needs a name"]
        if r.get("kind") == "organisation" and not r.get("name")
        else []
    ),
    "product": lambda r: [] if r.get("sku") or r.get("name") else ["a product needs a SKU or a name"],
    "order": lambda r: [] if r.get("customer_id") else ["an order needs a customer"],
}

# Values each system computes itself (order numbers, totals): read, shown, never written and
# never compared across systems, since each system derives them by its own rules.
DERIVED: dict[str, set[str]] = {"customer": set(), "product": set(), "order": {"number", "net_amount", "total_amount"}}

ENTITIES = tuple(FIELDS)


def schema(entity: str) -> dict:
    """JSON schema of a Talk-model stream."""
    return {
        "type": "object",
        "properties": {**COMMON, **FIELDS[entity]},
        "required": ["id", "source"],
    }


def properties(entity: str) -> list[str]:
    return list(FIELDS[entity])


# The mapper's counts for the target (records it dropped as unchanged or rejected), so that the
# target's run summary covers the whole pipeline.
STATS_STREAM = "talk_stats"
STATS_SCHEMA = {
    "type": "object",
    "properties": {
        "source": {"type": "string"}, "entity": {"type": "string"},
        "unchanged": {"type": "integer"}, "rejected": {"type": "integer"},
    },
}


def describe(talk_entity: str, record: dict) -> str:
    """A record as a person knows it: a customer by name and e-mail, a product by SKU and name,
    an order by number."""
    if talk_entity == "customer":
        name = (record.get("kind") == "organisation" and record.get("name")) or " ".join(
            p for p in (record.get("first_name"), record.get("last_name")) if p)
        parts = [name, f"<{record['email']}>" if record.get("email") else "",
                 f"org. no. {record['organisation_number']}" if record.get("organisation_number") else ""]
    elif talk_entity == "product":
        parts = [f"SKU {record['sku']}" if record.get("sku") else "", f"'{record['name']}'" if record.get("name") else ""]
    else:
        number = record.get("number") or record.get("reference")
        lines = len(record.get("lines") or [])
        parts = [f"order {number}" if number else f"order {record.get('id')}", f"({lines} line{'' if lines == 1 else 's'})"]
    return " ".join(p for p in parts if p) or str(record.get("id"))
