"""Serious incidents (EU AI Act Art. 73): ``serious_incidents`` holds an incident's
classification against Art. 3(49), its moment of awareness, reporting deadline and report;
``serious_incident_reminders`` the reminders sent as the deadline nears, once each

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07

Issue #15. New tables only: existing incidents are simply not classified yet.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "serious_incidents",
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("serious", sa.Boolean(), nullable=False),
        sa.Column("limbs", sa.String(8), nullable=False),
        sa.Column("death", sa.Boolean(), nullable=False),
        sa.Column("widespread", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("classified_by", sa.String(200), nullable=False),
        sa.Column("classified_at", UTC_TIME, nullable=False),
        sa.Column("aware_at", UTC_TIME, nullable=False),
        sa.Column("aware_time_zone", sa.String(64), nullable=False),
        sa.Column("deadline_at", UTC_TIME, nullable=True),
        sa.Column("deadline_days", sa.Integer(), nullable=True),
        sa.Column("deadline_paragraph", sa.String(8), nullable=False),
        sa.Column("reported_at", UTC_TIME, nullable=True),
        sa.Column("reported_by", sa.String(200), nullable=True),
        sa.Column("report_reference", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name="fk_serious_incidents_incident_id_incidents",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("incident_id", name="pk_serious_incidents"),
    )
    op.create_index("ix_serious_incidents_deadline_at", "serious_incidents", ["deadline_at"])
    op.create_table(
        "serious_incident_reminders",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("reminder", sa.String(16), nullable=False),
        sa.Column("deadline_at", UTC_TIME, nullable=False),
        sa.Column("notified", sa.Boolean(), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name="fk_serious_incident_reminders_incident_id_incidents",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_serious_incident_reminders"),
        sa.UniqueConstraint("incident_id", "reminder", "deadline_at", name="uq_serious_reminder"),
    )
    op.create_index(
        "ix_serious_incident_reminders_incident_id",
        "serious_incident_reminders",
        ["incident_id"],
    )


def downgrade() -> None:
    op.drop_index(
        "ix_serious_incident_reminders_incident_id", table_name="serious_incident_reminders"
    )
    op.drop_table("serious_incident_reminders")
    op.drop_index("ix_serious_incidents_deadline_at", table_name="serious_incidents")
    op.drop_table("serious_incidents")
