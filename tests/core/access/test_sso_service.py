"""Signing in with single sign-on, below the browser: what is stored, and what is not when
the sign-in is refused (both databases)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from aitower.core.access import sso
from aitower.core.access.roles import Role
from aitower.core.access.sso_mapping import SsoAccess, SsoProfile
from aitower.core.access.tables import UserIdentityRow, UserRow
from aitower.core.audit.tables import AuditEventRow
from aitower.core.db.engine import Database
from support import seed_units

ISSUER = "https://idp.example"


def _profile(subject: str = "s-1", username: str = "noor") -> SsoProfile:
    return SsoProfile(subject, username, f"{username}@example.com", username.title(), ())


def _sign_in(db: Database, profile: SsoProfile, access: SsoAccess | None) -> None:
    with db.writing() as session:
        sso.sign_in(session, ISSUER, profile, access, session_hours=1)


def _actions(db: Database) -> list[str]:
    with db.reading() as session:
        return list(
            session.execute(select(AuditEventRow.action).order_by(AuditEventRow.seq)).scalars()
        )


def test_a_first_sign_in_creates_the_user_and_a_second_changes_nothing(db: Database) -> None:
    seed_units(db)
    analyst = SsoAccess(Role.analyst, False, ("finance",))
    _sign_in(db, _profile(), analyst)
    assert _actions(db)[-2:] == ["user.create", "auth.login"]
    _sign_in(db, _profile(), analyst)
    assert _actions(db)[-2:] == ["auth.login", "auth.login"], "same groups: no access change"
    _sign_in(db, _profile(), SsoAccess(Role.stakeholder, False, ("marketing",)))
    assert _actions(db)[-2:] == ["user.update_access", "auth.login"]
    with db.reading() as session:
        user = session.execute(select(UserRow).where(UserRow.username == "noor")).scalar_one()
        assert user.role == Role.stakeholder.value and user.password_hash is None
        assert session.execute(select(func.count()).select_from(UserIdentityRow)).scalar() == 1


@pytest.mark.parametrize(
    ("profile", "access", "why"),
    [
        (_profile(subject="x" * 256), SsoAccess(Role.admin, True, ()), "subject"),
        (_profile(), None, "give no role"),
        (_profile(), SsoAccess(Role.analyst, False, ("no-such-unit",)), "business unit"),
        (_profile(username="a"), SsoAccess(Role.admin, True, ()), "username"),
    ],
)
def test_a_refused_sign_in_stores_nothing(
    db: Database, profile: SsoProfile, access: SsoAccess | None, why: str
) -> None:
    seed_units(db)
    before = len(_actions(db))
    with pytest.raises(sso.SignInRefused, match=why):
        _sign_in(db, profile, access)
    assert len(_actions(db)) == before
    with db.reading() as session:
        assert session.execute(select(func.count()).select_from(UserIdentityRow)).scalar() == 0
