"""Discovery: expense amounts on findings, decisions on duplicate initiatives

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-08

Expense findings carry what card statements charged for an AI service (``amount_usd``; 0 for
the other kinds, which existing rows are). A decision on a cluster of duplicate initiatives
(merge, or keep both with a reason) is stored once per cluster, named by the SHA-256 of its
sorted members. Drafted by scripts/draft_migration.py; self-contained: types are spelled out,
models not imported.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)
JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.add_column(
        "discovery_findings",
        sa.Column("amount_usd", sa.Float(), nullable=False, server_default=sa.text("0")),
    )
    op.create_table(
        "discovery_duplicate_decisions",
        sa.Column("cluster_key", sa.String(length=64), nullable=False),
        sa.Column("members", JSON_DOC, nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("keep_system_id", sa.Uuid(), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["keep_system_id"],
            ["ai_systems.id"],
            name=op.f("fk_discovery_duplicate_decisions_keep_system_id_ai_systems"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discovery_duplicate_decisions")),
        sa.UniqueConstraint("cluster_key", name="uq_discovery_duplicate_decisions_cluster_key"),
    )


def downgrade() -> None:
    op.drop_table("discovery_duplicate_decisions")
    with op.batch_alter_table("discovery_findings") as batch:
        batch.drop_column("amount_usd")
