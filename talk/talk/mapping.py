"""Mapping files: one YAML file per system, read inbound by the mapper and outbound by targets.

A mapping file reads like the property tables of the flow documents: each rule pairs a Talk
property with one or more native paths of the system's records (as its tap emits them), with
an optional transform from `transforms.py`. See docs/mappings.md for the format.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from . import model, systems
from .paths import get_parts, get_path, set_path
from .transforms import TRANSFORMS, Context, Links, MappingError, normalise_id

BUILTIN_DIR = Path(__file__).parent / "mappings"  # the mapping files of the systems Talk ships


def user_dirs() -> list[Path]:
    """User mapping directories (TALK_MAPPING_DIRS, os.pathsep-separated): a file there wins over
    the one its system registers."""
    return [Path(p) for p in os.environ.get("TALK_MAPPING_DIRS", "").split(os.pathsep) if p]


def mapping_dirs() -> list[Path]:
    """Where mapping files are looked for: the user's directories, then the folders of the
    files the installed systems register (talk.systems)."""
    registered = [s.mapping_path().parent for s in systems.registered().values()]
    return list(dict.fromkeys([*user_dirs(), *registered]))


@dataclass
class Rule:
    talk: str
    native: list[str]
    transform: str = "text"
    params: dict = field(default_factory=dict)
    when: str | None = None  # "person" / "organisation": applies only to that kind of customer
    direction: str = "both"  # both, in (native -> Talk only), out (Talk -> native only)
    native_type: str = "string"
    published: list[str] = field(default_factory=list)  # names in the original product's tables
    items: list["Rule"] = field(default_factory=list)  # for list properties (order lines)
    # What the destination accepts (max_length, min, max, required): a value outside is
    # rejected before any request, naming the property and the limit.
    limits: dict = field(default_factory=dict)
    native_parts: list[list[str]] = field(default_factory=list, repr=False)
    _readers: dict = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.native_parts = [path.split(".") for path in self.native]

    def reader(self, system: str, links: Links | None) -> tuple[Any, Context]:
        """The inbound transform and its context, built once per links object (hot path)."""
        key = id(links)
        if key not in self._readers:
            self._readers[key] = (TRANSFORMS[self.transform][0], self.context(system, links, None))
        return self._readers[key]

    @classmethod
    def parse(cls, raw: dict) -> "Rule":
        native = raw.get("native", [])
        return cls(
            talk=raw["talk"],
            native=[native] if isinstance(native, str) else list(native),
            transform=raw.get("transform", "text"),
            params=raw.get("params", {}),
            when=raw.get("when"),
            direction=raw.get("direction", "both"),
            native_type=raw.get("type", "string"),
            published=list(raw.get("published", [])),
            items=[cls.parse(item) for item in raw.get("items", [])],
            limits=dict(raw.get("limits", {})),
        )

    def applies(self, talk_record: dict) -> bool:
        return self.when is None or talk_record.get("kind") == self.when

    def context(self, system: str, links: Links | None, current: dict | None) -> Context:
        return Context(system=system, links=links, current=current, params=self.params, native_type=self.native_type)


@dataclass
class EntityMapping:
    system: str
    stream: str
    talk: str
    label: str
    labels: dict[str, str]
    id_path: str
    updated_at: str | None
    external_reference: str | None
    match: list[str]
    create: bool
    rules: list[Rule]
    join: dict[str, dict]
    link_extra: dict[str, str]
    requires: dict[str, Any]
    # Records of this entity are read out of another stream's records (a guest order's buyer
    # out of the order): {stream: ..., when: {native path: value}}.
    read_from: dict[str, Any] = field(default_factory=dict)
    id_normalise: str | None = None  # "email": ids that are e-mail addresses compare case-blind
    # Records the mapper leaves out of every flow (`talk check-webshop`'s test records): native
    # path -> {prefix: text}; see ignored().
    ignore: dict[str, dict] = field(default_factory=dict)
    _inbound_rules: list[Rule] | None = field(default=None, repr=False)
    line_rules: tuple | None = field(default=None, repr=False)  # lines.line_rule's answer, once found

    def native_id(self, record: dict) -> str | None:
        value = get_path(record, self.id_path)
        return None if value is None else normalise_id(value, self.id_normalise)

    def native_updated_at(self, record: dict) -> str | None:
        return get_path(record, self.updated_at) if self.updated_at else None

    def accepts(self, talk_record: dict) -> bool:
        """Whether a new Talk record belongs in this native entity (contact persons need an
        organisation; an order cancelled before it was ever synced is not created in an ERP).
        `requires` maps a property to `present`, `absent` or `not <value>`."""
        for prop, expected in self.requires.items():
            value = talk_record.get(prop)
            if expected == "present" and value is None:
                return False
            if expected == "absent" and value is not None:
                return False
            if str(expected).startswith("not ") and value == str(expected)[4:]:
                return False
        return True

    def ignored(self, record: dict) -> str | None:
        """Why no flow syncs this record, or None: a value at one of the `ignore` rule's paths
        starts with its prefix (external_reference "talk-check-...": a conformance check's test
        record, which must not become a customer in the ERP)."""
        for path, condition in self.ignore.items():
            value = get_path(record, path)
            if isinstance(value, str) and value.startswith(condition["prefix"]):
                return f"{path} {value!r} starts with {condition['prefix']!r}"
        return None

    def reads(self, stream: str, record: dict) -> bool:
        """Whether a record of `stream` also holds a record of this (derived) entity."""
        if self.read_from.get("stream") != stream:
            return False
        return all(get_path(record, path) == value for path, value in (self.read_from.get("when") or {}).items())

    # -- inbound -------------------------------------------------------------------------------
    def to_talk(self, record: dict, links: Links | None) -> dict:
        """Several inbound rules may read one property: the first that finds a value wins
        (an order's customer, else its guest buyer)."""
        talk: dict[str, Any] = {}
        for rule in self.inbound_rules:
            if rule.when is not None and talk.get("kind") != rule.when:
                continue
            if talk.get(rule.talk) is not None:
                continue
            talk[rule.talk] = self._read(rule, record, links)
        return talk

    def stale_properties(self, record: dict, talk: dict) -> list[str]:
        """Properties that one record holds in several native places that disagree (a Shopify
        variant price edited by hand, our price metafield not): the record is out of step with
        itself, so the next write to this system must set them all again. The places are a
        rule's paths, or those of several rules that read and write one property (a price
        converted from VAT-inclusive beside one that is not)."""
        groups: dict[str, list[Rule]] = {}
        for rule in self.inbound_rules:
            if not rule.items and rule.talk in talk and (len(rule.native_parts) > 1 or rule.direction == "both"):
                groups.setdefault(rule.talk, []).append(rule)
        stale = []
        for prop, rules in groups.items():
            if sum(len(rule.native_parts) for rule in rules) < 2:
                continue
            values = set()
            try:
                for rule in rules:
                    inbound, ctx = rule.reader(self.system, None)
                    ctx.record = record
                    values |= {inbound(get_parts(record, parts), ctx) for parts in rule.native_parts}
            except MappingError:
                continue
            if len(values) > 1:
                stale.append(prop)
        return stale

    @property
    def inbound_rules(self) -> list[Rule]:
        if self._inbound_rules is None:
            self._inbound_rules = [rule for rule in self.rules if rule.direction != "out"]
        return self._inbound_rules

    def _read(self, rule: Rule, record: dict, links: Links | None) -> Any:
        if rule.items:
            return self.read_items(rule, get_path(record, rule.native[0]) or [], links)
        inbound, ctx = rule.reader(self.system, links)
        ctx.record = record  # a transform may read beside its value (a price, its VAT rate)
        if not rule.native_parts:
            return inbound(None, ctx)
        for parts in rule.native_parts:
            try:
                value = inbound(get_parts(record, parts), ctx)
            except MappingError as exc:
                raise MappingError(f"{self.stream}.{'.'.join(parts)}: {exc}") from None
            if value is not None:
                return value
        return None

    def read_items(self, rule: Rule, rows: list[dict], links: Links | None) -> list[dict]:
        """Native rows of a list rule (order lines read on their own) in Talk form."""
        return [self._read_item(rule, row, links) for row in rows]

    def _read_item(self, rule: Rule, row: dict, links: Links | None) -> dict:
        return {
            item.talk: self._read(item, row, links)
            for item in rule.items
            if item.direction != "out"
        }

    # -- outbound ------------------------------------------------------------------------------
    def to_native(self, talk: dict, links: Links | None, current: dict | None = None) -> dict[str, Any]:
        """Native path -> value for every outbound rule that applies to this record."""
        values: dict[str, Any] = {}
        for rule in self.rules:
            if rule.direction == "in" or not rule.applies(talk):
                continue
            if rule.items:
                values[rule.native[0]] = [self._write_item(rule, line, links) for line in talk.get(rule.talk) or []]
                continue
            outbound = TRANSFORMS[rule.transform][1]
            ctx = rule.context(self.system, links, current)
            ctx.record = talk
            try:
                value = outbound(talk.get(rule.talk), ctx)
            except MappingError as exc:
                raise type(exc)(f"{rule.talk}: {exc}") from None
            if value is None and rule.params.get("skip_empty"):
                continue
            check_limits(self.system, rule, value)
            for path in rule.native:
                values[path] = value
        return values

    def _write_item(self, rule: Rule, line: dict, links: Links | None) -> dict:
        row: dict[str, Any] = {}
        for item in rule.items:
            if item.direction == "in":
                continue
            outbound = TRANSFORMS[item.transform][1]
            ctx = item.context(self.system, links, None)
            ctx.record = line
            try:
                value = outbound(line.get(item.talk), ctx)
            except MappingError as exc:
                raise type(exc)(f"{rule.talk}.{item.talk}: {exc}") from None
            if value is None and item.params.get("skip_empty"):
                continue  # a new line has no native id yet: the API gives it one
            check_limits(self.system, item, value)
            for path in item.native:
                set_path(row, path, value)
        return row

    def changes(self, talk: dict, current: dict, links: Links | None) -> dict[str, Any]:
        """Native path -> value for each outbound property whose native value differs from
        what `current` holds. Values are compared in their normalised Talk form, so '100' and
        100.0 are the same price and no write is made for a difference of notation."""
        desired = self.to_native(talk, links, current)
        changes: dict[str, Any] = {}
        by_path = {path: rule for rule in self.rules if rule.direction != "in" for path in rule.native}
        for path, value in desired.items():
            rule = by_path[path]
            if not self._same(rule, get_path(current, path), value, links):
                changes[path] = value
        return changes

    def _same(self, rule: Rule, current: Any, desired: Any, links: Links | None) -> bool:
        if rule.items:
            have = [self._normal_item(rule, row) for row in current or []]
            want = [self._normal_item(rule, row) for row in desired or []]
            return have == want
        if isinstance(current, list) or isinstance(desired, list):
            current, desired = current or [], desired or []  # no tags and an empty list of tags are the same
        try:
            return self._normal(rule, current, links) == self._normal(rule, desired, links)
        except MappingError:
            return False

    def _normal_item(self, rule: Rule, row: dict) -> dict:
        out = {}
        for item in rule.items:
            if item.direction == "in":
                continue
            for path in item.native:
                value = get_path(row, path)
                try:
                    out[path] = self._normal(item, value, None)
                except MappingError:
                    out[path] = value
        return out

    def _normal(self, rule: Rule, value: Any, links: Links | None) -> Any:
        """A native value in comparable form: ids and tags as strings (their transforms look
        things up rather than normalise), everything else through its inbound transform."""
        if rule.transform in ("link", "line_id", "constant", "kind_tag"):
            if isinstance(value, list):
                return sorted(map(str, value))
            return None if value is None else str(value)
        return TRANSFORMS[rule.transform][0](value, rule.context(self.system, links, None))

    def inbound_properties(self) -> set[str]:
        return {rule.talk for rule in self.rules if rule.direction != "out"}

    def outbound_properties(self) -> set[str]:
        return {rule.talk for rule in self.rules if rule.direction != "in"}


class RefusedValue(MappingError):
    """A value the destination would refuse (its mapping's `limits`): rejected before any request."""


def check_limits(system: str, rule: Rule, value: Any) -> None:
    limits = rule.limits
    if not limits:
        return
    where = f"{rule.talk} ({system} {rule.native[0] if rule.native else rule.talk})"
    if value is None or value == "":
        if limits.get("required"):
            raise RefusedValue(f"{where}: {system} requires a value")
        return
    if "max_length" in limits and len(str(value)) > limits["max_length"]:
        raise RefusedValue(f"{where}: {len(str(value))} characters; {system} takes at most {limits['max_length']}")
    for bound, word in (("min", "at least"), ("max", "at most")):
        if bound in limits:
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise RefusedValue(f"{where}: {value!r} is not a number") from None
            if (number < limits[bound]) if bound == "min" else (number > limits[bound]):
                raise RefusedValue(f"{where}: {value}; {system} takes {word} {limits[bound]}")


@dataclass
class SystemMapping:
    system: str
    title: str
    entities: dict[str, EntityMapping]

    def for_stream(self, stream: str) -> EntityMapping | None:
        return self.entities.get(stream)

    def for_talk(self, talk_entity: str) -> list[EntityMapping]:
        return [e for e in self.entities.values() if e.talk == talk_entity]

    def derived_from(self, stream: str) -> list[EntityMapping]:
        """Entities whose records are read out of `stream`'s records (see EntityMapping.read_from)."""
        return [e for e in self.entities.values() if e.read_from.get("stream") == stream]

    def joined_streams(self) -> dict[str, tuple[EntityMapping, dict]]:
        """Child stream -> (parent entity, join spec): streams the mapper folds into a parent."""
        return {
            spec["stream"]: (entity, {"into": into, **spec})
            for entity in self.entities.values()
            for into, spec in entity.join.items()
        }

    def inbound_properties(self, talk_entity: str) -> set[str]:
        out: set[str] = set()
        for entity in self.for_talk(talk_entity):
            out |= entity.inbound_properties()
        return out


def parse(raw: dict) -> SystemMapping:
    system = raw["system"]
    entities = {}
    for stream, spec in raw["entities"].items():
        talk = spec["talk"]
        if talk not in model.FIELDS:
            raise MappingError(f"{system}/{stream}: unknown Talk entity {talk!r}")
        rules = [Rule.parse(r) for r in spec.get("fields", [])]
        for rule in rules:
            if rule.talk not in model.FIELDS[talk]:
                raise MappingError(f"{system}/{stream}: {rule.talk!r} is not a property of a Talk {talk}")
            if rule.transform not in TRANSFORMS:
                raise MappingError(f"{system}/{stream}: unknown transform {rule.transform!r}")
        entities[stream] = EntityMapping(
            system=system,
            stream=stream,
            talk=talk,
            label=spec.get("label", stream),
            labels=spec.get("labels", {}),
            id_path=spec.get("id", "id"),
            updated_at=spec.get("updated_at"),
            external_reference=spec.get("external_reference"),
            match=spec.get("match", []),
            create=spec.get("create", True),
            rules=rules,
            join=spec.get("join", {}),
            link_extra=spec.get("link_extra", {}),
            requires=spec.get("requires", {}),
            read_from=spec.get("read_from", {}),
            id_normalise=spec.get("id_normalise"),
            ignore=parse_ignore(f"{system}/{stream}", spec.get("ignore") or {}),
        )
    return SystemMapping(system=system, title=raw.get("title", system), entities=entities)


def parse_ignore(where: str, raw: dict) -> dict[str, dict]:
    """An entity's `ignore` rule, checked when the file is read: a typo must not let test
    records through unnoticed."""
    if not isinstance(raw, dict):
        raise MappingError(f"{where}: ignore must map native paths to {{prefix: text}}, got {raw!r}")
    for path, condition in raw.items():
        prefix = condition.get("prefix") if isinstance(condition, dict) and set(condition) == {"prefix"} else None
        if not isinstance(prefix, str) or not prefix:
            raise MappingError(f"{where}: ignore.{path} must be {{prefix: <text>}}, got {condition!r}")
    return dict(raw)


@lru_cache(maxsize=None)
def load(system: str) -> SystemMapping:
    """The system's mapping: SYSTEM.yml in a TALK_MAPPING_DIRS directory, else the file the system
    registers (talk.systems)."""
    candidates = [directory / f"{system}.yml" for directory in user_dirs()]
    if system in systems.registered():
        candidates.append(systems.get(system).mapping_path())
    for path in candidates:
        if path.exists():
            return parse(yaml.safe_load(path.read_text()))
    where = ", ".join(map(str, candidates)) or f"no TALK_MAPPING_DIRS directory, and no installed system is named {system!r}"
    raise MappingError(f"no mapping file for system {system!r} (looked in: {where})")


def available_systems() -> list[str]:
    """Systems with a mapping file: the installed ones and those of the TALK_MAPPING_DIRS directories."""
    names = set(systems.registered())
    for directory in user_dirs():
        names |= {p.stem for p in directory.glob("*.yml")}
    return sorted(names)
