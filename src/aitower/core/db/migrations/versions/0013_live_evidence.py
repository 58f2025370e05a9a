"""Live evidence: ``evidence`` may point at an object that gates judge (a monitor), and expire

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07

A link to a failing fairness monitor once passed a gate as a "bias evaluation" (#15). Evidence
may now name a live object by type and id; its owning capability judges it at every gate.
Existing evidence stays a document (both columns NULL). A document may also have a last valid
day (``valid_until``), after which gates no longer count it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("evidence", sa.Column("object_type", sa.String(40), nullable=True))
    op.add_column("evidence", sa.Column("object_id", sa.Uuid(), nullable=True))
    op.add_column("evidence", sa.Column("valid_until", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("evidence") as batch:
        batch.drop_column("valid_until")
        batch.drop_column("object_id")
        batch.drop_column("object_type")
