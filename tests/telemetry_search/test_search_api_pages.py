"""Content search over HTTP on both databases: the API, its refusals, the explorer's results
and the trace page marking the match, escaped."""

from __future__ import annotations

from fastapi.testclient import TestClient

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from support import login, make_key, make_user, seed_units
from support_inventory import make_system
from telemetry_search.data import LEAK, chat_span, store


def test_the_api_finds_content_with_snippet_offsets(client: TestClient, db: Database) -> None:
    units = seed_units(db)
    system = make_system(db, units.unit_id, "Knowledge assistant")
    hit = chat_span("what is the account?", LEAK, system_id=system, user="alice")
    store(db, [hit, chat_span("hello", "hi", system_id=system)])
    admin = {"x-api-key": make_key(db, Role.admin)}
    body = client.get(
        "/api/v1/telemetry/search", params={"q": "de8937", "user": "alice"}, headers=admin
    ).json()
    assert (body["total"], body["more"], body["next_offset"]) == (1, False, None)
    item = body["items"][0]
    assert (item["trace_id"], item["span_id"]) == (hit.trace_id, hit.span_id)
    assert item["system_name"] == "Knowledge assistant" and item["user_id"] == "alice"
    snippet = item["snippet"]
    assert snippet["text"][snippet["start"] : snippet["end"]] == "DE8937"
    none = client.get(
        "/api/v1/telemetry/search", params={"q": "DE8937", "user": "bob"}, headers=admin
    ).json()
    assert none["total"] == 0 and none["items"] == []


def test_bad_input_is_a_problem_naming_the_field(client: TestClient, db: Database) -> None:
    admin = {"x-api-key": make_key(db, Role.admin)}
    short = client.get("/api/v1/telemetry/search", params={"q": "ab"}, headers=admin)
    assert short.status_code == 422
    assert short.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in short.json()["errors"]] == ["q"]
    missing = client.get("/api/v1/telemetry/search", headers=admin)
    assert missing.status_code == 422 and "q" in missing.text
    backwards = client.get(
        "/api/v1/telemetry/search",
        params={"q": "IBAN", "since": "2026-06-02T00:00", "until": "2026-06-01T00:00"},
        headers=admin,
    )
    assert backwards.status_code == 422 and "until" in backwards.text


def test_readers_of_another_unit_find_nothing(client: TestClient, db: Database) -> None:
    units = seed_units(db)
    system = make_system(db, units.unit_id)
    store(db, [chat_span("q", LEAK, system_id=system)])
    finance = {"x-api-key": make_key(db, Role.security, unit="finance")}
    marketing = {"x-api-key": make_key(db, Role.security, unit="marketing")}
    assert (
        client.get("/api/v1/telemetry/search", params={"q": "IBAN"}, headers=finance).json()[
            "total"
        ]
        == 1
    )
    assert (
        client.get("/api/v1/telemetry/search", params={"q": "IBAN"}, headers=marketing).json()[
            "total"
        ]
        == 0
    )


def test_the_explorer_lists_matching_spans_and_the_trace_marks_the_match(
    client: TestClient, db: Database
) -> None:
    system = make_system(db, seed_units(db).unit_id, "Knowledge assistant")
    hostile = "<script>alert(1)</script> IBAN DE89370400440532013000"
    span = chat_span("<b>bold</b> question", hostile, system_id=system)
    store(db, [span])
    login(client, make_user(db, Role.security))
    page = client.get("/monitoring/traces", params={"content": "de8937"})
    assert page.status_code == 200
    html = page.text
    assert 'data-testid="content-hit"' in html
    assert "<mark>DE8937</mark>" in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    link = f"/monitoring/traces/{span.trace_id}?q=de8937#span-{span.span_id}"
    assert link in html
    trace = client.get(f"/monitoring/traces/{span.trace_id}", params={"q": "de8937"}).text
    assert "<mark>DE8937</mark>" in trace
    assert "<script>alert(1)</script>" not in trace and "<b>bold</b>" not in trace
    short = client.get("/monitoring/traces", params={"content": "ab"})
    assert short.status_code == 422 and "at least 3 characters" in short.text
