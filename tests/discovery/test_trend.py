"""Shadow AI over time and the alert metric: new unsanctioned findings per unit per week (a
sanction takes a service out), ``discovery_new_unsanctioned`` over a window through alerting's
reader, the trend through the API, and findings per status on /metrics."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from fastapi.testclient import TestClient

from aitower.alerts.metric_catalog import BY_NAME
from aitower.alerts.metric_values import metric_value
from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from aitower.discovery import catalog_service
from aitower.discovery.sanction import SanctionStatus
from aitower.discovery.trend import weekly_trend
from discovery.discovery_support import NOW, add_source, scan, use, world
from support import CTX, make_key

WEEK = timedelta(weeks=1)


def _history(db: Database) -> None:
    # This week (from Monday 15 June): two in Finance, one in Marketing; two weeks ago: one in
    # Finance. Copilot is sanctioned for Finance, so its use there does not count.
    scan(db, [
        use("chatgpt", "a", "finance", first=NOW - timedelta(days=1)),
        use("claude-ai", "b", "finance", first=NOW - timedelta(days=2)),
        use("cursor", "c", "marketing", first=NOW - timedelta(hours=3)),
        use("poe", "d", "finance", first=NOW - 2 * WEEK),
        use("github-copilot", "e", "finance", first=NOW - timedelta(days=1)),
    ])  # fmt: skip


def test_weekly_trend_per_unit(db: Database) -> None:
    w = world(db)
    with db.writing() as session:
        catalog_service.set_sanction(
            session, CTX, "github-copilot", SanctionStatus.sanctioned, w.finance
        )
    _history(db)
    with db.reading() as session:
        trend = weekly_trend(session, CTX.principal, NOW.date(), weeks=4)
    assert [str(d) for d in trend.weeks] == ["2026-05-25", "2026-06-01", "2026-06-08", "2026-06-15"]
    counts = {u.unit: u.counts for u in trend.units}
    assert counts == {"Finance": [0, 1, 0, 2], "Marketing": [0, 0, 0, 1]}
    with db.writing() as session:
        catalog_service.set_sanction(session, CTX, "chatgpt", SanctionStatus.sanctioned)
    with db.reading() as session:
        trend = weekly_trend(session, CTX.principal, NOW.date(), weeks=4)
    assert {u.unit: u.counts for u in trend.units}["Finance"] == [0, 1, 0, 1]


def test_the_alert_metric_counts_new_unsanctioned_use_in_the_window(db: Database) -> None:
    world(db)
    _history(db)
    add_source(db)  # first seen three days ago: unsanctioned by definition
    assert BY_NAME["discovery_new_unsanctioned"].unit == "count"
    with db.reading() as session:
        week = metric_value(session, "discovery_new_unsanctioned", None, NOW - WEEK, NOW)
        day = metric_value(
            session, "discovery_new_unsanctioned", None, NOW - timedelta(days=1), NOW
        )
        system = metric_value(session, "discovery_new_unsanctioned", "some-system", NOW - WEEK, NOW)
    # In the week: chatgpt, claude-ai, cursor, github-copilot (under review) and the source.
    assert (week.value, week.samples) == (5.0, 5)
    assert (day.value, day.samples) == (3.0, 3)  # chatgpt, cursor and copilot from yesterday on
    assert (system.value, system.samples) == (None, 0)


def test_trend_and_metrics_endpoints(client: TestClient, db: Database) -> None:
    world(db)
    _history(db)
    headers = {"Authorization": f"Bearer {make_key(db, Role.auditor)}"}
    with time_machine.travel(NOW, tick=False):
        found = client.get("/api/v1/discovery/trend", params={"weeks": 2}, headers=headers)
        assert found.status_code == 200
        assert found.json()["weeks"] == ["2026-06-08", "2026-06-15"]
        assert {u["unit"]: u["counts"] for u in found.json()["units"]} == {
            "Finance": [0, 3], "Marketing": [0, 1]}  # fmt: skip
        assert client.get("/api/v1/discovery/trend", params={"weeks": 0},
                          headers=headers).status_code == 422  # fmt: skip
        metrics_key = {"Authorization": f"Bearer {make_key(db, Role.engineer)}"}
        text = client.get("/metrics", headers=metrics_key).text
    assert 'aitower_discovery_findings{status="new"} 5' in text
