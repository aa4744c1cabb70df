"""The record shape tap-woocommerce emits (and target-woocommerce reads and writes).

Two changes to what the API returns, both so that mapping paths stay simple and exact:
- `meta_data` (a list of {id, key, value}) becomes `meta`, an object {key: value} of the
  public (not `_`-prefixed) scalar entries: `meta.talk_global_id` is then a path like any other.
- `*_gmt` timestamps get their `+00:00`: WooCommerce sends them without an offset, and a
  timestamp without one would be read as local time by anything comparing change times.
The site-local `date_created` / `date_modified` stay as the API sends them.
"""
from __future__ import annotations

from typing import Any

GMT_FIELDS = ("date_created_gmt", "date_modified_gmt", "date_paid_gmt", "date_completed_gmt")


def gmt(value: Any) -> Any:
    if not value or not isinstance(value, str):
        return value
    if value.endswith("Z"):
        return value[:-1] + "+00:00"
    if "+" in value[10:] or value[10:].count("-"):
        return value
    return value + "+00:00"


def to_record(raw: dict) -> dict:
    """An API object (customer, product or order) as a tap record."""
    record = {k: v for k, v in raw.items() if k not in ("meta_data", "_links")}
    for name in GMT_FIELDS:
        if name in record:
            record[name] = gmt(record[name])
    record["meta"] = {
        str(entry.get("key")): entry.get("value")
        for entry in raw.get("meta_data") or []
        if isinstance(entry, dict) and not str(entry.get("key", "_")).startswith("_")
        and (entry.get("value") is None or isinstance(entry.get("value"), (str, int, float, bool)))
    }
    return record


def meta_data(meta: dict) -> list[dict]:
    """`meta` back into the API's list; entries are matched by key on update, so other meta stays."""
    return [{"key": key, "value": value} for key, value in meta.items()]
