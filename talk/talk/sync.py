"""Writing Talk-model records into one destination system: find or create, merge, link.

This is the write path every target shares; a target only supplies its `SystemClient`.
Per record:
1. validate against the Talk model; a bad record is rejected with its reasons;
2. take the identity's locks in this system (global id and match keys, `locks.py`), so no
   other job finds-or-creates it here at the same time;
3. find the destination record: by link, else (first contact) in the store (another job may
   just have linked it), by external reference, then by match keys: looked up with the API's
   own search (a few records new this run), or in an index of the destination read once per
   run (an API that cannot search, or a first sync with many new records);
4. if there is none, create it (only where a flow creates from that source), external
   reference set to the global id so a run killed after the create finds it again; a create
   whose answer was lost is looked for before it is sent again (`lost_answers.py`);
5. if there is one, fetch its present state, merge field by field against the shadows
   (a change in the destination that we have not seen is never overwritten) and write only
   the properties that differ;
6. commit the link and both shadows in one transaction;
7. a rejected record waits in the retry queue (`retry_queue.py`); one that synced leaves it.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import jsonschema

from . import flows, lines, merge, model
from .batch_rows import BatchRows
from .client import NotSearchable, SystemClient
from .http import ApiError, FatalApiError
from .mapping import EntityMapping, SystemMapping, load as load_mapping
from .matching import match_keys
from .paths import get_path, set_path
from .rejects import RejectLog
from .policies import BOTH, FROM_DESTINATION, FROM_SOURCE
from .preview import Preview
from .links import StoreLinks
from .lost_answers import CreateOnce
from .store import UNLINKED, IdentityStore, Link, new_global_id
from .transforms import ORDER_LINE, MappingError

log = logging.getLogger("talk.sync")

PROGRESS_EVERY = 250  # records between progress lines in the target's log
BATCH = 100  # records whose store rows are read together (one query per kind for the batch)
# New records looked up one by one per stream before reading the destination's index once is
# cheaper: a look-up costs one or two requests, the index a page read per 100-250 records.
LOOKUPS_BEFORE_INDEX = 500


class UnreadableAnswer(Exception):
    """The destination answered a read with something that is not the record asked for."""


class DeletedInDestination(MappingError):
    """The linked destination record is gone: a person decides (recreate it, or unlink)."""


# Marks mapper-talk puts on a record for one run only; not kept in the retry queue.
RUN_MARKS = ("settled", "retry_for")


def _parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.now().astimezone().tzinfo)


@dataclass
class Write:
    """One planned write: a create (`body`) or an update (`changes` to `current`), and what
    to record once it is done."""
    entity: EntityMapping
    record: dict
    outcome: str
    new_link: bool
    body: dict | None = None
    current: dict | None = None
    changes: dict = field(default_factory=dict)
    source_shadow: dict | None = None
    destination_shadow: dict | None = None
    pending: set = field(default_factory=set)
    conflicts: list = field(default_factory=list)  # merge.Conflict: recorded with the commit
    lines: list | None = None  # the order lines asked for (Talk form): linked one by one on commit


class Syncer:
    def __init__(self, system: str, client: SystemClient, store: IdentityStore, rejects: RejectLog,
                 dry_run: bool = False, create_from: list[str] | None = None, on_deleted: str = "reject",
                 preview: Preview | None = None, policies: dict | None = None):
        self.system = system
        self.policies = flows.policies(policies)
        self.on_deleted = on_deleted
        self.preview = preview
        # Records of this destination waiting in the retry queue: a record that syncs leaves it.
        self.queued: set[tuple[str, str, str]] = set() if dry_run else {
            (r["source_system"], r["source_entity"], r["source_id"]) for r in store.queue.entries(destination=system, include_dismissed=True)}
        self.client = client
        self.store = store
        self.rejects = rejects
        self.dry_run = dry_run
        self.create_from = create_from
        self.mapping: SystemMapping = load_mapping(system)
        self.links = StoreLinks(store)
        self.once = CreateOnce(client, self._landed)
        self.indexes: dict[str, dict[str, str]] = {}  # stream -> match key / ref: -> native id
        self.lookups: dict[str, int] = defaultdict(int)  # stream -> first-contact look-ups this run
        self.known = BatchRows(store)
        # counts[(source system, talk entity)][outcome]
        self.counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.validators = {e: jsonschema.Draft7Validator(model.schema(e)) for e in model.ENTITIES}
        self.processed = 0
        self.waiting: list[dict] = []  # records waiting for their batch (`submit`)
        self.waiting_entity = ""

    # -- entry points -------------------------------------------------------------------------
    @property
    def batch_size(self) -> int:
        """Records a client writes per request (1: one at a time)."""
        return max(1, int(getattr(self.client, "batch_size", 1) or 1))

    def submit(self, talk_entity: str, record: dict) -> None:
        """Sync a record once its batch is full: `BATCH` records share their store reads (and,
        for a client that writes in batches, its requests). A batch holds one Talk entity:
        customers are linked before the orders that name them."""
        if self.waiting and self.waiting_entity != talk_entity:
            self.flush()
        self.waiting_entity = talk_entity
        self.waiting.append(record)
        if len(self.waiting) >= max(BATCH, self.batch_size):
            self.flush()

    def flush(self) -> None:
        """Write every record still waiting for its batch."""
        records, self.waiting = self.waiting, []
        size = self.batch_size if self.batch_size > 1 else len(records)
        for start in range(0, len(records), max(1, size)):
            self.sync_many(self.waiting_entity, records[start:start + size])

    def sync(self, talk_entity: str, record: dict) -> str:
        return self.sync_many(talk_entity, [record])[0]

    def sync_many(self, talk_entity: str, records: list[dict]) -> list[str]:
        """Sync records of one Talk entity: read their store rows together, then plan each (find,
        merge), write it and link it; a batching client plans the group, writes it in one
        call and links each record that was written."""
        outcomes: list[str | None] = [None] * len(records)
        plans: dict[int, Write] = {}
        valid = []
        for n, record in enumerate(records):
            problems = self.validate(talk_entity, record)
            if problems:
                self.reject(talk_entity, record, "; ".join(problems), stage="schema")
                outcomes[n] = "rejected"
            else:
                valid.append(n)
        # From look-up to link, no other job may find-or-create these identities here.
        with self.store.locks.hold(() if self.dry_run else self._lock_keys(talk_entity, [records[n] for n in valid])):
            self.known.read([records[n]["id"] for n in valid])
            self.links.next_batch()
            present = self._prefetch(talk_entity, [records[n] for n in valid])
            # One at a time, each written and linked before the next is planned (two records of
            # a batch may meet the same destination record); a batching client's group at once.
            groups = [[n] for n in valid] if self.batch_size == 1 else [valid]
            for group in groups:
                for n in group:
                    planned = self._plan_safely(talk_entity, records[n], present)
                    if isinstance(planned, Write):
                        plans[n] = planned
                    else:
                        outcomes[n] = planned
                writes = {n: plans.pop(n) for n in group if n in plans}
                for n, result in self._perform(list(writes.values()), keys=list(writes)):
                    write = writes[n]
                    if isinstance(result, Exception):
                        self._reject_error(talk_entity, write.record, result)
                        outcomes[n] = "rejected"
                        continue
                    self._commit(write, result)
                    outcomes[n] = write.outcome
            self.known.clear()
        self._leave_queue(records, outcomes)
        for record, outcome in zip(records, outcomes):
            source = record.get("source") or {}
            self.counts[(source.get("system", "?"), talk_entity)][outcome] += 1
            self.processed += 1
            if self.processed % PROGRESS_EVERY == 0:
                log.info("%s: %d records processed so far: %s", self.system, self.processed, self.progress())
        return outcomes

    def _plan_safely(self, talk_entity: str, record: dict, present: dict) -> "Write | str":
        try:
            return self._plan(talk_entity, record, present)
        except FatalApiError:
            raise  # wrong credentials, API unreachable: no record can get past it
        except Exception as exc:  # noqa: BLE001 - one record's failure rejects that record only
            self._reject_error(talk_entity, record, exc)
            return "rejected"

    def _lock_keys(self, talk_entity: str, records: list[dict]) -> list[str]:
        keys = []
        for record in records:
            keys.append(f"{self.system}/{talk_entity}/id:{record['id']}")
            keys += [f"{self.system}/{talk_entity}/{key}" for key in match_keys(talk_entity, record)]
        return keys

    def _leave_queue(self, records: list[dict], outcomes: list[str | None]) -> None:
        """Records that synced (or were settled without a write) are off the retry queue."""
        done = []
        for record, outcome in zip(records, outcomes):
            source = record.get("source") or {}
            key = (source.get("system"), source.get("entity"), str(source.get("id")))
            if outcome != "rejected" and key in self.queued:
                done.append(key)
                self.queued.discard(key)
        if done:
            self.store.queue.remove(self.system, done)

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
        record = {k: v for k, v in record.items() if k not in RUN_MARKS}
        self.rejects.add(stage=stage, system=self.system, stream=talk_entity, reason=reason,
                         record_id=record.get("id"), source=record.get("source"), record=record)
        source = record.get("source") or {}
        if self.dry_run or not source.get("system"):
            return  # a preview writes nothing; a record without a source cannot be read again
        self.store.queue.add(destination=self.system, source=source, talk_entity=talk_entity,
                               global_id=record.get("id"), stage=stage, reason=self.rejects.scrub(reason),
                               record=record, label=model.describe(talk_entity, record))
        self.queued.add((source["system"], source["entity"], str(source["id"])))

    def _reject_error(self, talk_entity: str, record: dict, exc: Exception) -> None:
        if isinstance(exc, (ApiError, MappingError)):
            self.reject(talk_entity, record, str(exc), stage="destination" if isinstance(exc, ApiError) else "mapping")
            return
        log.debug("unexpected error for %s %s", talk_entity, record.get("id"), exc_info=True)
        self.reject(talk_entity, record, f"unexpected error: {type(exc).__name__}: {exc}", stage="error")

    # -- planning: find, merge, decide what to write --------------------------------------------
    def _prefetch(self, talk_entity: str, records: list[dict]) -> dict[tuple[str, str], dict]:
        """Present state of the linked destination records of a batch, in one read per stream
        (batching clients only; the single-record path fetches as it goes)."""
        if self.batch_size == 1:
            return {}
        wanted: dict[str, list[str]] = defaultdict(list)
        for record in records:
            link = self.known.link_for(self.system, talk_entity, record["id"])
            if link and not record.get("settled"):
                wanted[link.entity].append(link.native_id)
        present: dict[tuple[str, str], dict | ApiError] = {}
        for stream, ids in wanted.items():
            try:
                for native_id, native in self.client.fetch_many(stream, ids).items():
                    present[(stream, str(native_id))] = native
            except FatalApiError:
                raise
            except ApiError as exc:  # each record of the read is rejected with the reason, as one at a time
                present.update({(stream, str(native_id)): exc for native_id in ids})
        return present

    def _fetch(self, entity: EntityMapping, native_id: str, present: dict) -> dict | None:
        if self.batch_size > 1:
            found = present.get((entity.stream, str(native_id)))
            if isinstance(found, ApiError):
                raise found
            return found
        return self._read(entity, native_id)

    def _plan(self, talk_entity: str, record: dict, present: dict) -> "Write | str":
        g = record["id"]
        source = record["source"]
        link = self.known.link_for(self.system, talk_entity, g)
        first_contact = link is None
        if link and link.extra.get(UNLINKED):
            return "skipped"  # deleted here, and a person chose not to sync it here any more
        if link and record.get("settled"):
            return "unchanged"  # nothing changed, and this system already holds it
        if link:
            entity = self.mapping.entities[link.entity]
            current = self._fetch(entity, link.native_id, present)
            if current is None:
                if self._deleted(talk_entity, record, link) == "skipped":
                    return "skipped"
                link, first_contact = None, True  # recreate: as if it had never been there
        if not link:
            entity = self._entity_for_new(talk_entity, record)
            if entity is None:
                return "skipped"
            creates = flows.creates(source["system"], self.system, talk_entity, self.create_from)
            if not creates and not match_keys(talk_entity, record):
                # Not created here, and nothing but a link could name it here (an order of the
                # reverse pipeline): a record Talk made here from this identity has its link,
                # stored before the create (`_link_sources_first`). No look-up needed.
                return "skipped"
            current = self._find_existing(entity, record)
            if current is None:
                if not creates:
                    return "skipped"
                return self._plan_create(entity, record)
            other = self.store.global_id(self.system, entity.stream, entity.native_id(current))
            if other and other != g:
                taken = self.known.link_for(source["system"], talk_entity, other)
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
                    self.known.forget(g, other)
                    record = {**record, "id": other}
                    g = other
        return self._plan_update(entity, record, current, first_contact)

    def _deleted(self, talk_entity: str, record: dict, link: Link) -> str:
        """The linked record is gone from the destination. By default that waits for a person
        (an open reject saying what to do); `on_deleted` recreates it, or unlinks it (the
        link stays, marked, so no flow creates it there again). Returns "recreate" or "skipped"."""
        where = f"{self.system} {link.entity} {link.native_id}"
        self.known.forget(record["id"])
        if self.on_deleted == "recreate":
            if not self.dry_run:
                self.store.drop_link(self.system, talk_entity, record["id"])
                self.links.forget(self.system, talk_entity, record["id"])
            log.info("%s %s was deleted in %s; creating it again (on_deleted: recreate)",
                     talk_entity, model.describe(talk_entity, record), where)
            return "recreate"
        if self.on_deleted == "unlink":
            if not self.dry_run:
                self.store.unlink(self.system, talk_entity, record["id"])
            log.warning("%s %s was deleted in %s; no longer synced there (on_deleted: unlink)",
                        talk_entity, model.describe(talk_entity, record), where)
            return "skipped"
        raise DeletedInDestination(
            f"was deleted in {where}. Talk never recreates a deleted record on its own: "
            f"`talk rejects --recreate ID` creates it again, `talk rejects --unlink ID` stops syncing it to {self.system} "
            f"(or set on_deleted: recreate | unlink on target-{self.system})")

    def _entity_for_new(self, talk_entity: str, record: dict) -> EntityMapping | None:
        for entity in self.mapping.for_talk(talk_entity):
            if entity.create and entity.accepts(record):
                return entity
        return None

    def _find_existing(self, entity: EntityMapping, record: dict) -> dict | None:
        # Another job may have created and linked this identity since this run read the
        # destination's index: the store knows (this target holds the identity's lock now).
        other = self.store.match(entity.talk, match_keys(entity.talk, record))
        if other and other != record["id"]:
            link = self.store.link_for(self.system, entity.talk, other)
            if link and link.entity == entity.stream:
                found = self._read(entity, link.native_id)
                if found is not None:
                    return found
        native_id = self._look_up(entity, record)
        return self._read(entity, native_id) if native_id is not None else None

    def _look_up(self, entity: EntityMapping, record: dict) -> str | None:
        """The native id of the destination record this one is on first contact: by external
        reference, then by match key. Looked up through the API's search while a run has few
        new records; from an index of the whole destination, read once, when the API cannot
        search or the run is a first sync with many."""
        if not match_keys(entity.talk, record) and not self.known.links_of(record["id"]):
            # Only its external reference could name it here, and only a write of Talk's can have
            # put it there: every create links its source first, so an identity linked nowhere
            # was never written anywhere (a new order). Nothing to look for.
            return None
        if self._searches(entity):
            try:
                return self._search(entity, record)
            except NotSearchable as why:
                log.info("%s %s: %s; reading the whole of it once for first-contact matching (%s)",
                         self.system, entity.stream, why or "the API cannot search it by every match key",
                         model.describe(entity.talk, record))
                self.lookups[entity.stream] = LOOKUPS_BEFORE_INDEX
        index = self._index(entity)
        for key in (f"ref:{record['id']}", f"named:{record['id']}", *match_keys(entity.talk, record)):
            if key in index:
                return index[key]
        return None

    def _searches(self, entity: EntityMapping) -> bool:
        if entity.stream in self.indexes or not hasattr(self.client, "search"):
            return False
        self.lookups[entity.stream] += 1
        if self.lookups[entity.stream] == LOOKUPS_BEFORE_INDEX + 1:
            log.info("%s %s: more than %d new records this run; reading the whole of it once for first-contact "
                     "matching instead of a look-up each", self.system, entity.stream, LOOKUPS_BEFORE_INDEX)
        return self.lookups[entity.stream] <= LOOKUPS_BEFORE_INDEX

    def _search(self, entity: EntityMapping, record: dict) -> str | None:
        """First contact through the API's search: match keys in priority order; the external
        reference only for a record that has no keys (an order), which a created record can
        be found by in no other way. Raises NotSearchable when a key the API cannot search
        might name another record than the one found (or when nothing was found): only the
        index can tell then."""
        g = record["id"]
        keys = match_keys(entity.talk, record)
        if entity.external_reference and not keys:
            found = self.client.find_by_reference(entity.stream, [g]).get(g)
            return str(entity.native_id(found)) if found is not None and entity.native_id(found) is not None else None
        unsearched: list[str] = []
        for key in keys:
            try:
                candidates = self.client.search(entity.stream, key) or ()
            except NotSearchable:
                unsearched.append(key)
                continue
            for candidate in candidates:
                native_id = entity.native_id(candidate)
                if native_id is None:
                    continue
                # The API's search may be broader than the key (a prefix, full text): the
                # candidate must hold the key itself.
                held = match_keys(entity.talk, entity.to_talk(candidate, self.links))
                if key in held:
                    if any(k not in held for k in unsearched):
                        break  # a key of higher priority, not searchable, may name another record
                    return str(native_id)
        if unsearched:
            raise NotSearchable(f"the API cannot search {entity.stream} by {', '.join(sorted({k.split(':')[0] for k in unsearched}))}")
        return None

    def _read(self, entity: EntityMapping, native_id: str) -> dict | None:
        """One destination record, checked: an answer that is not a record of that kind must not
        become an update of record "None"."""
        found = self.client.fetch(entity.stream, native_id)
        if found is not None and (not isinstance(found, dict) or entity.native_id(found) is None):
            raise UnreadableAnswer(f"{self.system} answered the read of {entity.stream} {native_id} with something "
                                   f"that is not a {entity.stream} record: {str(found)[:120]}")
        return found

    def _index(self, entity: EntityMapping) -> dict[str, str]:
        """External reference and match keys of every destination record -> its native id,
        read once per run (only ids are kept: the record is read when it is matched)."""
        if entity.stream not in self.indexes:
            index: dict[str, str] = {}
            for native in self.client.index(entity.stream):
                native_id = entity.native_id(native)
                if native_id is None:
                    continue
                native_id = str(native_id)
                if entity.external_reference and get_path(native, entity.external_reference):
                    index.setdefault(f"ref:{get_path(native, entity.external_reference)}", native_id)
                # The global id its native id names: a record this system gave an identity to
                # (it was the source) before the write that would have linked it was lost.
                index.setdefault(f"named:{new_global_id(self.system, entity.stream, native_id)}", native_id)
                talk = entity.to_talk(native, self.links)
                for key in match_keys(entity.talk, talk):
                    index.setdefault(key, native_id)
            self.indexes[entity.stream] = index
        return self.indexes[entity.stream]

    def _plan_create(self, entity: EntityMapping, record: dict) -> "Write | str":
        native = entity.to_native(record, self.links)
        if entity.external_reference:
            native[entity.external_reference] = record["id"]
        if self.dry_run:
            self.links.plan(self.system, entity.talk, record["id"])
            self._preview("create", entity, record)
            return "created"
        body: dict = {}
        for path, value in native.items():
            set_path(body, path, value)
        return Write(entity, record, outcome="created", new_link=True, body=body,
                     source_shadow=self.known.shadow(record["id"], record["source"]["system"]),
                     lines=self._lines_of(entity, record))

    def _plan_update(self, entity: EntityMapping, record: dict, current: dict, first_contact: bool) -> "Write | str":
        g = record["id"]
        source = record["source"]
        destination_talk = entity.to_talk(current, self.links)
        destination_shadow = None if first_contact else self.known.shadow(g, self.system)
        self._pair_lines(entity, record, destination_talk, current, destination_shadow)
        holders: list[set[str]] = []  # asked only when an owner policy names a third system

        def held_by() -> set[str]:
            if not holders:
                holders.append({link.system for link in self.known.links_of(g)})
            return holders[0]

        # What the destination writes, and what it only reads but owns (its stock): the owner's
        # value is owed back to a source that shows another.
        readable = [p for p in model.properties(entity.talk) if p in entity.inbound_properties() | entity.outbound_properties()]
        modes = self.policies.modes(entity.talk, readable, source["system"], self.system, held_by)
        properties = [p for p in readable if p in entity.outbound_properties() or modes[p] == FROM_DESTINATION]
        incoming_time = _parse_time(record.get("updated_at") or source.get("updated_at"))
        destination_time = _parse_time(entity.native_updated_at(current))
        source_shadow = self.known.shadow(g, source["system"])

        def newer(prop: str) -> bool | None:
            """Whether the source's change of `prop` is newer than the destination's, as far as
            Talk can tell: a change owed from elsewhere carries the time it was made there; a
            change read now is no newer than its record's last change."""
            changed_here = source_shadow is None or not merge.same(record.get(prop), source_shadow.get(prop))
            pending_at = (destination_shadow or {}).get(merge.PENDING_AT, {}).get(prop)
            when = incoming_time if changed_here else _parse_time(pending_at)
            if when is None or destination_time is None:
                return None
            return when >= destination_time

        merged, pending, conflicts = merge.merge(
            properties,
            incoming=record,
            incoming_shadow=source_shadow,
            destination=destination_talk,
            destination_shadow=destination_shadow,
            incoming_is_newer=bool(incoming_time and (destination_time is None or incoming_time >= destination_time)),
            modes=modes,
            newer=newer,
            removes=[p for p in properties if self.policies.removes(entity.talk, p, source["system"], self.system)],
        )
        changes = entity.changes(merged, current, self.links)
        if first_contact and entity.external_reference and not get_path(current, entity.external_reference):
            changes[entity.external_reference] = g
        outcome = "linked" if first_contact else "updated" if changes else "unchanged"
        if self.dry_run:
            if first_contact:
                self.links.plan(self.system, entity.talk, g, entity.native_id(current),
                                {key: get_path(current, path) for key, path in entity.link_extra.items()})
            if first_contact or changes:
                self._preview("link" if first_contact else "update", entity, record, current, sorted(changes))
            return outcome
        return Write(entity, record, outcome=outcome, new_link=first_contact, current=current, changes=changes,
                     source_shadow=source_shadow, destination_shadow=destination_shadow, pending=pending,
                     conflicts=conflicts, lines=self._lines_of(entity, merged))

    # -- order lines -----------------------------------------------------------------------------
    @staticmethod
    def _lines_of(entity: EntityMapping, record: dict) -> list | None:
        found = lines.line_rule(entity)
        value = record.get(found[0].talk) if found else None
        return value if isinstance(value, list) else None

    def _pair_lines(self, entity: EntityMapping, record: dict, destination_talk: dict, current: dict,
                    destination_shadow: dict | None) -> None:
        """Destination lines not linked yet that are lines of the incoming order (same product;
        orders linked on first contact, or linked before lines were) take the incoming lines'
        ids, and writes for those lines go to them: a line is edited in place, never added twice."""
        found = lines.line_rule(entity)
        if not found or not isinstance(record.get(found[0].talk), list):
            return
        rule, id_rule = found
        present = destination_talk.get(rule.talk) or []
        known = [line.get("id") for line in (destination_shadow or {}).get(rule.talk) or [] if isinstance(line, dict)]
        pairs = lines.pair(record[rule.talk], present, known)
        if not pairs:
            return
        for line, native_id in zip(present, lines.native_ids(rule, id_rule, current)):
            if line.get("id") in pairs and native_id is not None:
                self.links.same_line(self.system, pairs[line["id"]], native_id)
        destination_talk[rule.talk] = lines.rename(present, pairs)

    def _line_links(self, write: "Write", stored: dict, stored_talk: dict) -> list[dict]:
        """Links of the destination's lines after a write: the lines it added come back with
        native ids of their own and are paired with the lines asked for."""
        found = lines.line_rule(write.entity)
        if not found or write.lines is None:
            return []
        rule, id_rule = found
        stored_lines = stored_talk.get(rule.talk) or []
        stored_talk[rule.talk] = lines.rename(stored_lines, lines.pair_written(write.lines, stored_lines))
        for line in stored_talk[rule.talk]:
            self.links.forget(self.system, ORDER_LINE, line["id"])
        return lines.link_rows(self.system, rule, id_rule, stored, stored_talk[rule.talk])

    def _preview(self, action: str, entity: EntityMapping, record: dict, current: dict | None = None,
                 changes: list[str] = ()) -> None:
        """One line of a dry run's plan, naming the record as a person knows it."""
        source = record.get("source") or {}
        line = {"action": action, "system": self.system, "entity": entity.talk, "record": model.describe(entity.talk, record),
                "global_id": record["id"], "source": f"{source.get('system')} {source.get('entity')} {source.get('id')}"}
        if current is not None:
            line["existing"] = f"{entity.stream} {entity.native_id(current)}"
        if changes:
            line["properties"] = changes
        text = {"create": "would create {entity} {record} in {system} (from {source})",
                "link": "would link {entity} {record} (from {source}) to the existing {system} {existing}",
                "update": "would update {entity} {record} in {system} {existing}"}[action].format(**line)
        if changes:
            text += f": {', '.join(changes)}"
        log.info("dry run: %s", text)
        if self.preview is not None:
            self.preview.add({**line, "text": text})

    # -- writing ---------------------------------------------------------------------------------
    def _perform(self, writes: list["Write"], keys: list) -> list[tuple[Any, dict | Exception]]:
        """Carry out planned writes; (key, stored record or the error) for each."""
        self._link_sources_first([w for w in writes if w.body is not None])
        if self.batch_size == 1:
            results = []
            for key, write in zip(keys, writes):
                try:
                    results.append((key, self._write_one(write)))
                except FatalApiError:
                    raise
                except Exception as exc:  # noqa: BLE001 - rejects this record, the run goes on
                    results.append((key, exc))
            return results
        results = []
        by_stream: dict[str, list[tuple[Any, Write]]] = defaultdict(list)
        for key, write in zip(keys, writes):
            by_stream[write.entity.stream].append((key, write))
        for stream, group in by_stream.items():
            creates = [(k, w) for k, w in group if w.body is not None]
            updates = [(k, w) for k, w in group if w.body is None and w.changes]
            unchanged = [(k, w) for k, w in group if w.body is None and not w.changes]
            results += [(k, w.current) for k, w in unchanged]
            try:
                created, updated = self.once.write_batch(stream, [w for _, w in creates], [w for _, w in updates])
            except FatalApiError:
                raise
            except ApiError as exc:  # the whole request failed: every record of it is rejected
                created, updated = [exc] * len(creates), [exc] * len(updates)
            results += [(k, r) for (k, _), r in zip(creates, created)]
            results += [(k, r) for (k, _), r in zip(updates, updated)]
        return results

    def _link_sources_first(self, creates: list["Write"]) -> None:
        """Before a create, the source record's own link (the mapper resolved it; it is true
        whatever becomes of the create). A run killed between the create and its commit then
        leaves the identity linked on the source side, so the reverse pipeline, meeting the
        created record, finds where it came from by link instead of creating it back there."""
        rows = [dict(system=w.record["source"]["system"], entity=w.record["source"]["entity"],
                     native_id=w.record["source"]["id"], global_id=w.record["id"], talk_entity=w.entity.talk)
                for w in creates if w.record.get("source", {}).get("id") is not None]
        self.store.add_links_if_new(rows)

    def _write_one(self, write: "Write") -> dict:
        if write.body is not None:
            return self.once.create(write)
        if write.changes:
            return self.client.update(write.entity.stream, write.entity.native_id(write.current), write.changes, write.current)
        return write.current

    def _landed(self, entity: EntityMapping, records: list[dict]) -> dict[str, dict]:
        """Records of a create whose outcome is unknown that are in the destination after all
        (global id -> native record): by external reference, or, for an entity without one
        (PowerOffice products), by match key in a fresh read of the destination."""
        if entity.external_reference:
            return self.client.find_by_reference(entity.stream, [r["id"] for r in records])
        self.indexes.pop(entity.stream, None)  # read afresh: the create may have landed since
        found = {}
        for record in records:
            native_id = self._look_up(entity, record)
            native = self._read(entity, native_id) if native_id is not None else None
            if native is not None:
                found[record["id"]] = native
        return found

    def _commit(self, write: "Write", stored: dict) -> None:
        """Link, and the two shadows: what the destination now holds, and what the source holds
        plus the properties still pending for it (changed here, not yet carried back). Other
        systems linked to the record are told what they now owe."""
        entity, record, new_link = write.entity, write.record, write.new_link
        source_shadow, destination_shadow, pending = write.source_shadow, write.destination_shadow, write.pending
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
        link_rows += self._line_links(write, stored, stored_talk)
        incoming = {p: record.get(p) for p in model.properties(entity.talk) if p in record}
        still_pending = {p for p in (source_shadow or {}).get(merge.PENDING, ()) if not merge.same(incoming.get(p), stored_talk.get(p))}
        owed = set(pending) | still_pending | set(record.get("stale") or ())
        if owed:
            incoming[merge.PENDING] = sorted(owed)
        # Each shadow row says which pending marks this sync was planned with: marks another
        # job added since are kept (IdentityStore.commit_sync).
        shadow_rows = [
            dict(global_id=g, system=self.system, talk_entity=entity.talk, data=stored_talk,
                 native_updated_at=entity.native_updated_at(stored),
                 seen_pending=(destination_shadow or {}).get(merge.PENDING, [])),
            dict(global_id=g, system=source["system"], talk_entity=entity.talk, data=incoming,
                 native_updated_at=source.get("updated_at"), seen_pending=(source_shadow or {}).get(merge.PENDING, [])),
        ]
        if owed:
            # When each owed value changed where it came from: a later edit of the same property
            # here wins over it (merge's `newer`), an older one does not.
            earlier = (source_shadow or {}).get(merge.PENDING_AT, {})
            incoming[merge.PENDING_AT] = {p: earlier.get(p) or entity.native_updated_at(stored) for p in owed}
        keys_now = set(match_keys(entity.talk, stored_talk)) | set(match_keys(entity.talk, incoming))
        keys = [(entity.talk, key, g) for key in match_keys(entity.talk, stored_talk)]
        # Where each value that just moved comes from, and when it changed there.
        moved = {p: (self.system, entity.native_updated_at(stored))
                 for p in merge.changed(stored_talk, destination_shadow, stored_talk)}
        moved.update({p: (source["system"], source.get("updated_at"))
                      for p in merge.changed(incoming, source_shadow, model.properties(entity.talk))})
        owed_elsewhere = self._owed_elsewhere(entity.talk, g, {source["system"], self.system}, moved, stored_talk)
        self.store.commit_sync(link_rows=link_rows, shadow_rows=shadow_rows, match_rows=keys, owed=owed_elsewhere,
                               retire_keys=(entity.talk, g, keys_now), conflicts=self._conflict_rows(write))
        self.known.forget(g)

    def _owed_elsewhere(self, talk_entity: str, g: str, synced: set[str], moved: dict[str, tuple[str, str | None]],
                        now: dict) -> dict[str, dict[str, str | None]]:
        """A value that just moved between two systems is owed by every other system linked to
        the record that holds something else and may take it from where it came from (its owner
        policy): marked pending in its shadow, with when it changed, so the next pipeline into
        that system carries it there (the mapper forwards records with pending properties) even
        though the source record is, by then, unchanged against its own shadow."""
        if not moved:
            return {}
        others = [link for link in self.known.links_of(g) if link.talk_entity == talk_entity and link.system not in synced]
        if not others:
            return {}
        shadows = self.known.shadows_of(g)
        holders = {link.system for link in others} | synced
        owed: dict[str, dict[str, str | None]] = {}
        for link in others:
            shadow = shadows.get(link.system)
            other_entity = load_mapping(link.system).entities.get(link.entity)
            if shadow is None or other_entity is None:
                continue
            writable = other_entity.outbound_properties()
            props = {p: when for p, (origin, when) in moved.items()
                     if p in writable and not merge.same(now.get(p), shadow.get(p))
                     and self.policies.policy(talk_entity, p, origin, link.system).between(
                         origin, link.system, lambda: holders) in (BOTH, FROM_SOURCE)}
            if set(props) - set(shadow.get(merge.PENDING, ())):
                owed[link.system] = props
        return owed

    def _conflict_rows(self, write: "Write") -> list[dict]:
        source = write.record["source"]
        return [dict(global_id=write.record["id"], talk_entity=write.entity.talk,
                     label=model.describe(write.entity.talk, write.record), property=c.prop,
                     source_system=source["system"], source_value=c.source_value, destination_system=self.system,
                     destination_value=c.destination_value,
                     winner=source["system"] if c.winner == "source" else self.system, why=c.why)
                for c in write.conflicts]
