"""Sync rules as pure functions: what changed, how two sides merge, what needs syncing."""
from __future__ import annotations

from typing import Any, Callable, Iterable, NamedTuple

from .policies import BOTH, FROM_DESTINATION, FROM_SOURCE, NEITHER


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def changed(current: dict, shadow: dict | None, properties: Iterable[str]) -> set[str]:
    """Properties whose value differs from the last known state (all of them without one)."""
    if shadow is None:
        return {p for p in properties if not _empty(current.get(p))}
    return {p for p in properties if p in current and not same(current.get(p), shadow.get(p))}


PENDING = "_pending"
PENDING_AT = "_pending_at"  # property -> when the owed value changed where it came from


class Conflict(NamedTuple):
    """Both sides changed one property since the last sync; `winner` is "source" or
    "destination" and `why` says by which rule."""
    prop: str
    source_value: Any
    destination_value: Any
    winner: str
    why: str


class Merged(NamedTuple):
    record: dict
    pending: set[str]  # properties the destination changed: owed to the source
    conflicts: list[Conflict]


def merge(
    properties: Iterable[str],
    incoming: dict,
    incoming_shadow: dict | None,
    destination: dict,
    destination_shadow: dict | None,
    incoming_is_newer: bool,
    modes: dict[str, str] | None = None,
    newer: Callable[[str], bool | None] | None = None,
    removes: Iterable[str] = (),
) -> Merged:
    """Field-level merge of a source record into the destination's current state.

    Returns the merged record, the properties whose value came from the destination because
    the destination changed them (those are pending for the source: the reverse pipeline
    carries them back), and the conflicts it decided.

    Each property's owner policy (`modes`, see policies.py) comes first: one the destination
    owns is never written, one the source owns takes the source's change and otherwise stays
    as the destination has it, one not synced between the two is left alone. A two-way
    property:
    - only the source changed it since the last sync: the source's value;
    - only the destination changed it: the destination's value;
    - both changed it: a value beats an empty one, else the newer change of that property
      (`newer(prop)`, where Talk knows when each side changed it; else the newer record);
    - neither changed it: the destination's value, unless an earlier run marked it pending for
      the destination (an edit made elsewhere that has not reached it yet). Two systems may
      legitimately show one fact differently (an order line's title), and an unchanged record
      must not be rewritten for that.
    - first contact (no shadow of the destination yet): the source's value, but a value in
      the destination is never blanked out.
    A list of items with ids (an order's lines) merges item by item (`merge_items`); `removes`
    names such properties whose items removed in the source are removed in the destination.
    """
    result = dict(destination)
    from_destination: set[str] = set()
    conflicts: list[Conflict] = []
    pending = set((destination_shadow or {}).get(PENDING, ()))
    modes = modes or {}
    for prop in properties:
        if prop not in incoming:
            continue
        mode = modes.get(prop, BOTH)
        if mode == NEITHER:
            continue
        ours, theirs = incoming.get(prop), destination.get(prop)
        if mode != FROM_DESTINATION and itemised(ours) and itemised(theirs):
            items = merge_items(
                ours, (incoming_shadow or {}).get(prop) if incoming_shadow is not None else None, theirs,
                destination_shadow.get(prop) if destination_shadow is not None else None,
                prop, incoming_is_newer, mode, prop in removes, (lambda _p: newer(prop)) if newer else None)
            result[prop] = items.items
            conflicts += items.conflicts
            if items.owed:
                from_destination.add(prop)
            continue
        if destination_shadow is None:
            if mode == FROM_DESTINATION or (_empty(ours) and not _empty(theirs)):
                if mode != FROM_SOURCE and not same(ours, theirs):
                    from_destination.add(prop)
            else:
                result[prop] = ours
            continue
        source_changed = (not _empty(ours)) if incoming_shadow is None else not same(ours, incoming_shadow.get(prop))
        source_changed = source_changed or prop in pending  # a change made elsewhere, owed here
        destination_changed = not same(theirs, destination_shadow.get(prop))
        if source_changed and destination_changed and not same(ours, theirs):
            take_ours, why = _decide(prop, ours, theirs, mode, incoming_is_newer, newer)
            conflicts.append(Conflict(prop, ours, theirs, "source" if take_ours else "destination", why))
        elif mode == FROM_DESTINATION:
            take_ours = False
        else:
            take_ours = source_changed
        if take_ours:
            result[prop] = ours
        elif mode == FROM_DESTINATION or (destination_changed and mode != FROM_SOURCE):
            # The owner's value is owed to a source that shows another (an edit made there
            # is undone by the next pipeline from the owner).
            from_destination.add(prop)
    return Merged(result, {p for p in from_destination if not same(result.get(p), incoming.get(p))}, conflicts)


def itemised(value: Any) -> bool:
    """A list whose items have their own identity (order lines with their global ids)."""
    return isinstance(value, list) and bool(value) and all(isinstance(x, dict) and x.get("id") for x in value)


class MergedItems(NamedTuple):
    items: list[dict]
    owed: bool  # the destination holds item changes the source has not seen
    conflicts: list[Conflict]  # `prop` names the item and its property: "lines[SKU-1].quantity"


def merge_items(incoming: list[dict], incoming_shadow: list | None, destination: list[dict],
                destination_shadow: list | None, name: str, incoming_is_newer: bool, mode: str = BOTH, remove: bool = False,
                newer: Callable[[str], bool | None] | None = None) -> MergedItems:
    """Order lines, line by line (each has its global id in every system):
    - a line both sides hold merges property by property, as a record does (`merge`): a quantity
      edited on one side and a price on the other both survive; a property both changed is a
      conflict, decided and recorded;
    - a line new in the source is added; one the destination added since the last sync stays
      and is owed to the source;
    - a line the source removed since its last sync is removed here only when the policy says
      so (`remove`); one the destination removed stays removed (and the removal is owed to the
      source, where the same policy applies).
    Shadows from before lines had ids carry none: their lines count as first contact."""
    ours_before = _by_id(incoming_shadow)
    theirs_before = _by_id(destination_shadow)
    theirs = {line["id"]: line for line in destination}
    incoming_ids = {line["id"] for line in incoming}
    properties = list(dict.fromkeys(k for line in incoming + destination for k in line if k != "id"))
    items: list[dict] = []
    owed = False
    conflicts: list[Conflict] = []
    for line in incoming:
        g = line["id"]
        if g in theirs:
            merged = merge(properties, line, ours_before.get(g) if ours_before is not None else None, theirs[g],
                           theirs_before.get(g) if theirs_before is not None else None, incoming_is_newer,
                           {p: mode for p in properties}, newer)
            items.append({**merged.record, "id": g})
            owed = owed or bool(merged.pending)
            label = line.get("sku") or theirs[g].get("sku") or g
            conflicts += [c._replace(prop=f"{name}[{label}].{c.prop}") for c in merged.conflicts]
        elif theirs_before is not None and g in theirs_before:
            owed = owed or remove  # removed here since the last sync: it does not come back
        else:
            items.append(line)  # new in the source
    for line in destination:
        g = line["id"]
        if g in incoming_ids:
            continue
        if ours_before is not None and g in ours_before:
            if not remove:
                items.append(line)  # the source removed it; the policy keeps it here
        else:
            items.append(line)  # added here since the last sync (or here before Talk linked the order)
            owed = owed or mode == BOTH
    return MergedItems(items, owed, conflicts)


def _by_id(items: list | None) -> dict[str, dict] | None:
    if items is None:
        return None
    return {item["id"]: item for item in items if isinstance(item, dict) and item.get("id")}


def _decide(prop: str, ours: Any, theirs: Any, mode: str, incoming_is_newer: bool,
            newer: Callable[[str], bool | None] | None) -> tuple[bool, str]:
    """Both sides changed `prop`: whether the source's value wins, and why."""
    if mode == FROM_SOURCE:
        return True, "the source owns it"
    if mode == FROM_DESTINATION:
        return False, "the destination owns it"
    if _empty(ours) != _empty(theirs):
        return not _empty(ours), "a value beats an empty one"
    known = newer(prop) if newer else None
    if known is not None:
        return known, f"the newer change of {prop}"
    return incoming_is_newer, "the newer record (when each side changed this property is not known)"


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
