"""Databases of their own on the session's PostgreSQL server (the postgres_url fixture), for
tests that keep Talk's store, Meltano's system database or Dagster's storage in PostgreSQL: each
needs a database of its own (Meltano, Dagster and Talk each have a table named `runs`), and other
tests empty the server's `talk` database."""
from __future__ import annotations

import sqlalchemy as sa


def fresh_database(server_url: str, name: str) -> str:
    """An empty database `name` on the server of `server_url` (dropped first if an earlier run
    left it); returns its URL with the same driver."""
    engine = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return sa.engine.make_url(server_url).set(database=name).render_as_string(hide_password=False)
