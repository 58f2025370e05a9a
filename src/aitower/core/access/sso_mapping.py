"""Who a single sign-on user is here: their name, role and units, from the provider's claims.

Pure: claims in, a decision out. The provider's groups are the source of truth for a user who
signs in with it, so the role and units are worked out anew at every sign-in (a user moved out
of a group at the provider loses what it gave at their next sign-in; sessions opened with the
wider access end then, as for any narrowing). The first group of ``role_groups`` (in the order
the setting lists them) that the user is in gives the role: an explicit order, where "the
highest role" would be ambiguous (no role is above the auditor's or the security specialist's).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from aitower.core.access.roles import Role

ALL_UNITS = "*"
_NOT_IN_USERNAME = re.compile(r"[^a-z0-9._-]+")
_REPEATED_DOTS = re.compile(r"\.{2,}")


class SsoSettingsError(ValueError):
    """A setting of single sign-on that cannot work, found when the server starts."""


@dataclass(frozen=True, slots=True)
class SsoMapping:
    """How groups become a role and units (``aitower.core.settings``' ``oidc_*`` fields)."""

    role_groups: tuple[tuple[str, Role], ...]
    unit_groups: tuple[tuple[str, str], ...]  # group, unit slug or ALL_UNITS
    default_role: Role | None
    groups_claim: str = "groups"
    username_claim: str = "preferred_username"


@dataclass(frozen=True, slots=True)
class SsoAccess:
    """What a signing-in user is given: a role, and either every unit or these slugs."""

    role: Role
    all_units: bool
    unit_slugs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SsoProfile:
    """The user as the provider describes them."""

    subject: str
    username: str
    email: str
    display_name: str
    groups: tuple[str, ...]


def _role(value: str, setting: str) -> Role:
    try:
        return Role(value.strip())
    except ValueError:
        roles = ", ".join(r.value for r in Role)
        raise SsoSettingsError(f"{setting}: unknown role {value!r}; one of: {roles}") from None


def build_mapping(
    role_groups: Mapping[str, str],
    unit_groups: Mapping[str, str],
    default_role: str,
    *,
    groups_claim: str = "groups",
    username_claim: str = "preferred_username",
) -> SsoMapping:
    """The mapping the settings describe, or SsoSettingsError naming the setting at fault."""
    roles = tuple((g, _role(r, "AITOWER_OIDC_ROLE_GROUPS")) for g, r in role_groups.items())
    units = tuple((g, u.strip()) for g, u in unit_groups.items())
    if any(not u for _, u in units):
        raise SsoSettingsError("AITOWER_OIDC_UNIT_GROUPS: a group maps to an empty unit slug")
    default = _role(default_role, "AITOWER_OIDC_DEFAULT_ROLE") if default_role.strip() else None
    return SsoMapping(roles, units, default, groups_claim, username_claim)


def access_for(mapping: SsoMapping, groups: Iterable[str]) -> SsoAccess | None:
    """The role and units of a user in ``groups``; None when no group gives a role (and there
    is no default): the user is refused."""
    member = set(groups)
    role = next((r for g, r in mapping.role_groups if g in member), mapping.default_role)
    if role is None:
        return None
    slugs = [u for g, u in mapping.unit_groups if g in member]
    every = ALL_UNITS in slugs
    kept = () if every else tuple(dict.fromkeys(slugs))
    return SsoAccess(role, every, kept)


def _text(claims: Mapping[str, Any], name: str) -> str:
    value = claims.get(name)
    return value.strip() if isinstance(value, str) else ""


def groups_of(claims: Mapping[str, Any], claim: str) -> tuple[str, ...]:
    """The groups claim as names: a list of strings (Okta, Keycloak, Entra ID's object ids) or
    one string; anything else counts as no group."""
    value = claims.get(claim)
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(v for v in value if isinstance(v, str))
    return ()


def username_from(value: str) -> str:
    """An aitower user name from the provider's: lower case, an e-mail address (Entra ID's
    ``preferred_username`` is the UPN) cut at the ``@``, other characters turned into dots."""
    local = value.strip().lower().split("@", 1)[0]
    dotted = _REPEATED_DOTS.sub(".", _NOT_IN_USERNAME.sub(".", local))
    return dotted.strip("._-")[:64]


def profile_from(mapping: SsoMapping, claims: Mapping[str, Any]) -> SsoProfile:
    """The user the claims describe; the name falls back to the e-mail address, then the
    subject."""
    subject = _text(claims, "sub")
    email = _text(claims, "email")
    name = _text(claims, mapping.username_claim) or email or subject
    return SsoProfile(
        subject=subject,
        username=username_from(name),
        email=email,
        display_name=_text(claims, "name") or name,
        groups=groups_of(claims, mapping.groups_claim),
    )
