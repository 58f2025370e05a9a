"""Predictions: monitored models, columnar prediction and label batches, prediction keys, labels.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25

Drafted by scripts/draft_migration.py; self-contained: types are spelled out, models not imported.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)
JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "monitored_models",
        sa.Column("system_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("version", sa.String(length=100), nullable=False),
        sa.Column("task", sa.String(length=32), nullable=False),
        sa.Column("classes", JSON_DOC, nullable=False),
        sa.Column("features", JSON_DOC, nullable=False),
        sa.Column("sensitive", JSON_DOC, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["system_id"],
            ["ai_systems.id"],
            name=op.f("fk_monitored_models_system_id_ai_systems"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitored_models")),
        sa.UniqueConstraint(
            "system_id", "name", "version", name=op.f("uq_monitored_models_system_id")
        ),
    )
    op.create_table(
        "prediction_batches",
        sa.Column("model_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("received_at", UTC_TIME, nullable=False),
        sa.Column("min_ts", sa.BigInteger(), nullable=False),
        sa.Column("max_ts", sa.BigInteger(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["monitored_models.id"],
            name=op.f("fk_prediction_batches_model_id_monitored_models"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("model_id", "seq", name=op.f("pk_prediction_batches")),
    )
    op.create_index(
        "ix_prediction_batches_model_min",
        "prediction_batches",
        ["model_id", "min_ts"],
        unique=False,
    )
    op.create_table(
        "prediction_keys",
        sa.Column("model_id", sa.Uuid(), nullable=False),
        sa.Column("prediction_id", sa.String(length=200), nullable=False),
        sa.Column("ts", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["monitored_models.id"],
            name=op.f("fk_prediction_keys_model_id_monitored_models"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("model_id", "prediction_id", name=op.f("pk_prediction_keys")),
    )
    op.create_index(
        "ix_prediction_keys_model_ts", "prediction_keys", ["model_id", "ts"], unique=False
    )
    op.create_table(
        "prediction_label_batches",
        sa.Column("model_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("received_at", UTC_TIME, nullable=False),
        sa.Column("min_ts", sa.BigInteger(), nullable=False),
        sa.Column("max_ts", sa.BigInteger(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["monitored_models.id"],
            name=op.f("fk_prediction_label_batches_model_id_monitored_models"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("model_id", "seq", name=op.f("pk_prediction_label_batches")),
    )
    op.create_index(
        "ix_prediction_label_batches_model_min",
        "prediction_label_batches",
        ["model_id", "min_ts"],
        unique=False,
    )
    op.create_table(
        "prediction_labels",
        sa.Column("model_id", sa.Uuid(), nullable=False),
        sa.Column("prediction_id", sa.String(length=200), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=True),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("labelled_at", sa.BigInteger(), nullable=False),
        sa.Column("received_at", UTC_TIME, nullable=False),
        sa.Column("prediction_ts", sa.BigInteger(), nullable=True),
        sa.Column("position", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["monitored_models.id"],
            name=op.f("fk_prediction_labels_model_id_monitored_models"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("model_id", "prediction_id", name=op.f("pk_prediction_labels")),
    )
    op.create_index(
        "ix_prediction_labels_model_ts",
        "prediction_labels",
        ["model_id", "prediction_ts"],
        unique=False,
    )

    if op.get_bind().dialect.name == "postgresql":
        # Payloads are mostly float64 arrays, which pglz barely shrinks: keep them out of line
        # and uncompressed, so neither the write nor every window read pays for trying.
        for table in ("prediction_batches", "prediction_label_batches"):
            op.execute(f"ALTER TABLE {table} ALTER COLUMN payload SET STORAGE EXTERNAL")


def downgrade() -> None:
    op.drop_index("ix_prediction_labels_model_ts", table_name="prediction_labels")
    op.drop_table("prediction_labels")
    op.drop_index("ix_prediction_label_batches_model_min", table_name="prediction_label_batches")
    op.drop_table("prediction_label_batches")
    op.drop_index("ix_prediction_keys_model_ts", table_name="prediction_keys")
    op.drop_table("prediction_keys")
    op.drop_index("ix_prediction_batches_model_min", table_name="prediction_batches")
    op.drop_table("prediction_batches")
    op.drop_table("monitored_models")
