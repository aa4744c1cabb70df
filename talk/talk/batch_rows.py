"""The identity store's rows of the records a target has at hand, read once per batch.

A record's trip through the write path asks for its link in the destination, its links in
every other system and the shadows of each; asked one at a time that is 8-12 round trips per
record. `BatchRows.read` fetches them for a whole batch in two queries (links, shadows) while
the batch's identity locks are held, so nothing another job commits can make them stale; the
write path then reads them from here, and a record's rows are read afresh after its own commit
changed them (`forget`).
"""
from __future__ import annotations

from .store import IdentityStore, Link


class BatchRows:
    def __init__(self, store: IdentityStore):
        self.store = store
        self.clear()

    def clear(self) -> None:
        self.links: dict[str, list[Link]] = {}  # global id -> its links in every system
        self.shadows: dict[str, dict[str, dict]] = {}  # global id -> system -> shadow

    def read(self, global_ids: list[str]) -> None:
        """Links and shadows of these identities, one query each."""
        self.clear()
        ids = list(dict.fromkeys(global_ids))
        self.links = {g: [] for g in ids}
        for link in self.store.links_of_many(ids):
            self.links[link.global_id].append(link)
        found = self.store.shadows_of(ids)
        self.shadows = {g: found.get(g, {}) for g in ids}

    def forget(self, *global_ids: str) -> None:
        """These identities' rows changed (a commit, a merge): read them from the store again."""
        for g in global_ids:
            self.links.pop(g, None)
            self.shadows.pop(g, None)

    def links_of(self, global_id: str) -> list[Link]:
        if global_id not in self.links:
            return self.store.links_of(global_id)
        return list(self.links[global_id])

    def link_for(self, system: str, talk_entity: str, global_id: str) -> Link | None:
        if global_id not in self.links:
            return self.store.link_for(system, talk_entity, global_id)
        return next((link for link in self.links[global_id] if link.system == system and link.talk_entity == talk_entity), None)

    def shadows_of(self, global_id: str) -> dict[str, dict]:
        if global_id not in self.shadows:
            return self.store.shadows_of([global_id]).get(global_id, {})
        return dict(self.shadows[global_id])

    def shadow(self, global_id: str, system: str) -> dict | None:
        return self.shadows_of(global_id).get(system)
