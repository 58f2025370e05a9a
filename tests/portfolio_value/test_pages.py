"""The value and decision pages for every role: they render, every link on them can be
followed by the reader, forms show only to who may send them, and the forms work."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from portfolio_value.support_value import ledger
from support import login, make_user, seed_units
from support_inventory import make_system

HREF = re.compile(r'href="(/[^"#]*)')


def _world(db: Database) -> tuple[uuid.UUID, uuid.UUID]:
    units = seed_units(db)
    mine = make_system(db, units.unit_id, "Finance summariser", stage="monitoring")
    other = make_system(db, units.other_unit_id, "Marketing summariser", stage="monitoring")
    today = datetime.now(UTC).date()
    ledger(db, mine, date(today.year - 1, today.month, 1), today, 5000.0)
    return mine, other


def _links_work(client: TestClient, html: str) -> None:
    """Every link of the page's own content (the section's tabs lead to pages of other parts
    of the issue, checked by their tests) answers the reader."""
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    content = re.sub(r'<nav class="subnav".*?</nav>', "", main, flags=re.S)
    for href in sorted(set(HREF.findall(content))):
        if href.startswith(("/static/", "/logout")):
            continue
        answer = client.get(href.replace("&amp;", "&"), follow_redirects=False)
        assert answer.status_code in (200, 303), f"{href}: {answer.status_code}"


@pytest.mark.parametrize("role", list(Role))
def test_each_role_reads_the_pages_without_dead_links(
    client: TestClient, db: Database, role: Role
) -> None:
    mine, other = _world(db)
    login(client, make_user(db, role))
    listing = client.get("/value/systems")
    assert listing.status_code == 200, listing.text
    assert "Finance summariser" in listing.text
    page = client.get(f"/value/systems/{mine}")
    assert page.status_code == 200
    assert ('data-testid="value-form"' in page.text) == (
        role in (Role.admin, Role.ops_manager, Role.stakeholder)
    )
    decisions = client.get("/value/decisions")
    assert decisions.status_code == 200
    assert ('data-testid="decide-form"' in decisions.text) == (
        role in (Role.admin, Role.ops_manager)
    )
    if "Marketing summariser" not in listing.text:
        assert client.get(f"/value/systems/{other}").status_code == 404
    for html in (listing.text, page.text, decisions.text):
        _links_work(client, html)


def test_the_stakeholder_declares_value_through_the_form(client: TestClient, db: Database) -> None:
    mine, other = _world(db)
    token = login(client, make_user(db, Role.stakeholder))
    form = {
        "csrf_token": token, "use_driver": "requests", "hours_saved_per_use": "0.5",
        "loaded_hourly_rate": "-3", "declared_uses_per_month": "200",
    }  # fmt: skip
    refused = client.post(f"/value/systems/{mine}/model", data=form, follow_redirects=False)
    assert refused.status_code == 422
    assert 'data-field="loaded_hourly_rate"' in refused.text
    saved = client.post(
        f"/value/systems/{mine}/model",
        data={**form, "loaded_hourly_rate": "50"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    page = client.get(saved.headers["location"])
    assert 'data-testid="value-model"' in page.text and "recorded on the audit trail" in page.text
    # 200 × 0.5 × 50 = $5,000 a month, declared
    assert "$5,000.00" in page.text and 'data-basis="declared"' in page.text
    hidden = client.post(f"/value/systems/{other}/model", data=form, follow_redirects=False)
    assert hidden.status_code == 404


def test_the_ops_manager_retires_from_the_decisions_page(client: TestClient, db: Database) -> None:
    mine, _ = _world(db)
    token = login(client, make_user(db, Role.ops_manager))
    bad = client.post(
        f"/value/decisions/{mine}",
        data={"csrf_token": token, "decision": "consolidate", "into_system_id": ""},
        follow_redirects=False,
    )
    assert bad.status_code == 422 and 'data-testid="decide-error"' in bad.text
    done = client.post(
        f"/value/decisions/{mine}",
        data={"csrf_token": token, "decision": "retire", "note": "no value"},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    page = client.get("/value/decisions")
    assert "moved to retirement" in page.text and 'data-decision="retire"' in page.text
    _links_work(client, page.text)
