"""Indexes for the digest, dashboard and history queries.

The weekly digest and the dashboard read findings by publication date, source outcomes
by time (sources failing in a week) and per source over time, and the latest runs.
Without these each of those is a full scan that grows with every poll.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_finding_published"), ["published"], unique=False)
    with op.batch_alter_table("run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_run_started_at"), ["started_at"], unique=False)
    with op.batch_alter_table("run_source", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_run_source_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_run_source_source_id_at"), ["source_id", "at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("run_source", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_run_source_source_id_at"))
        batch_op.drop_index(batch_op.f("ix_run_source_at"))
    with op.batch_alter_table("run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_run_started_at"))
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finding_published"))
