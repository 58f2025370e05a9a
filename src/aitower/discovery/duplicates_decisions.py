"""Deciding a cluster of duplicate initiatives: merge into one system, or keep them apart.

A decision names a cluster the reader sees now (by its ``cluster_key`` or its members): one
that changed since the page was read has another key and is refused, so nobody decides on a
cluster that no longer exists. Both decisions need a reason. The clusters are found in a read
transaction (``record_decision``: seconds for a large portfolio, which must not hold the write
lock); the short write transaction then checks that the cluster's systems are still there and
not retired.

* **keep_both** records why the members stay apart.
* **merge** keeps ``keep_system_id`` (a member system) and, for every other member system,
  asks governance to move it to ``retirement`` (``governance.moves.request_move``, reason
  "merged into <name>: <reason>"), in the same transaction as the decision. Each move
  completes at once when its gate passes, or waits as an approval request on what the gate
  needs; the outcome is reported per system. A move governance refuses (the system is
  retiring already, another request is open) refuses the whole decision: nothing is written.
  Member findings are not moved: they are triaged (registered, dismissed) on their own.
  Merging retires systems, so it also needs governance's ``lifecycle.move`` permission.

A cluster decided **keep_both** may be decided again (a new reason, or a merge after all):
the row is replaced and the audit event keeps the decision before. A **merge** is final here:
its moves were started, and undoing them is governance's work (withdraw or reject the request),
so a second decision on a merged cluster is refused (409).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.core.audit.service import ChangeContext, record_change
from aitower.core.db.engine import Database
from aitower.core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from aitower.discovery.duplicates_service import (
    ClusterView,
    DecisionView,
    MemberView,
    cluster_key,
    decision_views,
    duplicate_clusters,
)
from aitower.discovery.tables import DuplicateDecisionRow
from aitower.governance import moves
from aitower.governance.permissions import GovernancePermission
from aitower.inventory.lifecycle import Stage
from aitower.inventory.service import get_system_ref

DECISIONS = ("merge", "keep_both")
# The move's reason is "merged into <name>: <reason>" and governance keeps at most 2000.
MAX_REASON = 1500


@dataclass(frozen=True, slots=True)
class MoveResult:
    """A merged-away system's move to retirement: ``completed`` (``move_id`` is the lifecycle
    event) or ``pending`` (``move_id`` is the approval request holding its gate)."""

    system_id: uuid.UUID
    system_name: str
    status: str
    move_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class DecisionOutcome:
    decision: DecisionView
    moves: tuple[MoveResult, ...]
    replaced: DecisionView | None  # the keep_both decision this one replaced


@dataclass(frozen=True, slots=True)
class DecisionRequest:
    """What a person asks: the cluster (key, members or both), the decision and why."""

    decision: str
    reason: str
    cluster_key: str | None = None
    members: tuple[str, ...] | None = None
    keep_system_id: uuid.UUID | None = None


def _key(asked: DecisionRequest) -> tuple[str, str]:
    """The asked cluster's key and the field that named it."""
    if asked.members is not None:
        members = [m.strip() for m in asked.members]
        if len(set(members)) < 2:
            raise InvalidInput.on("members", "a cluster has at least two members")
        key = cluster_key(members)
        if asked.cluster_key is not None and asked.cluster_key.strip().lower() != key:
            raise InvalidInput.on("cluster_key", "does not match the members given")
        return key, "members"
    if asked.cluster_key is None or not asked.cluster_key.strip():
        raise InvalidInput.on("cluster_key", "name the cluster: its cluster_key or its members")
    return asked.cluster_key.strip().lower(), "cluster_key"


def _reason(value: str) -> str:
    text = value.strip()
    if not text:
        raise InvalidInput.on("reason", "must not be empty: say why")
    if len(text) > MAX_REASON:
        raise InvalidInput.on("reason", f"must be at most {MAX_REASON} characters")
    return text


def _kept(cluster: ClusterView, asked: DecisionRequest) -> MemberView | None:
    """The system a merge keeps (None for keep_both), checked against the cluster."""
    if asked.decision == "keep_both":
        if asked.keep_system_id is not None:
            raise InvalidInput.on("keep_system_id", "only a merge names the system to keep")
        return None
    if asked.keep_system_id is None:
        raise InvalidInput.on("keep_system_id", "a merge names the member system to keep")
    kept = next((m for m in cluster.systems if m.id == asked.keep_system_id), None)
    if kept is None:
        raise InvalidInput.on("keep_system_id", "must be one of the cluster's systems")
    if kept.state == Stage.retirement.value:
        raise InvalidInput.on("keep_system_id", f"{kept.name} is itself retiring")
    return kept


def _retire(session: Session, ctx: ChangeContext, system: MemberView, why: str) -> MoveResult:
    """Ask governance to move a merged-away system to retirement."""
    try:
        outcome = moves.request_move(session, ctx, system.id, "retirement", why)
    except NotFound:
        raise
    except DomainError as exc:
        refused = f"governance refused to retire {system.name}: {exc.detail}"
        if isinstance(exc, Conflict):
            raise Conflict.on("decision", refused) from None
        raise InvalidInput.on("decision", refused) from None
    if outcome.event is not None:
        return MoveResult(system.id, system.name, "completed", outcome.event.id)
    assert outcome.request is not None  # pending: the request that holds the gate
    return MoveResult(system.id, system.name, "pending", outcome.request.id)


def _existing(session: Session, key: str) -> DuplicateDecisionRow | None:
    query = select(DuplicateDecisionRow).where(DuplicateDecisionRow.cluster_key == key)
    row = session.execute(query.with_for_update()).scalar_one_or_none()
    if row is not None and row.decision == "merge":
        raise Conflict.on(
            "cluster_key",
            f"merged already by {row.decided_by}; its moves were started, so a change is "
            "governance's to make (withdraw or reject the retirement requests)",
        )
    return row


def _document(row: DuplicateDecisionRow) -> dict[str, Any]:
    return {
        "cluster_key": row.cluster_key, "members": list(row.members), "decision": row.decision,
        "reason": row.reason, "keep_system_id": row.keep_system_id, "decided_by": row.decided_by,
    }  # fmt: skip


def check(asked: DecisionRequest, principal: Principal) -> DecisionRequest:
    """The request with its decision and reason cleaned; what can be refused without reading
    the portfolio is refused here (decision, cluster named, reason, the right to merge)."""
    decision = asked.decision.strip().lower()
    if decision not in DECISIONS:
        raise InvalidInput.on("decision", f"must be one of {', '.join(DECISIONS)}")
    _key(asked)
    why = _reason(asked.reason)
    if decision == "merge" and not principal.can(GovernancePermission.lifecycle_move):
        raise Forbidden("a merge retires systems: it needs the lifecycle.move permission")
    return replace(asked, decision=decision, reason=why)


def find_cluster(
    session: Session, principal: Principal, asked: DecisionRequest, today: date
) -> ClusterView:
    """The cluster the (checked) request names, among those the principal sees now."""
    key, field = _key(asked)
    for cluster in duplicate_clusters(session, principal, today):
        if cluster.key == key:
            return cluster
    raise InvalidInput.on(
        field, "is not a duplicate cluster found now (it may have changed: read the clusters again)"
    )


def _still_current(session: Session, ctx: ChangeContext, cluster: ClusterView) -> None:
    """The cluster was found in a read transaction: its systems must still be there, visible
    and not retired, when the decision is written."""
    for member in cluster.systems:
        try:
            system = get_system_ref(session, ctx.principal, member.id)
        except NotFound:
            system = None
        if system is None or system.stage is Stage.retired:
            raise Conflict.on(
                "cluster_key", f"{member.name} changed since the clusters were read: read again"
            )


def decide(
    session: Session, ctx: ChangeContext, asked: DecisionRequest, cluster: ClusterView
) -> DecisionOutcome:
    """Record a checked decision on a cluster found for the principal (module docstring), with
    its audit event and, for a merge, the moves to retirement, in the caller's transaction."""
    _still_current(session, ctx, cluster)
    kept = _kept(cluster, asked)
    row = _existing(session, cluster.key)
    before = None if row is None else _document(row)
    replaced = None if row is None else decision_views(session, [row])[0]
    started: list[MoveResult] = []
    if kept is not None:
        reason = f"merged into {kept.name}: {asked.reason}"
        started = [_retire(session, ctx, m, reason) for m in cluster.systems if m.id != kept.id]
    if row is None:
        row = DuplicateDecisionRow(cluster_key=cluster.key)
        session.add(row)
    row.members = sorted(m.key for m in cluster.members)
    row.decision, row.reason, row.decided_by = asked.decision, asked.reason, ctx.principal.actor
    row.keep_system_id = None if kept is None else kept.id
    try:
        session.flush()
    except IntegrityError:  # a first decision on the same cluster, committed meanwhile
        raise Conflict.on("cluster_key", "decided meanwhile: read the clusters again") from None
    _audit(session, ctx, row, before, started)
    return DecisionOutcome(decision_views(session, [row])[0], tuple(started), replaced)


def record_decision(
    db: Database, ctx: ChangeContext, asked: DecisionRequest, today: date
) -> DecisionOutcome:
    """Check, find the cluster in a read transaction (the engine's time: seconds for a large
    portfolio, which must not hold the write lock), then record in a short write transaction."""
    asked = check(asked, ctx.principal)
    with db.reading() as session:
        cluster = find_cluster(session, ctx.principal, asked, today)
    with db.writing() as session:
        return decide(session, ctx, asked, cluster)


def _audit(
    session: Session,
    ctx: ChangeContext,
    row: DuplicateDecisionRow,
    before: dict[str, Any] | None,
    started: Sequence[MoveResult],
) -> None:
    """``discovery_duplicates.decided`` (or ``.redecided``), with the moves it started."""
    after = _document(row) | {
        "moves": [
            {"system_id": m.system_id, "status": m.status, "move_id": m.move_id} for m in started
        ]
    }
    action = "discovery_duplicates.decided" if before is None else "discovery_duplicates.redecided"
    record_change(session, ctx, action, "duplicate_decision", row.id, before=before, after=after)
