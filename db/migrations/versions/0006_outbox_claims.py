"""outbox claims: an index on (case_id, state), so claiming a case's pending rows is a lookup

Several senders on PostgreSQL claim the outbox one case at a time (an advisory lock per case,
then each row `FOR UPDATE SKIP LOCKED`) and read a case's pending rows in id order to keep its
messages in order. Claims live in locks, not columns: they vanish with the claimant's connection.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outbox_case_id_state"), ["case_id", "state"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_case_id_state"))
