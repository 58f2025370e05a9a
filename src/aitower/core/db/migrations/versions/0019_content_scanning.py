"""Per system, scanning at ingest and redaction before storage: ``scan_enabled``, ``scan_types``
and ``redaction`` on ``telemetry_system_settings``

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07

Issue #16. Columns on the existing per-system settings row rather than a table of their own:
ingest reads a system's content settings in one query per request (``ingest._content_policies``)
and the scan settings go with them. Existing systems scan (every type) and redact nothing, as
a system without a settings row does: findings are recorded, content is stored as sent.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0019"
# integrator: re-chain to 0018 (the content search migration, another branch)
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOCUMENT = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.add_column(
        "telemetry_system_settings",
        sa.Column("scan_enabled", sa.Boolean(), server_default=sa.true(), nullable=False),
    )
    op.add_column("telemetry_system_settings", sa.Column("scan_types", JSON_DOCUMENT))
    op.add_column("telemetry_system_settings", sa.Column("redaction", JSON_DOCUMENT))


def downgrade() -> None:
    with op.batch_alter_table("telemetry_system_settings") as batch:
        batch.drop_column("redaction")
        batch.drop_column("scan_types")
        batch.drop_column("scan_enabled")
