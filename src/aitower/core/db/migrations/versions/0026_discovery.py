"""Discovery: the organisation's catalog entries and sanctions, scans and findings

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-08

The shipped catalog of AI services is a data file (``discovery/data/catalog.yaml``); only what
the organisation adds or decides is stored: its own services, sanction decisions per service
and unit (``unit_key`` "" for the organisation, so the unique constraint holds on both
databases), the scans whose aggregates were stored (one per file, by SHA-256) and the findings.
Drafted by scripts/draft_migration.py; self-contained: types are spelled out, models not imported.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)
JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "discovery_scans",
        sa.Column("source_kind", sa.String(length=16), nullable=False),
        sa.Column("file_name", sa.String(length=300), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("lines", sa.BigInteger(), nullable=False),
        sa.Column("matched", sa.BigInteger(), nullable=False),
        sa.Column("malformed", sa.BigInteger(), nullable=False),
        sa.Column("findings_new", sa.Integer(), nullable=False),
        sa.Column("findings_merged", sa.Integer(), nullable=False),
        sa.Column("catalog_version", sa.String(length=40), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discovery_scans")),
        sa.UniqueConstraint("sha256", name="uq_discovery_scans_sha256"),
    )
    op.create_table(
        "discovery_services",
        sa.Column("service_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("vendor", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("hosts", JSON_DOC, nullable=False),
        sa.Column("paths", JSON_DOC, nullable=False),
        sa.Column("model_from_path", sa.String(length=300), nullable=True),
        sa.Column("data_use", sa.Text(), nullable=False),
        sa.Column("trains_on_customer_data", sa.Boolean(), nullable=True),
        sa.Column("default_sanction", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discovery_services")),
        sa.UniqueConstraint("service_id", name="uq_discovery_services_service_id"),
    )
    op.create_table(
        "discovery_sanctions",
        sa.Column("service_id", sa.String(length=240), nullable=False),
        sa.Column("unit_key", sa.String(length=36), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["business_units.id"],
            name=op.f("fk_discovery_sanctions_unit_id_business_units"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discovery_sanctions")),
        sa.UniqueConstraint("service_id", "unit_key", name="uq_discovery_sanctions_service_id"),
    )
    op.create_table(
        "discovery_findings",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("service_id", sa.String(length=240), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=True),
        sa.Column("user_name", sa.String(length=200), nullable=False),
        sa.Column("department", sa.String(length=200), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("requests", sa.BigInteger(), nullable=False),
        sa.Column("bytes_sent", sa.BigInteger(), nullable=False),
        sa.Column("first_seen", UTC_TIME, nullable=False),
        sa.Column("last_seen", UTC_TIME, nullable=False),
        sa.Column("risk_score", sa.Integer(), nullable=False),
        sa.Column("risk_reasons", JSON_DOC, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("system_id", sa.Uuid(), nullable=True),
        sa.Column("scan_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["scan_id"],
            ["discovery_scans.id"],
            name=op.f("fk_discovery_findings_scan_id_discovery_scans"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["system_id"],
            ["ai_systems.id"],
            name=op.f("fk_discovery_findings_system_id_ai_systems"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["business_units.id"],
            name=op.f("fk_discovery_findings_unit_id_business_units"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discovery_findings")),
    )
    op.create_index(
        "ix_discovery_findings_open",
        "discovery_findings",
        ["kind", "service_id", "user_name", "status"],
        unique=False,
    )
    op.create_index(
        "ix_discovery_findings_status", "discovery_findings", ["status", "last_seen"], unique=False
    )
    op.create_index(
        "ix_discovery_findings_unit", "discovery_findings", ["unit_id", "first_seen"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_discovery_findings_unit", table_name="discovery_findings")
    op.drop_index("ix_discovery_findings_status", table_name="discovery_findings")
    op.drop_index("ix_discovery_findings_open", table_name="discovery_findings")
    op.drop_table("discovery_findings")
    op.drop_table("discovery_sanctions")
    op.drop_table("discovery_services")
    op.drop_table("discovery_scans")
