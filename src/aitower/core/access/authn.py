"""Browser authentication: password login with lockout, and server-side sessions.

Sessions live in the database (only token hashes), so every server process behind a load
balancer knows them, logout and disabling a user end them at once, and nothing rests on
process memory.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from aitower.core.access import domain
from aitower.core.access.principal import Principal, PrincipalKind, unit_scope
from aitower.core.access.roles import Role
from aitower.core.access.secrets import (
    hash_password,
    hash_token,
    new_session_token,
    verify_password,
)
from aitower.core.access.tables import LoginFailureRow, UserRow, WebSessionRow
from aitower.core.audit.service import ChangeContext, record_change
from aitower.core.db.base import utcnow
from aitower.core.errors import InvalidInput

GENERIC_LOGIN_FAILURE = "Unknown username or wrong password."


@dataclass(frozen=True, slots=True)
class LoginResult:
    """Either a principal and its new session token, or why not (and for how long)."""

    principal: Principal | None
    token: str | None
    error: str | None = None
    retry_after_seconds: int | None = None


def user_principal(row: UserRow) -> Principal:
    role = Role(row.role)
    units = unit_scope(role, row.all_units, frozenset(m.unit_id for m in row.memberships))
    return Principal(PrincipalKind.user, row.id, row.username, role, units, user_id=row.id)


def login(
    session: Session,
    ctx: ChangeContext,
    username: str,
    password: str,
    *,
    session_hours: int,
    source: str | None = None,
) -> LoginResult:
    """Check a password; on success open a session. Failures are counted and may lock.

    ``source`` is the client's address: too many failures from one address, whichever the
    accounts, make it wait. Runs in a write transaction that must be committed in every
    outcome, so the failure counts are kept: hence a result instead of an exception.
    """
    now = utcnow()
    if source is not None:
        wait = domain.source_wait(_recent_failures(session, source, now), now)
        if wait is not None:
            return LoginResult(
                None,
                None,
                f"Too many failed logins from your address; try again in {wait} s.",
                wait,
            )
    name = username.strip().lower()
    row = session.execute(select(UserRow).where(UserRow.username == name)).scalar_one_or_none()
    locked_until = _unknown_name_lock(session, name) if row is None else row.locked_until
    if locked_until is not None and locked_until > now:
        wait = domain.seconds_until(locked_until, now)
        return LoginResult(None, None, f"Too many failed attempts; try again in {wait} s.", wait)
    ok = verify_password(None if row is None else row.password_hash, password)
    if row is None or not ok or row.disabled:
        if row is None:
            _record_failure(session, _name_key(name), now, keep=domain.LONGEST_LOCK * 24)
        elif not ok:
            _count_failure(session, ctx, row, now)
        if source is not None:
            _record_failure(session, source, now, keep=domain.SOURCE_WINDOW)
        return LoginResult(None, None, GENERIC_LOGIN_FAILURE)
    return open_session(session, ctx, row, session_hours=session_hours)


def open_session(
    session: Session, ctx: ChangeContext, row: UserRow, *, session_hours: int, method: str = ""
) -> LoginResult:
    """A new browser session for a user who proved who they are (password or single sign-on),
    recorded as ``auth.login`` (with the ``method`` when not the password)."""
    now = utcnow()
    row.failed_logins, row.locked_until, row.last_login_at = 0, None, now
    # Expired sessions are removed here, where they accumulate, rather than by a separate job.
    session.execute(
        delete(WebSessionRow).where(
            WebSessionRow.user_id == row.id, WebSessionRow.expires_at <= now
        )
    )
    token = new_session_token()
    session.add(
        WebSessionRow(
            token_hash=hash_token(token),
            user_id=row.id,
            created_at=now,
            expires_at=now + timedelta(hours=session_hours),
        )
    )
    principal = user_principal(row)
    as_user = ChangeContext(principal, ctx.request_id)
    after = {"method": method} if method else None
    record_change(session, as_user, "auth.login", "user", row.id, after=after)
    return LoginResult(principal, token)


def _recent_failures(session: Session, source: str, now: datetime) -> list[datetime]:
    since = now - domain.SOURCE_WINDOW
    return list(
        session.execute(
            select(LoginFailureRow.at)
            .where(LoginFailureRow.source == source, LoginFailureRow.at > since)
            .order_by(LoginFailureRow.at)
        ).scalars()
    )


def _record_failure(session: Session, source: str, now: datetime, *, keep: timedelta) -> None:
    """Not audited: no account changed. Rows older than ``keep`` go as new ones come."""
    session.execute(
        delete(LoginFailureRow).where(
            LoginFailureRow.source == source[:64], LoginFailureRow.at <= now - keep
        )
    )
    session.add(LoginFailureRow(source=source[:64], at=now))


def _name_key(name: str) -> str:
    return f"name:{name}"[:64]


def _unknown_name_lock(session: Session, name: str) -> datetime | None:
    """Failures at a username that does not exist lock it as they would lock an account, so
    the answers (401, then 429 with the same wait) do not tell which usernames exist."""
    failures = list(
        session.execute(
            select(LoginFailureRow.at)
            .where(LoginFailureRow.source == _name_key(name))
            .order_by(LoginFailureRow.at)
        ).scalars()
    )
    lock = domain.lock_duration(len(failures))
    return None if lock is None else failures[-1] + lock


def _count_failure(session: Session, ctx: ChangeContext, row: UserRow, now: datetime) -> None:
    row.failed_logins += 1
    lock = domain.lock_duration(row.failed_logins)
    after: dict[str, object] = {"failed_logins": row.failed_logins}
    if lock is not None:
        row.locked_until = now + lock
        after["locked_until"] = row.locked_until
    record_change(session, ctx, "auth.login_failed", "user", row.id, after=after)


def resolve_session(session: Session, token: str) -> Principal | None:
    found = session.execute(
        select(WebSessionRow, UserRow)
        .join(UserRow, UserRow.id == WebSessionRow.user_id)
        .where(WebSessionRow.token_hash == hash_token(token))
    ).first()
    if found is None:
        return None
    web_session, user = found
    if web_session.expires_at <= utcnow() or user.disabled:
        return None
    return user_principal(user)


def logout(session: Session, ctx: ChangeContext, token: str) -> None:
    session.execute(delete(WebSessionRow).where(WebSessionRow.token_hash == hash_token(token)))
    record_change(session, ctx, "auth.logout", "user", ctx.principal.user_id)


def unlock(session: Session, ctx: ChangeContext, user_id: uuid.UUID) -> bool:
    """Clear a lockout; False when there was none (nothing changed, nothing audited)."""
    row = session.get(UserRow, user_id)
    if row is None or not (row.failed_logins or row.locked_until):
        return False
    row.failed_logins, row.locked_until = 0, None
    record_change(session, ctx, "user.unlock", "user", user_id)
    return True


def change_own_password(
    session: Session, ctx: ChangeContext, current_token: str, current: str, new: str
) -> int:
    """A logged-in user changes their password; their other browser sessions end.

    Returns how many other sessions were ended. The current password is required, so a
    session left open on a shared screen cannot be turned into a permanent takeover.
    """
    row = session.get(UserRow, ctx.principal.user_id) if ctx.principal.user_id else None
    if row is None:  # an API key: authenticated, but it has no password to change
        raise InvalidInput.on("current_password", "only people who log in have a password")
    if not verify_password(row.password_hash, current):
        raise InvalidInput.on("current_password", "is not your current password")
    if new == current:
        raise InvalidInput.on("new_password", "must differ from the current password")
    try:
        row.password_hash = hash_password(new, row.username)
    except InvalidInput as exc:
        raise InvalidInput.on("new_password", exc.issues[0].reason) from None
    ended = session.execute(
        delete(WebSessionRow).where(
            WebSessionRow.user_id == row.id, WebSessionRow.token_hash != hash_token(current_token)
        )
    )
    count = int(getattr(ended, "rowcount", 0) or 0)
    record_change(
        session,
        ctx,
        "user.change_password",
        "user",
        row.id,
        after={"password": "changed", "other_sessions_ended": count},
    )
    return count
