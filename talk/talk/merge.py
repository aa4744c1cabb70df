"""Sync rules as pure functions: what changed, how two sides merge, what needs syncing."""
from __future__ import annotations

from typing import Any, Iterable


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def changed(current: dict, shadow: dict | None, properties: Iterable[str]) -> set[str]:
    """Properties whose value differs from the last known state (all of them without one)."""
    if shadow is None:
        return {p for p in properties if not _empty(current.get(p))}
    return {p for p in properties if p in current and not same(current.get(p), shadow.get(p))}


PENDING = "_pending"


def merge(
    properties: Iterable[str],
    incoming: dict,
    incoming_shadow: dict | None,
    destination: dict,
    destination_shadow: dict | None,
    incoming_is_newer: bool,
) -> tuple[dict, set[str]]:
    """Field-level merge of a source record into the destination's current state.

    Returns the merged record and the properties whose value came from the destination
    because the destination changed them (those are pending for the source: the reverse
    pipeline carries them back).

    - a property only the source changed since the last sync takes the source's value;
    - a property only the destination changed keeps the destination's value;
    - a property both changed goes to the newer side, except that a value beats an empty one;
    - a property neither changed keeps the destination's value, unless an earlier run marked
      it pending for the destination (an edit made elsewhere that has not reached it yet).
      Two systems may legitimately show one fact differently (an order line's title), and
      an unchanged record must not be rewritten for that.
    - first contact (no shadow of the destination yet): the source's value, but a value in
      the destination is never blanked out.
    """
    result = dict(destination)
    from_destination: set[str] = set()
    pending = set((destination_shadow or {}).get(PENDING, ()))
    for prop in properties:
        if prop not in incoming:
            continue
        ours, theirs = incoming.get(prop), destination.get(prop)
        if destination_shadow is None:
            if _empty(ours) and not _empty(theirs):
                from_destination.add(prop)
            else:
                result[prop] = ours
            continue
        source_changed = (not _empty(ours)) if incoming_shadow is None else not same(ours, incoming_shadow.get(prop))
        destination_changed = not same(theirs, destination_shadow.get(prop))
        if source_changed and destination_changed:
            if _empty(ours) != _empty(theirs):
                take_ours = not _empty(ours)
            else:
                take_ours = incoming_is_newer
        elif source_changed or prop in pending:
            take_ours = True
        else:
            take_ours = False
        if take_ours:
            result[prop] = ours
        elif destination_changed:
            from_destination.add(prop)
    return result, {p for p in from_destination if not same(result.get(p), incoming.get(p))}


def needs_sync(record: dict, shadows: dict[str, dict], system: str, properties: Iterable[str]) -> bool:
    """Whether a record read from `system` must go through the pipeline: it changed there since
    the last sync (or was never synced), or an earlier run left a change pending elsewhere."""
    own = shadows.get(system)
    if own is None or changed(record, own, properties):
        return True
    return any(shadow.get(PENDING) for other, shadow in shadows.items() if other != system)


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
