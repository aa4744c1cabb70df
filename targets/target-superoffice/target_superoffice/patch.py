"""Talk's changes (dotted native paths -> values) as SuperOffice takes them, in create bodies and
in RFC 6902 JSON Patch documents.

Three kinds of native paths need more than a `replace` of their leaf:
- element lists (`Emails.0.Value`): e-mails, phones and URLs are lists of {Value, Description};
  Talk holds the first. The whole list is written with the first element's value changed, the
  others and each element's Description kept; an empty value removes the first element.
- references and list items (`Contact.ContactId`, `Country.CountryId`): SuperOffice shows a
  carrier (the contact's name, the country's codes) but takes the id. The object is replaced
  by `{id field: id}`, so no stale carrier field is sent back.
- everything else (`Name`, `Address.Postal.City`) is replaced where it is.
"""
from __future__ import annotations

import copy
from typing import Any

from talk.http import ApiError

ELEMENT_LISTS = {"Emails", "Phones", "Urls", "Faxes", "OfficePhones", "MobilePhones", "PrivatePhones"}
REFERENCES = {"Contact": "ContactId", "Person": "PersonId", "Country": "CountryId", "Currency": "Id",
              "Category": "Id", "Business": "Id", "Position": "Id"}


def value_at(record: Any, parts: list[str]) -> Any:
    node = record
    for part in parts:
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def reference(field: str, value: Any) -> dict | None:
    """`{"ContactId": 5}` for a reference's id; None (no reference) for none. An id that is not a
    number is refused here: SuperOffice would answer 400 without saying which value."""
    if value in (None, "", 0, "0"):
        return None
    try:
        return {REFERENCES[field]: int(value)}
    except (TypeError, ValueError):
        raise ApiError(400, f"SuperOffice takes {field} by its numeric {REFERENCES[field]}; Talk has {value!r} "
                            f"(a country outside the mapping's list of CountryIds?)") from None


def first_element(current: list | None, value: Any) -> list[dict]:
    """An element list with its first Value set to `value` (removed when empty)."""
    elements = [dict(e) for e in current or [] if isinstance(e, dict)]
    if value in (None, ""):
        return elements[1:]
    if elements:
        elements[0] = {**elements[0], "Value": value}
        elements[0].pop("StrippedValue", None)  # SuperOffice derives it from the value
        return elements
    return [{"Value": value, "Description": ""}]


def fold(changes: dict[str, Any], current: dict | None) -> dict[str, Any]:
    """Top-level field -> its new value (a whole list or reference), or dotted path -> value for
    nested plain fields."""
    folded: dict[str, Any] = {}
    for dotted, value in changes.items():
        parts = dotted.split(".")
        head = parts[0]
        if head in ELEMENT_LISTS and len(parts) == 3 and parts[1] == "0":
            base = folded.get(head, value_at(current, [head]))
            folded[head] = first_element(base, value)
        elif head in REFERENCES and len(parts) == 2:
            folded[head] = reference(head, value)
        else:
            folded[dotted] = value
    return folded


def body(changes: dict[str, Any]) -> dict:
    """A create body from dotted paths (nothing is there yet)."""
    out: dict = {}
    for key, value in fold(changes, None).items():
        if value is None:
            continue
        parts = key.split(".")
        node = out
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = copy.deepcopy(value)
    return out


def flatten(record: dict, prefix: str = "") -> dict[str, Any]:
    """A create body built by the core (nested, lists as `Emails: [{Value}]`) back into dotted
    paths, so `body` shapes it as SuperOffice takes it."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and key not in REFERENCES:
            out.update(flatten(value, f"{path}."))
        elif isinstance(value, dict):
            out[f"{path}.{REFERENCES[key]}"] = value.get(REFERENCES[key])
        elif isinstance(value, list) and key in ELEMENT_LISTS:
            first = value[0] if value and isinstance(value[0], dict) else {}
            out[f"{path}.0.Value"] = first.get("Value")
        else:
            out[path] = value
    return out


def document(changes: dict[str, Any], current: dict | None) -> list[dict]:
    """JSON Patch operations for `changes` against `current` (the entity as last read)."""
    operations = []
    for key, value in fold(changes, current).items():
        pointer = "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in key.split("."))
        operations.append({"op": "replace", "path": pointer, "value": value})
    return operations
