"""The prices API as different roles, with bad input, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from aitower.core.access.roles import Role
from aitower.core.audit.tables import AuditEventRow
from aitower.core.db.engine import Database
from aitower.cost.tables import PriceOverrideRow
from support import make_key, seed_units

PROBLEM = "application/problem+json"
URL = "/api/v1/prices"
GOOD = {
    "provider": "OpenAI",
    "model_pattern": "gpt-4o",
    "discount_percent": 20,
    "effective_from": "2026-01-01",
    "effective_to": "2026-07-01",
    "note": "EA 2026",
}


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _counts(db: Database) -> tuple[int, int]:
    with db.reading() as session:
        events = session.execute(select(func.count()).select_from(AuditEventRow)).scalar_one()
        rows = session.execute(select(func.count()).select_from(PriceOverrideRow)).scalar_one()
    return int(events), int(rows)


@pytest.fixture
def admin(db: Database) -> dict[str, str]:
    seed_units(db)
    return _auth(make_key(db, Role.admin))


def test_catalog_filters_by_provider_spelling_and_text(
    client: TestClient, admin: dict[str, str]
) -> None:
    azure = client.get(f"{URL}/catalog", params={"provider": "az.ai.openai"}, headers=admin)
    # Azure's own list is short: the rest falls back to OpenAI's (and a few makers') lists
    assert azure.status_code == 200 and 0 < azure.json()["total"] < 50
    found = client.get(
        f"{URL}/catalog", params={"provider": "mistralai", "q": "codestral-2508"}, headers=admin
    ).json()
    assert [e["id"] for e in found["items"]] == ["mistral/codestral-2508"]
    entry = found["items"][0]
    # genai-prices 0.2.5: codestral-2508 0.30 / 0.90, batch half price from 2026-10-14
    assert (entry["prices"]["input"], entry["prices"]["output"]) == (0.30, 0.90)
    assert entry["prices"]["reasoning"] is None and entry["provider"] == "mistral_ai"
    assert entry["sources"] == ["https://mistral.ai/pricing/api"]
    assert entry["data"].startswith("genai-prices 0.2.5")
    assert [(v["when"], v["starts"]) for v in entry["variants"]] == [
        ("processing=batch", "2026-10-14")
    ]
    gemini = client.get(
        f"{URL}/catalog", params={"provider": "gcp.gemini", "q": "gemini-2.5-pro"}, headers=admin
    ).json()["items"]
    pro = next(e for e in gemini if e["model_id"] == "gemini-2.5-pro")
    assert [(t["above_input_tokens"], t["input"], t["output"]) for t in pro["tiers"]] == [
        (200_000, 2.50, 15.00)
    ]
    everything = client.get(f"{URL}/catalog", params={"limit": 200}, headers=admin).json()
    assert everything["total"] > 2_000 and everything["next_offset"] == 200


def test_quote_explains_a_catalog_price(client: TestClient, admin: dict[str, str]) -> None:
    answer = client.get(
        f"{URL}/quote",
        params={
            "provider": "anthropic",
            "model": "claude-3-5-sonnet-20241022",
            "input_tokens": 10_000,
            "cache_read_tokens": 6_000,
            "cache_write_tokens": 2_000,
            "output_tokens": 800,
            "at": "2026-03-01T12:00:00Z",
        },
        headers=admin,
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    # 2,000 × 3.00 + 6,000 × 0.30 + 2,000 × 3.75 + 800 × 15.00, per million
    assert body["cost"] == pytest.approx(0.0273)
    assert (body["source"], body["entry_id"]) == ("catalog", "anthropic/claude-3-5-sonnet")
    assert [line["kind"] for line in body["lines"]][:3] == ["input", "cache_read", "cache_write"]
    assert "claude-3-5-sonnet" in body["explanation"]


def test_quote_of_an_unknown_model_is_unpriced_not_zero(
    client: TestClient, admin: dict[str, str]
) -> None:
    body = client.get(
        f"{URL}/quote", params={"provider": "openai", "model": "gpt-99", "input_tokens": 5},
        headers=admin,
    ).json()  # fmt: skip
    assert (body["cost"], body["source"], body["lines"]) == (None, "unpriced", [])


def test_override_lifecycle_changes_quotes(
    client: TestClient, admin: dict[str, str], db: Database
) -> None:
    made = client.post(f"{URL}/overrides", json=GOOD, headers=admin)
    assert made.status_code == 201, made.text
    override = made.json()
    assert (override["provider"], override["created_by"][:7]) == ("openai", "apikey:")
    quote_params = {"provider": "openai", "model": "gpt-4o-2024-08-06", "input_tokens": 1_000}
    during = client.get(
        f"{URL}/quote", params={**quote_params, "at": "2026-06-30T23:59:59Z"}, headers=admin
    ).json()
    # 20% off 2.50 = 2.00 per million
    assert (during["source"], during["cost"]) == ("override", pytest.approx(0.002))
    assert during["entry_id"] == override["id"]
    after = client.get(
        f"{URL}/quote", params={**quote_params, "at": "2026-07-01T00:00:00Z"}, headers=admin
    ).json()
    assert (after["source"], after["cost"]) == ("catalog", pytest.approx(0.0025))

    item = f"{URL}/overrides/{override['id']}"
    patched = client.patch(item, json={"effective_to": None, "input_price": 1.5}, headers=admin)
    assert patched.status_code == 200, patched.text
    assert (patched.json()["effective_to"], patched.json()["input_price"]) == (None, 1.5)
    later = client.get(
        f"{URL}/quote", params={**quote_params, "at": "2027-01-01T00:00:00"}, headers=admin
    ).json()
    assert (later["source"], later["cost"]) == ("override", pytest.approx(0.0015))
    listed = client.get(f"{URL}/overrides", params={"provider": "openai"}, headers=admin).json()
    assert [o["id"] for o in listed["items"]] == [override["id"]]
    assert client.delete(item, headers=admin).status_code == 204
    assert client.get(item, headers=admin).status_code == 404
    assert client.delete(item, headers=admin).status_code == 404
    assert _counts(db)[1] == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"input_price": -1}, "input_price"),
        ({"discount_percent": 150}, "discount_percent"),
        ({"effective_to": "2026-01-01"}, "effective_to"),
        ({"effective_to": "2025-12-01"}, "effective_to"),
        ({"model_pattern": ""}, "model_pattern"),
        ({"model_pattern": "openai/gpt-4o"}, "model_pattern"),
        ({"provider": ""}, "provider"),
        ({"effective_from": "next tuesday"}, "effective_from"),
        ({"output_price": "cheap"}, "output_price"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_overrides_are_422_naming_the_field_and_write_nothing(
    client: TestClient, admin: dict[str, str], db: Database, changes: dict[str, object], field: str
) -> None:
    before = _counts(db)
    answer = client.post(f"{URL}/overrides", json={**GOOD, **changes}, headers=admin)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == PROBLEM
    assert field in [e["field"] for e in answer.json()["errors"]], answer.json()
    assert _counts(db) == before


def test_bad_patch_and_quote_input_are_422(
    client: TestClient, admin: dict[str, str], db: Database
) -> None:
    item = (
        f"{URL}/overrides/{client.post(f'{URL}/overrides', json=GOOD, headers=admin).json()['id']}"
    )
    before = _counts(db)
    for body, field in (({"provider": None}, "provider"), ({"input_price": -3}, "input_price")):
        answer = client.patch(item, json=body, headers=admin)
        assert answer.status_code == 422
        assert answer.json()["errors"][0]["field"] == field
    assert _counts(db) == before
    for params, field in (
        ({"model": "gpt-4o", "input_tokens": -1}, "input_tokens"),
        ({"provider": "openai"}, "model"),
        ({"model": "gpt-4o", "at": "yesterday"}, "at"),
    ):
        answer = client.get(f"{URL}/quote", params=params, headers=admin)
        assert answer.status_code == 422
        assert answer.json()["errors"][0]["field"] == field


def test_readers_read_and_only_price_owners_write(client: TestClient, db: Database) -> None:
    seed_units(db)
    stakeholder = _auth(make_key(db, Role.stakeholder))
    engineer = _auth(make_key(db, Role.engineer))
    ops = _auth(make_key(db, Role.ops_manager))
    assert client.get(f"{URL}/catalog", headers=stakeholder).status_code == 200
    assert client.get(f"{URL}/overrides", headers=engineer).status_code == 200
    assert client.post(f"{URL}/overrides", json=GOOD, headers=engineer).status_code == 403
    assert client.post(f"{URL}/overrides", json=GOOD, headers=ops).status_code == 201
