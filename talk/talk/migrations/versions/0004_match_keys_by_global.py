"""Match keys are found by their global id too.

Every commit retires the keys of its record that no longer hold (an old e-mail), and merging two
identities moves keys from one to the other: both select match keys by global id, which the
table's key (talk entity, key) does not serve. Without this index each commit scanned every
match key of the store (a 100-record run against a store of a million customers took 40 s).

Revision ID: 0004_match_keys_by_global
Revises: 0003_run_history
"""
from alembic import op

revision = "0004_match_keys_by_global"
down_revision = "0003_run_history"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("match_keys_by_global", "match_keys", ["global_id"])


def downgrade() -> None:
    op.drop_index("match_keys_by_global", table_name="match_keys")
