"""An LLM system's card carries its telemetry of the last 30 days, read from the rollups, on
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from aitower.core.access.principal import system_principal
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.documents.common import Issue
from aitower.documents.document import to_markdown
from aitower.documents.gather import gather_facts
from aitower.documents.kinds import build
from aitower.inventory import service as inventory
from aitower.telemetry.ingest import store_spans
from support import CTX, seed_units
from support_inventory import make_system
from support_spans import agent_trace, ns


def test_the_card_shows_requests_errors_latency_and_cost(db: Database) -> None:
    system_id = make_system(db, seed_units(db).unit_id, "Support chatbot")
    with db.writing() as session:
        inventory.update_system(session, CTX, system_id, {"services": ["support-bot"]})
    now = utcnow()
    start = now - timedelta(days=1)
    for i in range(4):
        moment = ns(start + timedelta(minutes=i))
        store_spans(db, agent_trace(start_ns=moment, duration_ms=900.0, error=i == 0))
    old = ns(now - timedelta(days=40))  # outside the 30 days: not counted
    store_spans(db, agent_trace(start_ns=old, duration_ms=900.0))
    with db.reading() as session:
        facts = gather_facts(session, system_principal("test"), system_id, now)
    t = facts.telemetry
    assert t is not None and t.days == 30
    # 4 requests (agent roots), 1 failed: 25 %; 2 chat calls each.
    assert (t.requests, t.errors, t.llm_calls) == (4, 1, 8)
    assert t.error_rate == 0.25
    assert t.latency_p95_ms is not None and 800 < t.latency_p95_ms < 1000  # histogram bins
    assert t.total_tokens == 4 * (1000 + 200 + 1500 + 300)
    md = to_markdown(build("system-card", facts, Issue(None, now, "test")))
    assert "| Requests | 4 |" in md and "| Error rate | 25.0 % |" in md
    assert "| Period | last 30 days |" in md
