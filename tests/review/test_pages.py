"""The review pages as a security specialist and a prompt engineer use them: the queue, an
item beside its transcript and findings, the verdict form, send to review from a trace, the
quality page and a system's routing form."""

from __future__ import annotations

import uuid
from datetime import timedelta

from fastapi.testclient import TestClient

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from aitower.review.routing import route_all
from review.support_review import IBAN, NOW, add_finding, add_trace, content, trace_id
from support import login, make_user, seed_units
from support_inventory import audit_count, make_system


def _world(db: Database) -> uuid.UUID:
    seeded = seed_units(db)
    system = make_system(db, seeded.unit_id, "knowledge assistant")
    at = NOW - timedelta(minutes=5)
    add_trace(db, system, trace_id(1), at, stored=content())
    add_trace(db, system, trace_id(2), at, stored=content("Rates are 3%."))
    add_finding(db, system, trace_id(1), at, "iban")
    return system


def test_security_routes_a_system_reviews_a_leak_and_sees_precision(
    client: TestClient, db: Database
) -> None:
    system = _world(db)
    csrf = login(client, make_user(db, Role.security))
    page = client.get(f"/systems/{system}/review-route")
    assert page.status_code == 200 and 'data-testid="review-routing-form"' in page.text
    before = audit_count(db)
    bad = client.post(
        f"/systems/{system}/review-route",
        data={"csrf_token": csrf, "enabled": "yes", "sample_percent": "150"},
    )
    assert bad.status_code == 422 and 'data-field="sample_percent"' in bad.text
    assert audit_count(db) == before
    saved = client.post(
        f"/systems/{system}/review-route",
        data={
            "csrf_token": csrf,
            "enabled": "yes",
            "finding_categories": ["personal_data", "secret"],
            "sample_percent": "0",
            "finding_role": "security",
            "quality_role": "prompt_engineer",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    assert audit_count(db) == before + 1
    assert route_all(db, NOW) == 1
    assert 'data-testid="tile-review"' in client.get("/").text  # one output waits for security

    queue = client.get("/review")
    assert queue.status_code == 200 and "knowledge assistant" in queue.text
    assert ">Review</a>" in queue.text  # the navigation item
    item_id = queue.text.split('data-item="')[1].split('"')[0]
    item = client.get(f"/review/{item_id}")
    assert item.status_code == 200
    assert IBAN in item.text  # the value, in the transcript where it was stored
    assert 'data-finding="iban"' in item.text
    assert "Accounts are listed in the portal." in item.text  # the context document
    refused = client.post(
        f"/review/{item_id}/verdict", data={"csrf_token": csrf, "verdict": "maybe"}
    )
    assert refused.status_code == 422 and 'data-field="verdict"' in refused.text
    judged = client.post(
        f"/review/{item_id}/verdict",
        data={"csrf_token": csrf, "verdict": "leak", "notes": "a customer's IBAN"},
        follow_redirects=False,
    )
    assert judged.status_code == 303
    assert 'data-verdict="leak"' in client.get(f"/review/{item_id}?notice=judged").text
    quality = client.get("/review/quality")
    assert quality.status_code == 200
    assert 'data-type="iban"' in quality.text and "100.0%" in quality.text


def test_a_prompt_engineer_sends_a_trace_to_review_from_its_page(
    client: TestClient, db: Database
) -> None:
    _world(db)
    csrf = login(client, make_user(db, Role.prompt_engineer))
    trace = client.get(f"/monitoring/traces/{trace_id(2)}")
    assert f'href="/review/flag?trace_id={trace_id(2)}"' in trace.text
    form = client.get(f"/review/flag?trace_id={trace_id(2)}")
    assert form.status_code == 200 and 'data-testid="flag-form"' in form.text
    empty = client.post("/review/flag", data={"csrf_token": csrf, "trace_id": trace_id(2)})
    assert empty.status_code == 422 and 'data-field="reason"' in empty.text
    sent = client.post(
        "/review/flag",
        data={"csrf_token": csrf, "trace_id": trace_id(2), "reason": "the rate is made up"},
        follow_redirects=False,
    )
    assert sent.status_code == 303 and sent.headers["location"].endswith("?notice=flagged")
    item = client.get(sent.headers["location"])
    assert item.status_code == 200 and "the rate is made up" in item.text
    claimed = client.post(
        sent.headers["location"].split("?")[0] + "/claim",
        data={"csrf_token": csrf},
        follow_redirects=False,
    )
    assert claimed.status_code == 303
    mine = client.get("/review?mine=yes&status=")
    assert "the rate is made up" in mine.text


def test_the_auditor_reads_the_queue_without_the_verdict_form(
    client: TestClient, db: Database
) -> None:
    system = _world(db)
    login(client, make_user(db, Role.auditor))
    page = client.get(f"/systems/{system}/review-route")
    assert page.status_code == 200 and 'data-testid="save-route"' not in page.text
    assert client.get("/review").status_code == 200
    assert client.get("/review/flag").status_code == 403
