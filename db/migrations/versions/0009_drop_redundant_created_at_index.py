"""Drop mentions(created_at): mentions(created_at, source, lang, label) serves every query it did

The covering index of 0008 starts with created_at, so a range or order on created_at alone uses
it as well; the narrower index was one more B-tree to update for every stored mention.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mentions", schema=None) as batch_op:
        batch_op.drop_index("ix_mentions_created_at")


def downgrade() -> None:
    with op.batch_alter_table("mentions", schema=None) as batch_op:
        batch_op.create_index("ix_mentions_created_at", ["created_at"], unique=False)
