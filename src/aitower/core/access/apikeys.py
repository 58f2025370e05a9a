"""Use cases for API keys: create (secret shown once), list, revoke, and resolve a presented key.

Every key belongs to a user and acts for them: a request with a key is allowed only what both
the key's grant and its owner's *current* role and units allow, so disabling, demoting or
moving the owner changes what their keys can do on the very next request (#14).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from aitower.core.access import domain
from aitower.core.access.entities import ApiKey, CreatedApiKey
from aitower.core.access.principal import Principal, PrincipalKind, unit_scope
from aitower.core.access.roles import CorePermission, Role
from aitower.core.access.secrets import api_key_prefix, generate_api_key, hash_token, tokens_equal
from aitower.core.access.service import as_uuid, get_unit, user_row
from aitower.core.access.tables import ApiKeyRow, UserRow
from aitower.core.audit.service import ChangeContext, record_change
from aitower.core.db.base import utcnow
from aitower.core.errors import Conflict, Forbidden, InvalidInput, NotFound

# last_used_at is written at most this often per key, so busy machine clients don't turn every
# read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)

# What a refused key hears, whatever the reason: the answer tells a guesser nothing.
REFUSED_KEY = "the API key is unknown, revoked or expired, or its owner's access has ended"


def key_from_row(row: ApiKeyRow) -> ApiKey:
    return ApiKey(
        id=row.id,
        name=row.name,
        prefix=row.prefix,
        role=Role(row.role),
        unit_id=row.unit_id,
        owner_id=row.owner_id,
        owner=None if row.owner is None else row.owner.username,
        created_by=row.created_by,
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
        last_used_at=row.last_used_at,
    )


def _audit_doc(key: ApiKey) -> dict[str, object]:
    return {
        "name": key.name,
        "prefix": key.prefix,
        "role": key.role,
        "unit_id": key.unit_id,
        "owner": key.owner,
        "expires_at": key.expires_at,
        "revoked_at": key.revoked_at,
    }


def _owner_scope(owner: UserRow) -> tuple[Role, frozenset[uuid.UUID] | None]:
    role = Role(owner.role)
    return role, unit_scope(role, owner.all_units, frozenset(m.unit_id for m in owner.memberships))


def _chosen_owner(session: Session, principal: Principal, ref: str | uuid.UUID | None) -> UserRow:
    """The key's owner: the caller's own user unless an administrator names someone else."""
    own = principal.user_id or principal.owner_id
    if ref is None:
        if own is None:
            raise InvalidInput.on("owner", "name the user this key acts for")
        ref = own
    try:
        owner = user_row(session, ref)
    except NotFound:
        raise InvalidInput.on("owner", f"unknown user {str(ref)!r}") from None
    if owner.id != own and not principal.can(CorePermission.users_write):
        raise Forbidden("only an administrator can create a key for another user")
    if owner.disabled:
        raise InvalidInput.on("owner", f"{owner.username} is disabled")
    return owner


def _check_owner_grant(owner: UserRow, grant: domain.KeyGrant) -> None:
    role, units = _owner_scope(owner)
    domain.check_owner_grant(owner.username, role, units, grant)


def create_api_key(
    session: Session,
    ctx: ChangeContext,
    *,
    name: str,
    role: Role,
    unit_ref: str | uuid.UUID | None,
    expires_at: datetime | None = None,
    owner_ref: str | uuid.UUID | None = None,
) -> CreatedApiKey:
    """A key for ``owner_ref`` (default: the caller), within both the caller's and the
    owner's access."""
    name = domain.clean_text(name, "name", max_length=120)
    unit_id = None
    if unit_ref is not None:
        try:
            unit_id = get_unit(session, unit_ref).id
        except NotFound:
            raise InvalidInput.on("unit", f"unknown business unit {str(unit_ref)!r}") from None
    grant = domain.KeyGrant(role, unit_id)
    domain.check_key_grant(ctx.principal.role, ctx.principal.unit_ids, grant)
    owner = _chosen_owner(session, ctx.principal, owner_ref)
    _check_owner_grant(owner, grant)
    now = utcnow()
    if expires_at is not None and expires_at <= now:
        raise InvalidInput.on("expires_at", "must be in the future")
    new = generate_api_key()
    if session.execute(select(ApiKeyRow.id).where(ApiKeyRow.prefix == new.prefix)).first():
        raise Conflict("key prefix collision; please retry")  # 1 in 4 billion
    row = ApiKeyRow(
        name=name,
        prefix=new.prefix,
        secret_hash=new.secret_hash,
        role=role.value,
        unit_id=unit_id,
        owner_id=owner.id,
        created_by=ctx.principal.actor,
        created_at=now,
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    session.refresh(row)
    key = key_from_row(row)
    record_change(session, ctx, "apikey.create", "api_key", key.id, after=_audit_doc(key))
    return CreatedApiKey(key, new.secret)


def _visible(principal: Principal) -> Select[ApiKeyRow]:
    """Keys of the principal's units; organisation-wide principals see every key."""
    query = select(ApiKeyRow)
    if principal.unit_ids is not None:
        query = query.where(ApiKeyRow.unit_id.in_(principal.unit_ids))
    return query


def list_api_keys(
    session: Session,
    principal: Principal,
    *,
    include_revoked: bool = True,
    owner_ref: str | uuid.UUID | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[ApiKey], int]:
    """Newest first; ``owner_ref`` (username or id) keeps one person's keys."""
    query = _visible(principal)
    if owner_ref is not None:
        try:
            query = query.where(ApiKeyRow.owner_id == user_row(session, owner_ref).id)
        except NotFound:
            raise InvalidInput.on("owner", f"unknown user {str(owner_ref)!r}") from None
    if not include_revoked:
        query = query.where(ApiKeyRow.revoked_at.is_(None))
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = session.execute(
        query.order_by(ApiKeyRow.created_at.desc(), ApiKeyRow.prefix).limit(limit).offset(offset)
    ).scalars()
    return [key_from_row(r) for r in rows], int(total)


def _key_row(session: Session, principal: Principal, ref: str | uuid.UUID) -> ApiKeyRow:
    ident = as_uuid(ref)
    by = ApiKeyRow.prefix == ref if ident is None else ApiKeyRow.id == ident
    query = _visible(principal).where(by)
    row: ApiKeyRow | None = session.execute(query).scalar_one_or_none()
    if row is None:
        raise NotFound(f"no API key {str(ref)!r}")
    return row


def revoke_api_key(session: Session, ctx: ChangeContext, ref: str | uuid.UUID) -> ApiKey:
    """Revoking is final and idempotent: a revoked key stays revoked at its first time."""
    return _revoke(session, ctx, _key_row(session, ctx.principal, ref))


def revoke_user_keys(session: Session, ctx: ChangeContext, owner_ref: str | uuid.UUID) -> int:
    """Revoke every live key of one user (the caller sees) at once; how many were live."""
    keys, _ = list_api_keys(
        session, ctx.principal, include_revoked=False, owner_ref=owner_ref, limit=10_000
    )
    for key in keys:
        _revoke(session, ctx, _key_row(session, ctx.principal, key.id))
    return len(keys)


def assign_owner(
    session: Session, ctx: ChangeContext, ref: str | uuid.UUID, owner_ref: str | uuid.UUID
) -> ApiKey:
    """Give an orphaned key (made before keys had owners) its owner, within their access.

    Only orphans: a key that belongs to someone is never handed to someone else; that person's
    successor makes a new key, so the trail says who held which secret when.
    """
    if not ctx.principal.can(CorePermission.users_write):
        raise Forbidden("only an administrator can give a key its owner")
    row = _key_row(session, ctx.principal, ref)
    if row.owner_id is not None:
        raise Conflict.on("owner", f"the key {row.prefix} already belongs to a user")
    owner = _chosen_owner(session, ctx.principal, owner_ref)
    _check_owner_grant(owner, domain.KeyGrant(Role(row.role), row.unit_id))
    before = key_from_row(row)
    row.owner_id = owner.id
    session.flush()
    session.refresh(row)
    after = key_from_row(row)
    record_change(
        session,
        ctx,
        "apikey.assign_owner",
        "api_key",
        row.id,
        before=_audit_doc(before),
        after=_audit_doc(after),
    )
    return after


def _revoke(session: Session, ctx: ChangeContext, row: ApiKeyRow) -> ApiKey:
    if row.revoked_at is not None:
        return key_from_row(row)
    before = key_from_row(row)
    row.revoked_at = utcnow()
    session.flush()
    after = key_from_row(row)
    record_change(
        session,
        ctx,
        "apikey.revoke",
        "api_key",
        row.id,
        before=_audit_doc(before),
        after=_audit_doc(after),
    )
    return after


def resolve_api_key(session: Session, presented: str) -> tuple[Principal, bool] | None:
    """The principal a presented key stands for, and whether its last-used time is stale.

    None for anything that is not a live key: unknown, wrong secret, revoked, expired, orphaned,
    or owned by a disabled user. The owner's role and units are read afresh each time.
    """
    prefix = api_key_prefix(presented)
    if prefix is None:
        return None
    row = session.execute(select(ApiKeyRow).where(ApiKeyRow.prefix == prefix)).scalar_one_or_none()
    if row is None or not tokens_equal(row.secret_hash, hash_token(presented)):
        return None
    now = utcnow()
    if row.revoked_at is not None or (row.expires_at is not None and row.expires_at <= now):
        return None
    owner = row.owner
    if owner is None or owner.disabled:
        return None
    owner_role, owner_units = _owner_scope(owner)
    principal = Principal(
        PrincipalKind.apikey,
        row.id,
        row.prefix,
        Role(row.role),
        domain.key_units(row.unit_id, owner_units),
        owner_id=owner.id,
        ceiling=owner_role,
    )
    stale = row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION
    return principal, stale


def touch_api_key(session: Session, key_id: uuid.UUID) -> None:
    """Record use; not audited (usage is not a change to the key)."""
    row = session.get(ApiKeyRow, key_id)
    if row is not None:
        row.last_used_at = utcnow()
