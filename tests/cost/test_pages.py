"""The prices page through a logged-in browser session (forms, CSRF, PRG), both dialects."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from aitower.core.access.roles import Role
from aitower.core.audit.tables import AuditEventRow
from aitower.core.db.engine import Database
from aitower.cost.tables import PriceOverrideRow
from support import login, make_user, seed_units

FORM = {
    "provider": "anthropic",
    "model_pattern": "claude-*",
    "input_price": "",
    "output_price": "",
    "cache_read_price": "",
    "cache_write_price": "",
    "reasoning_price": "",
    "discount_percent": "10",
    "effective_from": "2026-01-01",
    "effective_to": "",
    "note": "Anthropic <commit> deal",
}


def _counts(db: Database) -> tuple[int, int]:
    with db.reading() as session:
        events = session.execute(select(func.count()).select_from(AuditEventRow)).scalar_one()
        rows = session.execute(select(func.count()).select_from(PriceOverrideRow)).scalar_one()
    return int(events), int(rows)


def test_readers_see_catalog_search_and_quote_but_no_form(client: TestClient, db: Database) -> None:
    seed_units(db)
    login(client, make_user(db, Role.analyst))
    page = client.get("/cost/prices", params={"q": "haiku", "provider": "anthropic"})
    assert page.status_code == 200
    entries = re.findall(r'data-entry="([^"]+)"', page.text)
    assert entries and all("haiku" in e and e.startswith("anthropic/") for e in entries)
    # each price with its source and the data's version; the section's tabs on top
    assert "https://www.anthropic.com/pricing#api" in page.text
    assert "genai-prices 0.2.5 (bundled)" in page.text and 'data-tab="prices"' in page.text
    assert 'data-testid="override-form"' not in page.text
    quoted = client.get(
        "/cost/prices", params={"quote_provider": "openai", "model": "gpt-4o", "tin": 1000}
    )
    # 1,000 × 2.50 per million
    assert "$0.0025" in quoted.text and "openai/gpt-4o" in quoted.text  # the usd filter
    unknown = client.get("/cost/prices", params={"model": "mystery"})
    assert "unpriced" in unknown.text


def test_owner_adds_and_removes_an_organisation_price(client: TestClient, db: Database) -> None:
    seed_units(db)
    token = login(client, make_user(db, Role.ops_manager))
    assert 'data-testid="override-form"' in client.get("/cost/prices").text
    added = client.post(
        "/cost/prices/overrides", data={**FORM, "csrf_token": token}, follow_redirects=False
    )
    assert added.status_code == 303, added.text
    page = client.get(added.headers["location"])
    assert "was added" in page.text
    assert "Anthropic &lt;commit&gt; deal" in page.text  # escaped
    override_id = re.findall(r'data-override="([^"]+)"', page.text)[0]
    removed = client.post(
        f"/cost/prices/overrides/{override_id}/delete",
        data={"csrf_token": token},
        follow_redirects=False,
    )
    assert removed.status_code == 303
    assert _counts(db)[1] == 0


def test_a_refused_form_is_shown_again_with_the_field_and_writes_nothing(
    client: TestClient, db: Database
) -> None:
    seed_units(db)
    token = login(client, make_user(db, Role.admin))
    before = _counts(db)
    for field, value in (
        ("effective_to", "2025-06-01"),
        ("discount_percent", "lots"),
        ("model_pattern", ""),
        ("effective_from", ""),
    ):
        answer = client.post(
            "/cost/prices/overrides", data={**FORM, field: value, "csrf_token": token}
        )
        assert answer.status_code == 422, field
        assert f'data-field="{field}"' in answer.text
        assert 'value="Anthropic &lt;commit&gt; deal"' in answer.text  # the form as typed
    assert _counts(db) == before


def test_writers_only_and_csrf(client: TestClient, db: Database) -> None:
    seed_units(db)
    token = login(client, make_user(db, Role.engineer))
    refused = client.post("/cost/prices/overrides", data={**FORM, "csrf_token": token})
    assert refused.status_code == 403
    login(client, make_user(db, Role.admin))
    assert client.post("/cost/prices/overrides", data=FORM).status_code == 403
    assert _counts(db)[1] == 0
