"""Identity resolution for one source system during one mapper run.

A run costs what changed, not what the store holds: the mapper reads the store for the
records at hand, one batch at a time (`prepare`: one query per kind of fact for the whole
batch: links of the batch's native ids, match keys of its new records, which identities this
system already holds, shadows, which destinations hold them), and forgets the batch when the
next one starts, so memory stays flat however many records the store or the run holds. A
record met outside a batch (an order's customer, a queued retry) is looked up on its own.

The mapper writes nothing: resolution is deterministic for a given store (a link, else the
global id the record carries as external reference, else a match key, else a name-based id
from the native id), and the target stores the source's link together with the destination's
once the record is synced. A record that was rejected or skipped therefore gets the same global
id again next run. What a run decides that the store cannot tell it again (a record matched
onto an identity of another system) is kept for the whole run: few records, first contact only.
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
        self.talk_entity_of_stream = {e.stream: e.talk for e in mappings.load(system).entities.values()}
        self.creating: dict[str, list[str]] = {}  # talk entity -> systems a flow creates it in
        # Kept for the run: records resolved to an identity that is not the name-based id of
        # their native id (matched by key, or found by external reference). Their links are
        # stored only when the target writes them, so the store cannot say this again.
        self.decided: dict[tuple[str, str], str] = {}  # (stream, native id) -> global id
        self.taken: set[tuple[str, str]] = set()  # (talk entity, global id) decided for a record here
        self.next_batch()

    def next_batch(self) -> None:
        """Forget what the last batch read: the run's memory does not grow with its records."""
        self.links: dict[tuple[str, str], str | None] = {}  # (stream, native id) -> global id or None
        self.keys: dict[tuple[str, str], str | None] = {}  # (talk entity, match key) -> global id or None
        self.held_here: dict[tuple[str, str], bool] = {}  # (talk entity, global id) -> linked in this system
        self.shadow_cache: dict[str, dict[str, dict]] = {}
        self.held_in: dict[tuple[str, str, str], bool] = {}  # (system, talk entity, global id)

    # -- reading the store for a batch --------------------------------------------------------
    def prefetch_links(self, stream: str, native_ids: list[str]) -> None:
        wanted = [n for n in dict.fromkeys(map(str, native_ids)) if (stream, n) not in self.links]
        if not wanted:
            return
        found = self.store.global_ids_of_natives(self.system, stream, wanted)
        for native_id in wanted:
            self.links[(stream, native_id)] = found.get(native_id)

    def prefetch_references(self, entity: mappings.EntityMapping, records: list[dict]) -> None:
        """The links of every record a batch refers to (an order's customer and products, its
        lines), one query per stream: the batch is read once through a stand-in that only notes
        what it is asked for. Entities that refer to nothing (customers) skip it."""
        if not _refers(entity.rules):
            return
        noted = _References(self)
        for record in records:
            try:
                entity.to_talk(record, noted)
            except Exception:  # noqa: BLE001 - the real read reports it, record by record
                continue
        self.prefetch_links_grouped(noted.pairs)

    def stream_of(self, talk_entity: str) -> str:
        return next(s for s, t in self.talk_entity_of_stream.items() if t == talk_entity)

    def prepare(self, records: list[tuple[str, str, str, dict, str | None]]) -> list[str]:
        """Global ids of a batch of mapped records, (stream, talk entity, native id, Talk record,
        external reference) each, in order; with their shadows and holders read, one query each."""
        self.prefetch_links_grouped([(stream, native_id) for stream, _, native_id, _, _ in records])
        new = [(entity, talk, reference) for stream, entity, native_id, talk, reference in records
               if self._linked(stream, native_id) is None]
        for entity in {entity for entity, _, _ in new}:
            keys = [key for e, talk, _ in new if e == entity for key in match_keys(entity, talk)]
            self._prefetch_keys(entity, keys)
            candidates = [self.keys.get((entity, key)) for key in keys]
            candidates += [reference for e, _, reference in new if e == entity and is_global_id(reference)]
            self._prefetch_held_here(entity, [g for g in candidates if g])
        ids = [self.resolve(stream, entity, native_id, talk, reference) for stream, entity, native_id, talk, reference in records]
        self.prefetch_shadows(ids)
        for entity in {entity for _, entity, _, _, _ in records}:
            self._prefetch_held_in(entity, [g for (_, e, _, _, _), g in zip(records, ids) if e == entity])
        return ids

    def prefetch_links_grouped(self, pairs: list[tuple[str, str]]) -> None:
        by_stream: dict[str, list[str]] = {}
        for stream, native_id in pairs:
            by_stream.setdefault(stream, []).append(native_id)
        for stream, native_ids in by_stream.items():
            self.prefetch_links(stream, native_ids)

    def prefetch_shadows(self, global_ids: list[str]) -> None:
        wanted = [g for g in dict.fromkeys(global_ids) if g not in self.shadow_cache]
        if wanted:
            found = self.store.shadows_of(wanted)
            for g in wanted:
                self.shadow_cache[g] = found.get(g, {})

    def _prefetch_keys(self, talk_entity: str, keys: list[str]) -> None:
        wanted = [k for k in dict.fromkeys(keys) if (talk_entity, k) not in self.keys]
        if wanted:
            found = self.store.match_many(talk_entity, wanted)
            for key in wanted:
                self.keys[(talk_entity, key)] = found.get(key)

    def _prefetch_held_here(self, talk_entity: str, global_ids: list[str]) -> None:
        wanted = [g for g in dict.fromkeys(global_ids) if (talk_entity, g) not in self.held_here]
        if wanted:
            held = self.store.held_by(self.system, talk_entity, wanted)
            for g in wanted:
                self.held_here[(talk_entity, g)] = g in held

    def _prefetch_held_in(self, talk_entity: str, global_ids: list[str]) -> None:
        for destination in self._creating(talk_entity):
            wanted = [g for g in dict.fromkeys(global_ids) if (destination, talk_entity, g) not in self.held_in]
            if wanted:
                held = self.store.held_by(destination, talk_entity, wanted)
                for g in wanted:
                    self.held_in[(destination, talk_entity, g)] = g in held

    # -- transforms' view (talk.transforms.Links) ---------------------------------------------
    def global_id_for(self, system: str, talk_entity: str, native_id: str, stream: str | None) -> str:
        """A referenced record (an order's customer): its global id, assigned now if it has none."""
        stream = stream or self.stream_of(talk_entity)
        return self._linked(stream, str(native_id)) or new_global_id(system, stream, str(native_id))

    def line_id(self, system: str, stream: str, native_id: str) -> str:
        return self.global_id_for(system, ORDER_LINE, native_id, stream)

    def native_id_for(self, system: str, talk_entity: str, global_id: str, key: str | None) -> str | None:
        raise NotImplementedError("the mapper only maps inbound")

    # -- records ---------------------------------------------------------------------------------
    def linked(self, stream: str, native_id: str) -> str | None:
        """The global id a native record of this system is linked to (or was given this run)."""
        return self._linked(stream, str(native_id))

    def resolve(self, stream: str, talk_entity: str, native_id: str, talk: dict, reference: str | None = None) -> str:
        """The global id of a native record: its link, else the global id it carries as its
        external reference (a record Talk created here whose link a killed run never stored),
        else a first-contact match, else new."""
        native_id = str(native_id)
        found = self._linked(stream, native_id)
        if found:
            return found
        if reference:
            found = self._created_by_talk(talk_entity, str(reference))
        if not found:
            for key in match_keys(talk_entity, talk):
                candidate = self._key(talk_entity, key)
                # Match only onto an identity this system has no record for yet: two records of one
                # system sharing an email are two customers, not one.
                if candidate and not self._held_here(talk_entity, candidate):
                    found = candidate
                    break
        if found:
            self.decided[(stream, native_id)] = found
            self.taken.add((talk_entity, found))
            self.links[(stream, native_id)] = found
            self.held_here[(talk_entity, found)] = True
            return found
        found = new_global_id(self.system, stream, native_id)
        self.links[(stream, native_id)] = found
        self.held_here[(talk_entity, found)] = True
        return found

    def _created_by_talk(self, talk_entity: str, reference: str) -> str | None:
        """The global id a record carries as external reference, when no other record of this
        system has it: Talk created this record from that identity (and a run killed before the
        link was stored, or before the source's own link was, left it unlinked). Without this,
        the reverse pipeline would take it for a new record and create it again where it came
        from. (A reference someone else's import wrote is harmless: it only becomes the id of
        a record that has no other.)"""
        if not is_global_id(reference) or self._held_here(talk_entity, reference):
            return None
        return reference

    def shadows(self, talk_entity: str, global_id: str) -> dict[str, dict]:
        if global_id not in self.shadow_cache:
            self.prefetch_shadows([global_id])
        return self.shadow_cache[global_id]

    def missing_where_created(self, talk_entity: str, global_id: str) -> bool:
        """Whether a flow creates this system's records of the entity in a system that holds no
        record for this one yet. Such a record goes through even when it is settled against its
        own shadow: a webshop product first synced to PowerOffice GO must still reach Shopify
        when the webshop's flow to Shopify runs. (The mapper cannot know which target it feeds;
        a target that already holds the record drops it without a request, see `settled`.)"""
        self._prefetch_held_in(talk_entity, [global_id])
        return any(not self.held_in[(destination, talk_entity, global_id)] for destination in self._creating(talk_entity))

    # -- one fact at a time, through the batch's caches -------------------------------------------
    def _linked(self, stream: str, native_id: str) -> str | None:
        if (stream, native_id) in self.decided:
            return self.decided[(stream, native_id)]
        if (stream, native_id) not in self.links:
            self.prefetch_links(stream, [native_id])
        return self.links[(stream, native_id)]

    def _key(self, talk_entity: str, key: str) -> str | None:
        if (talk_entity, key) not in self.keys:
            self._prefetch_keys(talk_entity, [key])
        return self.keys[(talk_entity, key)]

    def _held_here(self, talk_entity: str, global_id: str) -> bool:
        if (talk_entity, global_id) in self.taken:
            return True
        if (talk_entity, global_id) not in self.held_here:
            self._prefetch_held_here(talk_entity, [global_id])
        return self.held_here[(talk_entity, global_id)]

    def _creating(self, talk_entity: str) -> list[str]:
        if talk_entity not in self.creating:
            destinations = {f.destination for f in flows.load().values() if f.source == self.system}
            self.creating[talk_entity] = [d for d in destinations if flows.creates(self.system, d, talk_entity)]
        return self.creating[talk_entity]


REFERRING = ("link", "line_id")  # the transforms that look a referenced record's link up


def _refers(rules: list) -> bool:
    return any(rule.transform in REFERRING or _refers(rule.items) for rule in rules)


class _References:
    """Stands in for the transforms' links while a batch is read to learn what it refers to:
    notes each (stream, native id) asked for and answers with the id its native id names."""

    def __init__(self, identities: SourceIdentities):
        self.identities = identities
        self.pairs: list[tuple[str, str]] = []

    def global_id_for(self, system: str, talk_entity: str, native_id: str, stream: str | None) -> str:
        stream = stream or self.identities.stream_of(talk_entity)
        self.pairs.append((stream, str(native_id)))
        return new_global_id(system, stream, str(native_id))

    def line_id(self, system: str, stream: str, native_id: str) -> str:
        return self.global_id_for(system, ORDER_LINE, native_id, stream)

    def native_id_for(self, system: str, talk_entity: str, global_id: str, key: str | None) -> str | None:
        raise NotImplementedError("the mapper only maps inbound")
