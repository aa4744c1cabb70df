"""Writing Talk-model records into one destination system: find or create, merge, link.

This is the write path every target shares; a target only supplies its `SystemClient`.
Per record:
1. validate against the Talk model; a bad record is rejected with its reasons;
2. find the destination record: by link, else (first contact) by external reference, then
   by match keys in an index of the destination read once per run;
3. if there is none, create it (only where a flow creates from that source), external
   reference set to the global id so a run killed after the create finds it again;
4. if there is one, fetch its present state, merge field by field against the shadows
   (a change in the destination that we have not seen is never overwritten) and write only
   the properties that differ;
5. commit the link and both shadows in one transaction.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime
from typing import Any

import jsonschema

from . import flows, merge, model
from .client import SystemClient
from .http import ApiError
from .mapping import EntityMapping, SystemMapping, load as load_mapping
from .matching import match_keys
from .paths import get_path, set_path
from .rejects import RejectLog
from .store import IdentityStore
from .transforms import MappingError

log = logging.getLogger("talk.sync")

PROGRESS_EVERY = 250  # records between progress lines in the target's log


class StoreLinks:
    """Link look-ups for transforms, against the store, cached for the run."""

    def __init__(self, store: IdentityStore):
        self.store = store
        self.native_cache: dict[tuple, str | None] = {}

    def global_id_for(self, system: str, talk_entity: str, native_id: str, stream: str | None) -> str | None:
        streams = [stream] if stream else [e.stream for e in load_mapping(system).for_talk(talk_entity)]
        for name in streams:
            found = self.store.global_id(system, name, native_id)
            if found:
                return found
        return None

    def native_id_for(self, system: str, talk_entity: str, global_id: str, key: str | None,
                      stream: str | None = None) -> str | None:
        cache_key = (system, talk_entity, global_id, key, stream)
        if cache_key not in self.native_cache:
            link = self.store.link_for(system, talk_entity, global_id)
            value = None
            if link and stream not in (None, link.entity):
                link = None
            if link:
                value = link.extra.get(key) if key else link.native_id
            self.native_cache[cache_key] = value
        return self.native_cache[cache_key]

    def related(self, system: str, global_id: str, prop: str) -> str | None:
        """A property of the record as `system` holds it (from its shadow): e.g. the
        organisation of a contact person."""
        shadow = self.store.shadow(global_id, system) or {}
        return shadow.get(prop)

    def forget(self, system: str, talk_entity: str, global_id: str) -> None:
        for key in [k for k in self.native_cache if k[:3] == (system, talk_entity, global_id)]:
            del self.native_cache[key]


def _parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.now().astimezone().tzinfo)


class Syncer:
    def __init__(self, system: str, client: SystemClient, store: IdentityStore, rejects: RejectLog,
                 dry_run: bool = False, create_from: list[str] | None = None):
        self.system = system
        self.client = client
        self.store = store
        self.rejects = rejects
        self.dry_run = dry_run
        self.create_from = create_from
        self.mapping: SystemMapping = load_mapping(system)
        self.links = StoreLinks(store)
        self.indexes: dict[str, dict[str, dict]] = {}
        # counts[(source system, talk entity)][outcome]
        self.counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.validators = {e: jsonschema.Draft7Validator(model.schema(e)) for e in model.ENTITIES}
        self.processed = 0

    # -- entry point --------------------------------------------------------------------------
    def sync(self, talk_entity: str, record: dict) -> str:
        source = record.get("source") or {}
        tally = self.counts[(source.get("system", "?"), talk_entity)]
        problems = self.validate(talk_entity, record)
        if problems:
            self.reject(talk_entity, record, "; ".join(problems), stage="schema")
            tally["rejected"] += 1
            return "rejected"
        try:
            outcome = self._sync(talk_entity, record)
        except (ApiError, MappingError) as exc:
            self.reject(talk_entity, record, str(exc), stage="destination" if isinstance(exc, ApiError) else "mapping")
            outcome = "rejected"
        tally[outcome] += 1
        self.processed += 1
        if self.processed % PROGRESS_EVERY == 0:
            log.info("%s: %d records processed so far: %s", self.system, self.processed, self.progress())
        return outcome

    def progress(self) -> str:
        totals: dict[str, int] = defaultdict(int)
        for counts in self.counts.values():
            for outcome, n in counts.items():
                totals[outcome] += n
        return ", ".join(f"{n} {outcome}" for outcome, n in sorted(totals.items()) if n)

    def validate(self, talk_entity: str, record: dict) -> list[str]:
        problems = [
            f"{'.'.join(map(str, error.absolute_path)) or 'record'}: {error.message}"
            for error in self.validators[talk_entity].iter_errors(record)
        ]
        return problems + model.REQUIRED[talk_entity](record)

    def reject(self, talk_entity: str, record: dict, reason: str, stage: str) -> None:
        self.rejects.add(stage=stage, system=self.system, stream=talk_entity, reason=reason,
                         record_id=record.get("id"), source=record.get("source"), record=record)

    # -- the write path ------------------------------------------------------------------------
    def _sync(self, talk_entity: str, record: dict) -> str:
        g = record["id"]
        source = record["source"]
        link = self.store.link_for(self.system, talk_entity, g)
        first_contact = link is None
        if link:
            entity = self.mapping.entities[link.entity]
            current = self.client.fetch(entity.stream, link.native_id)
            if current is None:
                # Deleted in the destination: we never delete, and we do not resurrect either.
                log.warning("%s %s was deleted in %s; not recreated", talk_entity, link.native_id, self.system)
                return "skipped"
        else:
            entity = self._entity_for_new(talk_entity, record)
            if entity is None:
                return "skipped"
            current = self._find_existing(entity, record)
            if current is None:
                if not flows.creates(source["system"], self.system, talk_entity, self.create_from):
                    return "skipped"
                return self._create(entity, record)
            other = self.store.global_id(self.system, entity.stream, entity.native_id(current))
            if other and other != g:
                taken = self.store.link_for(source["system"], talk_entity, other)
                if taken is not None:
                    # Two records of the source match one destination record (a contact person
                    # with its organisation's e-mail, say): they stay two, and this one waits
                    # for a person to decide.
                    raise MappingError(
                        f"matches {self.system} {entity.stream} {entity.native_id(current)}, which is already linked "
                        f"to {source['system']} {taken.entity} {taken.native_id}; give one of them another "
                        f"e-mail / number, or link them by hand")
                if not self.dry_run:
                    # The destination record already belongs to another global id: same thing, one identity.
                    self.store.merge_identities(g, other)
                    record = {**record, "id": other}
                    g = other
        return self._update(entity, record, current, first_contact)

    def _entity_for_new(self, talk_entity: str, record: dict) -> EntityMapping | None:
        for entity in self.mapping.for_talk(talk_entity):
            if entity.create and entity.accepts(record):
                return entity
        return None

    def _find_existing(self, entity: EntityMapping, record: dict) -> dict | None:
        index = self._index(entity)
        found = index.get(f"ref:{record['id']}")
        if found is None:
            for key in match_keys(entity.talk, record):
                if key in index:
                    found = index[key]
                    break
        if found is None:
            return None
        return self.client.fetch(entity.stream, entity.native_id(found)) or found

    def _index(self, entity: EntityMapping) -> dict[str, dict]:
        """External reference and match keys of every destination record, read once per run."""
        if entity.stream not in self.indexes:
            index: dict[str, dict] = {}
            for native in self.client.index(entity.stream):
                if entity.external_reference and get_path(native, entity.external_reference):
                    index.setdefault(f"ref:{get_path(native, entity.external_reference)}", native)
                talk = entity.to_talk(native, self.links)
                for key in match_keys(entity.talk, talk):
                    index.setdefault(key, native)
            self.indexes[entity.stream] = index
        return self.indexes[entity.stream]

    def _create(self, entity: EntityMapping, record: dict) -> str:
        native = entity.to_native(record, self.links)
        if entity.external_reference:
            native[entity.external_reference] = record["id"]
        if self.dry_run:
            log.info("dry run: would create %s %s in %s", entity.talk, record["id"], self.system)
            return "created"
        body: dict = {}
        for path, value in native.items():
            set_path(body, path, value)
        stored = self.client.create(entity.stream, body)
        self._commit(entity, record, stored, new_link=True, source_shadow=self.store.shadow(record["id"], record["source"]["system"]))
        return "created"

    def _update(self, entity: EntityMapping, record: dict, current: dict, first_contact: bool) -> str:
        g = record["id"]
        source = record["source"]
        destination_talk = entity.to_talk(current, self.links)
        properties = [p for p in model.properties(entity.talk) if p in entity.outbound_properties()]
        incoming_time = _parse_time(record.get("updated_at") or source.get("updated_at"))
        destination_time = _parse_time(entity.native_updated_at(current))
        source_shadow = self.store.shadow(g, source["system"])
        merged, pending = merge.merge(
            properties,
            incoming=record,
            incoming_shadow=source_shadow,
            destination=destination_talk,
            destination_shadow=None if first_contact else self.store.shadow(g, self.system),
            incoming_is_newer=bool(incoming_time and (destination_time is None or incoming_time >= destination_time)),
        )
        changes = entity.changes(merged, current, self.links)
        if first_contact and entity.external_reference and not get_path(current, entity.external_reference):
            changes[entity.external_reference] = g
        outcome = "linked" if first_contact else "updated" if changes else "unchanged"
        if self.dry_run:
            return "updated" if changes else outcome
        if changes:
            current = self.client.update(entity.stream, entity.native_id(current), changes, current)
        self._commit(entity, record, current, new_link=first_contact, source_shadow=source_shadow, pending=pending)
        return outcome

    def _commit(self, entity: EntityMapping, record: dict, stored: dict, new_link: bool,
                source_shadow: dict | None, pending: set[str] = frozenset()) -> None:
        """Link, and the two shadows: what the destination now holds, and what the source holds
        plus the properties still pending for it (changed here, not yet carried back)."""
        g = record["id"]
        source = record["source"]
        # The source's own link: the mapper resolved it but leaves storing it to the write
        # that makes it true.
        link_rows = [dict(system=source["system"], entity=source["entity"], native_id=source["id"],
                          global_id=g, talk_entity=entity.talk)]
        if new_link:
            extra = {key: get_path(stored, path) for key, path in entity.link_extra.items()}
            link_rows.append(dict(system=self.system, entity=entity.stream, native_id=entity.native_id(stored),
                                  global_id=g, talk_entity=entity.talk, extra=extra))
            self.links.forget(self.system, entity.talk, g)
        stored_talk = entity.to_talk(stored, self.links)
        incoming = {p: record.get(p) for p in model.properties(entity.talk) if p in record}
        still_pending = {p for p in (source_shadow or {}).get(merge.PENDING, ()) if not merge.same(incoming.get(p), stored_talk.get(p))}
        owed = set(pending) | still_pending | set(record.get("stale") or ())
        if owed:
            incoming[merge.PENDING] = sorted(owed)
        shadow_rows = [
            dict(global_id=g, system=self.system, talk_entity=entity.talk, data=stored_talk,
                 native_updated_at=entity.native_updated_at(stored)),
            dict(global_id=g, system=source["system"], talk_entity=entity.talk, data=incoming,
                 native_updated_at=source.get("updated_at")),
        ]
        keys = [(entity.talk, key, g) for key in match_keys(entity.talk, stored_talk)]
        self.store.commit_sync(link_rows=link_rows, shadow_rows=shadow_rows, match_rows=keys)
