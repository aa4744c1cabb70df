"""A tiny document store on SQLite: every emulator keeps its entities as JSON documents.

Why documents and not one table per entity: the emulators mirror APIs whose records are
nested JSON; storing them as they are keeps each emulator small and its responses exact.
"""
from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any, Iterator

import sqlalchemy as sa

metadata = sa.MetaData()
documents = sa.Table(
    "documents",
    metadata,
    sa.Column("entity", sa.String, primary_key=True),
    sa.Column("id", sa.String, primary_key=True),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
)
sa.Index("documents_entity_seq", documents.c.entity, documents.c.seq)
counters = sa.Table(
    "counters",
    metadata,
    sa.Column("name", sa.String, primary_key=True),
    sa.Column("value", sa.Integer, nullable=False),
)


class DocumentStore:
    """Entities as JSON documents, ordered by insertion (`seq`), persisted in one SQLite file."""

    def __init__(self, path: str | Path):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.engine = sa.create_engine(f"sqlite:///{path}")
        with self.engine.begin() as conn:
            conn.exec_driver_sql("PRAGMA journal_mode=WAL")
        metadata.create_all(self.engine)
        self.lock = threading.RLock()

    def next_id(self, name: str, start: int = 1) -> int:
        """A monotonically increasing number per name (ids, order numbers)."""
        with self.lock, self.engine.begin() as conn:
            row = conn.execute(sa.select(counters.c.value).where(counters.c.name == name)).first()
            value = (row[0] + 1) if row else start
            if row:
                conn.execute(counters.update().where(counters.c.name == name).values(value=value))
            else:
                conn.execute(counters.insert().values(name=name, value=value))
            return value

    def put(self, entity: str, id: Any, body: dict) -> dict:
        with self.lock, self.engine.begin() as conn:
            seq = conn.execute(
                sa.select(documents.c.seq).where(documents.c.entity == entity, documents.c.id == str(id))
            ).scalar()
            if seq is None:
                seq = self.next_id(f"seq:{entity}")
                conn.execute(documents.insert().values(entity=entity, id=str(id), seq=seq, body=json.dumps(body)))
            else:
                conn.execute(
                    documents.update()
                    .where(documents.c.entity == entity, documents.c.id == str(id))
                    .values(body=json.dumps(body))
                )
        return body

    def put_many(self, entity: str, bodies: list[tuple[Any, dict]]) -> None:
        """Bulk insert for seeding large data sets (ids must be new)."""
        with self.lock, self.engine.begin() as conn:
            start = self.next_id(f"seq:{entity}")
            rows = [
                {"entity": entity, "id": str(id), "seq": start + n, "body": json.dumps(body)}
                for n, (id, body) in enumerate(bodies)
            ]
            if rows:
                conn.execute(documents.insert(), rows)
                conn.execute(
                    counters.update().where(counters.c.name == f"seq:{entity}").values(value=start + len(rows))
                )

    def get(self, entity: str, id: Any) -> dict | None:
        with self.engine.connect() as conn:
            body = conn.execute(
                sa.select(documents.c.body).where(documents.c.entity == entity, documents.c.id == str(id))
            ).scalar()
        return json.loads(body) if body is not None else None

    def delete(self, entity: str, id: Any) -> bool:
        with self.lock, self.engine.begin() as conn:
            result = conn.execute(documents.delete().where(documents.c.entity == entity, documents.c.id == str(id)))
        return result.rowcount > 0

    def all(self, entity: str) -> Iterator[dict]:
        """Every document of an entity in insertion order."""
        with self.engine.connect() as conn:
            for (body,) in conn.execute(
                sa.select(documents.c.body).where(documents.c.entity == entity).order_by(documents.c.seq)
            ):
                yield json.loads(body)

    def reset(self) -> None:
        with self.lock, self.engine.begin() as conn:
            conn.execute(documents.delete())
            conn.execute(counters.delete())
