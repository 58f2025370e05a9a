"""The human review queue (``review_items``) and each system's routing to it
(``review_routes``)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07

Issue #16, item 5. New tables only. Drafted by scripts/draft_migration.py; self-contained:
types are spelled out, models not imported.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)
JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "review_items",
        sa.Column("system_id", sa.Uuid(), nullable=False),
        sa.Column("trace_id", sa.String(length=32), nullable=False),
        sa.Column("span_id", sa.String(length=16), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("finding_type", sa.String(length=64), nullable=False),
        sa.Column("assigned_role", sa.String(length=32), nullable=False),
        sa.Column("assignee", sa.Uuid(), nullable=True),
        sa.Column("assignee_name", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("verdict", sa.String(length=32), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("reviewed_by", sa.String(length=200), nullable=True),
        sa.Column("reviewed_at", UTC_TIME, nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["system_id"],
            ["ai_systems.id"],
            name=op.f("fk_review_items_system_id_ai_systems"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_items")),
        sa.UniqueConstraint(
            "trace_id", "source", "finding_type", name=op.f("uq_review_items_trace_id")
        ),
    )
    op.create_index("ix_review_items_reviewed_at", "review_items", ["reviewed_at"], unique=False)
    op.create_index(
        "ix_review_items_status_created", "review_items", ["status", "created_at"], unique=False
    )
    op.create_index(
        "ix_review_items_system_created", "review_items", ["system_id", "created_at"], unique=False
    )
    op.create_table(
        "review_routes",
        sa.Column("system_id", sa.Uuid(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("sample_rate", sa.Float(), nullable=False),
        sa.Column("low_score_below", sa.Float(), nullable=True),
        sa.Column("score_name", sa.String(length=100), nullable=False),
        sa.Column("finding_types", JSON_DOC, nullable=False),
        sa.Column("finding_categories", JSON_DOC, nullable=False),
        sa.Column("finding_role", sa.String(length=32), nullable=False),
        sa.Column("quality_role", sa.String(length=32), nullable=False),
        sa.Column("watermark", UTC_TIME, nullable=True),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["system_id"],
            ["ai_systems.id"],
            name=op.f("fk_review_routes_system_id_ai_systems"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("system_id", name=op.f("pk_review_routes")),
    )


def downgrade() -> None:
    op.drop_table("review_routes")
    op.drop_index("ix_review_items_system_created", table_name="review_items")
    op.drop_index("ix_review_items_status_created", table_name="review_items")
    op.drop_index("ix_review_items_reviewed_at", table_name="review_items")
    op.drop_table("review_items")
