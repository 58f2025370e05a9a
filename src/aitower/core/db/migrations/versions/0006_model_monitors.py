"""Model monitors: references profiled once, monitors with schedule and lease, results

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25

Drafted by scripts/draft_migration.py; self-contained: types are spelled out, models not imported.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)
JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "model_references",
        sa.Column("model_id", sa.Uuid(), nullable=False),
        sa.Column("system_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("window_start", UTC_TIME, nullable=True),
        sa.Column("window_end", UTC_TIME, nullable=True),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("labelled_rows", sa.Integer(), nullable=False),
        sa.Column("summary", JSON_DOC, nullable=False),
        sa.Column("profile", JSON_DOC, nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["monitored_models.id"],
            name=op.f("fk_model_references_model_id_monitored_models"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["system_id"],
            ["ai_systems.id"],
            name=op.f("fk_model_references_system_id_ai_systems"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_references")),
    )
    op.create_index(
        "ix_model_references_model_created",
        "model_references",
        ["model_id", "created_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_model_references_system_id"), "model_references", ["system_id"], unique=False
    )
    op.create_table(
        "model_monitors",
        sa.Column("model_id", sa.Uuid(), nullable=False),
        sa.Column("system_id", sa.Uuid(), nullable=False),
        sa.Column("reference_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("schedule", sa.String(length=16), nullable=False),
        sa.Column("window_hours", sa.Integer(), nullable=False),
        sa.Column("drift_share", sa.Float(), nullable=False),
        sa.Column("drift_rules", JSON_DOC, nullable=False),
        sa.Column("performance_limits", JSON_DOC, nullable=False),
        sa.Column("sensitive", JSON_DOC, nullable=False),
        sa.Column("min_group_size", sa.Integer(), nullable=False),
        sa.Column("fairness_floor", sa.Float(), nullable=False),
        sa.Column("estimate", sa.Boolean(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("next_run_at", UTC_TIME, nullable=False),
        sa.Column("last_run_at", UTC_TIME, nullable=True),
        sa.Column("last_status", sa.String(length=16), nullable=True),
        sa.Column("lease_owner", sa.String(length=200), nullable=True),
        sa.Column("lease_until", UTC_TIME, nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["monitored_models.id"],
            name=op.f("fk_model_monitors_model_id_monitored_models"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reference_id"],
            ["model_references.id"],
            name=op.f("fk_model_monitors_reference_id_model_references"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["system_id"],
            ["ai_systems.id"],
            name=op.f("fk_model_monitors_system_id_ai_systems"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_monitors")),
    )
    op.create_index(
        "ix_model_monitors_due", "model_monitors", ["enabled", "next_run_at"], unique=False
    )
    op.create_index(
        op.f("ix_model_monitors_model_id"), "model_monitors", ["model_id"], unique=False
    )
    op.create_index(
        op.f("ix_model_monitors_reference_id"), "model_monitors", ["reference_id"], unique=False
    )
    op.create_index(
        op.f("ix_model_monitors_system_id"), "model_monitors", ["system_id"], unique=False
    )
    op.create_table(
        "model_monitor_results",
        sa.Column("monitor_id", sa.Uuid(), nullable=False),
        sa.Column("model_id", sa.Uuid(), nullable=False),
        sa.Column("system_id", sa.Uuid(), nullable=False),
        sa.Column("run_at", UTC_TIME, nullable=False),
        sa.Column("window_start", UTC_TIME, nullable=False),
        sa.Column("window_end", UTC_TIME, nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("labelled_rows", sa.Integer(), nullable=False),
        sa.Column("duration_ms", sa.Float(), nullable=False),
        sa.Column("drift_share", sa.Float(), nullable=True),
        sa.Column("drifted_features", sa.Integer(), nullable=True),
        sa.Column("judged_features", sa.Integer(), nullable=True),
        sa.Column("accuracy", sa.Float(), nullable=True),
        sa.Column("precision", sa.Float(), nullable=True),
        sa.Column("recall", sa.Float(), nullable=True),
        sa.Column("f1", sa.Float(), nullable=True),
        sa.Column("roc_auc", sa.Float(), nullable=True),
        sa.Column("log_loss", sa.Float(), nullable=True),
        sa.Column("mae", sa.Float(), nullable=True),
        sa.Column("rmse", sa.Float(), nullable=True),
        sa.Column("mape", sa.Float(), nullable=True),
        sa.Column("r2", sa.Float(), nullable=True),
        sa.Column("estimated_rows", sa.Integer(), nullable=True),
        sa.Column("estimated_accuracy", sa.Float(), nullable=True),
        sa.Column("estimated_precision", sa.Float(), nullable=True),
        sa.Column("estimated_recall", sa.Float(), nullable=True),
        sa.Column("estimated_f1", sa.Float(), nullable=True),
        sa.Column("estimated_roc_auc", sa.Float(), nullable=True),
        sa.Column("fairness_rows", sa.Integer(), nullable=True),
        sa.Column("demographic_parity_ratio", sa.Float(), nullable=True),
        sa.Column("demographic_parity_difference", sa.Float(), nullable=True),
        sa.Column("equalized_odds_difference", sa.Float(), nullable=True),
        sa.Column("feature_scores", JSON_DOC, nullable=False),
        sa.Column("signals", JSON_DOC, nullable=False),
        sa.Column("detail", JSON_DOC, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["monitored_models.id"],
            name=op.f("fk_model_monitor_results_model_id_monitored_models"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["monitor_id"],
            ["model_monitors.id"],
            name=op.f("fk_model_monitor_results_monitor_id_model_monitors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["system_id"],
            ["ai_systems.id"],
            name=op.f("fk_model_monitor_results_system_id_ai_systems"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_monitor_results")),
    )
    op.create_index(
        "ix_model_monitor_results_monitor_run",
        "model_monitor_results",
        ["monitor_id", "run_at"],
        unique=False,
    )
    op.create_index(
        "ix_model_monitor_results_system_run",
        "model_monitor_results",
        ["system_id", "run_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_model_monitor_results_system_run", table_name="model_monitor_results")
    op.drop_index("ix_model_monitor_results_monitor_run", table_name="model_monitor_results")
    op.drop_table("model_monitor_results")
    op.drop_index(op.f("ix_model_monitors_system_id"), table_name="model_monitors")
    op.drop_index(op.f("ix_model_monitors_reference_id"), table_name="model_monitors")
    op.drop_index(op.f("ix_model_monitors_model_id"), table_name="model_monitors")
    op.drop_index("ix_model_monitors_due", table_name="model_monitors")
    op.drop_table("model_monitors")
    op.drop_index(op.f("ix_model_references_system_id"), table_name="model_references")
    op.drop_index("ix_model_references_model_created", table_name="model_references")
    op.drop_table("model_references")
