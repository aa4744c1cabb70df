"""The Custom Webshop API's optional first-contact filters and how each compares a record's
value with the one asked for (docs/customwebshop-api.md, "Finding a record on first contact"):
one rule for the reference emulator, the webshop client and `talk check-webshop`."""
from __future__ import annotations


def organisation_number(value: str) -> str:
    """Letters and digits only, upper case: "923 456 789" and "923456789" are one number."""
    return "".join(ch for ch in value if ch.isalnum()).upper()


# list -> filter parameter -> the form both sides are compared in.
MATCH_FILTERS = {
    "customers": {"email": lambda value: value.strip().lower(), "organisation_number": organisation_number},
    "products": {"sku": lambda value: value.strip().upper()},
}


def matches(entity: str, parameter: str, record: dict, value: str) -> bool:
    """Whether `record` is one the filter `parameter=value` lists."""
    form = MATCH_FILTERS[entity][parameter]
    held = record.get(parameter)
    return isinstance(held, str) and form(held) == form(value)
