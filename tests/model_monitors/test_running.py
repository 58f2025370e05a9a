"""Monitors on a real database (SQLite and PostgreSQL): references profiled once, scheduled and
manual runs equal to the pure computation, empty windows, leases, due logic, and alerts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aitower.alerts import rules
from aitower.alerts.alert_domain import Comparator, Notice, RuleSpec
from aitower.alerts.evaluator import evaluate_due_rules
from aitower.alerts.metric_values import metric_value
from aitower.alerts.tables import IncidentRow, NotificationDeliveryRow
from aitower.core.access.roles import Role
from aitower.core.audit.tables import AuditEventRow
from aitower.core.db.engine import Database
from aitower.model_monitors import monitors, references, results
from aitower.model_monitors.baseline import build_baseline
from aitower.model_monitors.evaluate import evaluate
from aitower.model_monitors.running import claim_monitor, run_due_monitors, run_now
from aitower.model_monitors.spec import MonitorSpec, Schedule
from aitower.model_monitors.store import StoredPredictions
from aitower.model_monitors.tables import ModelMonitorResultRow, ModelMonitorRow
from aitower.predictions.window import MonitoredModel, WindowData
from model_monitors.support import log_window, make_model
from model_monitors.windows import T0, binary_window
from support import CTX, login, make_user, seed_units
from support_inventory import make_system

DAY = timedelta(days=1)
SPEC = MonitorSpec(
    "fraud daily",
    Schedule.daily,
    window_hours=24,
    sensitive=("gender",),
    performance_limits={"roc_auc": 0.95},
)


@dataclass
class CountingStore(StoredPredictions):
    """The real store, noting every window it is asked for."""

    windows: list[tuple[datetime, datetime]] = field(default_factory=list)

    def window(
        self, session: Session, model_id: uuid.UUID, start: datetime, end: datetime
    ) -> WindowData:
        self.windows.append((start, end))
        return super().window(session, model_id, start, end)


@dataclass
class Setup:
    system: uuid.UUID
    model: MonitoredModel
    reference: WindowData
    current: WindowData
    store: CountingStore


@pytest.fixture
def setup(db: Database) -> Setup:
    system = make_system(db, seed_units(db).unit_id, "fraud-service", kind="ml_model")
    model = make_model(db, system)
    reference = binary_window(3000, seed=1, start=T0)
    current = binary_window(4000, seed=2, shift=1.0, labelled_share=0.5, bias=0.3, start=T0 + DAY)
    log_window(db, model, reference, prefix="r")
    log_window(db, model, current, prefix="c")
    return Setup(system, model, reference, current, CountingStore())


def _monitor(db: Database, s: Setup, now: datetime) -> uuid.UUID:
    with db.writing() as session:
        ref = references.create_from_window(
            session, CTX, s.store, s.model.id, "January", T0, T0 + timedelta(hours=1)
        )
        made = monitors.create_monitor(session, CTX, s.store, s.model.id, ref.id, SPEC, now=now)
    return made.id


def _results(db: Database) -> list[ModelMonitorResultRow]:
    with db.reading() as session:
        return list(
            session.execute(select(ModelMonitorResultRow).order_by(ModelMonitorResultRow.run_at))
            .scalars()
            .all()
        )


def test_profiled_once_then_a_scheduled_run_equals_the_pure_computation(
    db: Database, setup: Setup
) -> None:
    with db.reading() as session:
        events_before = session.execute(select(func.count(AuditEventRow.seq))).scalar_one()
    monitor_id = _monitor(db, setup, T0 + DAY + timedelta(minutes=5))
    with db.reading() as session:
        events_after = session.execute(select(func.count(AuditEventRow.seq))).scalar_one()
    assert events_after == events_before + 2  # reference created, monitor created
    assert setup.store.windows == [(T0, T0 + timedelta(hours=1))]  # the reference, read once
    run_at = T0 + 2 * DAY + timedelta(minutes=1)
    # Not due before the next boundary, due after it.
    assert run_due_monitors(db, T0 + 2 * DAY - timedelta(seconds=1), "a", store=setup.store) == []
    (done,) = run_due_monitors(db, run_at, "a", store=setup.store)
    # The check read the current window only: never the reference's rows again.
    assert setup.store.windows[1:] == [(T0 + DAY, T0 + 2 * DAY)]
    (row,) = _results(db)
    expected = evaluate(build_baseline(setup.reference), setup.current, SPEC)
    assert done.status == row.status == expected.status == "alert"
    assert row.rows == 4000 and row.labelled_rows == setup.current.labelled_count
    for name in ("drift_share", "accuracy", "roc_auc", "estimated_roc_auc", "f1"):
        assert getattr(row, name) == pytest.approx(expected.summary[name], abs=1e-12), name
    assert row.demographic_parity_ratio == pytest.approx(
        expected.summary["demographic_parity_ratio"], abs=1e-12
    )
    assert row.trigger == "schedule" and row.window_end == T0 + 2 * DAY
    with db.reading() as session:
        monitor = session.get(ModelMonitorRow, monitor_id)
        assert monitor is not None
        assert monitor.next_run_at == T0 + 3 * DAY and monitor.lease_owner is None
        view = results.get_result(session, CTX.principal, row.id)
        table = results.drift_table(session, CTX.principal, monitor_id)
        entries = results.portfolio(session, CTX.principal)
    assert {f["name"] for f in view.detail["drift"]["features"]} >= {"amount", "_prediction"}
    assert [t.name for t in table][:2] == ["amount", "country"] and len(table[0].trend) == 1
    assert entries[0].latest is not None and entries[0].worst_signal is not None
    # Not due again until the next boundary.
    assert run_due_monitors(db, run_at + timedelta(hours=1), "a", store=setup.store) == []


def test_empty_window_gives_an_empty_result(db: Database, setup: Setup) -> None:
    monitor_id = _monitor(db, setup, T0 + DAY)
    summary = run_now(db, monitor_id, T0 + 30 * DAY, setup.store)
    (row,) = _results(db)
    assert summary.status == row.status == "empty" and row.rows == 0
    assert row.trigger == "manual" and row.drift_share is None


def test_the_drift_page_after_an_empty_run_says_so(
    db: Database, setup: Setup, client: TestClient
) -> None:
    """#14, finding 4: the model's drift page failed (500) when its latest run found no
    predictions, which every crawl of the demo met."""
    monitor_id = _monitor(db, setup, T0 + DAY)
    run_now(db, monitor_id, T0 + 30 * DAY, setup.store)
    login(client, make_user(db, Role.analyst))
    page = client.get(f"/monitoring/models/{setup.model.id}/drift")
    assert page.status_code == 200, page.text[:500]
    assert "judged no drift: no predictions in the window" in page.text


def test_two_replicas_one_run(db: Database, setup: Setup) -> None:
    monitor_id = _monitor(db, setup, T0 + DAY)
    now = T0 + 2 * DAY + timedelta(seconds=30)
    assert claim_monitor(db, monitor_id, "replica-a", now)
    assert not claim_monitor(db, monitor_id, "replica-b", now)
    # replica-b's pass finds the monitor leased and skips it.
    assert run_due_monitors(db, now, "replica-b", store=setup.store) == []
    # An expired lease is taken over; the first owner's late result is then dropped.
    later = now + timedelta(minutes=11)
    assert claim_monitor(db, monitor_id, "replica-b", later)
    with db.writing() as session:
        row = session.get(ModelMonitorRow, monitor_id)
        assert row is not None and row.lease_owner == "replica-b"
    from aitower.model_monitors.running import run_claimed

    assert run_claimed(db, monitor_id, "replica-a", now, setup.store).result_id is None
    assert run_claimed(db, monitor_id, "replica-b", later, setup.store).result_id is not None
    assert len(_results(db)) == 1


def _rule(db: Database, system: uuid.UUID, metric: str, comparator: Comparator, t: float) -> None:
    spec = RuleSpec(
        name=f"{metric} rule",
        metric=metric,
        comparator=comparator,
        threshold=t,
        window_minutes=1440,
        min_samples=100,
        system_id=str(system),
    )
    with db.writing() as session:
        rules.create_rule(session, CTX, spec)


def test_model_metrics_fire_alert_rules_and_open_incidents(db: Database, setup: Setup) -> None:
    _monitor(db, setup, T0 + DAY)
    _rule(db, setup.system, "drift_share", Comparator.gt, 0.5)
    _rule(db, setup.system, "roc_auc", Comparator.lt, 0.99)
    _rule(db, setup.system, "demographic_parity_ratio", Comparator.lt, 0.8)
    run_at = T0 + 2 * DAY
    run_due_monitors(db, run_at, "a", store=setup.store)
    (row,) = _results(db)
    with db.reading() as session:
        drift = metric_value(session, "drift_share", str(setup.system), run_at - DAY, run_at + DAY)
        nothing = metric_value(
            session, "roc_auc", str(setup.system), run_at + DAY, run_at + 2 * DAY
        )
        portfolio = metric_value(session, "roc_auc", None, run_at - DAY, run_at + DAY)
    assert drift.value == row.drift_share and drift.samples == 4000
    assert nothing.value is None and nothing.samples == 0
    assert portfolio.value == row.roc_auc and portfolio.samples == row.labelled_rows
    assert row.drift_share is not None and row.drift_share > 0.5
    assert row.demographic_parity_ratio is not None and row.demographic_parity_ratio < 0.8
    done = evaluate_due_rules(db, run_at + timedelta(minutes=1), "a")
    assert sorted(t.transition.notice for t in done if t.transition.notice) == [Notice.fired] * 3
    with db.reading() as session:
        incidents = session.execute(select(IncidentRow)).scalars().all()
        deliveries = session.execute(select(func.count(NotificationDeliveryRow.id))).scalar_one()
    assert len(incidents) == 3 and all(i.system_id == setup.system for i in incidents)
    assert deliveries == 0  # no channel configured: the outbox stays empty, nothing lost


def test_the_servers_background_pass_runs_due_monitors(db: Database, setup: Setup) -> None:
    from aitower.app import run_background_pass
    from aitower.core.db.base import utcnow

    monitor_id = _monitor(db, setup, utcnow() - 2 * DAY)
    run_background_pass(db, "replica-a")
    (row,) = _results(db)
    # The last day holds no prediction (they were logged in March): an empty result, stored.
    assert row.monitor_id == monitor_id and row.status == "empty" and row.trigger == "schedule"
    run_background_pass(db, "replica-a")  # not due again until the next boundary
    assert len(_results(db)) == 1


def test_removing_a_model_removes_its_references_monitors_and_results(
    db: Database, setup: Setup
) -> None:
    from sqlalchemy import delete

    from aitower.model_monitors.tables import ModelReferenceRow
    from aitower.predictions.tables import MonitoredModelRow

    monitor_id = _monitor(db, setup, T0 + DAY)
    run_now(db, monitor_id, T0 + 2 * DAY, setup.store)
    with db.writing() as session:
        session.execute(delete(MonitoredModelRow).where(MonitoredModelRow.id == setup.model.id))
    with db.reading() as session:
        for table in (ModelReferenceRow, ModelMonitorRow, ModelMonitorResultRow):
            assert session.execute(select(func.count()).select_from(table)).scalar_one() == 0
