"""The contract between the shared target logic and one system's API client.

A system's target package implements `SystemClient` in its `client.py`. Records cross this
boundary in the system's *native record shape*: exactly the shape that system's tap emits
(the mapping file's native paths refer to it). The client alone knows how that shape turns
into API calls (JSON Patch, GraphQL inputs, batch bodies) and back.
"""
from __future__ import annotations

from typing import Iterable, Protocol


class SystemClient(Protocol):
    system: str

    def fetch(self, entity: str, native_id: str) -> dict | None:
        """The current record, in native record shape, or None if it no longer exists."""

    def index(self, entity: str) -> Iterable[dict]:
        """Every record of the entity, in native record shape (may be partial: at least the
        id, the match keys and the external reference). Used once per run for first-contact
        matching; page through with the largest page size the API allows."""

    def create(self, entity: str, record: dict) -> dict:
        """Create the record; return it as stored (native record shape, with its new id)."""

    def update(self, entity: str, native_id: str, changes: dict, current: dict) -> dict:
        """Apply `changes` (native paths -> new values, dotted for nested: 'MailAddress.City')
        to the record whose present state is `current`; return it as stored."""

    def close(self) -> None:
        """Release connections."""
