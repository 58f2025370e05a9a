"""Signing in with single sign-on: find or create the user, bring their access up to date
with their groups, open a session; one transaction, each change on the audit trail.

A user is found by the provider's ``(issuer, subject)``. One seen for the first time is
created then (just in time), without a password, recorded as created by ``sso``. A local user
who already has the name or the e-mail address is not taken over: a provider that lets people
choose or change those would otherwise hand out existing accounts (the reason Grafana stopped
matching by e-mail, CVE-2023-3128); an administrator decides (docs/sso.md).
"""

from __future__ import annotations

import logging

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from aitower.core.access import authn, service
from aitower.core.access.principal import system_principal
from aitower.core.access.sso_mapping import SsoAccess, SsoMapping, SsoProfile, build_mapping
from aitower.core.access.tables import BusinessUnitRow, UserIdentityRow, UserRow
from aitower.core.audit.service import ChangeContext
from aitower.core.db.base import utcnow
from aitower.core.errors import DomainError
from aitower.core.settings import Settings

log = logging.getLogger(__name__)
SSO_ACTOR = "sso"
MAX_SUBJECT = 255


class SignInRefused(Exception):
    """The provider vouched for the person, but aitower does not let them in; why, for them."""


def mapping_of(settings: Settings) -> SsoMapping:
    """The group mapping the settings describe; SsoSettingsError names a setting at fault."""
    return build_mapping(
        settings.oidc_role_groups,
        settings.oidc_unit_groups,
        settings.oidc_default_role,
        groups_claim=settings.oidc_groups_claim,
        username_claim=settings.oidc_username_claim,
    )


def sign_in(
    session: Session,
    issuer: str,
    profile: SsoProfile,
    access: SsoAccess | None,
    *,
    session_hours: int,
    request_id: str | None = None,
) -> authn.LoginResult:
    """Open a session for the person the provider vouched for, or SignInRefused."""
    if not profile.subject or len(profile.subject) > MAX_SUBJECT:
        # OpenID Connect Core 2: a subject is at most 255 ASCII characters.
        raise SignInRefused("The identity provider did not say who you are (no valid subject).")
    if access is None:
        raise SignInRefused(
            "Your groups at the identity provider give no role in aitower; "
            "ask an administrator to add you to one."
        )
    ctx = ChangeContext(system_principal(SSO_ACTOR), request_id)
    identity = session.execute(
        select(UserIdentityRow).where(
            UserIdentityRow.issuer == issuer, UserIdentityRow.subject == profile.subject
        )
    ).scalar_one_or_none()
    units = _known_units(session, access.unit_slugs)
    try:
        if identity is None:
            row = _create(session, ctx, issuer, profile, access, units)
        else:
            row = service.user_row(session, identity.user_id)
            if row.disabled:
                raise SignInRefused("Your aitower account is disabled; ask an administrator.")
            _update_access(session, ctx, row, access, units)
            identity.last_login_at = utcnow()
    except DomainError as problem:
        raise SignInRefused(f"aitower cannot give you access: {problem.detail}") from problem
    session.refresh(row)
    return authn.open_session(session, ctx, row, session_hours=session_hours, method="sso")


def _known_units(session: Session, slugs: tuple[str, ...]) -> tuple[str, ...]:
    """The slugs that name units; a group mapped to a unit that does not exist gives nothing
    (logged: the mapping names it, someone should create the unit or fix the setting)."""
    if not slugs:
        return ()
    found = set(
        session.execute(select(BusinessUnitRow.slug).where(BusinessUnitRow.slug.in_(slugs)))
        .scalars()
        .all()
    )
    for missing in sorted(set(slugs) - found):
        log.warning("AITOWER_OIDC_UNIT_GROUPS names the unknown business unit %r", missing)
    return tuple(s for s in slugs if s in found)


def _create(
    session: Session,
    ctx: ChangeContext,
    issuer: str,
    profile: SsoProfile,
    access: SsoAccess,
    units: tuple[str, ...],
) -> UserRow:
    if not profile.email:
        raise SignInRefused("The identity provider sent no e-mail address (add the email scope).")
    taken = session.execute(
        select(UserRow.username).where(
            or_(UserRow.username == profile.username, UserRow.email == profile.email)
        )
    ).first()
    if taken is not None:
        raise SignInRefused(
            f"An aitower user named {taken[0]!r} already has your name or e-mail address and "
            "signs in with a password; an administrator decides which account is yours."
        )
    new = service.NewUser(
        username=profile.username,
        email=profile.email,
        role=access.role,
        password=None,
        display_name=profile.display_name,
        unit_refs=units,
        all_units=access.all_units,
    )
    user = service.create_user(session, ctx, new)
    session.add(
        UserIdentityRow(
            user_id=user.id,
            issuer=issuer,
            subject=profile.subject,
            created_at=utcnow(),
            last_login_at=utcnow(),
        )
    )
    return service.user_row(session, user.id)


def _update_access(
    session: Session,
    ctx: ChangeContext,
    row: UserRow,
    access: SsoAccess,
    units: tuple[str, ...],
) -> None:
    """The user's role and units as their groups say now; nothing recorded when unchanged."""
    current = {m.unit_id for m in row.memberships}
    wanted = {u.id for u in service.list_units(session) if u.slug in units}
    if (row.role, row.all_units, current) == (access.role.value, access.all_units, wanted):
        return
    service.update_user_access(
        session, ctx, row.id, role=access.role, unit_refs=units, all_units=access.all_units
    )
