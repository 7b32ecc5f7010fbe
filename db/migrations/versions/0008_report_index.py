"""mentions(created_at, source, lang, label): the reports' daily trends read the index only

On SQLite the daily report over 1,000,000 mentions took 9.2 s with only mentions(created_at),
4.8 s with this covering index (benchmarks/README.md, "Report").

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mentions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_mentions_created_at_source_lang_label",
            ["created_at", "source", "lang", "label"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("mentions", schema=None) as batch_op:
        batch_op.drop_index("ix_mentions_created_at_source_lang_label")
