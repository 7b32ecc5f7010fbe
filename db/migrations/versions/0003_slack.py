"""slack_messages (what the Slack app posted, for crash-safe posting) and agents (availability)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import db.base

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "slack_messages",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("case_id", _ID, nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("thread_ts", sa.String(length=32), nullable=True),
        sa.Column("ts", sa.String(length=32), nullable=True),
        sa.Column("digest", sa.String(length=64), nullable=True),
        sa.Column("permalink", sa.Text(), nullable=True),
        sa.Column("started_at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("posted_at", db.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_slack_messages_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_slack_messages")),
    )
    with op.batch_alter_table("slack_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_slack_messages_case_id"), ["case_id"], unique=False)
    op.create_table(
        "agents",
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("away", sa.Boolean(), nullable=False),
        sa.Column("changed_at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_assigned_at", db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_turn", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_agents")),
    )


def downgrade() -> None:
    op.drop_table("agents")
    with op.batch_alter_table("slack_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_slack_messages_case_id"))
    op.drop_table("slack_messages")
