"""The identity store: links, shadows and run statistics, in any SQLAlchemy database.

- links: (system, native entity, native id) <-> global id; one native record per system and
  Talk entity for each global id.
- shadows: per (global id, system) the Talk-model state that system was last known to hold
  (read from it or written to it). Echo suppression, field-level merge and optimistic
  concurrency all compare against shadows.
- match keys: normalised email / organisation number / SKU -> global id, for first contact.
- runs and pipeline_runs: every pipeline run from its start, with its result and its counts per
  entity, for `talk status`, `talk report` and `make demo` (`run_history.py`).
- rejects: the retry queue (`retry_queue.py`, reached as `store.queue`).

The tables are declared in `schema.py` and brought there by `migrations/` when a store is
opened; `locks.py` serialises find-or-create across jobs.

Several processes (mapper and target of one pipeline) use the same store at once, so every
write is a short transaction and SQLite runs in WAL mode with a busy timeout.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import sqlalchemy as sa

from . import migrations, run_history
from .locks import IdentityLocks
from .merge import PENDING, PENDING_AT
from .retry_queue import RetryQueue
from .schema import conflicts as conflicts_table, links, match_keys, metadata, pipeline_runs, runs, shadows  # noqa: F401 (metadata: for callers)

DEFAULT_URL = "sqlite:///var/talk.db"
# In a link's extras: the destination record was deleted and a person chose not to sync it there again.
UNLINKED = "unlinked"

SCHEMA_LOCK = 0x7A4C_0001  # advisory lock number for creating the schema (PostgreSQL)

GLOBAL_ID_NAMESPACE = uuid.UUID("5f0c2f6e-3c57-4d8e-9a0e-7a1c0b9d7e11")


_GLOBAL_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def is_global_id(value: object) -> bool:
    """Whether a value has the form of a Talk global id (a UUID)."""
    return isinstance(value, str) and bool(_GLOBAL_ID.match(value))


def new_global_id(system: str, entity: str, native_id: str) -> str:
    """Deterministic: the same native record gets the same global id even if a run that
    assigned it died before its link was committed. (A name-based UUID, version 5 layout,
    computed without the uuid module's object overhead: the mapper makes one per new record.)"""
    digest = bytearray(hashlib.sha1(GLOBAL_ID_NAMESPACE.bytes + f"{system}/{entity}/{native_id}".encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def state_hash(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


@dataclass(frozen=True)
class Link:
    system: str
    entity: str
    native_id: str
    global_id: str
    talk_entity: str
    extra: dict


def resolve_url(url: str | None) -> str:
    url = url or os.environ.get("TALK_STORE_URL") or DEFAULT_URL
    if url.startswith("sqlite:///"):  # relative (sqlite:///var/x.db) or absolute (sqlite:////tmp/x.db)
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
    return url


class IdentityStore:
    def __init__(self, url: str | None = None):
        self.url = resolve_url(url)
        is_sqlite = self.url.startswith("sqlite")
        self.engine = sa.create_engine(
            self.url,
            connect_args={"timeout": 60} if is_sqlite else {},
            pool_pre_ping=not is_sqlite,
        )
        # Read-modify-write transactions (merging link extras and pending marks) must not lose
        # a concurrent writer's commit. PostgreSQL: SELECT ... FOR UPDATE. SQLite ignores FOR
        # UPDATE and fails a deferred transaction that turns into a writer after another
        # commit, so its writes take the write lock up front (BEGIN IMMEDIATE) on an engine of
        # their own, while reads stay deferred and never wait.
        self.writer = sa.create_engine(self.url, connect_args={"timeout": 60, "isolation_level": None}) if is_sqlite else self.engine
        if is_sqlite:
            for engine in (self.engine, self.writer):
                sa.event.listen(engine, "connect", _sqlite_pragmas)
            sa.event.listen(self.writer, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
        self.locks = IdentityLocks(self)
        self.queue = RetryQueue(self)
        self._create_schema()

    def _create_schema(self) -> None:
        """The store brought to the newest schema (migrations/: a new store is created, one an
        earlier Talk wrote is upgraded), one process at a time: the mapper and target of a first
        run (or two jobs) open a new store at the same moment. `revisions`: the schema revision
        before and after (`talk store upgrade`)."""
        with self._write() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:n)"), {"n": SCHEMA_LOCK})
            self.revisions = migrations.upgrade(conn)

    def _write(self):
        """A write transaction (see __init__)."""
        return self.writer.begin()

    def _insert(self, table: sa.Table):
        if self.engine.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        return insert(table)

    def _upsert(self, table: sa.Table, keys: list[str]):
        """INSERT ... ON CONFLICT DO UPDATE for SQLite and PostgreSQL (executemany-friendly)."""
        statement = self._insert(table)
        updates = {c.name: statement.excluded[c.name] for c in table.columns if c.name not in keys}
        return statement.on_conflict_do_update(index_elements=keys, set_=updates)

    def _insert_new(self, table: sa.Table, keys: list[str]):
        """INSERT ... ON CONFLICT DO NOTHING: the first writer of a key wins (mapper and target
        of one pipeline write match keys concurrently)."""
        return self._insert(table).on_conflict_do_nothing(index_elements=keys)

    # -- links -----------------------------------------------------------------------------------
    def global_id(self, system: str, entity: str, native_id: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(links.c.global_id).where(
                    links.c.system == system, links.c.entity == entity, links.c.native_id == str(native_id)
                )
            ).scalar()

    def links_of_system(self, system: str, entity: str | None = None) -> dict[tuple[str, str], str]:
        """(entity, native id) -> global id for every link of a system: one query for bulk work."""
        query = sa.select(links.c.entity, links.c.native_id, links.c.global_id).where(links.c.system == system)
        if entity:
            query = query.where(links.c.entity == entity)
        with self.engine.connect() as conn:
            return {(e, n): g for e, n, g in conn.execute(query)}

    def link_for(self, system: str, talk_entity: str, global_id: str) -> Link | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(links).where(
                    links.c.global_id == global_id, links.c.system == system, links.c.talk_entity == talk_entity
                )
            ).mappings().first()
        return _link(row) if row else None

    def links_of(self, global_id: str) -> list[Link]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(links).where(links.c.global_id == global_id)).mappings().all()
        return [_link(r) for r in rows]

    def add_links(self, rows: Iterable[dict]) -> None:
        """Insert links (dicts with system, entity, native_id, global_id, talk_entity[, extra])."""
        rows = [_link_row(r) for r in rows]
        if not rows:
            return
        with self._write() as conn:
            conn.execute(self._upsert(links, LINK_KEY), rows)

    def link(self, system: str, entity: str, native_id: str, global_id: str, talk_entity: str, extra: dict | None = None) -> None:
        self.add_links([dict(system=system, entity=entity, native_id=native_id, global_id=global_id, talk_entity=talk_entity, extra=extra)])

    def merge_identities(self, from_id: str, into_id: str) -> None:
        """Two global ids turned out to be one record: move everything of `from_id` onto `into_id`."""
        if from_id == into_id:
            return
        with self._write() as conn:
            conn.execute(links.update().where(links.c.global_id == from_id).values(global_id=into_id))
            conn.execute(match_keys.update().where(match_keys.c.global_id == from_id).values(global_id=into_id))
            existing = {
                s for (s,) in conn.execute(sa.select(shadows.c.system).where(shadows.c.global_id == into_id))
            }
            conn.execute(
                shadows.delete().where(shadows.c.global_id == from_id, shadows.c.system.in_(existing))
            )
            conn.execute(shadows.update().where(shadows.c.global_id == from_id).values(global_id=into_id))

    # -- match keys ------------------------------------------------------------------------------
    def match(self, talk_entity: str, keys: Iterable[str]) -> str | None:
        keys = list(keys)
        if not keys:
            return None
        with self.engine.connect() as conn:
            found = dict(conn.execute(
                sa.select(match_keys.c.key, match_keys.c.global_id).where(
                    match_keys.c.talk_entity == talk_entity, match_keys.c.key.in_(keys)
                )
            ).all())
        for key in keys:  # keys come in priority order
            if key in found:
                return found[key]
        return None

    def add_match_keys(self, talk_entity: str, pairs: Iterable[tuple[str, str]]) -> None:
        rows = [{"talk_entity": talk_entity, "key": k, "global_id": g} for k, g in pairs]
        if not rows:
            return
        with self._write() as conn:
            conn.execute(self._insert_new(match_keys, ["talk_entity", "key"]), rows)

    # -- shadows ---------------------------------------------------------------------------------
    def shadow(self, global_id: str, system: str) -> dict | None:
        with self.engine.connect() as conn:
            data = conn.execute(
                sa.select(shadows.c.data).where(shadows.c.global_id == global_id, shadows.c.system == system)
            ).scalar()
        return json.loads(data) if data else None

    def shadows_of(self, global_ids: Iterable[str]) -> dict[str, dict[str, dict]]:
        """global id -> system -> shadow data, for many ids in one query per 500."""
        out: dict[str, dict[str, dict]] = {}
        query = sa.select(shadows.c.global_id, shadows.c.system, shadows.c.data)
        for g, system, data in self._chunked(query, shadows.c.global_id, list(global_ids)):
            out.setdefault(g, {})[system] = json.loads(data)
        return out

    def save_shadow(self, global_id: str, system: str, talk_entity: str, data: dict, native_updated_at: str | None = None) -> None:
        with self._write() as conn:
            conn.execute(self._upsert(shadows, SHADOW_KEY), [_shadow_row(global_id, system, talk_entity, data, native_updated_at)])

    def commit_sync(self, *, link_rows: list[dict], shadow_rows: list[dict], match_rows: list[tuple[str, str, str]] = (),
                    owed: dict[str, dict[str, str | None]] | None = None,
                    retire_keys: tuple[str, str, set[str]] | None = None, conflicts: list[dict] = ()) -> None:
        """Links and shadows of one synced record, in one transaction.

        Another job may have committed for the same record since this one read it, so rows are
        merged, not replaced: a link keeps the extras it had (a Shopify variant id) unless this
        commit gives new values; a shadow row may say `seen_pending` (the pending marks it was
        planned with), and marks added by others since then are kept. `owed` (system ->
        properties) marks properties pending in the shadows of the record's other linked
        systems, with when each changed where it came from. `retire_keys` (talk entity, global
        id, the record's keys now) removes match keys of the record that no longer hold (an old
        e-mail). `conflicts` are the property conflicts this sync decided (`talk conflicts`)."""
        with self._write() as conn:
            for system, props in (owed or {}).items():
                g = shadow_rows[0]["global_id"]  # the synced record's
                data = self._shadow_for_update(conn, g, system)
                if data is None:
                    continue
                data[PENDING] = sorted(set(data.get(PENDING, ())) | set(props))
                data[PENDING_AT] = {**data.get(PENDING_AT, {}), **{p: when for p, when in props.items() if when}}
                conn.execute(shadows.update().where(shadows.c.global_id == g, shadows.c.system == system)
                             .values(data=json.dumps(data, sort_keys=True, default=str), hash=state_hash(data)))
            if link_rows:
                conn.execute(self._upsert(links, LINK_KEY), [self._merged_link(conn, r) for r in link_rows])
            if shadow_rows:
                conn.execute(self._upsert(shadows, SHADOW_KEY), [self._merged_shadow(conn, r) for r in shadow_rows])
            if match_rows:
                conn.execute(self._insert_new(match_keys, ["talk_entity", "key"]),
                             [{"talk_entity": e, "key": k, "global_id": g} for e, k, g in match_rows])
            if conflicts:
                now = time.time()
                conn.execute(conflicts_table.insert(), [
                    {**c, "at": now, "source_value": json.dumps(c["source_value"], default=str),
                     "destination_value": json.dumps(c["destination_value"], default=str)} for c in conflicts])
            if retire_keys:
                talk_entity, g, keep = retire_keys
                conn.execute(match_keys.delete().where(match_keys.c.talk_entity == talk_entity, match_keys.c.global_id == g,
                                                       match_keys.c.key.not_in(list(keep) or [""])))

    def _shadow_for_update(self, conn: sa.Connection, global_id: str, system: str) -> dict | None:
        row = conn.execute(sa.select(shadows.c.data).where(shadows.c.global_id == global_id, shadows.c.system == system)
                           .with_for_update()).first()
        return json.loads(row.data) if row else None

    def _merged_link(self, conn: sa.Connection, row: dict) -> dict:
        current = conn.execute(sa.select(links.c.extra).where(
            links.c.system == row["system"], links.c.entity == row["entity"], links.c.native_id == str(row["native_id"])
        ).with_for_update()).scalar()
        if current:
            given = {k: v for k, v in (row.get("extra") or {}).items() if v is not None}
            row = {**row, "extra": {**json.loads(current), **given}}
        return _link_row(row)

    def _merged_shadow(self, conn: sa.Connection, row: dict) -> dict:
        row = dict(row)
        seen = row.pop("seen_pending", None)
        if seen is not None:
            current = self._shadow_for_update(conn, row["global_id"], row["system"])
            added_since = set((current or {}).get(PENDING, ())) - set(seen)
            if added_since:
                data = dict(row["data"])
                data[PENDING] = sorted(set(data.get(PENDING, ())) | added_since)
                times = {p: t for p, t in (current or {}).get(PENDING_AT, {}).items() if p in added_since}
                data[PENDING_AT] = {**data.get(PENDING_AT, {}), **times}
                row["data"] = data
        return _shadow_row(**row)

    def unlink(self, system: str, talk_entity: str, global_id: str) -> Link | None:
        """The record was deleted in `system` and is not to be synced there again: the link
        stays (so no flow sees it as missing there and creates it anew), marked unlinked."""
        link = self.link_for(system, talk_entity, global_id)
        if link is not None:
            with self._write() as conn:
                conn.execute(links.update().where(links.c.system == system, links.c.entity == link.entity,
                                                  links.c.native_id == link.native_id)
                             .values(extra=json.dumps({**link.extra, UNLINKED: True})))
        return link

    def drop_link(self, system: str, talk_entity: str, global_id: str) -> Link | None:
        """Forget that `system` holds the record (deleted there): its link and shadow go."""
        link = self.link_for(system, talk_entity, global_id)
        if link is None:
            return None
        with self._write() as conn:
            conn.execute(links.delete().where(links.c.system == system, links.c.entity == link.entity,
                                              links.c.native_id == link.native_id))
            conn.execute(shadows.delete().where(shadows.c.global_id == global_id, shadows.c.system == system))
        return link

    # -- runs ------------------------------------------------------------------------------------
    def record_run(self, run_id: str, source: str, destination: str, counts: dict[tuple[str, str], dict[str, int]],
                   dry_run: bool = False, started_at: float | None = None, failed: str | None = None) -> None:
        """The end of a pipeline run (run_history.py): the run marked succeeded, or failed with
        the one-line reason `failed`, and its counts per (source system, Talk entity), in one
        transaction."""
        rows = [
            {"run_id": run_id, "finished_at": time.time(), "source": entity_source, "destination": destination,
             "entity": entity, "dry_run": dry_run, **{k: int(c.get(k, 0)) for k in COUNTS}}
            for (entity_source, entity), c in counts.items()
        ]
        status = run_history.FAILED if failed else run_history.SUCCEEDED
        with self._write() as conn:
            conn.execute(self._upsert(pipeline_runs, ["run_id"]),
                         run_history.finished_row(run_id, source, destination, started_at, status, failed))
            if rows:
                conn.execute(runs.insert(), rows)

    def conflicts(self, limit: int = 100) -> list[dict]:
        """The newest property conflicts, newest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(conflicts_table).order_by(conflicts_table.c.id.desc()).limit(limit)).mappings()
            return [{**r, "source_value": json.loads(r["source_value"]), "destination_value": json.loads(r["destination_value"])}
                    for r in rows]

    def last_runs(self, limit: int = 50) -> list[dict]:
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(sa.select(runs).order_by(runs.c.n.desc()).limit(limit)).mappings()]

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return {
                "links": conn.execute(sa.select(sa.func.count()).select_from(links)).scalar(),
                "shadows": conn.execute(sa.select(sa.func.count()).select_from(shadows)).scalar(),
            }

    # -- batches: one query for the records at hand, never one per store -------------------------
    def global_ids_of_natives(self, system: str, entity: str, native_ids: list[str]) -> dict[str, str]:
        """native id -> global id for those of `native_ids` that are linked."""
        query = sa.select(links.c.native_id, links.c.global_id).where(links.c.system == system, links.c.entity == entity)
        return dict(self._chunked(query, links.c.native_id, [str(n) for n in native_ids]))

    def match_many(self, talk_entity: str, keys: list[str]) -> dict[str, str]:
        """match key -> global id for those of `keys` that are known."""
        query = sa.select(match_keys.c.key, match_keys.c.global_id).where(match_keys.c.talk_entity == talk_entity)
        return dict(self._chunked(query, match_keys.c.key, keys))

    def held_by(self, system: str, talk_entity: str, global_ids: list[str]) -> set[str]:
        """Those of `global_ids` that `system` holds a record for."""
        query = sa.select(links.c.global_id).where(links.c.system == system, links.c.talk_entity == talk_entity)
        return {g for (g,) in self._chunked(query, links.c.global_id, global_ids)}

    def links_of_many(self, global_ids: list[str]) -> list[Link]:
        """Every link of these identities, in every system."""
        return [_link(row) for row in self._chunked(sa.select(links), links.c.global_id, global_ids, mappings=True)]

    def add_links_if_new(self, rows: list[dict]) -> None:
        """Links that are stored only where neither the native record nor the identity is linked
        in that system yet (a link already there, with its extras, is left as it is)."""
        if rows:
            with self._write() as conn:
                conn.execute(self._insert(links).on_conflict_do_nothing(), [_link_row(r) for r in rows])

    def _chunked(self, query: sa.Select, column: sa.Column, values: list, mappings: bool = False) -> list:
        """`query` restricted to `column IN values`, 500 values a statement (SQLite's and
        drivers' parameter limits), in one connection."""
        values = list(dict.fromkeys(values))
        rows: list = []
        with self.engine.connect() as conn:
            for start in range(0, len(values), 500):
                result = conn.execute(query.where(column.in_(values[start:start + 500])))
                rows += result.mappings().all() if mappings else result.all()
        return rows


COUNTS = ("created", "updated", "unchanged", "linked", "skipped", "rejected")
LINK_KEY = ["system", "entity", "native_id"]
SHADOW_KEY = ["global_id", "system"]


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _link_row(row: dict) -> dict:
    return {**row, "native_id": str(row["native_id"]), "extra": json.dumps(row.get("extra") or {}), "linked_at": time.time()}


def _shadow_row(global_id: str, system: str, talk_entity: str, data: dict, native_updated_at: str | None = None) -> dict:
    return dict(global_id=global_id, system=system, talk_entity=talk_entity,
                data=json.dumps(data, sort_keys=True, default=str), hash=state_hash(data),
                native_updated_at=native_updated_at, saved_at=time.time())


def _link(row: Any) -> Link:
    return Link(
        system=row["system"], entity=row["entity"], native_id=row["native_id"], global_id=row["global_id"],
        talk_entity=row["talk_entity"], extra=json.loads(row["extra"] or "{}"),
    )
