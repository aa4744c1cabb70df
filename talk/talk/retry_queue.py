"""The retry queue: records that did not sync, per destination and source record, until they
sync or a person dismisses them (`talk rejects`).

Meltano's bookmark moves past a rejected record, so this queue, not the bookmark, is what
brings it back: targets add what they reject and remove what syncs, mapper-talk keeps the
queued copies current and sends them again on every run (docs/architecture.md, "Rejects come
back"). `destination` is "" for a record the mapper could not map.
"""
from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Iterable

import sqlalchemy as sa

from .schema import rejects

if TYPE_CHECKING:
    from .store import IdentityStore


class RetryQueue:
    def __init__(self, store: "IdentityStore"):
        self.store = store

    def add(self, *, destination: str, source: dict, talk_entity: str, global_id: str | None, stage: str,
            reason: str, record: dict | None, label: str | None = None) -> None:
        """Record (or count again) a record that did not sync into `destination`."""
        now = time.time()
        row = dict(destination=destination, source_system=source["system"], source_entity=source["entity"],
                   source_id=str(source["id"]), talk_entity=talk_entity, global_id=global_id, label=label, stage=stage,
                   reason=reason, record=json.dumps(record, default=str) if record is not None else None,
                   attempts=1, first_seen=now, last_seen=now, status="open")
        statement = self.store._insert(rejects).values(row)
        statement = statement.on_conflict_do_update(
            index_elements=["destination", "source_system", "source_entity", "source_id"],
            set_=dict(talk_entity=statement.excluded.talk_entity, global_id=statement.excluded.global_id,
                      label=statement.excluded.label, stage=statement.excluded.stage, reason=statement.excluded.reason,
                      record=statement.excluded.record, last_seen=statement.excluded.last_seen,
                      attempts=rejects.c.attempts + 1))
        with self.store._write() as conn:
            conn.execute(statement)

    def remove(self, destination: str, source_keys: Iterable[tuple[str, str, str]]) -> int:
        """The records (source system, entity, id) synced into `destination`: off the queue."""
        keys = [(s, e, str(i)) for s, e, i in source_keys]
        if not keys:
            return 0
        closed = 0
        with self.store._write() as conn:
            for start in range(0, len(keys), 300):
                condition = sa.tuple_(rejects.c.source_system, rejects.c.source_entity, rejects.c.source_id).in_(keys[start:start + 300])
                closed += conn.execute(rejects.delete().where(rejects.c.destination == destination, condition)).rowcount
        return closed

    def entries(self, *, destination: str | None = None, source_system: str | None = None,
                include_dismissed: bool = False) -> list[dict]:
        query = sa.select(rejects).order_by(rejects.c.id)
        if destination is not None:
            query = query.where(rejects.c.destination == destination)
        if source_system is not None:
            query = query.where(rejects.c.source_system == source_system)
        if not include_dismissed:
            query = query.where(rejects.c.status == "open")
        with self.store.engine.connect() as conn:
            return [{**r, "record": json.loads(r["record"]) if r["record"] else None}
                    for r in conn.execute(query).mappings()]

    def refresh(self, source_system: str, source_entity: str, source_id: str, record: dict,
                destinations: Iterable[str]) -> None:
        """The source record was read again: queued copies of it become this newer version."""
        with self.store._write() as conn:
            conn.execute(rejects.update().where(
                rejects.c.source_system == source_system, rejects.c.source_entity == source_entity,
                rejects.c.source_id == str(source_id), rejects.c.destination.in_(list(destinations)),
            ).values(record=json.dumps(record, default=str)))

    def set_status(self, reject_id: int | None, status: str) -> int:
        """Dismiss (or reopen) one queued reject, or every one when `reject_id` is None."""
        query = rejects.update().values(status=status)
        if reject_id is not None:
            query = query.where(rejects.c.id == reject_id)
        with self.store._write() as conn:
            return conn.execute(query).rowcount
