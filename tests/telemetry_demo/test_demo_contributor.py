"""The demo's traffic history stored through the ingest path: once, linked to the demo systems,
with its feedback, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from aitower.core.access.principal import system_principal
from aitower.core.audit.service import ChangeContext
from aitower.core.db.engine import Database
from aitower.core.demo.loader import DemoPassword, load_demo, load_demo_history
from aitower.demo import DEMO_CONTRIBUTORS
from aitower.inventory import service as inventory
from aitower.telemetry.demo import batches
from aitower.telemetry.demo_traffic import DEMO_SERVICES, generate_traffic
from aitower.telemetry.tables import ScoreRow, SpanRow, TraceRow

SCALE = 0.01
PASSWORD = DemoPassword("demo-password-for-tests", "stdin")
# The demo without its classic models' history (tests/model_monitors/test_demo_pages.py), the
# portfolio advice's triage traffic (tests/portfolio_advice/test_demo.py), and the histories
# told after the traffic (budgets and their alert rule, tests/spend; the recorded decision,
# tests/portfolio_value).
LATER = {"add_demo_budgets", "add_demo_budget_rule", "add_demo_value"}
TRAFFIC = [
    c for c in DEMO_CONTRIBUTORS if c.__name__ not in {"add_demo_models", "add_demo_advice", *LATER}
]


def ctx() -> ChangeContext:
    return ChangeContext(system_principal("test"))


def counts(db: Database) -> tuple[int, int, int]:
    with db.reading() as session:
        spans = session.execute(select(func.count()).select_from(SpanRow)).scalar_one()
        traces = session.execute(select(func.count()).select_from(TraceRow)).scalar_one()
        scores = session.execute(select(func.count()).select_from(ScoreRow)).scalar_one()
    return spans, traces, scores


def test_the_demo_stores_its_traffic_once(db: Database) -> None:
    first = load_demo(db, ctx(), PASSWORD, contributors=TRAFFIC)
    titles = [h.title for h in first.history]
    assert first is not None and titles == ["30 days of LLM traffic", "LLM alert rules"]
    steps: list[tuple[int, int]] = []
    lines = load_demo_history(db, first, scale=SCALE, report=lambda d, t: steps.append((d, t)))
    assert len(lines) == 2 and "spans" in lines[0]
    assert ("LLM traffic histories", "support-chatbot") in first.created
    spans, traces, scores = counts(db)
    assert 500 < spans < 3_000 and 100 < traces < spans and scores > 0
    assert steps[0] == (0, spans) and steps[-1] == (spans, spans)

    again = load_demo(db, ctx(), PASSWORD, contributors=TRAFFIC)
    assert again is not None and not again.history and not again.changed
    load_demo_history(db, again, scale=SCALE)
    assert counts(db) == (spans, traces, scores)


def test_the_traffic_is_linked_to_the_demo_systems(db: Database) -> None:
    demo = load_demo(db, ctx(), PASSWORD, contributors=TRAFFIC)
    assert demo is not None
    load_demo_history(db, demo, scale=SCALE)
    with db.reading() as session:
        ids = inventory.system_ids_by_name(
            session,
            ["Customer support chatbot", "Knowledge assistant", "Marketing content generator"],
        )
        linked = dict(
            session.execute(
                select(TraceRow.service_name, func.count(func.distinct(TraceRow.system_id)))
                .where(TraceRow.system_id.is_not(None))
                .group_by(TraceRow.service_name)
            ).all()
        )
        systems = set(session.execute(select(TraceRow.system_id).distinct()).scalars())
        unlinked_scores = session.execute(
            select(func.count()).select_from(ScoreRow).where(ScoreRow.system_id.is_(None))
        ).scalar_one()
    assert linked == dict.fromkeys(DEMO_SERVICES, 1)
    assert systems == set(ids.values())
    assert unlinked_scores == 0


def test_batches_never_split_a_trace() -> None:
    spans = generate_traffic(datetime(2025, 3, 1, tzinfo=UTC), scale=0.01).spans
    pieces = list(batches(spans, 100))
    assert [s for piece in pieces for s in piece] == spans
    for piece in pieces:
        assert piece[0].parent_span_id is None
        assert len(piece) < 100 + 10
