"""The demo's classic models end to end, on SQLite and PostgreSQL: loaded once through the
prediction store with 90 backfilled monitor results each, their stories visible on the model
monitoring pages (fraud drift episode and AUC drop, credit age gap, sales forecast error),
the alert rules' incidents, and the pages' scoping."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from aitower.alerts import incidents
from aitower.alerts.demo import replay_model_rules
from aitower.core.access.principal import system_principal
from aitower.core.audit.service import ChangeContext
from aitower.core.audit.tables import AuditEventRow
from aitower.core.db.engine import Database
from aitower.core.demo.loader import (
    FOUNDATION_CONTRIBUTORS,
    DemoPassword,
    load_demo,
    load_demo_history,
)
from aitower.inventory.demo import add_demo_inventory
from aitower.model_monitors import monitors, results
from aitower.model_monitors.demo import (
    PLANS,
    backfill_boundaries,
    demo_day,
    demo_models_contributor,
)
from aitower.model_monitors.tables import ModelMonitorResultRow
from aitower.predictions import service as predictions
from aitower.predictions.demo_data import demo_histories
from aitower.predictions.tables import PredictionBatchRow
from support import login

# Enough volume for the stories to be judged (the credit model's youngest applicants need 30
# labelled rows in a 7-day window to count); the volume does not change the number of runs.
SCALE = 0.2
PASSWORD = DemoPassword("demo-password-for-tests", "stdin")
CONTRIBUTORS = [
    *FOUNDATION_CONTRIBUTORS,
    add_demo_inventory,
    demo_models_contributor(replay_model_rules),
]
ADMIN = system_principal("test")


def _ctx() -> ChangeContext:
    return ChangeContext(system_principal("demo"))


def _load(db: Database) -> list[str]:
    demo = load_demo(db, _ctx(), PASSWORD, contributors=CONTRIBUTORS)
    assert demo is not None
    return load_demo_history(db, demo, scale=SCALE)


def _counts(db: Database) -> tuple[int, ...]:
    with db.reading() as session:
        return tuple(
            session.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (PredictionBatchRow, ModelMonitorResultRow, AuditEventRow)
        )


def test_the_demo_models_end_to_end(app: FastAPI, db: Database) -> None:
    """One load per database (the backfill's 270 runs take a while), every check after it.
    The server starts after the load, as with ``serve --demo``."""
    lines = _load(db)
    assert len(lines) == 1 and "270 monitor results" in lines[0]
    with db.reading() as session:
        models = {m.model.name: m.model.id for m in predictions.list_models(session, ADMIN)}
    _history_once(db, models)
    _stories_and_incidents(db, models)
    with TestClient(app) as client:
        _pages_show_the_stories(client, db, models)
        _pages_keep_to_the_readers_units(client, db, models)


def _links(html: str, prefix: str) -> list[str]:
    return re.findall(rf'href="({re.escape(prefix)}[0-9a-f-]+)"', html)


def _history_once(db: Database, demo_models: dict[str, uuid.UUID]) -> None:
    assert set(demo_models) == set(PLANS)
    with db.reading() as session:
        for name, model_id in demo_models.items():
            summary = predictions.get_model(session, ADMIN, model_id)
            assert summary.predictions > 0
            assert summary.label_coverage is not None and 0.3 < summary.label_coverage < 1
            found, _ = monitors.list_monitors(session, ADMIN, model_id=model_id)
            assert [m.spec.name for m in found] == [PLANS[name].monitor]
            assert found[0].spec.sensitive == PLANS[name].sensitive
            points, total = results.result_series(session, ADMIN, found[0].id)
            assert total == 90 and {p.trigger for p in points} == {"backfill"}
            # Each run judged predictions, so each is a point of the drift history chart.
            assert all(p.summary["drift_share"] is not None for p in points)
    before = _counts(db)
    again = load_demo(db, _ctx(), PASSWORD, contributors=CONTRIBUTORS)
    assert again is not None and not again.history and not again.changed
    assert load_demo_history(db, again, scale=SCALE) == []
    assert _counts(db) == before


def _stories_and_incidents(db: Database, demo_models: dict[str, uuid.UUID]) -> None:
    with db.reading() as session:
        by_name = {}
        for name, model_id in demo_models.items():
            monitor = monitors.list_monitors(session, ADMIN, model_id=model_id)[0][0]
            by_name[name] = results.result_series(session, ADMIN, monitor.id)[0]
        opened, _ = incidents.list_incidents(
            session, ADMIN, incidents.IncidentFilter(), limit=10, offset=0
        )
    fraud = by_name["fraud-xgb"]
    # The episode (days 55-75) drifts most features; the weeks before it do not.
    assert max(p.summary["drift_share"] or 0 for p in fraud[55:75]) > 0.5
    assert max(p.summary["drift_share"] or 0 for p in fraud[35:54]) < 0.5
    calm = [p.summary["roc_auc"] for p in fraud[30:50] if p.summary["roc_auc"] is not None]
    storm = [p.summary["roc_auc"] for p in fraud[65:78] if p.summary["roc_auc"] is not None]
    assert min(calm) - min(storm) > 0.05
    credit = by_name["credit-score-lr"]
    ratios = [p.summary["demographic_parity_ratio"] for p in credit[10:40]]
    assert all(r is not None and r < 0.8 for r in ratios)
    sales = by_name["sales-forecast-gbm"]
    assert (sales[-5].summary["mape"] or 0) > 2 * (sales[40].summary["mape"] or 1)
    titles = {i.title.split(" on ")[0]: i.status for i in opened}
    assert titles["Fraud model: features drifting"] == "resolved"
    assert titles["Credit model: four-fifths rule"] != "resolved"


def _pages_show_the_stories(
    client: TestClient, db: Database, demo_models: dict[str, uuid.UUID]
) -> None:
    login(client, "admin", PASSWORD.value)
    portfolio = client.get("/monitoring/models")
    assert portfolio.status_code == 200
    assert sorted(_links(portfolio.text, "/monitoring/models/")) == sorted(
        f"/monitoring/models/{i}" for i in demo_models.values()
    )
    assert "under 0.8" in portfolio.text  # the credit model's last known fairness ratio
    assert 'data-nav="models" class="active"' in portfolio.text

    credit, fraud = demo_models["credit-score-lr"], demo_models["fraud-xgb"]
    fairness = client.get(f"/monitoring/models/{credit}/fairness").text
    assert 'data-attributes="age_band"' in fairness and "four-fifths-failed" in fairness
    assert fairness.count('data-testid="fairness-groups"') == 3  # gender, age band, both
    assert "four-fifths 0.8" in fairness  # the line on the ratio charts

    drift = client.get(f"/monitoring/models/{credit}/drift").text
    features = re.findall(r'<tr data-feature="([^"]+)"', drift)
    assert set(features) >= {"income", "debt_ratio", "purpose", "_prediction", "_score"}
    assert drift.count('class="sparkline"') == len(features)
    assert len(re.findall(r'<div data-feature="', drift)) == len(features)  # distributions

    performance = client.get(f"/monitoring/models/{fraud}/performance").text
    assert 'class="series series-1 dashed"' in performance  # the estimate, dashed
    assert "ROC AUC (estimated)" in performance and "Label delay" in performance
    overview = client.get(f"/monitoring/models/{fraud}").text
    points = _links(overview, "/monitoring/results/")
    assert len(set(points)) >= 90  # every run of the history charts is a link
    result = client.get(points[-1])
    assert result.status_code == 200 and "Window" in result.text and "backfill" in result.text

    with db.reading() as session:
        system_id = predictions.get_model(session, ADMIN, credit).model.system_id
    tab = client.get(f"/systems/{system_id}/models").text
    assert f"/monitoring/models/{credit}" in tab and 'data-tab="models"' in tab
    assert 'data-tab="models"' in client.get(f"/systems/{system_id}").text
    assert 'data-testid="tile-models"' in client.get("/").text


def _pages_keep_to_the_readers_units(
    client: TestClient, db: Database, demo_models: dict[str, uuid.UUID]
) -> None:
    # priya.nair (prompt engineer) sees Customer Support and Marketing: no classic model.
    login(client, "priya.nair", PASSWORD.value)
    portfolio = client.get("/monitoring/models")
    assert portfolio.status_code == 200 and 'data-testid="no-models"' in portfolio.text
    credit = demo_models["credit-score-lr"]
    assert client.get(f"/monitoring/models/{credit}").status_code == 404
    assert client.get(f"/monitoring/models/{credit}/fairness").status_code == 404
    with db.reading() as session:
        monitor = monitors.list_monitors(session, ADMIN, model_id=credit)[0][0]
        newest = results.latest_result(session, ADMIN, monitor.id)
    assert newest is not None
    assert client.get(f"/monitoring/results/{newest.point.id}").status_code == 404
    assert client.get(f"/monitoring/models/{uuid.uuid4()}").status_code == 404


@pytest.mark.parametrize("moment", ["2027-01-31T00:00:05Z", "2027-01-31T23:59:55Z"])
def test_the_oldest_backfill_window_holds_the_first_day_at_any_hour(moment: str) -> None:
    """The models' history ends at the day's boundary, not at the loading moment: the oldest
    backfill run's 7-day window holds the history's whole first day at any hour (late in the
    day it used to hold next to nothing, and the charts lost their first point)."""
    day = demo_day(datetime.fromisoformat(moment))
    assert day == datetime.fromisoformat("2027-01-31T00:00:00Z")
    oldest = backfill_boundaries(day)[0]
    start, end = (int(t.timestamp()) * 10**9 for t in (oldest - timedelta(days=7), oldest))
    for h in demo_histories(day, scale=0.05):
        in_oldest = (h.timestamps_ns >= start) & (h.timestamps_ns < end)
        assert int(in_oldest.sum()) == len(h) // 90  # a day's predictions (as many every day)
        assert int(h.timestamps_ns.max()) < int(day.timestamp()) * 10**9
