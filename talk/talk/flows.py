"""The documented flows and the creation policy they imply."""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from . import mapping
from .policies import Policies, Policy, parse_all

BUILTIN = Path(__file__).parent / "flows.yml"


@dataclass(frozen=True)
class Flow:
    name: str
    title: str
    source: str
    destination: str
    entities: tuple[dict, ...]
    document: str = ""
    policies: tuple[tuple[str, Policy], ...] = ()  # owner policies of this pair (policies.py)

    def talk_entities(self) -> set[str]:
        source = mapping.load(self.source)
        return {source.entities[e["source"]].talk for e in self.entities if e["source"] in source.entities}


@lru_cache(maxsize=None)
def _raw(path: str | None = None) -> dict:
    return yaml.safe_load(Path(path or os.environ.get("TALK_FLOWS") or BUILTIN).read_text())


def load(path: str | None = None) -> dict[str, Flow]:
    return {
        name: Flow(name=name, title=spec["title"], source=spec["source"], destination=spec["destination"],
                   entities=tuple(spec["entities"]), document=spec.get("document", ""),
                   policies=tuple(parse_all(spec.get("policies")).items()))
        for name, spec in _raw(path)["flows"].items()
    }


def policies(overrides: dict | None = None) -> Policies:
    """The owner policies a pipeline applies: every flow's, the pair's flow's, then `overrides`
    (a target's `policies` setting)."""
    per_pair: dict[frozenset, dict] = {}
    for flow in load().values():
        per_pair.setdefault(frozenset((flow.source, flow.destination)), {}).update(dict(flow.policies))
    return Policies(parse_all(_raw().get("policies")), per_pair, parse_all(overrides))


def creates(source: str, destination: str, talk_entity: str, create_from: list[str] | None = None) -> bool:
    """May a record new in `source` be created in `destination`?

    `create_from` (a target setting) overrides the documented flows: a list of source systems,
    or `system:entity` pairs, whose new records this destination creates.
    """
    if create_from is not None:
        return source in create_from or f"{source}:{talk_entity}" in create_from
    return any(
        f.source == source and f.destination == destination and talk_entity in f.talk_entities()
        for f in load().values()
    )
