"""Link look-ups for the mapping transforms of a target run: which native record of a system a
global id is (an order's customer in Shopify), against the identity store, cached for the run.
A dry run adds the links it would make, so what refers to a record it would create is planned
too."""
from __future__ import annotations

from .mapping import load as load_mapping
from .store import IdentityStore, new_global_id
from .transforms import ORDER_LINE

PLANNED_ID = "0"  # the native id a dry run gives a record it would create (a number, for APIs that want one)


class StoreLinks:
    """Link look-ups for transforms, against the store, cached for the run."""

    def __init__(self, store: IdentityStore):
        self.store = store
        self.native_cache: dict[tuple, str | None] = {}
        # (system, talk entity, global id) -> (native id, link extras): a dry run's would-be links
        self.planned: dict[tuple[str, str, str], tuple[str, dict]] = {}
        # (system, global id) -> native id of order lines read in this run that have no link yet:
        # an update of that line goes to it, not to a new line.
        self.lines_read: dict[tuple[str, str], str] = {}

    def next_batch(self) -> None:
        """Forget the last batch's look-ups: a run's memory does not grow with its records.
        (A dry run's planned links stay: later records may refer to them.)"""
        self.native_cache.clear()
        self.lines_read.clear()

    def global_id_for(self, system: str, talk_entity: str, native_id: str, stream: str | None) -> str | None:
        streams = [stream] if stream else [e.stream for e in load_mapping(system).for_talk(talk_entity)]
        for name in streams:
            found = self.store.global_id(system, name, native_id)
            if found:
                return found
        return None

    def line_id(self, system: str, stream: str, native_id: str) -> str:
        """An order line's global id: its link, else the id its native id names (as mapper-talk
        gives it, so a line first read in the source and later in the destination is one line)."""
        found = self.global_id_for(system, ORDER_LINE, native_id, stream)
        if found is None:
            found = new_global_id(system, stream, native_id)
            self.lines_read[(system, found)] = native_id
        return found

    def same_line(self, system: str, global_id: str, native_id: str) -> None:
        """A native line not linked yet is the line `global_id` (paired by product on first
        contact, or just created): writes for that line go to `native_id`."""
        self.lines_read[(system, global_id)] = native_id
        self.forget(system, ORDER_LINE, global_id)

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
            elif (system, talk_entity, global_id) in self.planned:
                native_id, extra = self.planned[(system, talk_entity, global_id)]
                value = extra.get(key, PLANNED_ID) if key else native_id
            elif talk_entity == ORDER_LINE:
                value = self.lines_read.get((system, global_id))
            self.native_cache[cache_key] = value
        return self.native_cache[cache_key]

    def plan(self, system: str, talk_entity: str, global_id: str, native_id: str = "", extra: dict | None = None) -> None:
        """A dry run would create (or link to an existing record) this record: what refers to
        it is planned, not rejected."""
        self.planned[(system, talk_entity, global_id)] = (native_id or PLANNED_ID, extra or {})

    def related(self, system: str, global_id: str, prop: str) -> str | None:
        """A property of the record as `system` holds it (from its shadow): e.g. the
        organisation of a contact person."""
        shadow = self.store.shadow(global_id, system) or {}
        return shadow.get(prop)

    def forget(self, system: str, talk_entity: str, global_id: str) -> None:
        for key in [k for k in self.native_cache if k[:3] == (system, talk_entity, global_id)]:
            del self.native_cache[key]
