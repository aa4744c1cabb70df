"""Run history: one row per pipeline run, written when it starts, so a run that fails or dies
is seen as such (`talk status`, `talk report`); the per-entity counts stay in `runs`.

Runs recorded before this revision were all runs that got to their end: each becomes a
succeeded pipeline run, its start unknown.

Revision ID: 0003_run_history
Revises: 0002_shopify_variant_links
"""
from alembic import op
import sqlalchemy as sa

revision = "0003_run_history"
down_revision = "0002_shopify_variant_links"
branch_labels = None
depends_on = None

runs = sa.table("runs", sa.column("run_id"), sa.column("finished_at"), sa.column("source"),
                sa.column("destination"), sa.column("dry_run"))


def upgrade() -> None:
    pipeline_runs = op.create_table(
        "pipeline_runs",
        sa.Column("run_id", sa.String(64), primary_key=True),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("destination", sa.String(40), nullable=False),
        sa.Column("started_at", sa.Float, nullable=True),
        sa.Column("finished_at", sa.Float, nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("job_run", sa.String(64), nullable=True),
        sa.Column("host", sa.String(255), nullable=True),
        sa.Column("pid", sa.Integer, nullable=True),
    )
    op.create_index("pipeline_runs_by_pipeline", "pipeline_runs", ["source", "destination", "started_at"])
    op.create_index("pipeline_runs_by_job_run", "pipeline_runs", ["job_run"])
    # A target that also rejected records of an unknown stream wrote them under source "?";
    # max() takes the real source ("?" sorts before every letter).
    earlier = (sa.select(runs.c.run_id, sa.func.max(runs.c.source), sa.func.max(runs.c.destination),
                         sa.func.max(runs.c.finished_at), sa.literal("succeeded"))
               .where(sa.or_(runs.c.dry_run.is_(None), runs.c.dry_run == sa.false()))
               .group_by(runs.c.run_id))
    op.get_bind().execute(pipeline_runs.insert().from_select(
        ["run_id", "source", "destination", "finished_at", "status"], earlier))


def downgrade() -> None:
    op.drop_table("pipeline_runs")
