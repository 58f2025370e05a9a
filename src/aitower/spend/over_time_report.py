"""Cost over time and its drivers for a reader: scope, group, sum (the API, page and CLI's
one service).

A reader sees the cost of the systems of their units (``inventory.visible_systems``) and the
ledger records of their units no system claims; an organisation-wide reader also sees cost no
system or unit claims (an unclaimed telemetry service, an unmapped bill line). A report may be
narrowed to one system or one unit, which must be visible (else 422 naming the field).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.core.access.tables import BusinessUnitRow
from aitower.core.errors import InvalidInput
from aitower.inventory import service as inventory
from aitower.spend import costs
from aitower.spend.costs import LLM, CostLine
from aitower.spend.drivers import Drivers, ModelUsage, decompose
from aitower.spend.over_time import CostReport, Grain, GroupBy, build_report
from aitower.spend.over_time_query import report_cells
from aitower.spend.over_time_scope import CostScope
from aitower.spend.sources import UNSANCTIONED_LABEL, UNSANCTIONED_SPEND

UNATTRIBUTED = "Unattributed"
EMPTY = {GroupBy.vendor: "Unknown vendor", GroupBy.model: "No model", GroupBy.source: "—"}
MAX_DAYS = 3 * 366 + 1  # a report covers at most three years


def _unit_names(session: Session) -> dict[uuid.UUID, str]:
    rows = session.execute(select(BusinessUnitRow.id, BusinessUnitRow.name))
    return {unit_id: name for unit_id, name in rows}  # noqa: C416 (rows, not pairs, to mypy)


def cost_scope(
    session: Session,
    principal: Principal,
    system_id: uuid.UUID | None = None,
    unit_id: uuid.UUID | None = None,
) -> CostScope:
    """The principal's scope, narrowed to one system or one unit when given."""
    refs = {r.id: r for r in inventory.visible_systems(session, principal)}
    names = _unit_names(session)
    if system_id is not None:
        if system_id not in refs:
            raise InvalidInput.on("system_id", f"no AI system {system_id}")
        return CostScope({system_id: refs[system_id]}, False, frozenset(), names)
    if unit_id is not None:
        if unit_id not in names or not principal.sees_unit(unit_id):
            raise InvalidInput.on("unit_id", f"no business unit {unit_id}")
        mine = {k: r for k, r in refs.items() if r.unit_id == unit_id}
        return CostScope(mine, False, frozenset({unit_id}), names)
    units = None if principal.unit_ids is None else frozenset(principal.unit_ids)
    return CostScope(refs, principal.unit_ids is None, units, names)


def scoped_lines(session: Session, scope: CostScope, start: date, end: date) -> list[CostLine]:
    """Every cost line of the scope per day in ``[start, end)``."""
    return costs.daily_costs(session, start, end, scope.system_ids, scope.unit_ids)


def line_key(line: CostLine, group_by: GroupBy, scope: CostScope) -> str:
    if group_by is GroupBy.system:
        return "" if line.system_id is None else str(line.system_id)
    if group_by is GroupBy.unit:
        unit = scope.unit_of(line)
        return "" if unit is None else str(unit)
    if group_by is GroupBy.vendor:
        return line.vendor
    if group_by is GroupBy.model:
        return line.model
    return line.source


def _labels(group_by: GroupBy, scope: CostScope, keys: Iterable[str]) -> dict[str, str]:
    labels = {"": EMPTY.get(group_by, UNATTRIBUTED)}
    if group_by is GroupBy.source:
        labels[UNSANCTIONED_SPEND] = UNSANCTIONED_LABEL
    for key in keys:
        if not key or group_by not in (GroupBy.system, GroupBy.unit):
            continue
        ident = uuid.UUID(key)
        ref = scope.systems.get(ident)
        if group_by is GroupBy.system:
            labels[key] = ref.name if ref else f"Removed system {key[:8]}"
        else:
            labels[key] = scope.unit_names.get(ident, f"Unit {key[:8]}")
    return labels


def check_range(start: date, end: date, field: str = "end") -> None:
    if end <= start:
        raise InvalidInput.on(field, "must be after start")
    if (end - start).days > MAX_DAYS:
        raise InvalidInput.on(field, "a report covers at most three years")


def report(
    session: Session,
    scope: CostScope,
    start: date,
    end: date,
    grain: Grain,
    group_by: GroupBy,
) -> CostReport:
    """Cost of the scope over ``[start, end)`` per period of ``grain`` and per group."""
    check_range(start, end)
    cells = report_cells(session, scope, start, end, grain, group_by)
    labels = _labels(group_by, scope, {key for _, key, _ in cells})
    return build_report(cells, labels, start, end, grain, group_by)


def _usage(session: Session, scope: CostScope, start: date, end: date) -> dict[str, ModelUsage]:
    per_model: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for u in costs.llm_usage(session, start, end, scope.system_ids):
        if scope.org_wide or u.system_id in scope.systems:
            cell = per_model[u.model]
            cell[0] += u.calls
            cell[1] += u.tokens
            cell[2] += u.cost
    return {m: ModelUsage(c, t, cost) for m, (c, t, cost) in per_model.items() if c or cost}


def _other(session: Session, scope: CostScope, start: date, end: date) -> dict[str, float]:
    sums: dict[str, float] = defaultdict(float)
    lines = costs.ledger_lines(session, start, end, scope.system_ids, scope.unit_ids)
    for line in lines:
        if line.source != LLM:
            sums[f"{line.source} · {line.vendor or 'unknown vendor'}"] += line.amount
    return dict(sums)


def drivers(
    session: Session, scope: CostScope, before: tuple[date, date], after: tuple[date, date]
) -> Drivers:
    """What changed the scope's cost from the ``before`` range to the ``after`` one."""
    check_range(*before, field="before")
    check_range(*after, field="after")
    return decompose(
        _usage(session, scope, *before),
        _usage(session, scope, *after),
        _other(session, scope, *before),
        _other(session, scope, *after),
    )
