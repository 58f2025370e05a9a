"""Inventory, risk and governance: systems, vendors, assessments, risks, policies, approvals.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25

Drafted by scripts/draft_migration.py; self-contained: types are spelled out, models not imported.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)
JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "policies",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", JSON_DOC, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policies")),
        sa.UniqueConstraint("key", name=op.f("uq_policies_key")),
    )
    op.create_table(
        "ai_systems",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("accountable_owner_id", sa.Uuid(), nullable=True),
        sa.Column("technical_owner_id", sa.Uuid(), nullable=True),
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column("risk_tier", sa.String(length=16), nullable=True),
        sa.Column("autonomy", sa.String(length=32), nullable=False),
        sa.Column("affected", JSON_DOC, nullable=False),
        sa.Column("models", JSON_DOC, nullable=False),
        sa.Column("data_sources", JSON_DOC, nullable=False),
        sa.Column("data_classification", sa.String(length=16), nullable=False),
        sa.Column("personal_data", sa.Boolean(), nullable=False),
        sa.Column("special_category_data", sa.Boolean(), nullable=False),
        sa.Column("environments", JSON_DOC, nullable=False),
        sa.Column("links", JSON_DOC, nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["accountable_owner_id"],
            ["users.id"],
            name=op.f("fk_ai_systems_accountable_owner_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["technical_owner_id"],
            ["users.id"],
            name=op.f("fk_ai_systems_technical_owner_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["business_units.id"],
            name=op.f("fk_ai_systems_unit_id_business_units"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ai_systems")),
        sa.UniqueConstraint("name", name=op.f("uq_ai_systems_name")),
    )
    op.create_index(
        op.f("ix_ai_systems_accountable_owner_id"),
        "ai_systems",
        ["accountable_owner_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_ai_systems_data_classification"),
        "ai_systems",
        ["data_classification"],
        unique=False,
    )
    op.create_index(op.f("ix_ai_systems_kind"), "ai_systems", ["kind"], unique=False)
    op.create_index(op.f("ix_ai_systems_risk_tier"), "ai_systems", ["risk_tier"], unique=False)
    op.create_index(op.f("ix_ai_systems_stage"), "ai_systems", ["stage"], unique=False)
    op.create_index(
        op.f("ix_ai_systems_technical_owner_id"), "ai_systems", ["technical_owner_id"], unique=False
    )
    op.create_index("ix_ai_systems_unit_stage", "ai_systems", ["unit_id", "stage"], unique=False)
    op.create_index("ix_ai_systems_updated_at", "ai_systems", ["updated_at"], unique=False)
    op.create_table(
        "policy_versions",
        sa.Column("policy_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("document", JSON_DOC, nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("comment", sa.String(length=500), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["policy_id"],
            ["policies.id"],
            name=op.f("fk_policy_versions_policy_id_policies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_versions")),
        sa.UniqueConstraint("policy_id", "version", name=op.f("uq_policy_versions_policy_id")),
    )
    op.create_table(
        "vendors",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("vendor_type", sa.String(length=32), nullable=False),
        sa.Column("website", sa.String(length=500), nullable=False),
        sa.Column("contract_start", sa.Date(), nullable=True),
        sa.Column("contract_end", sa.Date(), nullable=True),
        sa.Column("renewal_date", sa.Date(), nullable=True),
        sa.Column(
            "annual_value", sa.Numeric(precision=14, scale=2, asdecimal=False), nullable=True
        ),
        sa.Column("contract_owner_id", sa.Uuid(), nullable=True),
        sa.Column("soc2_until", sa.Date(), nullable=True),
        sa.Column("iso27001_until", sa.Date(), nullable=True),
        sa.Column("dpa_signed", sa.Boolean(), nullable=False),
        sa.Column("data_residency", sa.String(length=64), nullable=False),
        sa.Column("retention_days", sa.Integer(), nullable=True),
        sa.Column("trains_on_customer_data", sa.Boolean(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_owner_id"],
            ["users.id"],
            name=op.f("fk_vendors_contract_owner_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vendors")),
        sa.UniqueConstraint("name", name=op.f("uq_vendors_name")),
    )
    op.create_index(op.f("ix_vendors_renewal_date"), "vendors", ["renewal_date"], unique=False)
    op.create_table(
        "ai_system_services",
        sa.Column("service_name", sa.String(length=200), nullable=False),
        sa.Column("system_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["system_id"],
            ["ai_systems.id"],
            name=op.f("fk_ai_system_services_system_id_ai_systems"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("service_name", name=op.f("pk_ai_system_services")),
    )
    op.create_index(
        op.f("ix_ai_system_services_system_id"), "ai_system_services", ["system_id"], unique=False
    )
    op.create_table(
        "ai_system_tags",
        sa.Column("system_id", sa.Uuid(), nullable=False),
        sa.Column("tag", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["system_id"],
            ["ai_systems.id"],
            name=op.f("fk_ai_system_tags_system_id_ai_systems"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("system_id", "tag", name=op.f("pk_ai_system_tags")),
    )
    op.create_index(op.f("ix_ai_system_tags_tag"), "ai_system_tags", ["tag"], unique=False)
    op.create_table(
        "ai_system_vendors",
        sa.Column("system_id", sa.Uuid(), nullable=False),
        sa.Column("vendor_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["system_id"],
            ["ai_systems.id"],
            name=op.f("fk_ai_system_vendors_system_id_ai_systems"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["vendor_id"],
            ["vendors.id"],
            name=op.f("fk_ai_system_vendors_vendor_id_vendors"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("system_id", "vendor_id", name=op.f("pk_ai_system_vendors")),
    )
    op.create_index(
        op.f("ix_ai_system_vendors_vendor_id"), "ai_system_vendors", ["vendor_id"], unique=False
    )
    op.create_table(
        "approval_requests",
        sa.Column("system_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("from_stage", sa.String(length=32), nullable=True),
        sa.Column("target_stage", sa.String(length=32), nullable=True),
        sa.Column("requested_by_id", sa.Uuid(), nullable=True),
        sa.Column("requested_by", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("required", JSON_DOC, nullable=False),
        sa.Column("gate", JSON_DOC, nullable=False),
        sa.Column("expires_at", UTC_TIME, nullable=True),
        sa.Column("closed_at", UTC_TIME, nullable=True),
        sa.Column("close_reason", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_approval_requests_requested_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["system_id"],
            ["ai_systems.id"],
            name=op.f("fk_approval_requests_system_id_ai_systems"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_requests")),
    )
    op.create_index(
        "ix_approval_requests_status_system",
        "approval_requests",
        ["status", "system_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_approval_requests_system_id"), "approval_requests", ["system_id"], unique=False
    )
    op.create_table(
        "evidence",
        sa.Column("system_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=48), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("uri", sa.String(length=1000), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("added_by", sa.String(length=200), nullable=False),
        sa.Column("added_at", UTC_TIME, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["system_id"],
            ["ai_systems.id"],
            name=op.f("fk_evidence_system_id_ai_systems"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
    )
    op.create_index(op.f("ix_evidence_system_id"), "evidence", ["system_id"], unique=False)
    op.create_table(
        "risk_assessments",
        sa.Column("system_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("answers", JSON_DOC, nullable=False),
        sa.Column("tier", sa.String(length=16), nullable=False),
        sa.Column("result", JSON_DOC, nullable=False),
        sa.Column("assessed_by", sa.String(length=200), nullable=False),
        sa.Column("assessed_at", UTC_TIME, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["system_id"],
            ["ai_systems.id"],
            name=op.f("fk_risk_assessments_system_id_ai_systems"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_assessments")),
        sa.UniqueConstraint("system_id", "version", name=op.f("uq_risk_assessments_system_id")),
    )
    op.create_index(
        op.f("ix_risk_assessments_system_id"), "risk_assessments", ["system_id"], unique=False
    )
    op.create_table(
        "risks",
        sa.Column("system_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("likelihood", sa.Integer(), nullable=False),
        sa.Column("impact", sa.Integer(), nullable=False),
        sa.Column("residual_likelihood", sa.Integer(), nullable=False),
        sa.Column("residual_impact", sa.Integer(), nullable=False),
        sa.Column("mitigations", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("next_review", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_risks_owner_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["system_id"],
            ["ai_systems.id"],
            name=op.f("fk_risks_system_id_ai_systems"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risks")),
    )
    op.create_index("ix_risks_status_next_review", "risks", ["status", "next_review"], unique=False)
    op.create_index(op.f("ix_risks_system_id"), "risks", ["system_id"], unique=False)
    op.create_table(
        "approval_decisions",
        sa.Column("request_id", sa.Uuid(), nullable=False),
        sa.Column("approver_id", sa.Uuid(), nullable=False),
        sa.Column("approver", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_at", UTC_TIME, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["approver_id"],
            ["users.id"],
            name=op.f("fk_approval_decisions_approver_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["approval_requests.id"],
            name=op.f("fk_approval_decisions_request_id_approval_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_decisions")),
        sa.UniqueConstraint(
            "request_id", "approver_id", name=op.f("uq_approval_decisions_request_id")
        ),
    )
    op.create_table(
        "lifecycle_events",
        sa.Column("system_id", sa.Uuid(), nullable=False),
        sa.Column("from_stage", sa.String(length=32), nullable=True),
        sa.Column("to_stage", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("request_id", sa.Uuid(), nullable=True),
        sa.Column("gate", JSON_DOC, nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["approval_requests.id"],
            name=op.f("fk_lifecycle_events_request_id_approval_requests"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["system_id"],
            ["ai_systems.id"],
            name=op.f("fk_lifecycle_events_system_id_ai_systems"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lifecycle_events")),
    )
    op.create_index(
        op.f("ix_lifecycle_events_system_id"), "lifecycle_events", ["system_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_lifecycle_events_system_id"), table_name="lifecycle_events")
    op.drop_table("lifecycle_events")
    op.drop_table("approval_decisions")
    op.drop_index(op.f("ix_risks_system_id"), table_name="risks")
    op.drop_index("ix_risks_status_next_review", table_name="risks")
    op.drop_table("risks")
    op.drop_index(op.f("ix_risk_assessments_system_id"), table_name="risk_assessments")
    op.drop_table("risk_assessments")
    op.drop_index(op.f("ix_evidence_system_id"), table_name="evidence")
    op.drop_table("evidence")
    op.drop_index(op.f("ix_approval_requests_system_id"), table_name="approval_requests")
    op.drop_index("ix_approval_requests_status_system", table_name="approval_requests")
    op.drop_table("approval_requests")
    op.drop_index(op.f("ix_ai_system_vendors_vendor_id"), table_name="ai_system_vendors")
    op.drop_table("ai_system_vendors")
    op.drop_index(op.f("ix_ai_system_tags_tag"), table_name="ai_system_tags")
    op.drop_table("ai_system_tags")
    op.drop_index(op.f("ix_ai_system_services_system_id"), table_name="ai_system_services")
    op.drop_table("ai_system_services")
    op.drop_index(op.f("ix_vendors_renewal_date"), table_name="vendors")
    op.drop_table("vendors")
    op.drop_table("policy_versions")
    op.drop_index("ix_ai_systems_updated_at", table_name="ai_systems")
    op.drop_index("ix_ai_systems_unit_stage", table_name="ai_systems")
    op.drop_index(op.f("ix_ai_systems_technical_owner_id"), table_name="ai_systems")
    op.drop_index(op.f("ix_ai_systems_stage"), table_name="ai_systems")
    op.drop_index(op.f("ix_ai_systems_risk_tier"), table_name="ai_systems")
    op.drop_index(op.f("ix_ai_systems_kind"), table_name="ai_systems")
    op.drop_index(op.f("ix_ai_systems_data_classification"), table_name="ai_systems")
    op.drop_index(op.f("ix_ai_systems_accountable_owner_id"), table_name="ai_systems")
    op.drop_table("ai_systems")
    op.drop_table("policies")
