"""The rules of approval requests, pure: statuses and their transitions, expiry, and who may
decide (separation of duties). Services load and save; this module only judges.

Keeping them here, free of storage, means the API, the pages, the CLI and the scheduled expiry
all refuse the same things with the same sentences.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from aitower.core.errors import Conflict, Forbidden, InvalidInput

DEFAULT_EXPIRY_DAYS = 30
MIN_EXPIRY_DAYS = 1
MAX_EXPIRY_DAYS = 365
REASON_MAX = 2000


class Status(StrEnum):
    pending = "pending"
    completed = "completed"
    rejected = "rejected"
    withdrawn = "withdrawn"
    expired = "expired"


class Decision(StrEnum):
    approve = "approve"
    reject = "reject"


class RequestKind(StrEnum):
    stage_move = "stage_move"
    intake = "intake"


# Only a pending request moves; every other status is final, so a closed request is a record.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.pending: frozenset(
        {Status.completed, Status.rejected, Status.withdrawn, Status.expired}
    ),
    Status.completed: frozenset(),
    Status.rejected: frozenset(),
    Status.withdrawn: frozenset(),
    Status.expired: frozenset(),
}

# Who may withdraw a request besides the person who raised it: those who own the portfolio.
WITHDRAW_ROLES = frozenset({"ops_manager", "admin"})


def can_transition(source: Status, target: Status) -> bool:
    return target in TRANSITIONS[source]


def check_transition(source: Status, target: Status) -> None:
    """Refuse a change of a closed request with the status it already has (409)."""
    if not can_transition(source, target):
        raise Conflict.on("status", f"the request is already {source.value}")


def expiry_for(now: datetime, days: int | None) -> datetime:
    """When a request raised ``now`` expires; the API lets callers choose 1 to 365 days."""
    chosen = DEFAULT_EXPIRY_DAYS if days is None else days
    if not MIN_EXPIRY_DAYS <= chosen <= MAX_EXPIRY_DAYS:
        raise InvalidInput.on(
            "expires_in_days", f"must be between {MIN_EXPIRY_DAYS} and {MAX_EXPIRY_DAYS} days"
        )
    return now + timedelta(days=chosen)


def effective_status(status: Status, expires_at: datetime | None, now: datetime) -> Status:
    """A pending request past its expiry is expired, even before ``expire_due`` persists it."""
    if status is Status.pending and expires_at is not None and expires_at <= now:
        return Status.expired
    return status


def check_open(status: Status, expires_at: datetime | None, now: datetime) -> None:
    """Decisions, withdrawal and completion need a pending, unexpired request (else 409)."""
    if effective_status(status, expires_at, now) is Status.expired and expires_at is not None:
        raise Conflict.on(
            "status", f"the request expired on {expires_at.strftime('%Y-%m-%d %H:%M')} UTC"
        )
    if status is not Status.pending:
        raise Conflict.on("status", f"the request is already {status.value}")


def parse_decision(value: str) -> Decision:
    try:
        return Decision(value.strip().lower())
    except ValueError:
        raise InvalidInput.on("decision", "must be approve or reject") from None


def clean_reason(value: str, *, required: bool) -> str:
    text = value.strip()
    if required and not text:
        raise InvalidInput.on("reason", "must not be empty: say why")
    if len(text) > REASON_MAX:
        raise InvalidInput.on("reason", f"must be at most {REASON_MAX} characters")
    return text


def needed_roles(required: Iterable[Mapping[str, Any]]) -> frozenset[str]:
    """The roles a request's gate demands an approval from."""
    return frozenset(str(item["role"]) for item in required)


def unmet_roles(required: Iterable[Mapping[str, Any]], approved_roles: Iterable[str]) -> set[str]:
    """Demanded roles that still lack approvals: each approval counts once, for its role."""
    have = Counter(approved_roles)
    wanted: Counter[str] = Counter()
    for item in required:
        role = str(item["role"])
        wanted[role] = max(wanted[role], int(item.get("count", 1)))
    return {role for role, count in wanted.items() if have[role] < count}


@dataclass(frozen=True, slots=True)
class Decider:
    """Who is trying to decide: a user (or a machine), their role, and whether their business
    units include the system's (organisation-wide roles count everywhere)."""

    is_user: bool
    user_id: uuid.UUID | None
    role: str
    sees_unit: bool


def check_decider(
    decider: Decider,
    *,
    requester_id: uuid.UUID | None,
    deciders_so_far: Iterable[uuid.UUID],
    required: Iterable[Mapping[str, Any]],
    unit_name: str,
) -> None:
    """Separation of duties: refuse machines, the requester, a second decision by the same
    person, and anyone without a demanded role in the system's unit. Raises, never returns
    a verdict, so a caller cannot forget to act on a refusal."""
    if not decider.is_user or decider.user_id is None:
        raise Forbidden("machines do not approve: a person must decide, logged in as themself")
    if requester_id is not None and decider.user_id == requester_id:
        raise Forbidden(
            "you raised this request, so you cannot decide it: "
            "separation of duties needs someone else"
        )
    if decider.user_id in set(deciders_so_far):
        raise Conflict.on("decision", "you have already decided this request")
    roles = sorted(needed_roles(required))
    if not roles:
        raise Forbidden("this request asks for no approvals; only its gate's findings block it")
    if decider.role not in roles or not decider.sees_unit:
        raise Forbidden(
            f"this request needs a decision by {' or '.join(roles)} "
            f"for the business unit {unit_name}; your role is {decider.role}"
        )


def may_withdraw(requester_id: uuid.UUID | None, user_id: uuid.UUID | None, role: str) -> bool:
    return (user_id is not None and user_id == requester_id) or role in WITHDRAW_ROLES


def check_withdraw(requester_id: uuid.UUID | None, user_id: uuid.UUID | None, role: str) -> None:
    if not may_withdraw(requester_id, user_id, role):
        raise Forbidden("only the requester, an ops manager or an admin may withdraw a request")
