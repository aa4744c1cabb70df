"""The identity store's schema history, as Alembic revisions (versions/), run from code.

`schema.py` describes the tables the code uses today; the revisions here are how a store
written by any earlier Talk gets there. They never import `schema.py`: a revision is history
and must create what its Talk had, whatever the tables become later (tests/test_store_migrations.py
checks that a store brought to head has exactly the tables `schema.py` declares).

No alembic.ini: the configuration is built here, with `script_location` this package's folder,
so it works the same from the source tree and from an installed wheel. Every IdentityStore
brings its store to head when it opens it (`upgrade`, in the store's one-process-at-a-time
transaction); `talk store upgrade` and `talk store version` are the commands.

A new revision: `python -c "from talk import migrations; migrations.new_revision('what it does')"`,
then set its `revision` to the next number and name (0004_...) and HEAD below to it.
"""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

HERE = Path(__file__).parent
BASELINE = "0001_baseline"
HEAD = "0004_match_keys_by_global"  # checked against the revisions by tests/test_store_migrations.py
VERSION_TABLE = "alembic_version"
# What the Talk before migrations created on first use (metadata.create_all): a store holding
# these tables and no version table was made by it and is at the baseline already.
BASELINE_TABLES = {"links", "shadows", "match_keys", "rejects", "conflicts", "runs"}


def config():
    """An Alembic configuration for the identity store, with no file behind it."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    return cfg


def current(conn: sa.Connection) -> str | None:
    """The store's revision: BASELINE for one the Talk before migrations made (its tables, no
    version table); None for an empty store (or one of an older Talk that lacks a table)."""
    tables = set(sa.inspect(conn).get_table_names())
    if VERSION_TABLE in tables:
        return conn.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
    return BASELINE if BASELINE_TABLES <= tables else None


def upgrade(conn: sa.Connection) -> tuple[str | None, str]:
    """Bring the store on `conn` to HEAD inside the caller's transaction; returns the revision
    before and after. Cheap when it is at HEAD already: one look at the version table, no
    Alembic import (every plugin process opens the store)."""
    before = current(conn)
    if before == HEAD:
        return before, HEAD
    from alembic import command

    cfg = config()
    cfg.attributes["connection"] = conn
    if before == BASELINE and VERSION_TABLE not in sa.inspect(conn).get_table_names():
        # Made before migrations: stamped, so that the baseline's tables are not created
        # again. (A store of an older Talk that lacks one of them, conflicts came later, is
        # not stamped: the baseline revision creates only the tables that are missing.)
        command.stamp(cfg, BASELINE)
    command.upgrade(cfg, "head")
    return before, current(conn)


def new_revision(message: str) -> None:
    """Write a new, empty revision file into versions/ (for Talk's developers)."""
    from alembic import command

    command.revision(config(), message=message)
