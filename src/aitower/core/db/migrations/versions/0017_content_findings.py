"""Detections found in stored telemetry (``content_findings``): type, field, count, the
highest confidence and a keyed hash of the value (never the value), per span

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07

Issue #16. A new table only: spans stored before it were not scanned.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "content_findings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("trace_id", sa.String(32), nullable=False),
        sa.Column("span_id", sa.String(16), nullable=False),
        sa.Column("system_id", sa.Uuid(), nullable=True),
        sa.Column("service_name", sa.String(200), nullable=False),
        sa.Column("finding_type", sa.String(64), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("field", sa.String(16), nullable=False),
        sa.Column("occurrences", sa.Integer(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("reason", sa.String(300), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("action", sa.String(8), nullable=False),
        sa.Column("user_id", sa.String(200), nullable=True),
        sa.Column("session_id", sa.String(200), nullable=True),
        sa.Column("model", sa.String(200), nullable=True),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_content_findings"),
    )
    op.create_index("ix_content_findings_system_seen", "content_findings", ["system_id", "seen_at"])
    op.create_index(
        "ix_content_findings_type_seen", "content_findings", ["finding_type", "seen_at"]
    )
    op.create_index("ix_content_findings_span", "content_findings", ["trace_id", "span_id"])


def downgrade() -> None:
    op.drop_table("content_findings")
