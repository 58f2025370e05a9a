"""Generated documents: ``document_versions`` keeps every version of a system's documents

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07

A system card, an Annex IV skeleton or a FRIA template is generated from the facts aitower
holds at that moment (#15). Each generation is kept: its Markdown source, its HTML page, its
PDF when asked, and their SHA-256 digests, so a version downloads byte-identical later and
matches the digest on its audit event.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "document_versions",
        sa.Column("system_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("generated_at", UTC_TIME, nullable=False),
        sa.Column("generated_by", sa.String(length=200), nullable=False),
        sa.Column("formats", JSON_DOC, nullable=False),
        sa.Column("markdown", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("digests", JSON_DOC, nullable=False),
        sa.Column("facts_sha256", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["system_id"],
            ["ai_systems.id"],
            name=op.f("fk_document_versions_system_id_ai_systems"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_versions")),
        sa.UniqueConstraint(
            "system_id", "kind", "version", name=op.f("uq_document_versions_system_id")
        ),
    )
    op.create_index(
        op.f("ix_document_versions_system_id"), "document_versions", ["system_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_document_versions_system_id"), table_name="document_versions")
    op.drop_table("document_versions")
