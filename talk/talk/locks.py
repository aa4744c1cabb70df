"""One find-or-create per identity at a time, across processes and jobs.

Two jobs that write into the same system (both schedules fire every 15 minutes) may meet the
same record at once: the same SKU from PowerOffice GO and from the webshop, on its way into
Shopify. Each would find nothing and create its own. A target therefore holds a lock on the
record's global id and match keys in that system from the moment it looks the record up until
its link is committed, and looks again (in the store, which the other job has written by then)
once it holds the lock.

- PostgreSQL: transaction-level advisory locks on a connection of their own; the server drops
  them when the transaction ends or the process dies.
- SQLite (one machine by nature): POSIX byte-range locks on a file beside the database, one
  byte per hashed key; the kernel drops them when the process dies, so a killed run never
  leaves a lock behind. Unlike a long write transaction they block nobody else's reads or
  writes while an API call is under way.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterable, Iterator

import sqlalchemy as sa

if TYPE_CHECKING:
    from .store import IdentityStore

SLOTS = 1 << 20  # byte offsets in the SQLite lock file; two keys sharing one merely wait for each other


def _number(key: str) -> int:
    """A stable signed 64-bit number for a key (what pg_advisory_xact_lock takes)."""
    return int.from_bytes(hashlib.sha1(key.encode()).digest()[:8], "big", signed=True)


class IdentityLocks:
    def __init__(self, store: "IdentityStore"):
        self.store = store
        self.dialect = store.engine.dialect.name
        self._file: int | None = None
        self._held: dict[int, int] = {}  # slot -> how many holders in this process (POSIX locks do not nest)

    @contextmanager
    def hold(self, keys: Iterable[str]) -> Iterator[None]:
        """Hold every key (in a fixed order, so two holders of overlapping sets cannot deadlock)."""
        keys = sorted(set(keys))
        if not keys:
            yield
            return
        if self.dialect == "postgresql":
            with self.store.engine.connect() as conn, conn.begin():
                for key in keys:
                    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:n)"), {"n": _number(key)})
                yield
            return
        if self.dialect == "sqlite" and self._lock_path():
            slots = sorted({_number(key) % SLOTS for key in keys})
            for slot in slots:
                self._acquire(slot)
            try:
                yield
            finally:
                for slot in reversed(slots):
                    self._release(slot)
            return
        yield  # an in-memory database lives in one process: nothing to serialise against

    def _lock_path(self) -> str | None:
        database = self.store.engine.url.database
        if not database or database == ":memory:":
            return None
        return f"{database}.locks"

    def _acquire(self, slot: int) -> None:
        if self._held.get(slot):
            self._held[slot] += 1
            return
        if self._file is None:
            self._file = os.open(self._lock_path(), os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.lockf(self._file, fcntl.LOCK_EX, 1, slot)
        self._held[slot] = 1

    def _release(self, slot: int) -> None:
        self._held[slot] -= 1
        if not self._held[slot]:
            del self._held[slot]
            fcntl.lockf(self._file, fcntl.LOCK_UN, 1, slot)
