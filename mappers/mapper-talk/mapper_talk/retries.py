"""The mapper's side of the retry queue (talk.retry_queue): what of this source system did
not sync on an earlier run, kept current and sent again.

Meltano's bookmark moves past a record whether it synced or not, so the queue is what brings
a rejected record back. The tap reads a record again only when it changes; then the queued copy
becomes the new version (a fix in the source is what is retried) and the live record goes
through. A queued record the tap did not read is sent from the queue at the end of the run,
marked `retry_for` the destinations where it failed (other targets ignore it). A record the
mapper itself could not map waits here with its native record, destination "", and is mapped
again on every run (a fixed mapping file takes effect without the source changing).
"""
from __future__ import annotations

from collections import defaultdict

from talk.store import IdentityStore

ENTITY_ORDER = ("customer", "product", "order")  # what is referred to before what refers to it


class Retries:
    def __init__(self, store: IdentityStore, system: str):
        self.store = store
        self.system = system
        self.rows: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for row in store.queue.entries(source_system=system):
            self.rows[(row["source_entity"], row["source_id"])].append(row)

    def read_again(self, stream: str, native_id: str, talk_record: dict) -> list[str]:
        """The tap read a queued record: the queue keeps this version; a mapping reject is
        resolved. Returns the destinations where it still waits to be synced."""
        rows = self.rows.pop((stream, str(native_id)), None)
        if not rows:
            return []
        destinations = [r["destination"] for r in rows if r["destination"]]
        if destinations:
            kept = {k: v for k, v in talk_record.items() if k not in ("settled", "retry_for")}
            self.store.queue.refresh(self.system, stream, native_id, kept, destinations)
        if len(destinations) < len(rows):
            self.store.queue.remove("", [(self.system, stream, str(native_id))])
        return destinations

    def unmappable(self, source: dict, talk_entity: str, reason: str, native_record: dict) -> None:
        self.rows.pop((source["entity"], str(source["id"])), None)
        self.store.queue.add(destination="", source=source, talk_entity=talk_entity, global_id=None,
                               stage="mapping", reason=reason, record=native_record)

    def remaining(self, before: str | None = None) -> list[dict]:
        """Queued records the tap did not read this run: mapping rejects (one row each), then
        one row per record with every destination it waits for, customers first. With
        `before`, only those of the entities that come before that one: the tap has read
        those streams already, so what is queued of them will not be read again this run, and
        must reach the target before the records (orders) that may name them."""
        rank = {entity: n for n, entity in enumerate(ENTITY_ORDER)}
        limit = rank.get(before, len(rank)) if before else len(rank) + 1
        out = []
        for (stream, native_id), rows in list(self.rows.items()):
            if rank.get(rows[0]["talk_entity"], len(rank)) >= limit if rows else True:
                continue
            # A mapping reject stays queued here: mapping it again resolves it (read_again) or
            # counts another attempt (unmappable).
            self.rows[(stream, native_id)] = [r for r in rows if not r["destination"]]
            out += [{**r, "destinations": []} for r in rows if not r["destination"]]
            waiting = [r for r in rows if r["destination"]]
            if waiting:
                newest = max(waiting, key=lambda r: r["last_seen"])
                out.append({**newest, "destinations": sorted(r["destination"] for r in waiting)})
        return sorted(out, key=lambda r: (rank.get(r["talk_entity"], len(rank)), r["id"]))
