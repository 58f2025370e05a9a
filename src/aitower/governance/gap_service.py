"""The gap report of the principal's systems (or one): facts, duties and crosswalks gathered in
a fixed number of queries, judged by ``gaps``; and its CSV form."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.core.db.base import utcnow
from aitower.core.errors import InvalidInput
from aitower.core.spreadsheet import inert
from aitower.governance.facts_loader import load_facts
from aitower.governance.frameworks.service import all_crosswalks
from aitower.governance.gaps import STATUS_ORDER, GapRow, Obligation, summary, system_gaps
from aitower.inventory.service import get_system_ref
from aitower.risk import service as risk_service
from aitower.risk.eu_ai_act import classify

CSV_COLUMNS = (
    "system",
    "system_id",
    "article",
    "obligation",
    "status",
    "detail",
    "applies_from",
    "applies_from_amended",
    "nist_ai_rmf",
    "iso_iec_42001",
)


@dataclass(frozen=True, slots=True)
class SystemGaps:
    system_id: uuid.UUID
    name: str
    tier: str | None
    counts: dict[str, int]
    rows: tuple[GapRow, ...]


@dataclass(frozen=True, slots=True)
class GapReport:
    made_at: datetime
    systems: tuple[SystemGaps, ...]

    @property
    def rows(self) -> tuple[GapRow, ...]:
        return tuple(row for s in self.systems for row in s.rows)

    @property
    def counts(self) -> dict[str, int]:
        return dict(summary(self.rows))


def _duties(answers: dict[str, bool]) -> tuple[list[Obligation], bool]:
    """The duties of a stored assessment; (_, True) when it must be answered again."""
    try:
        found = classify(answers)
    except InvalidInput:
        return [], True
    return [
        Obligation(d.article, d.text, d.roles, d.original, d.amended) for d in found.duties
    ], False


def _worst_first(item: SystemGaps) -> tuple[int, int, str]:
    first = min((STATUS_ORDER[r.status] for r in item.rows), default=len(STATUS_ORDER))
    return first, -item.counts.get("gap", 0), item.name.lower()


def gap_report(
    session: Session,
    principal: Principal,
    *,
    system_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> GapReport:
    """Every system the principal sees (or one), worst first: unassessed, then most gaps."""
    now = now or utcnow()
    today: date = now.date()
    if system_id is not None:
        get_system_ref(session, principal, system_id)
    facts = load_facts(session, principal, None if system_id is None else [system_id], today, now)
    assessments = risk_service.current_assessments(session, list(facts))
    crosswalks = all_crosswalks(session)
    systems = []
    for sid, system in facts.items():
        assessment = assessments.get(sid)
        if assessment is None:
            rows = system_gaps(system, None, crosswalks, today)
        else:
            duties, reanswer = _duties(dict(assessment.answers))
            rows = system_gaps(system, duties, crosswalks, today, reanswer=reanswer)
        counts = dict(summary(rows))
        ordered = sorted(rows, key=lambda r: STATUS_ORDER[r.status])  # gaps first, stable
        systems.append(SystemGaps(sid, system.name, system.tier, counts, tuple(ordered)))
    return GapReport(now, tuple(sorted(systems, key=_worst_first)))


def _cell(value: object) -> str:
    return inert("" if value is None else str(value))


def to_csv(rows: Sequence[GapRow]) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        writer.writerow(
            [
                _cell(v)
                for v in (
                    r.system,
                    r.system_id,
                    r.article,
                    r.obligation,
                    r.status,
                    r.detail,
                    r.applies_from,
                    r.applies_from_amended,
                    " ".join(r.nist),
                    " ".join(r.iso),
                )
            ]
        )
    return out.getvalue()
