"""spend ledger, imports, mappings, budgets; value models, decisions, report subscriptions

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07

Drafted by scripts/draft_migration.py; self-contained: types are spelled out, models not imported.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)
JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "portfolio_report_subscriptions",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("cadence", sa.String(length=10), nullable=False),
        sa.Column("recipients", JSON_DOC, nullable=False),
        sa.Column("formats", JSON_DOC, nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=True),
        sa.Column("next_due", UTC_TIME, nullable=False),
        sa.Column("last_sent_at", UTC_TIME, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portfolio_report_subscriptions")),
    )
    op.create_table(
        "spend_budgets",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("scope_kind", sa.String(length=10), nullable=False),
        sa.Column("scope_value", sa.String(length=200), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.Column("soft_percent", sa.Float(), nullable=False),
        sa.Column("hard_percent", sa.Float(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spend_budgets")),
    )
    op.create_index(
        "ix_spend_budgets_scope", "spend_budgets", ["scope_kind", "scope_value"], unique=False
    )
    op.create_table(
        "spend_imports",
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("file_name", sa.String(length=300), nullable=False),
        sa.Column("file_format", sa.String(length=16), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("bytes_read", sa.Integer(), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("records_stored", sa.Integer(), nullable=False),
        sa.Column("unmapped_amount", sa.Float(), nullable=False),
        sa.Column("total_amount", sa.Float(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("imported_by", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spend_imports")),
        sa.UniqueConstraint("sha256", name="uq_spend_imports_sha256"),
    )
    op.create_table(
        "portfolio_decisions",
        sa.Column("system_id", sa.Uuid(), nullable=False),
        sa.Column("decision", sa.String(length=12), nullable=False),
        sa.Column("recommended", sa.String(length=12), nullable=False),
        sa.Column("reasons", JSON_DOC, nullable=False),
        sa.Column("into_system_id", sa.Uuid(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("move_id", sa.Uuid(), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("decided_at", UTC_TIME, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["into_system_id"],
            ["ai_systems.id"],
            name=op.f("fk_portfolio_decisions_into_system_id_ai_systems"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["system_id"],
            ["ai_systems.id"],
            name=op.f("fk_portfolio_decisions_system_id_ai_systems"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portfolio_decisions")),
    )
    op.create_index(
        "ix_portfolio_decisions_system",
        "portfolio_decisions",
        ["system_id", "decided_at"],
        unique=False,
    )
    op.create_table(
        "spend_mappings",
        sa.Column("match_kind", sa.String(length=20), nullable=False),
        sa.Column("match_key", sa.String(length=200), nullable=False),
        sa.Column("match_value", sa.String(length=300), nullable=False),
        sa.Column("system_id", sa.Uuid(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["system_id"],
            ["ai_systems.id"],
            name=op.f("fk_spend_mappings_system_id_ai_systems"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spend_mappings")),
        sa.UniqueConstraint(
            "match_kind", "match_key", "match_value", name="uq_spend_mappings_match"
        ),
    )
    op.create_table(
        "spend_records",
        sa.Column("import_id", sa.Uuid(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("day_start", sa.Date(), nullable=False),
        sa.Column("day_end", sa.Date(), nullable=False),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("billed_amount", sa.Float(), nullable=False),
        sa.Column("system_id", sa.Uuid(), nullable=True),
        sa.Column("unit_id", sa.Uuid(), nullable=True),
        sa.Column("vendor", sa.String(length=200), nullable=False),
        sa.Column("service", sa.String(length=200), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("account", sa.String(length=200), nullable=False),
        sa.Column("matched_by", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("quantity", sa.Float(), nullable=True),
        sa.Column("seats", sa.Integer(), nullable=True),
        sa.Column("seats_in_use", sa.Integer(), nullable=True),
        sa.Column("row_number", sa.Integer(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["spend_imports.id"],
            name=op.f("fk_spend_records_import_id_spend_imports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["system_id"],
            ["ai_systems.id"],
            name=op.f("fk_spend_records_system_id_ai_systems"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spend_records")),
    )
    op.create_index(
        "ix_spend_records_day", "spend_records", ["day_start", "system_id"], unique=False
    )
    op.create_index("ix_spend_records_import", "spend_records", ["import_id"], unique=False)
    op.create_index(
        "ix_spend_records_system", "spend_records", ["system_id", "day_start"], unique=False
    )
    op.create_table(
        "value_models",
        sa.Column("system_id", sa.Uuid(), nullable=False),
        sa.Column("use_driver", sa.String(length=20), nullable=False),
        sa.Column("hours_saved_per_use", sa.Float(), nullable=False),
        sa.Column("loaded_hourly_rate", sa.Float(), nullable=False),
        sa.Column("declared_uses_per_month", sa.Float(), nullable=True),
        sa.Column("eligible_users", sa.Integer(), nullable=True),
        sa.Column("declared_adoption_percent", sa.Float(), nullable=True),
        sa.Column("revenue_per_month", sa.Float(), nullable=False),
        sa.Column("cost_avoided_per_month", sa.Float(), nullable=False),
        sa.Column("one_off_investment", sa.Float(), nullable=False),
        sa.Column("value_since", sa.Date(), nullable=True),
        sa.Column("assumptions", sa.Text(), nullable=False),
        sa.Column("declared_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["system_id"],
            ["ai_systems.id"],
            name=op.f("fk_value_models_system_id_ai_systems"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("system_id", name=op.f("pk_value_models")),
    )


def downgrade() -> None:
    op.drop_table("value_models")
    op.drop_index("ix_spend_records_system", table_name="spend_records")
    op.drop_index("ix_spend_records_import", table_name="spend_records")
    op.drop_index("ix_spend_records_day", table_name="spend_records")
    op.drop_table("spend_records")
    op.drop_table("spend_mappings")
    op.drop_index("ix_portfolio_decisions_system", table_name="portfolio_decisions")
    op.drop_table("portfolio_decisions")
    op.drop_table("spend_imports")
    op.drop_index("ix_spend_budgets_scope", table_name="spend_budgets")
    op.drop_table("spend_budgets")
    op.drop_table("portfolio_report_subscriptions")
