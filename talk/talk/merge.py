"""Sync rules as pure functions: what changed, how two sides merge, when a record is settled."""
from __future__ import annotations

from typing import Any, Iterable


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def changed(current: dict, shadow: dict | None, properties: Iterable[str]) -> set[str]:
    """Properties whose value differs from the last known state (all of them without one)."""
    if shadow is None:
        return {p for p in properties if not _empty(current.get(p))}
    return {p for p in properties if p in current and not same(current.get(p), shadow.get(p))}


def merge(
    properties: Iterable[str],
    incoming: dict,
    incoming_shadow: dict | None,
    destination: dict,
    destination_shadow: dict | None,
    incoming_is_newer: bool,
) -> dict:
    """Field-level merge of a source record into the destination's current state.

    - a property only the destination changed since the last sync keeps the destination's value;
    - a property both changed goes to the newer side, except that a value beats an empty one;
    - every other property takes the incoming value, so changes that are still on their way
      (pending from an earlier run in the other direction) are carried along.
    Properties the source does not map are left as the destination has them.
    """
    properties = [p for p in properties if p in incoming]
    source_changed = changed(incoming, incoming_shadow, properties) if incoming_shadow is not None else set(properties)
    dest_changed = (
        changed(destination, destination_shadow, properties) if destination_shadow is not None else set()
    )
    result = dict(destination)
    for prop in properties:
        theirs, ours = destination.get(prop), incoming.get(prop)
        if prop in dest_changed and prop not in source_changed:
            result[prop] = theirs
        elif prop in dest_changed and prop in source_changed:
            if _empty(ours) != _empty(theirs):
                result[prop] = theirs if _empty(ours) else ours
            else:
                result[prop] = ours if incoming_is_newer else theirs
        elif destination_shadow is None and _empty(ours) and not _empty(theirs):
            # First contact with a record that already existed: never blank out what it holds.
            result[prop] = theirs
        else:
            result[prop] = ours
    return result


def same(a: Any, b: Any) -> bool:
    """Equal for sync purposes: lists of items (order lines) compare on the item properties
    both sides carry, since systems read different details of a line."""
    if isinstance(a, list) and isinstance(b, list) and all(isinstance(x, dict) for x in a + b):
        if len(a) != len(b):
            return False
        for x, y in zip(a, b):
            common = x.keys() & y.keys()
            if any(x[k] != y[k] for k in common):
                return False
        return True
    return a == b


def settled(record: dict, shadows: dict[str, dict], comparable: dict[str, set[str]]) -> bool:
    """True when every system linked to this record holds what the record says (on the
    properties both map), i.e. forwarding it would change nothing anywhere."""
    for system, shadow in shadows.items():
        for prop in comparable.get(system, ()):
            if prop in record and not same(record.get(prop), shadow.get(prop)):
                return False
    return True
