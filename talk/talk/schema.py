"""The identity store's tables, in one place (the store, the retry queue and the run history
use them). This is what the code uses today; how a store of an earlier Talk gets here is in
migrations/ (one Alembic revision per change: a change here needs a revision there, and
tests/test_store_migrations.py fails until the two agree)."""
from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

links = sa.Table(
    "links",
    metadata,
    sa.Column("system", sa.String(40), primary_key=True),
    sa.Column("entity", sa.String(60), primary_key=True),
    sa.Column("native_id", sa.String(200), primary_key=True),
    sa.Column("global_id", sa.String(64), nullable=False),
    sa.Column("talk_entity", sa.String(20), nullable=False),
    sa.Column("extra", sa.Text, nullable=True),
    sa.Column("linked_at", sa.Float, nullable=False),
)
# One native record per system and Talk entity for a global id (the primary key already gives
# one global id per native record): two jobs that create the same record at once cannot both
# link theirs.
sa.Index("links_by_global", links.c.global_id, links.c.system, links.c.talk_entity, unique=True)

shadows = sa.Table(
    "shadows",
    metadata,
    sa.Column("global_id", sa.String(64), primary_key=True),
    sa.Column("system", sa.String(40), primary_key=True),
    sa.Column("talk_entity", sa.String(20), nullable=False),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.Column("native_updated_at", sa.String(64), nullable=True),
    sa.Column("saved_at", sa.Float, nullable=False),
)

match_keys = sa.Table(
    "match_keys",
    metadata,
    sa.Column("talk_entity", sa.String(20), primary_key=True),
    sa.Column("key", sa.String(300), primary_key=True),
    sa.Column("global_id", sa.String(64), nullable=False),
)
# Retiring a record's old keys and merging two identities find keys by global id.
sa.Index("match_keys_by_global", match_keys.c.global_id)

# The retry queue: a record that did not sync, per destination and source record, until it
# syncs or a person dismisses it. Meltano's bookmark moves past a rejected record, so this
# table, not the bookmark, is what brings it back (mapper-talk re-emits open rejects of its
# source system on every run). `destination` is "" for a record the mapper could not map.
rejects = sa.Table(
    "rejects",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("destination", sa.String(40), nullable=False),
    sa.Column("source_system", sa.String(40), nullable=False),
    sa.Column("source_entity", sa.String(60), nullable=False),
    sa.Column("source_id", sa.String(200), nullable=False),
    sa.Column("talk_entity", sa.String(20), nullable=False),
    sa.Column("global_id", sa.String(64), nullable=True),
    sa.Column("label", sa.String(300), nullable=True),  # the record as a person knows it
    sa.Column("stage", sa.String(20), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("record", sa.Text, nullable=True),  # Talk record (target) or native record (mapper)
    sa.Column("attempts", sa.Integer, nullable=False, default=1),
    sa.Column("first_seen", sa.Float, nullable=False),
    sa.Column("last_seen", sa.Float, nullable=False),
    sa.Column("status", sa.String(12), nullable=False, default="open"),  # open | dismissed
    sa.UniqueConstraint("destination", "source_system", "source_entity", "source_id", name="one_reject_per_record"),
)

# Property conflicts: both sides changed one property since the last sync; which value won
# and why (`talk conflicts`). Recorded in the transaction of the sync that decided it.
conflicts = sa.Table(
    "conflicts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("global_id", sa.String(64), nullable=False, index=True),
    sa.Column("talk_entity", sa.String(20), nullable=False),
    sa.Column("label", sa.String(300), nullable=True),
    sa.Column("property", sa.String(60), nullable=False),
    sa.Column("source_system", sa.String(40), nullable=False),
    sa.Column("source_value", sa.Text, nullable=True),
    sa.Column("destination_system", sa.String(40), nullable=False),
    sa.Column("destination_value", sa.Text, nullable=True),
    sa.Column("winner", sa.String(40), nullable=False),
    sa.Column("why", sa.String(200), nullable=False),
)

# Per-entity counts of a pipeline run that got to the end of its input (`talk report`).
runs = sa.Table(
    "runs",
    metadata,
    sa.Column("n", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.String(64), nullable=False, index=True),
    sa.Column("finished_at", sa.Float, nullable=False),
    sa.Column("source", sa.String(40), nullable=False),
    sa.Column("destination", sa.String(40), nullable=False),
    sa.Column("entity", sa.String(20), nullable=False),
    sa.Column("created", sa.Integer, default=0),
    sa.Column("updated", sa.Integer, default=0),
    sa.Column("unchanged", sa.Integer, default=0),
    sa.Column("linked", sa.Integer, default=0),
    sa.Column("skipped", sa.Integer, default=0),
    sa.Column("rejected", sa.Integer, default=0),
    sa.Column("dry_run", sa.Boolean, default=False),
)

# One row per pipeline run (a target process), written when it starts, so a run that fails or
# dies shows as such (`run_history.py`, `talk status`). `job_run` is the `talk run` that
# started it; `host` and `pid` tell whether a run still marked running is still alive.
pipeline_runs = sa.Table(
    "pipeline_runs",
    metadata,
    sa.Column("run_id", sa.String(64), primary_key=True),
    sa.Column("source", sa.String(40), nullable=False),
    sa.Column("destination", sa.String(40), nullable=False),
    sa.Column("started_at", sa.Float, nullable=True),  # unknown for runs recorded before run history
    sa.Column("finished_at", sa.Float, nullable=True),
    sa.Column("status", sa.String(12), nullable=False),  # running | succeeded | failed
    sa.Column("reason", sa.Text, nullable=True),  # why it failed, one line
    sa.Column("job_run", sa.String(64), nullable=True),
    sa.Column("host", sa.String(255), nullable=True),
    sa.Column("pid", sa.Integer, nullable=True),
)
sa.Index("pipeline_runs_by_pipeline", pipeline_runs.c.source, pipeline_runs.c.destination, pipeline_runs.c.started_at)
sa.Index("pipeline_runs_by_job_run", pipeline_runs.c.job_run)

# Alembic's record of the store's schema revision (migrations/), declared here too so that
# dropping the store's tables (metadata.drop_all: tests empty a shared database so) drops it.
alembic_version = sa.Table(
    "alembic_version",
    metadata,
    sa.Column("version_num", sa.String(32), nullable=False),
    sa.PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
)
