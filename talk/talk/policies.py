"""Who owns a property: the owner policy of each Talk property between two systems.

A property is, between a pair of systems,
- `two-way` (the default): an edit on either side reaches the other; when both changed it
  since the last sync, the newest change of that property wins (merge.py);
- owned by one system (`{owner: poweroffice}`): its value flows from the owner to every other
  system and never back; systems that are not the owner do not exchange it among themselves
  (two shops never trade competing stock figures). `{owner: [poweroffice, customwebshop]}`
  names owners in order: the first that holds the record owns it (a webshop's product that
  the ERP does not hold is the webshop's), and a record none of them holds is two-way;
- `not synced`: left alone in both directions.

A list property (an order's `lines`) also says what happens to an item removed on one side:
`{removed: remove}` removes it on the other side too; by default (`keep`) it stays there.
The two combine: `{owner: poweroffice, removed: remove}`.

Quantities that both sides change by transactions (stock) have one owner: a shop's sale
reaches the ERP as an order, and the ERP's available stock flows to the shops.

Policies are declared in flows.yml (`policies:` for every flow, and per flow) and a target's
`policies` setting overrides them for its pipelines: {"product": {"stock": "two-way"}},
{"customer": {"phone": "shopify"}} (an owner) or {"product": {"description": "not synced"}}.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

TWO_WAY = "two-way"
NOT_SYNCED = "not synced"
KEEP, REMOVE = "keep", "remove"

# What a policy means for one pipeline (a value going from `source` to `destination`):
BOTH = "both"                # two-way
FROM_SOURCE = "source"       # the source owns it: its changes win, the destination's stay put
FROM_DESTINATION = "destination"  # the destination owns it: never written there
NEITHER = "neither"          # not synced between these two


@dataclass(frozen=True)
class Policy:
    owners: tuple[str, ...] = ()  # systems in order of ownership; none: two-way
    synced: bool = True
    removed: str = KEEP  # list items (order lines) removed on one side: KEEP or REMOVE on the other

    @classmethod
    def parse(cls, spec: Any) -> "Policy":
        if isinstance(spec, Mapping) and (spec.get("owner") or "removed" in spec):
            removed = spec.get("removed", KEEP)
            if removed not in (KEEP, REMOVE):
                raise ValueError(f"unknown policy for removed items {removed!r}: use {KEEP!r} or {REMOVE!r}")
            owner = spec.get("owner") or ()
            return cls(owners=tuple(owner) if isinstance(owner, (list, tuple)) else (str(owner),), removed=removed)
        if spec in (None, TWO_WAY):
            return cls()
        if spec == NOT_SYNCED:
            return cls(synced=False)
        if isinstance(spec, str) and " " not in spec:  # a setting's short form: the owner's name
            return cls(owners=(spec,))
        raise ValueError(f"unknown owner policy {spec!r}: use {TWO_WAY!r}, {NOT_SYNCED!r} or {{owner: SYSTEM}}")

    def between(self, source: str, destination: str, holders: Callable[[], set[str]] = set) -> str:
        """What the policy means for a value going from `source` to `destination`; `holders`
        gives the systems that hold the record (asked only when an owner comes before both)."""
        if not self.synced:
            return NEITHER
        owner = None
        for system in self.owners:
            if system in (source, destination) or system in holders():
                owner = system
                break
        if owner is None:
            return BOTH
        if owner == source:
            return FROM_SOURCE
        if owner == destination:
            return FROM_DESTINATION
        return NEITHER

    def describe(self) -> str:
        if not self.synced:
            return NOT_SYNCED
        text = f"owned by {', else '.join(self.owners)}" if self.owners else TWO_WAY
        return text + ("; an item removed on one side is removed on the other" if self.removed == REMOVE else "")


def parse_all(raw: Mapping[str, Any] | None) -> dict[str, Policy]:
    """{"product.stock": {owner: poweroffice}, ...} -> {"product.stock": Policy}. The nested
    form {"product": {"stock": ...}} is the same (Meltano passes a setting's dotted keys on
    as nested objects)."""
    policies = {}
    for key, spec in (raw or {}).items():
        if "." not in key and isinstance(spec, Mapping) and "owner" not in spec and "removed" not in spec:
            policies.update(parse_all({f"{key}.{prop}": inner for prop, inner in spec.items()}))
            continue
        if key.count(".") != 1:
            raise ValueError(f"owner policy {key!r}: name it ENTITY.PROPERTY, e.g. product.stock")
        policies[key] = Policy.parse(spec)
    return policies


class Policies:
    """The policies one target applies: the flows' (global, then the pair's flow) under the
    target's own overrides."""

    def __init__(self, every_flow: Mapping[str, Policy], per_pair: Mapping[frozenset, Mapping[str, Policy]],
                 overrides: Mapping[str, Policy] | None = None):
        self.every_flow = every_flow
        self.per_pair = per_pair
        self.overrides = overrides or {}

    def policy(self, talk_entity: str, prop: str, source: str, destination: str) -> Policy:
        key = f"{talk_entity}.{prop}"
        for layer in (self.overrides, self.per_pair.get(frozenset((source, destination)), {}), self.every_flow):
            if key in layer:
                return layer[key]
        return Policy()

    def removes(self, talk_entity: str, prop: str, source: str, destination: str) -> bool:
        """Whether an item of a list property (an order line) removed in `source` is removed in
        `destination` too."""
        return self.policy(talk_entity, prop, source, destination).removed == REMOVE

    def modes(self, talk_entity: str, properties: list[str], source: str, destination: str,
              holders: Callable[[], set[str]] = set) -> dict[str, str]:
        """Property -> BOTH / FROM_SOURCE / FROM_DESTINATION / NEITHER for one pipeline."""
        return {p: self.policy(talk_entity, p, source, destination).between(source, destination, holders)
                for p in properties}
