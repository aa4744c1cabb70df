"""The record shape tap-woocommerce emits (and target-woocommerce reads and writes).

Two changes to what the API returns, both so that mapping paths stay simple and exact:
- `meta_data` (a list of {id, key, value}) becomes `meta`, an object {key: value} of the
  public (not `_`-prefixed) scalar entries: `meta.talk_global_id` is then a path like any other.
- `*_gmt` timestamps get their `+00:00`: WooCommerce sends them without an offset, and a
  timestamp without one would be read as local time by anything comparing change times.
The site-local `date_created` / `date_modified` stay as the API sends them.

Two record kinds are shaped further, the same way for the tap and the target:
- an order's `line_items` hold only real lines (a line with quantity 0 is WooCommerce's way of
  removing one, never a line), and each names what it sold in `sold_id`: the variation when
  the line names one, else the product (WooCommerce's own order items work the same way);
- a variation is a product of its own (its SKU, price and stock): `variation_record` gives it
  its parent's id and a name after its parent ("T-skjorte - Blå, L"), and dates its change by
  the later of its own and its parent's (the name comes from the parent).
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
    if isinstance(record.get("line_items"), list):
        record["line_items"] = [sold(line) for line in record["line_items"] if isinstance(line, dict) and line.get("quantity")]
    return record


def sold(line: dict) -> dict:
    """An order line with `sold_id`: its variation, else its product."""
    return {**line, "sold_id": line.get("variation_id") or line.get("product_id")}


def variation_name(parent_name: str | None, attributes: list | None) -> str | None:
    """A variation's name: its parent's, then its attribute values ("T-skjorte - Blå, L"), as
    WooCommerce titles variations."""
    options = ", ".join(str(a["option"]) for a in attributes or [] if isinstance(a, dict) and a.get("option"))
    return f"{parent_name} - {options}" if parent_name and options else parent_name


def variation_record(raw: dict, parent: dict) -> dict:
    """A variation (as /products/{parent}/variations sends it) as a product record of its own.
    `parent` is the variable product as the API or `to_record` gives it."""
    record = to_record(raw)
    record.update(type="variation", parent_id=parent["id"], name=variation_name(parent.get("name"), raw.get("attributes")))
    parent_changed = gmt(parent.get("date_modified_gmt"))
    if parent_changed and (not record.get("date_modified_gmt") or parent_changed > record["date_modified_gmt"]):
        record["date_modified_gmt"] = parent_changed
    return record


def meta_data(meta: dict) -> list[dict]:
    """`meta` back into the API's list; entries are matched by key on update, so other meta stays."""
    return [{"key": key, "value": value} for key, value in meta.items()]
