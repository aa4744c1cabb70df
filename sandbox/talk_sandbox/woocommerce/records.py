"""What every WooCommerce record shares: integer ids, dates in two zones, meta_data, and the
schema checks WordPress runs on a request body before WooCommerce sees it."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from ..common.documents import DocumentStore
from ..poweroffice.records import Counters  # the id sequences are the same problem in every emulator
from . import dates
from .errors import invalid_params

CUSTOMERS, PRODUCTS, VARIATIONS, ORDERS = "customers", "products", "variations", "orders"
# WordPress keeps products, variations and orders as posts: they share one id sequence.
POST_IDS, USER_IDS, META_IDS, LINE_IDS = "post_id", "user_id", "meta_id", "order_item_id"
ID_STARTS = {POST_IDS: 100, USER_IDS: 2, META_IDS: 1000, LINE_IDS: 1}
DECIMAL = re.compile(r"-?\d+(\.\d+)?")

# JSON types WordPress checks per writable field ("money" is a decimal string like "189.00").
TYPE_NAMES = {"string": "string", "money": "string", "integer": "integer", "boolean": "boolean",
              "object": "object", "array": "array", "number": "number"}


def of_type(value: Any, kind: str) -> bool:
    if value is None:
        return kind in ("integer", "number")  # nullable ids and quantities
    return {
        "string": lambda: isinstance(value, str),
        "money": lambda: isinstance(value, str) and (value == "" or bool(DECIMAL.fullmatch(value))),
        "integer": lambda: isinstance(value, int) and not isinstance(value, bool),
        "number": lambda: isinstance(value, (int, float)) and not isinstance(value, bool),
        "boolean": lambda: isinstance(value, bool),
        "object": lambda: isinstance(value, dict),
        "array": lambda: isinstance(value, list),
    }[kind]()


def check_types(body: dict, schema: dict[str, str], prefix: str = "") -> None:
    """Refuse the body the way WordPress does when a field has the wrong JSON type."""
    reasons = {}
    for name, kind in schema.items():
        if name in body and not of_type(body[name], kind):
            label = f"{prefix}{name}"
            reasons[label] = f"{label} is not of type {TYPE_NAMES[kind]}."
    if reasons:
        raise invalid_params(reasons)


def money(value: Any, places: int = 2) -> str:
    """An amount as WooCommerce shows order totals: a string with the shop's decimals."""
    try:
        return f"{Decimal(str(value or 0)):.{places}f}"
    except InvalidOperation:
        return f"{0:.{places}f}"


class Ledger:
    """The shop's store, clock and id sequences, shared by the entity modules."""

    def __init__(self, store: DocumentStore, settings: dict):
        self.store = store
        self.settings = settings
        self.counters = Counters(store)

    @property
    def zone(self):
        return dates.site_zone(self.settings.get("timezone"))

    def next_id(self, sequence: str) -> int:
        return self.counters.next(sequence, ID_STARTS[sequence])

    def keep_id(self, sequence: str, given: Any) -> int:
        """A fixture's own id (the sequence continues after it) or the next one."""
        if given:
            self.counters.at_least(sequence, int(given))
            return int(given)
        return self.next_id(sequence)

    def created(self, record: dict, given: dict, moment: datetime | None = None) -> None:
        """Creation and modification dates; fixtures may bring their own (GMT wins)."""
        moment = moment or dates.now()
        for field in ("date_created", "date_modified"):
            if given.get(f"{field}_gmt") or given.get(field):
                record[field], record[f"{field}_gmt"] = given.get(field), given.get(f"{field}_gmt")
                fill_missing_zone(record, field, self.zone)
            else:
                dates.stamp(record, field, moment, self.zone)

    def modified(self, record: dict) -> None:
        dates.stamp(record, "date_modified", dates.now(), self.zone)

    def meta_data(self, current: list[dict], given: Any) -> list[dict]:
        """WooCommerce's meta_data update: an entry with an id replaces that entry, one with a
        key replaces the first entry of that key (or is added); others stay."""
        check_types({"meta_data": given}, {"meta_data": "array"})
        entries = [dict(entry) for entry in current]
        for item in given:
            if not isinstance(item, dict) or not item.get("key") and not item.get("id"):
                continue
            target = next((e for e in entries if item.get("id") and e["id"] == item["id"]), None)
            target = target or next((e for e in entries if e["key"] == item.get("key")), None)
            if target is None:
                entries.append({"id": self.next_id(META_IDS), "key": item["key"], "value": item.get("value")})
            else:
                target.update({k: item[k] for k in ("key", "value") if k in item})
        return entries


def fill_missing_zone(record: dict, field: str, zone) -> None:
    """A fixture gave only one of date and date_gmt: derive the other."""
    local, gmt = record.get(field), record.get(f"{field}_gmt")
    if gmt and not local:
        dates.stamp(record, field, datetime.fromisoformat(gmt).replace(tzinfo=timezone.utc), zone)
    elif local and not gmt:
        dates.stamp(record, field, datetime.fromisoformat(local).replace(tzinfo=zone), zone)


def merge_address(current: dict, given: Any, name: str) -> dict:
    check_types({name: given}, {name: "object"})
    reasons = {f"{name}[{k}]": f"{name}[{k}] is not of type string." for k, v in given.items() if k in current and not isinstance(v, str)}
    if reasons:
        raise invalid_params(reasons)
    return {**current, **{k: v for k, v in given.items() if k in current}}


def apply_fields(record: dict, body: dict, fields: tuple[str, ...]) -> None:
    for name in fields:
        if name in body:
            record[name] = body[name]
