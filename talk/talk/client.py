"""The contract between the shared target logic and one system's API client.

A system's target package implements `SystemClient` in its `client.py`. Records cross this
boundary in the system's *native record shape*: exactly the shape that system's tap emits
(the mapping file's native paths refer to it). The client alone knows how that shape turns
into API calls (JSON Patch, GraphQL inputs, batch bodies) and back.
"""
from __future__ import annotations

from typing import Iterable, Protocol


class NotSearchable(Exception):
    """The API cannot search this entity by this kind of match key (SystemClient.search): the
    write path falls back to reading the destination's index once for the run."""


class SystemClient(Protocol):
    system: str

    def fetch(self, entity: str, native_id: str) -> dict | None:
        """The current record, in native record shape, or None if it no longer exists."""

    def index(self, entity: str) -> Iterable[dict]:
        """Every record of the entity, in native record shape (may be partial: at least the
        id, the match keys and the external reference). Used once per run for first-contact
        matching; page through with the largest page size the API allows."""

    def search(self, entity: str, key: str) -> list[dict]:
        """Records of the entity that may hold the first-contact match key `key`, as
        `talk.matching.match_keys` makes them ('email:ola@example.com', 'org:923456789',
        'sku:ABC-1'), found with the API's own search or filter: a few requests at most, never
        a read of the whole entity. Each in native record shape, at least as `index` yields it.
        Talk maps every candidate and keeps only those whose own match keys include `key`, so
        a broader search (case-insensitive, prefix, full text) is fine. An incremental run looks
        up its few new records this way instead of reading the whole destination.
        Raise NotSearchable for a key kind (or entity) the API cannot search by."""

    def find_by_reference(self, entity: str, global_ids: list[str]) -> dict[str, dict]:
        """The records whose external reference (the field the mapping's `external_reference`
        names) is one of `global_ids`: global id -> record in native record shape, as `fetch`
        returns it; ids with no record are absent. The write path asks after a create whose
        outcome is unknown (`talk.http.UnknownOutcome`): did it land? Use the API's own search
        where it has one; an entity without an external reference finds nothing."""

    def create(self, entity: str, record: dict) -> dict:
        """Create the record; return it as stored (native record shape, with its new id). The
        request is sent as not safe to repeat: an answer lost on the way raises UnknownOutcome."""

    def update(self, entity: str, native_id: str, changes: dict, current: dict) -> dict:
        """Apply `changes` (native paths -> new values, dotted for nested: 'MailAddress.City')
        to the record whose present state is `current`; return it as stored. Setting values is
        safe to repeat, so the session retries it through 5xx and timeouts."""

    def close(self) -> None:
        """Release connections."""


class BatchingClient(SystemClient, Protocol):
    """A client whose API writes many records per request (WooCommerce's /batch endpoints).

    The shared write path notices `batch_size` > 1 and then collects up to that many records
    of one entity, reads their present state with one `fetch_many`, merges each as usual and
    hands every create and update of the group to one `write_batch` call. Each record's result
    comes back in its own slot, so an error the API reports for one item rejects that record
    only, and every other record of the batch is linked.
    """

    batch_size: int

    def fetch_many(self, entity: str, native_ids: list[str]) -> dict[str, dict]:
        """Present state of many records (native id -> native record); missing ids are absent."""

    def write_batch(self, entity: str, creates: list[dict], updates: list[tuple[str, dict, dict]]
                    ) -> tuple[list[dict | Exception], list[dict | Exception]]:
        """Create `creates` (bodies as for `create`) and apply `updates` ((native id, changes,
        current) as for `update`) in as few requests as the API allows. Returns, in the same
        order, each record as stored or the `talk.http.ApiError` the API gave for that item. A
        request holding a create is not repeated blindly (UnknownOutcome); one of updates only is."""
