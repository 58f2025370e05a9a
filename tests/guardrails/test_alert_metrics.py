"""Findings as alert-rule metrics, through the real evaluator: a rule on ``findings_secret``
fires when a key is found in the window and resolves when a window of traffic holds none."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from aitower.alerts import rules
from aitower.alerts.alert_domain import Comparator, Notice, RuleSpec
from aitower.alerts.evaluator import evaluate_due_rules
from aitower.alerts.metric_catalog import BY_NAME
from aitower.alerts.metric_values import metric_value
from aitower.core.db.engine import Database
from aitower.inventory import service as inventory
from aitower.telemetry.ingest import store_spans
from guardrails.helpers import add_finding
from support import CTX, seed_units
from support_inventory import make_system
from support_spans import agent_trace, ns

T0 = datetime(2026, 5, 20, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def _assistant(db: Database) -> uuid.UUID:
    system_id = make_system(db, seed_units(db).unit_id, "Knowledge assistant")
    with db.writing() as session:
        inventory.update_system(session, CTX, system_id, {"services": ["kb"]})
    return system_id


def _traffic(db: Database, start: datetime, traces: int) -> list[str]:
    """``traces`` requests a minute apart from ``start``; their trace ids."""
    ids = []
    for i in range(traces):
        spans = agent_trace(service="kb", start_ns=ns(start + timedelta(minutes=i)))
        store_spans(db, spans)
        ids.append(spans[0].trace_id)
    return ids


def test_the_catalogue_lists_the_finding_metrics() -> None:
    for name in ("findings", "findings_personal_data", "findings_secret", "findings_injection"):
        assert BY_NAME[name].unit == "count" and BY_NAME[name].samples == "requests"


def test_values_count_detections_and_samples_count_requests(db: Database) -> None:
    system_id = _assistant(db)
    traces = _traffic(db, T0, 5)
    add_finding(db, system_id, "iban", T0, trace=traces[0], occurrences=2)
    add_finding(db, system_id, "secret.github_token", T0 + timedelta(minutes=1), trace=traces[1])
    add_finding(db, system_id, "iban", T0 + 2 * HOUR, trace="late")  # outside the window
    with db.reading() as session:

        def value(metric: str, key: str | None = str(system_id)) -> tuple[float | None, int]:
            window = metric_value(session, metric, key, T0, T0 + HOUR)
            return window.value, window.samples

        assert value("findings") == (3.0, 5)
        assert value("findings_personal_data") == (2.0, 5)
        assert value("findings_secret") == (1.0, 5)
        assert value("findings_injection") == (0.0, 5)
        assert value("findings", None) == (3.0, 5)
        assert value("findings", str(uuid.uuid4())) == (0.0, 0)
        assert value("findings", "service:kb") == (0.0, 0)


def test_a_secret_in_an_answer_fires_the_rule_and_a_clean_hour_resolves_it(db: Database) -> None:
    system_id = _assistant(db)
    spec = RuleSpec(
        name="a secret leaked",
        metric="findings_secret",
        comparator=Comparator.gt,
        threshold=0.0,
        window_minutes=60,
        min_samples=1,
        system_id=str(system_id),
    )
    with db.writing() as session:
        rules.create_rule(session, CTX, spec)
    _traffic(db, T0, 3)
    quiet = evaluate_due_rules(db, T0 + timedelta(minutes=10), "replica-a")
    assert [t.transition.notice for t in quiet] == [None]
    leaked = _traffic(db, T0 + timedelta(minutes=20), 1)[0]
    add_finding(db, system_id, "secret.github_token", T0 + timedelta(minutes=20), trace=leaked)
    fired = evaluate_due_rules(db, T0 + timedelta(minutes=25), "replica-a")
    assert [t.transition.notice for t in fired] == [Notice.fired]
    assert fired[0].incident_id is not None
    _traffic(db, T0 + 2 * HOUR, 2)
    resolved = evaluate_due_rules(db, T0 + 2 * HOUR + timedelta(minutes=5), "replica-a")
    assert [t.transition.notice for t in resolved] == [Notice.resolved]
