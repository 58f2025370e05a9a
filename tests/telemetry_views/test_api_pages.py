"""The monitoring API and pages over HTTP, on both databases: answers, scoping, bad input."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from support import login, make_key, make_user
from telemetry_views.world import World, build_world


@pytest.fixture
def world(db: Database) -> World:
    return build_world(db)


def _range(world: World) -> dict[str, str]:
    return {"start": world.start.isoformat(), "end": world.end.isoformat()}


def test_overviews_answer_from_the_rollups(client: TestClient, db: Database, world: World) -> None:
    admin = {"x-api-key": make_key(db, Role.admin)}
    body = client.get("/api/v1/telemetry/overview", params=_range(world), headers=admin).json()
    assert body["totals"]["requests"] == 391
    assert body["range"]["grain"] == "minute" and body["range"]["step_seconds"] == 900
    assert [s["name"] for s in body["systems"]] == ["Chatbot", "Assistant", "Marketing generator"]
    assert body["unpriced_models"][0]["model"] == "mystery-model"
    one = client.get(
        f"/api/v1/telemetry/systems/{world.assistant}/overview", params=_range(world), headers=admin
    ).json()
    assert one["totals"]["requests"] == 51
    assert one["totals"]["unpriced_tokens"] == 1000
    series = client.get(
        "/api/v1/telemetry/timeseries",
        params={**_range(world), "system": str(world.assistant)},
        headers=admin,
    ).json()
    assert len(series["points"]) == 96
    assert sum(p["figures"]["requests"] for p in series["points"]) == 51
    assert client.get("/api/v1/telemetry/overview?range=7d", headers=admin).status_code == 200
    unpriced = client.get("/api/v1/telemetry/unpriced-models", params=_range(world), headers=admin)
    assert [(m["model"], m["unpriced_tokens"]) for m in unpriced.json()] == [
        ("mystery-model", 1000)
    ]
    found = client.get("/api/v1/telemetry/sources", headers=admin).json()
    assert [s["service_name"] for s in found["items"]] == ["shadow-app"] and found["total"] == 1


def test_a_unit_scoped_reader_sees_its_units_only(
    client: TestClient, db: Database, world: World
) -> None:
    analyst = {"x-api-key": make_key(db, Role.analyst, unit="finance")}
    body = client.get("/api/v1/telemetry/overview", params=_range(world), headers=analyst).json()
    assert body["totals"]["requests"] == 351
    hidden = client.get(f"/api/v1/telemetry/systems/{world.marketer}/overview", headers=analyst)
    assert hidden.status_code == 404
    other = world.recent[world.marketer][0].trace_id
    assert client.get(f"/api/v1/traces/{other}", headers=analyst).status_code == 404
    page = client.get("/api/v1/traces", params={"limit": 1}, headers=analyst).json()
    assert page["total"] == 371
    stakeholder = {"x-api-key": make_key(db, Role.stakeholder, unit="finance")}
    assert client.get("/api/v1/telemetry/overview", headers=stakeholder).status_code == 403


def test_trace_search_and_detail(client: TestClient, db: Database, world: World) -> None:
    admin = {"x-api-key": make_key(db, Role.admin)}
    page = client.get(
        "/api/v1/traces",
        params={"system": str(world.chatbot), "status": "error", "start": world.start.isoformat(),
                "sort": "latency", "limit": 5},
        headers=admin,
    ).json()  # fmt: skip
    assert page["total"] == 30 and len(page["items"]) == 5 and page["next_offset"] == 5
    latencies = [i["duration_ms"] for i in page["items"]]
    assert latencies == sorted(latencies, reverse=True)
    detail = client.get(f"/api/v1/traces/{world.special.trace_id}", headers=admin).json()
    assert [s["depth"] for s in detail["spans"]] == [0, 1, 2, 2]
    assert detail["spans"][2]["content"]["input"][0]["role"] == "user"
    assert client.get(f"/api/v1/traces/{'0' * 32}", headers=admin).status_code == 404


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/v1/telemetry/overview", {"range": "3w"}, "range"),
        ("/api/v1/telemetry/overview", {"start": "2026-01-02T00:00Z", "end": "2026-01-01"}, "end"),
        ("/api/v1/telemetry/overview", {"start": "0001-01-01T00:00:00+05:00"}, "start"),
        ("/api/v1/telemetry/overview", {"start": "yesterday"}, "start"),
        ("/api/v1/telemetry/timeseries", {"system": "not-a-uuid"}, "system"),
        ("/api/v1/traces", {"status": "broken"}, "status"),
        ("/api/v1/traces", {"min_latency_ms": "-1"}, "min_latency_ms"),
        ("/api/v1/traces", {"min_cost": "nan"}, "min_cost"),
        ("/api/v1/traces", {"min_latency_ms": "10", "max_latency_ms": "5"}, "max_latency_ms"),
        ("/api/v1/traces", {"sort": "size"}, "sort"),
        ("/api/v1/traces/XYZ", {}, "trace_id"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_naming_the_field(
    client: TestClient, db: Database, path: str, params: dict[str, str], field: str
) -> None:
    admin = {"x-api-key": make_key(db, Role.admin)}
    answer = client.get(path, params=params, headers=admin)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert field in {e["field"].split(".")[-1] for e in answer.json()["errors"]}


def test_pages_render(client: TestClient, db: Database, world: World) -> None:
    login(client, make_user(db, Role.admin, username="ada"))
    page = client.get("/monitoring")
    assert page.status_code == 200
    for text in ("Chatbot", "Marketing generator", "shadow-app", "mystery-model", "Latency (ms)"):
        assert text in page.text
    assert "/monitoring/sources/register?service=shadow-app" in page.text
    register = client.get("/monitoring/sources/register?service=shadow-app", follow_redirects=False)
    assert register.status_code == 303
    assert register.headers["location"].startswith("/systems/new?service=shadow-app")
    assert 'data-nav="monitoring" class="active"' in page.text
    assert client.get("/monitoring?range=7d").status_code == 200
    assert client.get("/monitoring?range=forever").status_code == 422
    form = client.get("/systems/new?service=shadow-app")
    assert 'name="name" required value="shadow-app"' in form.text
    system = client.get(f"/monitoring/systems/{world.assistant}")
    assert system.status_code == 200
    for text in (
        "Assistant",
        "Top users",
        "user-special",
        "Recent errors",
        'data-tab="monitoring"',
    ):
        assert text in system.text
    explorer = client.get("/monitoring/traces", params={"q": "refund"})
    assert explorer.status_code == 200 and world.special.trace_id in explorer.text
    bad = client.get("/monitoring/traces", params={"min_cost": "lots"})
    assert bad.status_code == 422 and 'data-field="min_cost"' in bad.text
    trace = client.get(f"/monitoring/traces/{world.special.trace_id}")
    assert trace.status_code == 200
    assert "question 0 &lt;b&gt;bold&lt;/b&gt;" in trace.text  # stored messages, escaped
    assert "Span waterfall" in trace.text and "no price" in trace.text
    assert client.get(f"/monitoring/traces/{'f' * 32}").status_code == 404
    assert "style=" not in trace.text


def test_the_system_page_offers_the_monitoring_tab(
    client: TestClient, db: Database, world: World
) -> None:
    login(client, make_user(db, Role.engineer, username="eve"))
    page = client.get(f"/systems/{world.chatbot}")
    assert f'href="/monitoring/systems/{world.chatbot}" data-tab="monitoring"' in page.text
