"""API keys belong to users: ``api_keys.owner_id``, linked from who created each key

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07

Before this revision a key carried a role, a unit and a ``created_by`` string; nothing tied it to
a person, so it outlived its creator's access (#14). Each existing key is linked to its creator:
``user:<name>`` to that user, ``apikey:<prefix>`` to the owner of that key (followed back to a
person). Keys made by the CLI or by aitower itself (``cli:…``, ``system:…``) have no person
behind them: they stay without owner, and are refused until an administrator gives them one
(``aitower apikeys assign``; see docs/upgrading.md). Self-contained: no models imported.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(sa.Column("owner_id", sa.Uuid(), nullable=True))
        batch.create_foreign_key(
            "fk_api_keys_owner_id_users", "users", ["owner_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_index("ix_api_keys_owner_id", ["owner_id"])
    _link_owners()


def _link_owners() -> None:
    bind = op.get_bind()
    users_t = sa.table("users", sa.column("id", sa.Uuid()), sa.column("username", sa.String()))
    api_keys = sa.table(
        "api_keys",
        sa.column("id", sa.Uuid()),
        sa.column("prefix", sa.String()),
        sa.column("created_by", sa.String()),
        sa.column("owner_id", sa.Uuid()),
    )
    found = bind.execute(sa.select(users_t.c.id, users_t.c.username))
    users = {name: ident for ident, name in found}
    keys = list(bind.execute(sa.select(api_keys.c.id, api_keys.c.prefix, api_keys.c.created_by)))
    creator = {prefix: created_by for _, prefix, created_by in keys}
    for ident, _, created_by in keys:
        owner = _person(created_by, creator, users)
        if owner is not None:
            bind.execute(api_keys.update().where(api_keys.c.id == ident).values(owner_id=owner))


def _person(created_by: str, creator: dict[str, str], users: dict[str, object]) -> object | None:
    """The user behind ``created_by``, following keys made by keys (at most as deep as keys)."""
    seen: set[str] = set()
    while created_by.startswith("apikey:") and created_by not in seen:
        seen.add(created_by)
        created_by = creator.get(created_by.removeprefix("apikey:"), "")
    if created_by.startswith("user:"):
        return users.get(created_by.removeprefix("user:"))
    return None


def downgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_index("ix_api_keys_owner_id")
        batch.drop_constraint("fk_api_keys_owner_id_users", type_="foreignkey")
        batch.drop_column("owner_id")
