"""Order lines as identities of their own inside their order.

Each Talk order line has a global id (`id`), linked to its native line in every system that
holds the order (links with talk entity `order_line`, stream as the mapping's `line_id` rule
names it). A line never linked has the id its native id names (`store.new_global_id`), the
same in every run, so a line read in the source and written to a destination is linked there
when the write lands and found again from both sides afterwards.

This module finds a mapping's line rule and pairs native lines that are one line but not
linked yet: on first contact of two orders, and after a write that added lines. Merging lines
is merge.merge_items.
"""
from __future__ import annotations

from typing import Any, Iterable

from .mapping import EntityMapping, Rule
from .paths import get_path
from .transforms import ORDER_LINE


def line_rule(entity: EntityMapping) -> tuple[Rule, Rule] | None:
    """The list rule of an entity's lines and its item rule for the line id, if it has them
    (found once per mapping: every record a target writes asks)."""
    if entity.line_rules is None:
        entity.line_rules = next(((rule, item) for rule in entity.rules for item in rule.items
                                  if item.transform == "line_id" and item.direction != "out"), ())
    return entity.line_rules or None


def native_ids(rule: Rule, id_rule: Rule, native: dict) -> list[str | None]:
    """The native line ids of a native record, in the order its Talk lines are read."""
    ids = []
    for row in get_path(native, rule.native[0]) or []:
        value = get_path(row, id_rule.native[0])
        ids.append(None if value is None or value == "" else str(value))
    return ids


def _same_product(a: dict, b: dict) -> bool:
    for key in ("product_id", "sku", "description"):
        if a.get(key) and b.get(key):
            return a[key] == b[key]
    return False


def pair(wanted: list[dict], present: list[dict], known: Iterable[str] = ()) -> dict[str, str]:
    """Present line id -> wanted line id, for present lines that are a wanted line not linked
    yet: neither side's id is on the other side (nor among `known`, the ids of lines linked
    before), and they are for the same product (else the same text), in order."""
    known = set(known)
    wanted_ids = {line.get("id") for line in wanted}
    present_ids = {line.get("id") for line in present}
    open_present = [line for line in present if line.get("id") not in wanted_ids | known]
    open_wanted = [line for line in wanted if line.get("id") not in present_ids | known]
    pairs: dict[str, str] = {}
    for line in open_wanted:
        for candidate in open_present:
            if candidate["id"] not in pairs and _same_product(line, candidate):
                pairs[candidate["id"]] = line["id"]
                break
    return pairs


def pair_written(wanted: list[dict], stored: list[dict]) -> dict[str, str]:
    """After a write: stored line id -> wanted line id for the lines the write added (they come
    back with ids of their own). By product first, then in order."""
    pairs = pair(wanted, stored)
    paired_wanted = set(pairs.values())
    wanted_ids = {line.get("id") for line in wanted}
    stored_ids = {line.get("id") for line in stored}
    rest_stored = [line for line in stored if line.get("id") not in wanted_ids and line["id"] not in pairs]
    rest_wanted = [line for line in wanted if line.get("id") not in stored_ids and line["id"] not in paired_wanted]
    pairs.update({s["id"]: w["id"] for s, w in zip(rest_stored, rest_wanted)})
    return pairs


def rename(lines: list[dict], pairs: dict[str, str]) -> list[dict]:
    return [{**line, "id": pairs[line["id"]]} if line.get("id") in pairs else line for line in lines]


def link_rows(system: str, rule: Rule, id_rule: Rule, native: dict, talk_lines: list[dict]) -> list[dict[str, Any]]:
    """Links of a record's native lines to their global ids (lines read in the order mapped)."""
    stream = id_rule.params["stream"]
    return [dict(system=system, entity=stream, native_id=native_id, global_id=line["id"], talk_entity=ORDER_LINE)
            for native_id, line in zip(native_ids(rule, id_rule, native), talk_lines)
            if native_id is not None and line.get("id")]
