"""When a check last judged each claim, so a claim never judged is not shown as fresh.

``claim.judged_at`` is set by every check that judges the claim (``storage.flags.
reconcile``). A claim whose ``judged_at`` is empty or older than its ``updated_at``
has not been judged as it reads now: the reports call it *unchecked*.

Existing claims are taken as judged by the last check that finished after their last
change (a ``check`` or daemon ``run`` with status done); claims changed after it, or
in a store that never finished a check, stay unchecked until the next check.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_LAST_CHECK = (
    "(SELECT MAX(finished_at) FROM run WHERE status = 'done' AND command IN ('check', 'run'))"
)


def upgrade() -> None:
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.add_column(sa.Column("judged_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        f"UPDATE claim SET judged_at = {_LAST_CHECK} WHERE updated_at <= {_LAST_CHECK}"
    )


def downgrade() -> None:
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.drop_column("judged_at")
