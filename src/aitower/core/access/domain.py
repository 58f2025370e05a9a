"""Rules for names and scopes of units, users and API keys: pure, no storage."""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from aitower.core.access.roles import Role, permissions_of
from aitower.core.errors import Forbidden, InvalidInput

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")

# Lockout: after this many failures in a row, each further failure locks the account for
# twice as long as the last, from one minute up to an hour (OWASP authentication guidance).
FAILURES_BEFORE_LOCK = 5
FIRST_LOCK = timedelta(minutes=1)
LONGEST_LOCK = timedelta(hours=1)


def clean_text(value: str, field: str, *, max_length: int, required: bool = True) -> str:
    text = value.strip()
    if required and not text:
        raise InvalidInput.on(field, "must not be empty")
    if len(text) > max_length:
        raise InvalidInput.on(field, f"must be at most {max_length} characters")
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in text):
        raise InvalidInput.on(field, "must not contain control characters")
    return text


def check_username(username: str) -> str:
    if not USERNAME_RE.match(username):
        raise InvalidInput.on(
            "username",
            "use 2-64 lowercase letters, digits, dots, dashes or underscores, "
            "starting with a letter or digit",
        )
    return username


def check_email(email: str) -> str:
    email = email.strip()
    if len(email) > 254 or not EMAIL_RE.match(email):
        raise InvalidInput.on("email", "is not an email address")
    return email.lower()


def slugify(name: str) -> str:
    """A URL-safe name: accents folded ('Café' → 'cafe'). Letters with no ASCII form
    ('Финансы', 'Bücher' in part) would vanish and make different names collide, so a slug
    that lost any gets a short hash of the name."""
    folded = unicodedata.normalize("NFKD", name.lower())
    kept = "".join(ch for ch in folded if not unicodedata.combining(ch))
    slug = re.sub(r"[^a-z0-9]+", "-", kept).strip("-")
    if any(ch.isalnum() and not ch.isascii() for ch in kept):
        digest = hashlib.sha256(name.strip().lower().encode()).hexdigest()[:8]
        slug = f"{slug[:55].strip('-')}-{digest}".strip("-")
    slug = slug[:64].strip("-")
    if not SLUG_RE.match(slug):
        raise InvalidInput.on("name", "must contain at least one letter or digit")
    return slug


def parse_role(value: str, field: str = "role") -> Role:
    try:
        return Role(value)
    except ValueError:
        raise InvalidInput.on(field, f"unknown role {value!r}; one of {', '.join(Role)}") from None


def lock_duration(failed_logins: int) -> timedelta | None:
    """How long to lock after ``failed_logins`` consecutive failures (None: no lock yet)."""
    if failed_logins < FAILURES_BEFORE_LOCK:
        return None
    doublings = min(failed_logins - FAILURES_BEFORE_LOCK, 10)
    lock: timedelta = min(FIRST_LOCK * (2**doublings), LONGEST_LOCK)
    return lock


# Per source address: failures across *all* accounts in a sliding window. Per-account lockout
# cannot see password spraying (one guess each at many accounts); this can. The budget leaves
# an office behind one NAT address room for everyday typos.
SOURCE_WINDOW = timedelta(minutes=15)
SOURCE_MAX_FAILURES = 30


def source_wait(failures: list[datetime], now: datetime) -> int | None:
    """Seconds a source must wait, given its failure times in the window (oldest first)."""
    if len(failures) < SOURCE_MAX_FAILURES:
        return None
    frees_at = failures[-SOURCE_MAX_FAILURES] + SOURCE_WINDOW
    return seconds_until(frees_at, now) if frees_at > now else None


def seconds_until(moment: datetime, now: datetime) -> int:
    return max(1, int((moment - now).total_seconds() + 0.999))


@dataclass(frozen=True, slots=True)
class Access:
    """What a user may do: a role, and the units it applies to (None: every unit)."""

    role: Role
    units: frozenset[uuid.UUID] | None


def narrower(before: Access, after: Access) -> bool:
    """Whether ``after`` lost anything ``before`` had: a permission or a unit."""
    lost_permission = not permissions_of(before.role) <= permissions_of(after.role)
    if after.units is None:
        return lost_permission
    return lost_permission or before.units is None or not before.units <= after.units


@dataclass(frozen=True, slots=True)
class KeyGrant:
    role: Role
    unit_id: uuid.UUID | None


def grantable_roles(creator_role: Role) -> list[Role]:
    """Roles a key made by this role may carry: those whose permissions it holds itself."""
    mine = permissions_of(creator_role)
    return [role for role in Role if permissions_of(role) <= mine]


def check_key_grant(
    creator_role: Role, creator_units: frozenset[uuid.UUID] | None, grant: KeyGrant
) -> None:
    """A key never carries more than its creator has: no wider role, no unit outside scope."""
    if grant.role not in grantable_roles(creator_role):
        raise Forbidden(
            f"a {creator_role.value} cannot create a key with role {grant.role.value}: "
            "it would hold permissions you do not have"
        )
    if creator_units is None:
        return
    if grant.unit_id is None:
        raise InvalidInput.on("unit", "choose one of your business units for this key")
    if grant.unit_id not in creator_units:
        raise Forbidden("you can only create keys for your own business units")


def check_owner_grant(
    owner: str, owner_role: Role, owner_units: frozenset[uuid.UUID] | None, grant: KeyGrant
) -> None:
    """A key stays within its owner's access when it is made (and is cut to it on every use)."""
    if grant.role not in grantable_roles(owner_role):
        raise InvalidInput.on(
            "role",
            f"{owner}'s role is {owner_role.value}: their keys cannot have role {grant.role.value}",
        )
    if owner_units is None:
        return
    if grant.unit_id is None:
        raise InvalidInput.on("unit", f"{owner} works in chosen units: choose one for this key")
    if grant.unit_id not in owner_units:
        raise InvalidInput.on("unit", f"{owner} is not a member of this business unit")


def key_units(
    key_unit: uuid.UUID | None, owner_units: frozenset[uuid.UUID] | None
) -> frozenset[uuid.UUID] | None:
    """The units a key may reach today: its own unit (or all) within its owner's current scope.

    Computed on every request, so removing the owner from a unit takes the key out of it too.
    """
    granted = None if key_unit is None else frozenset({key_unit})
    if owner_units is None:
        return granted
    return owner_units if granted is None else granted & owner_units
