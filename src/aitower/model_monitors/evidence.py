"""Monitors as live evidence: what a gate learns from a monitor's newest result.

A monitor backs three kinds of evidence, each judged by the monitor's own criteria in its
newest run (no older than ``now``):

* ``bias_evaluation``: it watches sensitive attributes, and the demographic parity ratio of
  the newest result is at least its floor (the four-fifths rule, 0.8, unless set otherwise);
* ``performance_evaluation``: it has performance limits, the newest result measured them on
  labelled outcomes (estimates do not count: they are not evaluations), and none is crossed;
* ``monitoring``: it is enabled and its newest run did not fail.

A pasted link to a monitor's page or to one of its results is read as the monitor itself, so
the link that once passed a gate is now judged like any other monitor.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.core.evidence_facts import Judgement, LiveObject
from aitower.model_monitors.monitors import list_monitors, spec_of
from aitower.model_monitors.spec import HIGHER_IS_BETTER
from aitower.model_monitors.tables import ModelMonitorResultRow as R
from aitower.model_monitors.tables import ModelMonitorRow
from aitower.statistics.quality.fairness import FOUR_FIFTHS

OBJECT_TYPE = "model_monitor"
_UUID = r"[0-9a-fA-F-]{36}"
_RESULT_PATH = re.compile(rf"^/monitoring/results/({_UUID})/?$")
_MODEL_PATH = re.compile(rf"^/monitoring/models/({_UUID})(/[a-z]+)?/?$")


def _kinds(row: ModelMonitorRow) -> frozenset[str]:
    kinds = {"monitoring"}
    if (row.sensitive or {}).get("attributes"):
        kinds.add("bias_evaluation")
    if row.performance_limits:
        kinds.add("performance_evaluation")
    return frozenset(kinds)


def _newest(
    session: Session, monitor_ids: Iterable[uuid.UUID], now: datetime
) -> dict[uuid.UUID, R]:
    """Each monitor's newest result at or before ``now``."""
    ids = list(monitor_ids)
    if not ids:
        return {}
    newest = (
        select(R.monitor_id, R.run_at)
        .where(R.monitor_id.in_(ids), R.run_at <= now)
        .order_by(R.monitor_id, R.run_at.desc())
    )
    wanted: dict[uuid.UUID, datetime] = {}
    for monitor_id, run_at in session.execute(newest):
        wanted.setdefault(monitor_id, run_at)
    found: dict[uuid.UUID, R] = {}
    for monitor_id, run_at in wanted.items():
        row = session.execute(
            select(R).where(R.monitor_id == monitor_id, R.run_at == run_at).limit(1)
        ).scalar_one()
        found[monitor_id] = row
    return found


def _bias(monitor: ModelMonitorRow, result: R) -> tuple[bool, str, float | None]:
    floor = spec_of(monitor).fairness_floor
    rule = "the four-fifths rule" if floor == FOUR_FIFTHS else "the monitor's floor"
    ratio = result.demographic_parity_ratio
    if ratio is None:
        return False, "its newest result could not measure fairness (too few rows per group)", None
    sign = "≥" if ratio >= floor else "<"
    return (
        ratio >= floor,
        f"demographic parity ratio {ratio:.2f} {sign} {floor:.2f} ({rule})",
        ratio,
    )


def _performance(monitor: ModelMonitorRow, result: R) -> tuple[bool, str, float | None]:
    limits = spec_of(monitor).performance_limits
    measured = {m: getattr(result, m, None) for m in limits}
    known = {m: v for m, v in measured.items() if v is not None}
    if not known:
        return False, "its newest result had no labelled outcomes to measure", None
    crossed = [
        f"{m} {v:.3f} beyond its limit {limits[m]:g}"
        for m, v in known.items()
        if (v < limits[m] if m in HIGHER_IS_BETTER else v > limits[m])
    ]
    first = next(iter(known))
    if crossed:
        return False, "; ".join(crossed), known[first]
    shown = ", ".join(f"{m} {v:.3f} (limit {limits[m]:g})" for m, v in known.items())
    return True, f"within its limits: {shown}", known[first]


def _verdict(kind: str, monitor: ModelMonitorRow, result: R | None) -> Judgement:
    title = f"monitor '{monitor.name}'"
    metric = {"bias_evaluation": "demographic parity ratio"}.get(kind)
    if kind == "monitoring":
        ok = monitor.enabled and result is not None and result.status != "error"
        state = "enabled" if monitor.enabled else "disabled"
        last = "no run yet" if result is None else f"newest run {result.status}"
        return Judgement(kind, title, ok, result.run_at if result else None, f"{state}, {last}")
    if kind not in _kinds(monitor):
        return Judgement(
            kind, title, False, None, f"it does not measure a {kind.replace('_', ' ')}"
        )
    if result is None:
        return Judgement(kind, title, False, None, "it has not run yet")
    if result.status in ("empty", "error"):
        why = "no predictions" if result.status == "empty" else "a failed run"
        return Judgement(kind, title, False, result.run_at, f"its newest window had {why}")
    judged = _bias if kind == "bias_evaluation" else _performance
    passed, reason, value = judged(monitor, result)
    if kind == "performance_evaluation":
        metric = next(iter(spec_of(monitor).performance_limits), None)
    return Judgement(kind, title, passed, result.run_at, reason, metric, value)


class MonitorEvidence:
    """The model monitors' ``EvidenceSource``."""

    object_type = OBJECT_TYPE

    def offer(
        self, session: Session, principal: Principal | None, system_id: uuid.UUID
    ) -> list[LiveObject]:
        query = select(ModelMonitorRow).where(ModelMonitorRow.system_id == system_id)
        rows = list(session.execute(query.order_by(ModelMonitorRow.name)).scalars())
        if principal is not None:
            visible = {m.id for m in list_monitors(session, principal, system_id=system_id)[0]}
            rows = [r for r in rows if r.id in visible]
        return [
            LiveObject(
                OBJECT_TYPE,
                r.id,
                r.system_id,
                f"monitor '{r.name}'",
                f"/monitoring/models/{r.model_id}?monitor={r.id}",
                _kinds(r),
            )
            for r in rows
        ]

    def judge(
        self, session: Session, objects: Iterable[tuple[uuid.UUID, str]], now: datetime
    ) -> dict[tuple[uuid.UUID, str], Judgement]:
        wanted = list(objects)
        ids = {object_id for object_id, _ in wanted}
        monitors = {
            m.id: m
            for m in session.execute(
                select(ModelMonitorRow).where(ModelMonitorRow.id.in_(list(ids)))
            ).scalars()
        }
        newest = _newest(session, monitors, now)
        return {
            (object_id, kind): _verdict(kind, monitors[object_id], newest.get(object_id))
            for object_id, kind in wanted
            if object_id in monitors
        }

    def object_in_link(self, session: Session, link: str) -> uuid.UUID | None:
        parts = urlsplit(link)
        if match := _RESULT_PATH.match(parts.path):
            return session.execute(
                select(R.monitor_id).where(R.id == uuid.UUID(match.group(1)))
            ).scalar()
        if match := _MODEL_PATH.match(parts.path):
            chosen = parse_qs(parts.query).get("monitor", [])
            query = select(ModelMonitorRow.id).where(
                ModelMonitorRow.model_id == uuid.UUID(match.group(1))
            )
            if chosen:
                try:
                    query = query.where(ModelMonitorRow.id == uuid.UUID(chosen[0]))
                except ValueError:
                    return None
            ids = list(session.execute(query.limit(2)).scalars())
            return ids[0] if len(ids) == 1 else None
        return None
