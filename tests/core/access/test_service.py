"""Access use cases on real databases (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from aitower.core.access import apikeys, authn, service
from aitower.core.access.principal import anonymous_principal
from aitower.core.access.roles import Role
from aitower.core.access.tables import ApiKeyRow
from aitower.core.audit.service import ChangeContext
from aitower.core.audit.tables import AuditEventRow
from aitower.core.db.engine import Database
from aitower.core.errors import Conflict, InvalidInput
from support import CTX, PASSWORD, make_key, make_user, seed_units


def _events(db: Database) -> int:
    with db.reading() as session:
        return int(session.execute(select(func.count()).select_from(AuditEventRow)).scalar_one())


def _login(db: Database, username: str, password: str) -> authn.LoginResult:
    with db.writing() as session:
        return authn.login(
            session, ChangeContext(anonymous_principal()), username, password, session_hours=1
        )


def test_failed_change_writes_nothing_not_even_its_audit_event(db: Database) -> None:
    seed_units(db)
    before = _events(db)
    with pytest.raises(Conflict), db.writing() as session:
        service.create_unit(session, CTX, "Risk")
        service.create_unit(session, CTX, "risk")  # same slug: the whole transaction rolls back
    assert _events(db) == before
    with db.reading() as session:
        assert [u.name for u in service.list_units(session)] == ["Finance", "Marketing"]


def test_scoped_role_needs_a_unit_and_unknown_units_name_the_field(db: Database) -> None:
    seed_units(db)
    with pytest.raises(InvalidInput) as caught, db.writing() as session:
        service.create_user(
            session, CTX, service.NewUser("dana", "dana@example.com", Role.analyst, PASSWORD)
        )
    assert caught.value.issues[0].field == "units"
    with pytest.raises(InvalidInput, match="nowhere"), db.writing() as session:
        service.create_user(
            session,
            CTX,
            service.NewUser(
                "dana", "d@example.com", Role.analyst, PASSWORD, unit_refs=("nowhere",)
            ),
        )


def test_lockout_after_repeated_failures_then_success_resets(db: Database) -> None:
    seed_units(db)
    name = make_user(db, Role.analyst)
    for _ in range(5):
        assert _login(db, name, "wrong password!").token is None
    locked = _login(db, name, PASSWORD)
    assert locked.token is None
    assert locked.retry_after_seconds is not None and 1 <= locked.retry_after_seconds <= 60
    with db.writing() as session:
        user = service.get_user(session, name)
        authn.unlock(session, CTX, user.id)
    assert _login(db, name, PASSWORD).token is not None


def test_unknown_user_and_wrong_password_get_the_same_answer(db: Database) -> None:
    seed_units(db)
    name = make_user(db, Role.analyst)
    assert _login(db, "nobody", PASSWORD).error == _login(db, name, "wrong password!").error


def _shape(result: authn.LoginResult) -> tuple[str | None, bool]:
    """The answer without its number of seconds, and whether it asks to wait up to a minute."""
    wait = result.retry_after_seconds
    return re.sub(r"\d+ s\.", "N s.", result.error or ""), wait is not None and 1 <= wait <= 60


def test_lockout_answers_the_same_for_known_and_unknown_usernames(db: Database) -> None:
    """#14, finding 8: only real accounts locked (429), so six guesses told whether a
    username existed. Unknown names now lock after the same failures, for the same time."""
    seed_units(db)
    name = make_user(db, Role.analyst)
    known = [_shape(_login(db, name, "wrong password!")) for _ in range(7)]
    unknown = [_shape(_login(db, "nobody-here", "wrong password!")) for _ in range(7)]
    assert known == unknown
    assert known[4] == (authn.GENERIC_LOGIN_FAILURE, False)
    assert known[5] == ("Too many failed attempts; try again in N s.", True)


def test_disabling_a_user_ends_their_sessions(db: Database) -> None:
    seed_units(db)
    name = make_user(db, Role.engineer)
    token = _login(db, name, PASSWORD).token
    assert token is not None
    with db.reading() as session:
        assert authn.resolve_session(session, token) is not None
    with db.writing() as session:
        service.set_user_disabled(session, CTX, name, True)
    with db.reading() as session:
        assert authn.resolve_session(session, token) is None
    assert _login(db, name, PASSWORD).token is None


def test_a_password_reset_by_an_administrator_ends_every_session_of_the_user(
    db: Database,
) -> None:
    seed_units(db)
    name = make_user(db, Role.engineer)
    tokens = [_login(db, name, PASSWORD).token for _ in range(2)]
    other = _login(db, make_user(db, Role.analyst), PASSWORD).token
    assert None not in tokens and other is not None
    with db.writing() as session:
        service.set_password(session, CTX, name, "a new passphrase for amara")
    with db.reading() as session:
        assert [authn.resolve_session(session, t) for t in tokens] == [None, None]
        assert authn.resolve_session(session, other) is not None  # another user's stays
        event = session.execute(
            select(AuditEventRow).where(AuditEventRow.action == "user.set_password")
        ).scalar_one()
    assert event.after == {"password": "changed", "sessions_ended": 2}
    assert _login(db, name, PASSWORD).token is None
    assert _login(db, name, "a new passphrase for amara").token is not None


def test_revoked_and_expired_keys_stop_working(db: Database) -> None:
    seed_units(db)
    secret = make_key(db, Role.engineer)
    with db.reading() as session:
        found = apikeys.resolve_api_key(session, secret)
    assert found is not None and found[0].role is Role.engineer
    with db.reading() as session:
        assert apikeys.resolve_api_key(session, secret[:-1] + "x") is None
    with db.writing() as session:
        apikeys.revoke_api_key(session, CTX, found[0].name)
    with db.reading() as session:
        assert apikeys.resolve_api_key(session, secret) is None
    other = make_key(db, Role.analyst)
    with db.writing() as session:
        session.execute(
            update(ApiKeyRow).values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    with db.reading() as session:
        assert apikeys.resolve_api_key(session, other) is None


def test_key_secret_is_stored_only_as_a_hash(db: Database) -> None:
    seed_units(db)
    secret = make_key(db, Role.engineer)
    with db.reading() as session:
        stored = session.execute(select(ApiKeyRow.secret_hash, ApiKeyRow.prefix)).one()
    assert secret not in stored.secret_hash
    assert secret.startswith(stored.prefix + "_")


@pytest.mark.parametrize(
    ("change", "ends"),
    [
        ({"role": Role.stakeholder}, True),  # fewer permissions
        ({"unit_refs": ("marketing",)}, True),  # finance taken away
        ({"unit_refs": ("finance", "marketing")}, False),  # a unit added: nothing lost
        ({"role": Role.admin}, False),  # wider: the administrator holds every permission
    ],
)
def test_a_narrower_role_or_scope_ends_the_user_s_sessions(
    db: Database, change: dict[str, object], ends: bool
) -> None:
    """#14, what to build 5: sessions end on a role change that takes something away."""
    seed_units(db)
    name = make_user(db, Role.engineer)
    token = _login(db, name, PASSWORD).token
    assert token is not None
    with db.writing() as session:
        service.update_user_access(session, CTX, name, **change)  # type: ignore[arg-type]
    with db.reading() as session:
        assert (authn.resolve_session(session, token) is None) is ends
        event = session.execute(
            select(AuditEventRow).where(AuditEventRow.action == "user.update_access")
        ).scalar_one()
    assert event.after is not None
    assert event.after.get("sessions_ended") == (1 if ends else None)


def test_password_spraying_from_one_address_is_throttled(db: Database) -> None:
    seed_units(db)
    victim = make_user(db, Role.analyst)
    anonymous = ChangeContext(anonymous_principal())

    def attempt(username: str, password: str, source: str) -> authn.LoginResult:
        with db.writing() as session:
            return authn.login(
                session, anonymous, username, password, session_hours=1, source=source
            )

    for i in range(30):  # one guess each at many accounts: no account locks
        assert attempt(f"user{i}", "Winter2026!", "203.0.113.7").token is None
    refused = attempt(victim, PASSWORD, "203.0.113.7")
    assert refused.token is None
    assert refused.retry_after_seconds is not None and refused.retry_after_seconds > 800
    assert attempt(victim, PASSWORD, "198.51.100.2").token is not None
