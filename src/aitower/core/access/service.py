"""Use cases for business units and users: validate, save, audit, in the caller's transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, delete, func, or_, select
from sqlalchemy.orm import Session

from aitower.core.access import domain
from aitower.core.access.entities import BusinessUnit, User
from aitower.core.access.principal import Principal
from aitower.core.access.roles import ORG_WIDE_ROLES, Role
from aitower.core.access.secrets import hash_password
from aitower.core.access.tables import BusinessUnitRow, UserRow, UserUnitRow, WebSessionRow
from aitower.core.audit.service import ChangeContext, record_change
from aitower.core.errors import Conflict, InvalidInput, NotFound


def unit_from_row(row: BusinessUnitRow) -> BusinessUnit:
    return BusinessUnit(row.id, row.name, row.slug, row.description, row.created_at)


def user_from_row(row: UserRow) -> User:
    return User(
        id=row.id,
        username=row.username,
        email=row.email,
        display_name=row.display_name,
        role=Role(row.role),
        all_units=row.all_units,
        unit_ids=tuple(sorted((m.unit_id for m in row.memberships), key=str)),
        disabled=row.disabled,
        locked_until=row.locked_until,
        last_login_at=row.last_login_at,
        created_at=row.created_at,
        has_password=row.password_hash is not None,
    )


def _unit_audit(unit: BusinessUnit) -> dict[str, Any]:
    return {"name": unit.name, "slug": unit.slug, "description": unit.description}


def _user_audit(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "email": user.email,
        "display_name": user.display_name,
        "role": user.role,
        "all_units": user.all_units,
        "unit_ids": list(user.unit_ids),
        "disabled": user.disabled,
    }


# --- business units -------------------------------------------------------------------------


def list_units(session: Session) -> list[BusinessUnit]:
    rows = session.execute(select(BusinessUnitRow).order_by(BusinessUnitRow.name)).scalars()
    return [unit_from_row(r) for r in rows]


def get_unit(session: Session, ref: str | uuid.UUID) -> BusinessUnit:
    """A unit by id, slug or exact name (the CLI accepts any of them)."""
    return unit_from_row(_unit_row(session, ref))


def as_uuid(ref: str | uuid.UUID) -> uuid.UUID | None:
    """An id given as text (CLI, forms), or None when the reference is a name instead."""
    if isinstance(ref, uuid.UUID):
        return ref
    try:
        return uuid.UUID(ref)
    except ValueError:
        return None


def _unit_row(session: Session, ref: str | uuid.UUID) -> BusinessUnitRow:
    ident = as_uuid(ref)
    if ident is not None:
        row = session.get(BusinessUnitRow, ident)
    else:
        row = session.execute(
            select(BusinessUnitRow).where(
                or_(BusinessUnitRow.slug == ref, BusinessUnitRow.name == ref)
            )
        ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"no business unit {str(ref)!r}")
    return row


def create_unit(
    session: Session, ctx: ChangeContext, name: str, description: str = ""
) -> BusinessUnit:
    name = domain.clean_text(name, "name", max_length=120)
    description = domain.clean_text(description, "description", max_length=2000, required=False)
    slug = domain.slugify(name)
    clash = session.execute(
        select(BusinessUnitRow.id).where(
            or_(func.lower(BusinessUnitRow.name) == name.lower(), BusinessUnitRow.slug == slug)
        )
    ).first()
    if clash:
        raise Conflict.on("name", f"a business unit named {name!r} already exists")
    row = BusinessUnitRow(name=name, slug=slug, description=description)
    session.add(row)
    session.flush()
    unit = unit_from_row(row)
    record_change(session, ctx, "unit.create", "business_unit", unit.id, after=_unit_audit(unit))
    return unit


# --- users ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewUser:
    username: str
    email: str
    role: Role
    password: str | None
    display_name: str = ""
    unit_refs: tuple[str, ...] = ()
    all_units: bool = False


def _visible_users(principal: Principal) -> Select[UserRow]:
    """Users sharing a unit with the principal; organisation-wide principals see everyone."""
    query = select(UserRow)
    if principal.unit_ids is not None:
        members = select(UserUnitRow.user_id).where(UserUnitRow.unit_id.in_(principal.unit_ids))
        query = query.where(UserRow.id.in_(members))
    return query


def list_users(
    session: Session,
    principal: Principal,
    *,
    role: Role | None = None,
    unit_id: uuid.UUID | None = None,
    query_text: str | None = None,
    include_disabled: bool = True,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[User], int]:
    query = _visible_users(principal)
    if role is not None:
        query = query.where(UserRow.role == role.value)
    if unit_id is not None:
        query = query.where(
            UserRow.id.in_(select(UserUnitRow.user_id).where(UserUnitRow.unit_id == unit_id))
        )
    if query_text:
        # Escape LIKE's wildcards: a search for "a_b" means those three characters.
        text = query_text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = f"%{text}%"
        query = query.where(
            or_(
                UserRow.username.like(like, escape="\\"),
                func.lower(UserRow.display_name).like(like, escape="\\"),
                UserRow.email.like(like, escape="\\"),
            )
        )
    if not include_disabled:
        query = query.where(UserRow.disabled.is_(False))
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = session.execute(query.order_by(UserRow.username).limit(limit).offset(offset)).scalars()
    return [user_from_row(r) for r in rows], int(total)


def user_row(session: Session, ref: str | uuid.UUID) -> UserRow:
    ident = as_uuid(ref)
    if ident is not None:
        row = session.get(UserRow, ident)
    else:
        row = session.execute(
            select(UserRow).where(UserRow.username == str(ref).lower())
        ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"no user {str(ref)!r}")
    return row


def get_user(session: Session, ref: str | uuid.UUID) -> User:
    return user_from_row(user_row(session, ref))


def _resolve_units(session: Session, refs: tuple[str, ...]) -> list[uuid.UUID]:
    ids = []
    for ref in dict.fromkeys(refs):
        try:
            ids.append(_unit_row(session, ref).id)
        except NotFound:
            raise InvalidInput.on("units", f"unknown business unit {ref!r}") from None
    return ids


def _check_scope(role: Role, all_units: bool, unit_ids: list[uuid.UUID]) -> None:
    if role not in ORG_WIDE_ROLES and not all_units and not unit_ids:
        raise InvalidInput.on(
            "units", f"the role {role.value} needs at least one business unit (or all units)"
        )


def create_user(session: Session, ctx: ChangeContext, new: NewUser) -> User:
    username = domain.check_username(new.username.strip().lower())
    email = domain.check_email(new.email)
    display = domain.clean_text(new.display_name or username, "display_name", max_length=120)
    unit_ids = _resolve_units(session, new.unit_refs)
    _check_scope(new.role, new.all_units, unit_ids)
    password_hash = None if new.password is None else hash_password(new.password, username)
    if session.execute(select(UserRow.id).where(UserRow.username == username)).first():
        raise Conflict.on("username", f"{username!r} is taken")
    if session.execute(select(UserRow.id).where(UserRow.email == email)).first():
        raise Conflict.on("email", f"{email!r} belongs to another user")
    row = UserRow(
        username=username,
        email=email,
        display_name=display,
        role=new.role.value,
        all_units=new.all_units,
        password_hash=password_hash,
        memberships=[UserUnitRow(unit_id=u) for u in unit_ids],
    )
    session.add(row)
    session.flush()
    user = user_from_row(row)
    record_change(session, ctx, "user.create", "user", user.id, after=_user_audit(user))
    return user


def update_user_access(
    session: Session,
    ctx: ChangeContext,
    ref: str | uuid.UUID,
    *,
    role: Role | None = None,
    unit_refs: tuple[str, ...] | None = None,
    all_units: bool | None = None,
) -> User:
    """Change a user's role and/or business units; the result must still be a valid scope."""
    row = user_row(session, ref)
    before = user_from_row(row)
    new_role = role if role is not None else before.role
    new_all = all_units if all_units is not None else before.all_units
    unit_ids = list(before.unit_ids) if unit_refs is None else _resolve_units(session, unit_refs)
    _check_scope(new_role, new_all, unit_ids)
    row.role, row.all_units = new_role.value, new_all
    if unit_refs is not None:
        row.memberships = [UserUnitRow(unit_id=u) for u in unit_ids]
    session.flush()
    session.refresh(row)
    after = user_from_row(row)
    after_doc = _user_audit(after)
    if domain.narrower(_scope_of(before), _scope_of(after)):
        # A browser opened with the wider access is closed, not left to a later check.
        ended = session.execute(delete(WebSessionRow).where(WebSessionRow.user_id == row.id))
        after_doc["sessions_ended"] = int(getattr(ended, "rowcount", 0) or 0)
    record_change(
        session,
        ctx,
        "user.update_access",
        "user",
        row.id,
        before=_user_audit(before),
        after=after_doc,
    )
    return after


def _scope_of(user: User) -> domain.Access:
    units = None if user.role in ORG_WIDE_ROLES or user.all_units else frozenset(user.unit_ids)
    return domain.Access(user.role, units)


def set_user_disabled(
    session: Session, ctx: ChangeContext, ref: str | uuid.UUID, disabled: bool
) -> User:
    """Disabling also ends the user's browser sessions at once."""
    row = user_row(session, ref)
    if ctx.principal.user_id == row.id and disabled:
        raise InvalidInput.on("user", "you cannot disable yourself")
    before = user_from_row(row)
    row.disabled = disabled
    if disabled:
        session.execute(delete(WebSessionRow).where(WebSessionRow.user_id == row.id))
    session.flush()
    after = user_from_row(row)
    action = "user.disable" if disabled else "user.enable"
    record_change(
        session, ctx, action, "user", row.id, before=_user_audit(before), after=_user_audit(after)
    )
    return after


def set_password(session: Session, ctx: ChangeContext, ref: str | uuid.UUID, password: str) -> User:
    """An administrator sets a user's password. Every session of the user ends: a reset is
    how an administrator shuts out whoever learnt the old password (#14)."""
    row = user_row(session, ref)
    row.password_hash = hash_password(password, row.username)
    row.failed_logins, row.locked_until = 0, None
    ended = session.execute(delete(WebSessionRow).where(WebSessionRow.user_id == row.id))
    session.flush()
    # The audit event says that the password changed, never what it is.
    after = {"password": "changed", "sessions_ended": int(getattr(ended, "rowcount", 0) or 0)}
    record_change(session, ctx, "user.set_password", "user", row.id, after=after)
    return user_from_row(row)


def count_users(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(UserRow)).scalar_one())
