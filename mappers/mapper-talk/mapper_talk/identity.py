"""Identity resolution for one source system during one mapper run.

Everything the mapper needs from the store is read once (links of the source system, match
keys, shadows): the mapper sees every record of a run, so per-record queries would dominate
its cost. The mapper writes nothing: resolution is deterministic for a given store (a link,
else a match key, else a name-based id from the native id), and the target stores the
source's link together with the destination's once the record is synced. A record that was
rejected or skipped therefore gets the same global id again next run.
"""
from __future__ import annotations

from talk import flows
from talk import mapping as mappings
from talk.matching import match_keys
from talk.store import IdentityStore, is_global_id, new_global_id
from talk.transforms import ORDER_LINE


class SourceIdentities:
    def __init__(self, store: IdentityStore, system: str):
        self.store = store
        self.system = system
        self.links = store.links_of_system(system)  # (stream, native id) -> global id
        self.talk_entity_of_stream = {e.stream: e.talk for e in mappings.load(system).entities.values()}
        # global ids that already have a native record in this system, per Talk entity
        self.linked_here: set[tuple[str, str]] = {
            (self.talk_entity_of_stream.get(stream, "?"), g) for (stream, _), g in self.links.items()
        }
        self.keys: dict[str, dict[str, str]] = {}
        self.shadow_cache: dict[str, dict[str, dict]] = {}
        self.shadows_loaded: set[str] = set()
        self.matched: set[str] = set()
        self.held_in: dict[tuple[str, str], set[str]] = {}  # (system, talk entity) -> global ids
        self.creating: dict[str, list[str]] = {}  # talk entity -> systems a flow creates it in

    # -- transforms' view (talk.transforms.Links) ---------------------------------------------
    def global_id_for(self, system: str, talk_entity: str, native_id: str, stream: str | None) -> str:
        """A referenced record (an order's customer): its global id, assigned now if it has none."""
        stream = stream or next(s for s, t in self.talk_entity_of_stream.items() if t == talk_entity)
        found = self.links.get((stream, native_id))
        if found is None:
            found = new_global_id(system, stream, native_id)
            self._add_link(stream, native_id, found, talk_entity)
        return found

    def line_id(self, system: str, stream: str, native_id: str) -> str:
        return self.global_id_for(system, ORDER_LINE, native_id, stream)

    def native_id_for(self, system: str, talk_entity: str, global_id: str, key: str | None) -> str | None:
        raise NotImplementedError("the mapper only maps inbound")

    # -- records ---------------------------------------------------------------------------------
    def resolve(self, stream: str, talk_entity: str, native_id: str, talk: dict, reference: str | None = None) -> str:
        """The global id of a native record: its link, else the global id it carries as its
        external reference (a record Talk created here whose link a killed run never stored),
        else a first-contact match, else new."""
        found = self.links.get((stream, native_id))
        if found:
            return found
        if reference:
            found = self._created_by_talk(talk_entity, str(reference))
            if found:
                self.matched.add(found)
                self._add_link(stream, native_id, found, talk_entity)
                return found
        keys = self._keys(talk_entity)
        record_keys = match_keys(talk_entity, talk)
        for key in record_keys:
            candidate = keys.get(key)
            # Match only onto an identity this system has no record for yet: two records of one
            # system sharing an email are two customers, not one.
            if candidate and (talk_entity, candidate) not in self.linked_here:
                found = candidate
                break
        if found:
            self.matched.add(found)  # linked elsewhere: its shadows were not preloaded
        found = found or new_global_id(self.system, stream, native_id)
        self._add_link(stream, native_id, found, talk_entity)
        for key in record_keys:
            keys.setdefault(key, found)
        return found

    def _created_by_talk(self, talk_entity: str, reference: str) -> str | None:
        """The global id a record carries as external reference, when no other record of this
        system has it: Talk created this record from that identity (and a run killed before the
        link was stored, or before the source's own link was, left it unlinked). Without this,
        the reverse pipeline would take it for a new record and create it again where it came
        from. (A reference someone else's import wrote is harmless: it only becomes the id of
        a record that has no other.)"""
        if not is_global_id(reference) or (talk_entity, reference) in self.linked_here:
            return None
        if any(link.system == self.system for link in self.store.links_of(reference) if link.talk_entity == talk_entity):
            return None
        return reference

    def shadows(self, talk_entity: str, global_id: str) -> dict[str, dict]:
        if talk_entity not in self.shadows_loaded:
            ids = {g for (entity, g) in self.linked_here if entity == talk_entity}
            self.shadow_cache.update(self.store.shadows_of(ids))
            self.shadows_loaded.add(talk_entity)
        if global_id in self.matched and global_id not in self.shadow_cache:
            self.shadow_cache.update(self.store.shadows_of([global_id]))
        return self.shadow_cache.get(global_id, {})

    def missing_where_created(self, talk_entity: str, global_id: str) -> bool:
        """Whether a flow creates this system's records of the entity in a system that holds no
        record for this one yet. Such a record goes through even when it is settled against its
        own shadow: a webshop product first synced to PowerOffice GO must still reach Shopify
        when the webshop's flow to Shopify runs. (The mapper cannot know which target it feeds;
        a target that already holds the record drops it without a request, see `settled`.)"""
        if talk_entity not in self.creating:
            destinations = {f.destination for f in flows.load().values() if f.source == self.system}
            self.creating[talk_entity] = [d for d in destinations if flows.creates(self.system, d, talk_entity)]
        for destination in self.creating[talk_entity]:
            key = (destination, talk_entity)
            if key not in self.held_in:
                self.held_in[key] = self.store.global_ids_of_system(destination, talk_entity)
            if global_id not in self.held_in[key]:
                return True
        return False

    def _keys(self, talk_entity: str) -> dict[str, str]:
        if talk_entity not in self.keys:
            self.keys[talk_entity] = self.store.matches(talk_entity)
        return self.keys[talk_entity]

    def _add_link(self, stream: str, native_id: str, global_id: str, talk_entity: str) -> None:
        self.links[(stream, native_id)] = global_id
        self.linked_here.add((talk_entity, global_id))
