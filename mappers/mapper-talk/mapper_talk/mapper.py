"""mapper-talk: native records of one system in, Talk-model records out.

For each record of the source system S (named by config, or by Meltano's
MELTANO_EXTRACTOR_NAMESPACE): map it with S's mapping file, join what S splits (order lines
into their order), give it its global id, and drop it when it has not changed since the last
sync and no change is pending for another system (an echo of our own write, or an unchanged
record re-read). At the end it tells the target what it dropped (stream `talk_stats`).

Records go through in batches of `BATCH` (identity.py reads the store once per batch), in the
order the tap sent them; memory holds one batch, plus the orders waiting for their lines:
none when the tap sends an order's lines before the order (`lines_first` in the mapping's
join: singer-sdk syncs a child stream before it writes the parent's record), else every order
of the run until the end of input.
"""
from __future__ import annotations

import json
import os
import sys
from collections import defaultdict
from typing import Iterable

import singer_sdk.singerlib as singer
from singer_sdk import typing as th
from singer_sdk.mapper_base import InlineMapper
from singer_sdk.singerlib.encoding.simple import SimpleSingerWriter

from talk import business, merge, model, plugin_errors
from talk import mapping as mappings
from talk.mapping import EntityMapping
from talk.paths import get_path
from talk.rejects import RejectLog
from talk.settings import BUSINESS_SETTINGS, STORE_SETTINGS
from talk.store import IdentityStore
from talk.transforms import MappingError

from .identity import SourceIdentities
from .retries import Retries

def source_system_from_env() -> str | None:
    """tap_poweroffice / tap-poweroffice -> poweroffice."""
    for var in ("MELTANO_EXTRACTOR_NAMESPACE", "MELTANO_EXTRACTOR_NAME"):
        value = os.environ.get(var)
        if value:
            return value.replace("-", "_").removeprefix("tap_")
    return None


class RecordWriter(SimpleSingerWriter):
    """Writes RECORD messages with the standard library's C encoder into the buffered stdout,
    flushing only before other messages: the SDK's writer flushes after every record, which
    costs a system call per record on a 100k-record stream. Talk records hold only strings,
    numbers, booleans, lists and None."""

    def write_message(self, message) -> None:  # noqa: ANN001
        if isinstance(message, singer.RecordMessage):
            sys.stdout.write(json.dumps({"type": "RECORD", "stream": message.stream, "record": message.record},
                                        default=str, separators=(",", ":")) + "\n")
            return
        super().write_message(message)


BATCH = 500  # records per store read; large enough to amortise a query, small enough to stay flat


class TalkMapper(InlineMapper):
    name = "mapper-talk"
    message_writer_class = RecordWriter

    config_jsonschema = th.PropertiesList(
        th.Property("source_system", th.StringType, description="System the records come from "
                    "(poweroffice, shopify, ...). Default: derived from Meltano's extractor."),
        *STORE_SETTINGS.wrapped.values(),
        *BUSINESS_SETTINGS.wrapped.values(),
        th.Property("forward_unchanged", th.BooleanType, default=False, description="Forward records "
                    "that every linked system already holds (for a full re-check)."),
    ).to_dict()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        plugin_errors.install(self)  # no secret (a store URL's password) in any log line
        try:
            business.configure(self.config)  # the time zone dates are read in, the default VAT rate
        except business.SettingError as error:
            raise SystemExit(f"mapper-talk: {error}") from None
        system = self.config.get("source_system") or source_system_from_env()
        if not system:
            raise SystemExit("mapper-talk: set source_system (or run it in Meltano after a Talk tap)")
        self.system = system
        self.mapping = mappings.load(system)
        self.store = IdentityStore(self.config.get("store_url"))
        self.rejects = RejectLog(self.config.get("reject_log"))
        self.identities = SourceIdentities(self.store, system)
        self.joined = self.mapping.joined_streams()
        self.properties = {e: self.mapping.inbound_properties(e) - model.DERIVED[e] for e in model.ENTITIES}
        self.schemas_sent: set[str] = set()
        # Parents (orders) are held until the end of input, their children (lines) collected
        # by parent id: taps emit a parent's children before or after it.
        self.held_parents: dict[str, dict[str, dict]] = defaultdict(dict)  # stream -> id -> record
        self.held_children: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        self.latest_state: dict | None = None
        self.stats: dict[str, dict[str, int]] = defaultdict(lambda: {"unchanged": 0, "rejected": 0})
        self.queue = Retries(self.store, system)
        self.reading = ""  # the Talk entity the tap's records are of now
        self.batch: list[tuple[EntityMapping, dict]] = []  # records waiting for their batch's store read
        self.ignored: dict[str, list] = {}  # stream -> [records its mapping's `ignore` rule left out, the first's reason]

    # -- Singer messages -------------------------------------------------------------------------
    def map_schema_message(self, message_dict: dict) -> Iterable[singer.Message]:
        entity = self.mapping.for_stream(message_dict["stream"])
        if entity is None:
            return
        yield from self._talk_schema(entity.talk)

    def _talk_schema(self, talk_entity: str) -> Iterable[singer.Message]:
        if talk_entity not in self.schemas_sent:
            self.schemas_sent.add(talk_entity)
            yield singer.SchemaMessage(talk_entity, model.schema(talk_entity), ["id"])

    def map_record_message(self, message_dict: dict) -> Iterable[singer.Message]:
        stream, record = message_dict["stream"], message_dict["record"]
        if stream in self.joined:
            parent, spec = self.joined[stream]
            self.held_children[stream][str(record.get(spec["key"]))].append(record)
            return
        entity = self.mapping.for_stream(stream)
        if entity is None:
            return
        if entity.talk != self.reading:
            # The tap has moved on to another entity: queued records of the earlier ones go now.
            yield from self._flush()
            self.reading = entity.talk
            yield from self._retries(before=entity.talk)
        if entity.join:
            native_id = entity.native_id(record)
            self.held_parents[entity.stream][native_id] = dict(record)
            if all(spec.get("lines_first") for spec in entity.join.values()):
                # Its lines came before it: complete now, nothing held.
                yield from self._add(entity, self._joined(entity, native_id))
            return  # else held until its lines have arrived: the end of input
        yield from self._add(entity, record)

    def _joined(self, entity: EntityMapping, native_id: str) -> dict:
        record = self.held_parents[entity.stream].pop(native_id)
        for into, spec in entity.join.items():
            record[into] = self.held_children[spec["stream"]].pop(native_id, [])
        return record

    def _add(self, entity: EntityMapping, record: dict) -> Iterable[singer.Message]:
        self.batch.append((entity, record))
        if len(self.batch) >= BATCH:
            yield from self._flush()

    def _flush(self) -> Iterable[singer.Message]:
        """Map the batch, read the store once for all of it, and send each record on, in order.
        A record's buyer (a guest order's customer, read out of the order) is resolved before
        the order that refers to it."""
        batch, self.batch = self.batch, []
        if not batch:
            return
        identities = self.identities
        identities.next_batch()
        identities.prefetch_links_grouped([
            (e.stream, str(e.native_id(record))) for entity, record in batch
            for e in (*self.mapping.derived_from(entity.stream), entity) if e.native_id(record) is not None])
        by_entity: dict[str, list[dict]] = defaultdict(list)
        for entity, record in batch:
            by_entity[entity.stream].append(record)
        for stream, records in by_entity.items():
            identities.prefetch_references(self.mapping.for_stream(stream), records)
        mapped = []
        for entity, record in batch:
            for derived in self.mapping.derived_from(entity.stream):
                if derived.reads(entity.stream, record):
                    yield from self._map(derived, record)
            found = self._to_talk(entity, record)
            if found is not None:
                mapped.append((entity, found, record))
        ids = identities.prepare([(entity.stream, entity.talk, source["id"], talk, self._reference(entity, record))
                                  for entity, (talk, source), record in mapped])
        for (entity, (talk, source), record), global_id in zip(mapped, ids):
            yield from self._emit(entity, talk, source, record, global_id)

    def map_state_message(self, message_dict: dict) -> Iterable[singer.Message]:
        # Held until the end so that state never runs ahead of records still held for joining.
        self.latest_state = message_dict["value"]
        return []

    def map_activate_version_message(self, message_dict: dict) -> Iterable[singer.Message]:
        return []

    def map_batch_message(self, message_dict: dict) -> Iterable[singer.Message]:
        raise SystemExit("mapper-talk does not take BATCH messages; run the tap without batch mode")

    def process_endofpipe(self) -> None:
        self._write_messages(self._flush())
        # Queued customers and products before the held orders that may name them.
        self._write_messages(self._retries(before="order"))
        for stream, held in self.held_parents.items():
            entity = self.mapping.for_stream(stream)
            for native_id in list(held):
                self._write_messages(self._add(entity, self._joined(entity, native_id)))
        self._write_messages(self._flush())
        self._write_messages(self._complete_from_store())
        self._write_messages(self._retries())
        for stream, (count, why) in self.ignored.items():  # once per run, not once per record
            self.logger.debug("%s %s: %d record(s) left out by the mapping's ignore rule (the first: %s)",
                              self.system, stream, count, why)
        # Always: the target learns the source system and records the run even when nothing changed.
        self._write_messages(self._talk_stats())
        if self.latest_state is not None:
            self.write_message(singer.StateMessage(self.latest_state))
        super().process_endofpipe()

    def _talk_stats(self) -> Iterable[singer.Message]:
        yield singer.SchemaMessage(model.STATS_STREAM, model.STATS_SCHEMA, [])
        for entity in sorted({e.talk for e in self.mapping.entities.values()}):
            yield singer.RecordMessage(model.STATS_STREAM, {"source": self.system, "entity": entity, **self.stats[entity]})

    def _retries(self, before: str | None = None) -> Iterable[singer.Message]:
        """Records of this system in the retry queue that the tap did not read this run (their
        source did not change): sent again, customers and products before the orders that
        name them, each marked for the destinations where it failed."""
        for row in self.queue.remaining(before):
            entity = self.mapping.entities.get(row["source_entity"])
            if entity is None or row["record"] is None:
                continue
            if not row["destination"]:  # the mapper could not map it: try the mapping again
                yield from self._map(entity, row["record"])
                continue
            talk = {k: v for k, v in row["record"].items() if k in model.FIELDS[entity.talk]}
            global_id = self.identities.resolve(entity.stream, entity.talk, row["source_id"], talk)
            yield from self._talk_schema(entity.talk)
            yield singer.RecordMessage(entity.talk, {**row["record"], "id": global_id, "retry_for": row["destinations"]})

    # -- children whose parent did not change ---------------------------------------------------
    def _complete_from_store(self) -> Iterable[singer.Message]:
        """Children (order lines, SuperOffice quote lines) read without their parent: only they
        changed. The parent is the record this system held at the last sync (its shadow in the
        store), with these children merged in by line id, so a changed line re-emits its whole
        order without the tap reading the order again. A parent never synced has no shadow: it
        comes when it is read itself."""
        for child_stream, groups in self.held_children.items():
            parent, spec = self.joined[child_stream]
            for parent_id, rows in groups.items():
                completed = self._completed(parent, spec, parent_id, rows)
                if completed is not None:
                    talk, source = completed
                    yield from self._emit(parent, talk, source)
        self.held_children.clear()

    def _completed(self, entity: EntityMapping, spec: dict, parent_id: str, rows: list[dict]) -> tuple[dict, dict] | None:
        global_id = self.identities.linked(entity.stream, parent_id)
        shadow = self.identities.shadows(entity.talk, global_id).get(self.system) if global_id else None
        if shadow is None:
            self.logger.info("%s %s: %d changed %s of a %s not synced yet; it goes when it is read itself",
                             self.system, parent_id, len(rows), spec["stream"], entity.stream)
            return None
        rule = next(r for r in entity.rules if r.items and r.native and r.native[0] == spec["into"])
        try:
            changed = {line.get("id"): line for line in entity.read_items(rule, rows, self.identities)}
        except MappingError as exc:
            self.stats[entity.talk]["rejected"] += 1
            self.rejects.add(stage="mapping", system=self.system, stream=spec["stream"], reason=str(exc),
                             source={"system": self.system, "entity": entity.stream, "id": parent_id}, record=rows[0])
            return None
        lines = [changed.pop(line.get("id"), line) for line in shadow.get(rule.talk) or []] + list(changed.values())
        talk = {p: shadow[p] for p in model.FIELDS[entity.talk] if p in shadow}
        talk[rule.talk] = lines
        child_dates = [str(row[entity.updated_at]) for row in rows if entity.updated_at and row.get(entity.updated_at)]
        source = {"system": self.system, "entity": entity.stream, "id": parent_id,
                  "updated_at": max(child_dates, default=None)}
        return talk, source

    # -- one record ------------------------------------------------------------------------------
    def _map(self, entity: EntityMapping, record: dict) -> Iterable[singer.Message]:
        """One record on its own (a derived buyer, a mapping retried from the queue)."""
        found = self._to_talk(entity, record)
        if found is not None:
            yield from self._emit(entity, *found, record)

    def _to_talk(self, entity: EntityMapping, record: dict) -> tuple[dict, dict] | None:
        """The record in the Talk model and where it comes from; None when it cannot be mapped
        (rejected, with the reason, and queued to be mapped again)."""
        why = entity.ignored(record)
        if why is not None:  # the mapping's `ignore` rule (talk check-webshop's test records): never synced
            self.stats[entity.talk]["unchanged"] += 1
            self.ignored.setdefault(entity.stream, [0, why])[0] += 1
            return None
        native_id = entity.native_id(record)
        source = {"system": self.system, "entity": entity.stream, "id": native_id,
                  "updated_at": entity.native_updated_at(record)}
        try:
            if native_id is None:
                raise MappingError(f"record has no {entity.id_path}")
            return entity.to_talk(record, self.identities), source
        except MappingError as exc:
            self.stats[entity.talk]["rejected"] += 1
            self.rejects.add(stage="mapping", system=self.system, stream=entity.stream, reason=str(exc),
                             source=source, record=record)
            if native_id is not None:
                self.queue.unmappable(source, entity.talk, str(exc), record)
            return None

    @staticmethod
    def _reference(entity: EntityMapping, record: dict | None) -> str | None:
        return get_path(record, entity.external_reference) if record is not None and entity.external_reference else None

    def _emit(self, entity: EntityMapping, talk: dict, source: dict, record: dict | None = None,
              global_id: str | None = None) -> Iterable[singer.Message]:
        """A mapped record on its way: its global id, dropped when nothing changed since the last
        sync (and nothing is owed elsewhere), else marked with what changed."""
        native_id = source["id"]
        global_id = global_id or self.identities.resolve(entity.stream, entity.talk, native_id, talk,
                                                         self._reference(entity, record))
        shadows = self.identities.shadows(entity.talk, global_id)
        settled = not self.config.get("forward_unchanged") and not merge.needs_sync(
            talk, shadows, self.system, self.properties[entity.talk])
        own_shadow = shadows.get(self.system)
        changed = sorted(merge.changed(talk, own_shadow, talk.keys()))
        out = {**talk, "id": global_id, "source": source, "changed": changed, "updated_at": source["updated_at"]}
        stale = entity.stale_properties(record, talk) if record is not None else []
        if stale:
            out["stale"] = stale
        retry_for = self.queue.read_again(entity.stream, native_id, out)
        if settled and not self.identities.missing_where_created(entity.talk, global_id):
            if not retry_for:
                self.stats[entity.talk]["unchanged"] += 1
                return
            out["retry_for"] = retry_for  # unchanged, but it did not sync there on an earlier run
        elif settled:
            out["settled"] = True
        yield from self._talk_schema(entity.talk)
        yield singer.RecordMessage(entity.talk, out)


def main() -> None:
    TalkMapper.cli()
