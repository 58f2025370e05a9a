"""The demo yields advice: a cheaper model of comparable quality and the triage assistant's
growing prompts (its ten weeks stored once, through the ingest path). At a fixed moment, so
the generated traffic, and the tests on it, are the same on every run."""

from __future__ import annotations

from datetime import datetime

import time_machine
from sqlalchemy import func, select

from aitower.core.access.principal import cli_principal, system_principal
from aitower.core.audit.service import ChangeContext
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.core.demo.loader import (
    FOUNDATION_CONTRIBUTORS,
    DemoPassword,
    load_demo,
    load_demo_history,
)
from aitower.inventory.demo import add_demo_inventory
from aitower.portfolio.advice import AdviceKind
from aitower.portfolio.advice_service import AdviceFilter, advise
from aitower.portfolio.demo_advice import SERVICE, add_demo_advice
from aitower.telemetry.demo import add_demo_traffic
from aitower.telemetry.tables import TraceRow

MOMENT = datetime.fromisoformat("2026-12-09T10:00:00+00:00")
PASSWORD = DemoPassword("demo-password-for-tests", "stdin")
CONTRIBUTORS = [*FOUNDATION_CONTRIBUTORS, add_demo_inventory, add_demo_traffic, add_demo_advice]


def _load(db: Database) -> list[str]:
    demo = load_demo(
        db, ChangeContext(system_principal("demo")), PASSWORD, contributors=CONTRIBUTORS
    )
    assert demo is not None
    return load_demo_history(db, demo, scale=0.5)


def _triage_traces(db: Database) -> int:
    with db.reading() as session:
        query = select(func.count()).select_from(TraceRow).where(TraceRow.service_name == SERVICE)
        return int(session.execute(query).scalar_one())


def test_the_demo_yields_a_cheaper_model_and_prompt_growth(sqlite_database_url: str) -> None:
    db = Database(sqlite_database_url)
    with time_machine.travel(MOMENT, tick=True):
        lines = _load(db)
        assert any("triage" in line for line in lines)
        traces = _triage_traces(db)
        assert traces > 2_000
        with db.reading() as session:
            report = advise(session, cli_principal("t"), AdviceFilter(), utcnow())
        _load(db)  # a second load asks for nothing
        assert _triage_traces(db) == traces
    kinds = {a.kind: a for a in report.items}
    growth = kinds[AdviceKind.prompt_growth]
    assert growth.title.startswith("Healthcare triage assistant")
    assert growth.monthly_saving > 0 and int(growth.evidence["weeks"] or 0) >= 9
    slope = float(growth.evidence["slope_tokens_per_week"] or 0)
    assert 55 < slope < 85  # generated at 70 tokens a week
    cheaper = [a for a in report.items if a.kind is AdviceKind.cheaper_model]
    assert cheaper and all(a.monthly_saving > 0 for a in cheaper)
    assert AdviceKind.cache in kinds
    db.dispose()
