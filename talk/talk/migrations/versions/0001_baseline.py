"""Baseline: the tables Talk created before its store had migrations.

A store made by that Talk (these tables, no alembic_version) is stamped at this revision
instead (talk.migrations.upgrade). Tables that already exist are left alone, so a store of a
still older Talk, made before some of them existed, gets only the missing ones.

Revision ID: 0001_baseline
Revises:
"""
from alembic import op
import sqlalchemy as sa

revision = "0001_baseline"
down_revision = None
branch_labels = None
depends_on = None


def _missing(name: str) -> bool:
    return not sa.inspect(op.get_bind()).has_table(name)


def upgrade() -> None:
    if _missing("links"):
        op.create_table(
            "links",
            sa.Column("system", sa.String(40), primary_key=True),
            sa.Column("entity", sa.String(60), primary_key=True),
            sa.Column("native_id", sa.String(200), primary_key=True),
            sa.Column("global_id", sa.String(64), nullable=False),
            sa.Column("talk_entity", sa.String(20), nullable=False),
            sa.Column("extra", sa.Text),
            sa.Column("linked_at", sa.Float, nullable=False),
        )
        op.create_index("links_by_global", "links", ["global_id", "system", "talk_entity"], unique=True)
    if _missing("shadows"):
        op.create_table(
            "shadows",
            sa.Column("global_id", sa.String(64), primary_key=True),
            sa.Column("system", sa.String(40), primary_key=True),
            sa.Column("talk_entity", sa.String(20), nullable=False),
            sa.Column("data", sa.Text, nullable=False),
            sa.Column("hash", sa.String(64), nullable=False),
            sa.Column("native_updated_at", sa.String(64)),
            sa.Column("saved_at", sa.Float, nullable=False),
        )
    if _missing("match_keys"):
        op.create_table(
            "match_keys",
            sa.Column("talk_entity", sa.String(20), primary_key=True),
            sa.Column("key", sa.String(300), primary_key=True),
            sa.Column("global_id", sa.String(64), nullable=False),
        )
    if _missing("rejects"):
        op.create_table(
            "rejects",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("destination", sa.String(40), nullable=False),
            sa.Column("source_system", sa.String(40), nullable=False),
            sa.Column("source_entity", sa.String(60), nullable=False),
            sa.Column("source_id", sa.String(200), nullable=False),
            sa.Column("talk_entity", sa.String(20), nullable=False),
            sa.Column("global_id", sa.String(64)),
            sa.Column("label", sa.String(300)),
            sa.Column("stage", sa.String(20), nullable=False),
            sa.Column("reason", sa.Text, nullable=False),
            sa.Column("record", sa.Text),
            sa.Column("attempts", sa.Integer, nullable=False),
            sa.Column("first_seen", sa.Float, nullable=False),
            sa.Column("last_seen", sa.Float, nullable=False),
            sa.Column("status", sa.String(12), nullable=False),
            sa.UniqueConstraint("destination", "source_system", "source_entity", "source_id",
                                name="one_reject_per_record"),
        )
    if _missing("conflicts"):
        op.create_table(
            "conflicts",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("at", sa.Float, nullable=False),
            sa.Column("global_id", sa.String(64), nullable=False),
            sa.Column("talk_entity", sa.String(20), nullable=False),
            sa.Column("label", sa.String(300)),
            sa.Column("property", sa.String(60), nullable=False),
            sa.Column("source_system", sa.String(40), nullable=False),
            sa.Column("source_value", sa.Text),
            sa.Column("destination_system", sa.String(40), nullable=False),
            sa.Column("destination_value", sa.Text),
            sa.Column("winner", sa.String(40), nullable=False),
            sa.Column("why", sa.String(200), nullable=False),
        )
        op.create_index("ix_conflicts_global_id", "conflicts", ["global_id"])
    if _missing("runs"):
        op.create_table(
            "runs",
            sa.Column("n", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("run_id", sa.String(64), nullable=False),
            sa.Column("finished_at", sa.Float, nullable=False),
            sa.Column("source", sa.String(40), nullable=False),
            sa.Column("destination", sa.String(40), nullable=False),
            sa.Column("entity", sa.String(20), nullable=False),
            *(sa.Column(count, sa.Integer) for count in ("created", "updated", "unchanged", "linked", "skipped", "rejected")),
            sa.Column("dry_run", sa.Boolean),
        )
        op.create_index("ix_runs_run_id", "runs", ["run_id"])


def downgrade() -> None:
    for table in ("runs", "conflicts", "rejects", "match_keys", "shadows", "links"):
        op.drop_table(table)
