"""Duplicate initiatives as the app sees them: the portfolio read into ``Initiative`` records,
the pure engine (``duplicates.find_duplicates``) run over them, and its clusters resolved to
names, units, links and the decision already taken.

What an initiative is:

* every **system** the reader sees that is not retired: name, purpose, notes (as the
  description), unit, models, vendors and data sources from the inventory;
* every **open finding of kind code or telemetry** the reader sees (status new or sanctioned:
  nobody has registered, blocked or dismissed it): a repository folder calling a model API, or
  a service sending LLM telemetry that no system claims, is something a team built. Log and
  expense findings are left out: they are one person's use of a service (a chat assistant, a
  subscription), not an initiative that could duplicate another unit's.

Each initiative's telemetry shape is its mean tokens in and out per LLM call over the last
``WINDOW_DAYS`` whole UTC days (``telemetry.call_volumes``); its monthly cost is what spend
counts for a system over the same days (``spend.costs``: priced LLM usage plus the ledger), and
for an unregistered telemetry service the priced cost of its calls. A code finding's cost is
unknown.

Visibility: the engine runs over what the reader sees, so a reader limited to some units gets
clusters among their units' systems and findings (and the unit-less telemetry services every
discovery reader sees), never a cluster that would disclose another unit's system. The same
people may therefore see a smaller cluster, with another ``cluster_key``, than an
organisation-wide reader; a decision belongs to the exact members it was taken on.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.discovery.duplicates import (
    DuplicateCluster,
    Initiative,
    TelemetryShape,
    find_duplicates,
)
from aitower.discovery.findings import (
    FindingFilter,
    FindingKind,
    FindingStatus,
    FindingView,
    all_findings,
)
from aitower.discovery.tables import DuplicateDecisionRow
from aitower.inventory.lifecycle import Stage
from aitower.inventory.service import SystemDetail, system_names, visible_details
from aitower.spend.costs import daily_costs
from aitower.telemetry.call_volumes import CallVolume, call_volumes

WINDOW_DAYS = 30
SYSTEM, FINDING = "system", "finding"
INITIATIVE_KINDS = (FindingKind.code, FindingKind.telemetry)
OPEN_STATUSES = frozenset({FindingStatus.new, FindingStatus.sanctioned})


def member_key(kind: str, member_id: uuid.UUID) -> str:
    """How a decision names a member: ``system:<id>`` or ``finding:<id>``."""
    return f"{kind}:{member_id}"


def cluster_key(members: Iterable[str]) -> str:
    """SHA-256 (hex) of the sorted member keys joined by newlines: the same members, the same
    key, whichever order they are listed in."""
    return hashlib.sha256("\n".join(sorted(set(members))).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class MemberView:
    """One member of a cluster as a reader sees it, with where to open it."""

    key: str
    kind: str  # system | finding
    id: uuid.UUID
    name: str
    unit_id: uuid.UUID | None
    unit: str  # "" when a finding's unit is unknown
    state: str  # a system's stage, a finding's status
    link: str
    monthly_cost: float | None


@dataclass(frozen=True, slots=True)
class DecisionView:
    id: uuid.UUID
    cluster_key: str
    members: tuple[str, ...]
    decision: str  # merge | keep_both
    reason: str
    keep_system_id: uuid.UUID | None
    keep_system_name: str | None
    decided_by: str
    decided_at: datetime


@dataclass(frozen=True, slots=True)
class PairView:
    first: str  # member keys
    second: str
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ClusterView:
    """A cluster of the engine, its members resolved and the decision taken on exactly them."""

    key: str
    members: tuple[MemberView, ...]
    units: tuple[str, ...]
    score: float
    reasons: tuple[str, ...]
    pairs: tuple[PairView, ...]
    combined_monthly_cost: float | None
    decision: DecisionView | None

    @property
    def systems(self) -> tuple[MemberView, ...]:
        return tuple(m for m in self.members if m.kind == SYSTEM)


@dataclass(frozen=True, slots=True)
class _Portfolio:
    initiatives: list[Initiative]
    members: dict[str, MemberView]


def _shape(volume: CallVolume | None) -> TelemetryShape | None:
    """Mean tokens per call; None without calls or with a side of zero tokens (a shape the
    engine cannot compare: unpriced or embedding-only traffic)."""
    if volume is None or volume.input_tokens <= 0 or volume.output_tokens <= 0:
        return None
    calls = volume.llm_calls
    per_day = calls / WINDOW_DAYS
    return TelemetryShape(volume.input_tokens / calls, volume.output_tokens / calls, per_day)


def _system_costs(
    session: Session, systems: Sequence[SystemDetail], start: date, end: date
) -> dict[uuid.UUID, float]:
    """Each system's cost over [start, end); a system with no cost line is left out (unknown,
    not zero). Credits that bring a system below zero count as zero."""
    totals: dict[uuid.UUID, float] = {}
    if not systems:
        return totals
    for line in daily_costs(session, start, end, [s.id for s in systems]):
        if line.system_id is not None:
            totals[line.system_id] = totals.get(line.system_id, 0.0) + line.amount
    return {system_id: max(total, 0.0) for system_id, total in totals.items()}


def _system_initiatives(
    session: Session, principal: Principal, start: date, end: date
) -> list[tuple[Initiative, MemberView]]:
    systems = visible_details(session, principal, leave_out=(Stage.retired,))
    volumes = call_volumes(session, start, end, [str(s.id) for s in systems])
    costs = _system_costs(session, systems, start, end)
    found = []
    for s in systems:
        key = member_key(SYSTEM, s.id)
        cost = costs.get(s.id)
        initiative = Initiative(
            id=key, name=s.name, purpose=s.purpose, description=s.notes, unit=s.unit_name,
            vendors=s.vendors, models=tuple(m.name for m in s.models),
            data_sources=tuple(d.name for d in s.data_sources),
            telemetry=_shape(volumes.get(str(s.id))), monthly_cost=cost,
        )  # fmt: skip
        member = MemberView(key, SYSTEM, s.id, s.name, s.unit_id, s.unit_name, s.stage.value,
                            f"/systems/{s.id}", cost)  # fmt: skip
        found.append((initiative, member))
    return found


def _finding_name(view: FindingView) -> str:
    """A code finding by its folder (``code:<folder>``), a telemetry one by its service name."""
    folder = view.user.removeprefix("code:").strip()
    if view.kind is FindingKind.code and any(c.isalpha() for c in folder):
        return folder
    return view.service_name


def _open_findings(session: Session, principal: Principal) -> list[FindingView]:
    found: list[FindingView] = []
    for kind in INITIATIVE_KINDS:
        views = all_findings(session, principal, FindingFilter(kind=kind))
        found.extend(v for v in views if v.status in OPEN_STATUSES)
    return found


def _finding_initiatives(
    session: Session, principal: Principal, start: date, end: date
) -> list[tuple[Initiative, MemberView]]:
    findings = _open_findings(session, principal)
    services = [f"service:{v.service_id}" for v in findings if v.kind is FindingKind.telemetry]
    volumes = call_volumes(session, start, end, services)
    found = []
    for v in findings:
        key = member_key(FINDING, v.id)
        volume = volumes.get(f"service:{v.service_id}") if v.kind is FindingKind.telemetry else None
        cost = None if volume is None else volume.cost
        models = tuple(m.strip() for m in v.model.split(",") if m.strip())
        name = _finding_name(v)
        initiative = Initiative(
            id=key, name=name, unit=v.unit or None, vendors=(v.vendor,) if v.vendor else (),
            models=models, telemetry=_shape(volume), monthly_cost=cost,
        )  # fmt: skip
        member = MemberView(key, FINDING, v.id, name, v.unit_id, v.unit, v.status.value,
                            f"/discovery/findings/{v.id}", cost)  # fmt: skip
        found.append((initiative, member))
    return found


def window(today: date) -> tuple[date, date]:
    """The ``WINDOW_DAYS`` whole UTC days before today: [start, end)."""
    return today - timedelta(days=WINDOW_DAYS), today


def _portfolio(session: Session, principal: Principal, today: date) -> _Portfolio:
    start, end = window(today)
    pairs = _system_initiatives(session, principal, start, end)
    pairs += _finding_initiatives(session, principal, start, end)
    return _Portfolio([i for i, _ in pairs], {m.key: m for _, m in pairs})


def decision_views(session: Session, rows: Sequence[DuplicateDecisionRow]) -> list[DecisionView]:
    keep = {r.keep_system_id for r in rows if r.keep_system_id is not None}
    names = system_names(session, keep)
    return [
        DecisionView(
            r.id,
            r.cluster_key,
            tuple(r.members),
            r.decision,
            r.reason,
            r.keep_system_id,
            None if r.keep_system_id is None else names.get(r.keep_system_id),
            r.decided_by,
            r.updated_at,
        )
        for r in rows
    ]


def _decisions(session: Session, keys: Sequence[str]) -> dict[str, DecisionView]:
    found: dict[str, DecisionView] = {}
    for at in range(0, len(keys), 500):
        query = select(DuplicateDecisionRow).where(
            DuplicateDecisionRow.cluster_key.in_(keys[at : at + 500])
        )
        rows = list(session.execute(query).scalars())
        found.update((v.cluster_key, v) for v in decision_views(session, rows))
    return found


def _view(
    cluster: DuplicateCluster, members: dict[str, MemberView], key: str
) -> tuple[str, ClusterView]:
    pairs = tuple(PairView(p.first, p.second, p.score, p.reasons) for p in cluster.pairs)
    resolved = tuple(members[m] for m in cluster.members)
    view = ClusterView(key, resolved, cluster.units, cluster.score, cluster.reasons, pairs,
                       cluster.combined_monthly_cost, None)  # fmt: skip
    return key, view


def duplicate_clusters(session: Session, principal: Principal, today: date) -> list[ClusterView]:
    """The clusters among what the principal sees (module docstring), costliest first, each
    with the decision taken on exactly its members, if any."""
    portfolio = _portfolio(session, principal, today)
    clusters = find_duplicates(portfolio.initiatives)
    views = dict(_view(c, portfolio.members, cluster_key(c.members)) for c in clusters)
    decided = _decisions(session, list(views))
    return [replace(v, decision=decided.get(k)) for k, v in views.items()]
