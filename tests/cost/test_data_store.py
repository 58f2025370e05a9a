"""Loading a newer price data file offline: checked whole, stored, audited, picked up by the
price book of every process; back to the bundled data. Service, API and CLI, both dialects."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from aitower.core.access.roles import Role
from aitower.core.audit.tables import AuditEventRow
from aitower.core.db.engine import Database
from aitower.core.errors import InvalidInput
from aitower.cost import data_store, service
from aitower.cost.price_data import file_sha256
from aitower.cost.tables import PriceDataRow
from aitower.cost.usage import TokenUsage
from cli_support import Cli, base_env, one_error_line
from support import CTX, make_key, seed_units

SAMPLE = Path(__file__).parent / "data" / "genai_prices_published_sample.json"
AT = datetime(2026, 12, 1, 12, tzinfo=UTC)
MILLION_EACH = TokenUsage(input=1_000_000, output=1_000_000)


def _edited(input_price: float) -> bytes:
    """The sample with gpt-4o's input price changed (a newer file saying another price)."""
    doc = json.loads(SAMPLE.read_text())
    openai = next(p for p in doc if p["id"] == "openai")
    gpt_4o = next(m for m in openai["models"] if m["id"] == "gpt-4o")
    gpt_4o["prices"]["input_mtok"] = input_price
    return json.dumps(doc).encode()


def _counts(db: Database) -> tuple[int, int]:
    with db.reading() as session:
        events = session.execute(select(func.count()).select_from(AuditEventRow)).scalar_one()
        rows = session.execute(select(func.count()).select_from(PriceDataRow)).scalar_one()
    return int(events), int(rows)


def _gpt_4o_cost(db: Database) -> float | None:
    with db.reading() as session:
        book = service.load_price_book(session)
    return book.price("openai", "gpt-4o", MILLION_EACH, AT).cost


def test_a_loaded_file_is_in_force_audited_and_picked_up(db: Database) -> None:
    assert _gpt_4o_cost(db) == pytest.approx(12.5)  # bundled: 2.50 + 10.00
    content = _edited(3.0)
    with db.writing() as session:
        view = data_store.update_price_data(session, CTX, content, "mirror 2026-08-21")
    assert (view.label, view.sha256, view.model_count) == (
        "mirror 2026-08-21", file_sha256(content), 12,
    )  # fmt: skip
    assert _gpt_4o_cost(db) == pytest.approx(13.0)  # the file's 3.00 + 10.00
    with db.reading() as session:
        book = service.load_price_book(session)
        assert book.data.label == "mirror 2026-08-21" and not book.data.bundled
        # a model the file lacks is unpriced, not silently the bundled price
        assert book.price("openai", "gpt-4.1", MILLION_EACH, AT).cost is None
        event = session.execute(
            select(AuditEventRow).where(AuditEventRow.action == "price_data.loaded")
        ).scalar_one()
    assert event.before is not None and event.after is not None
    assert event.before["bundled"] is True and event.after["sha256"] == file_sha256(content)
    with db.writing() as session:
        data_store.use_bundled(session, CTX)
    assert _gpt_4o_cost(db) == pytest.approx(12.5)
    with db.reading() as session:
        assert data_store.in_force(session).bundled
        assert data_store.stored_content(session) is None


@pytest.mark.parametrize(
    "content", [b"not json", b"[]", _edited(-1.0), '["\u00e9"]'.encode("latin-1")]
)
def test_a_bad_file_stores_nothing(db: Database, content: bytes) -> None:
    before = _counts(db)
    with pytest.raises(InvalidInput) as refused, db.writing() as session:
        data_store.update_price_data(session, CTX, content, "bad")
    assert [issue.field for issue in refused.value.issues] == ["data"]
    assert _counts(db) == before
    assert _gpt_4o_cost(db) == pytest.approx(12.5)


@pytest.fixture
def keys(db: Database) -> dict[str, dict[str, str]]:
    seed_units(db)
    return {
        role: {"Authorization": f"Bearer {make_key(db, getattr(Role, role))}"}
        for role in ("admin", "analyst")
    }


def test_the_api_loads_shows_and_refuses(
    client: TestClient, db: Database, keys: dict[str, dict[str, str]]
) -> None:
    url = "/api/v1/prices/data"
    shown = client.get(url, headers=keys["analyst"]).json()
    assert shown["bundled"] and shown["id"] is None and shown["models"] > 2_000
    assert client.get(f"{url}/file", headers=keys["analyst"]).status_code == 404
    body = {"label": "sample", "data": json.loads(_edited(3.0))}
    assert client.post(url, json=body, headers=keys["analyst"]).status_code == 403
    before = _counts(db)
    bad = client.post(url, json={"data": [{"id": "x"}]}, headers=keys["admin"])
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem")
    assert "data" in bad.text and _counts(db) == before
    both = client.post(url, json={**body, "bundled": True}, headers=keys["admin"])
    assert both.status_code == 422
    extra = client.post(url, json={**body, "url": "https://x"}, headers=keys["admin"])
    assert extra.status_code == 422
    loaded = client.post(url, json=body, headers=keys["admin"])
    assert loaded.status_code == 201, loaded.text
    assert (loaded.json()["label"], loaded.json()["models"]) == ("sample", 12)
    assert client.get(url, headers=keys["analyst"]).json()["label"] == "sample"
    stored = client.get(f"{url}/file", headers=keys["analyst"])
    assert stored.status_code == 200 and len(stored.json()) == 4
    quote = client.get(
        "/api/v1/prices/quote",
        params={"provider": "openai", "model": "gpt-4o", "input_tokens": 1_000_000},
        headers=keys["analyst"],
    ).json()
    assert quote["cost"] == pytest.approx(3.0) and "sample" in quote["explanation"]
    back = client.post(url, json={"bundled": True}, headers=keys["admin"])
    assert back.status_code == 201 and back.json()["bundled"]


def test_the_cli_updates_and_goes_back(database_url: str, tmp_path: Path, db: Database) -> None:
    cli = Cli({**base_env(tmp_path), "AITOWER_DATABASE_URL": database_url})
    bad = tmp_path / "bad.json"
    bad.write_bytes(b'[{"id": "openai"}]')
    before = _counts(db)
    refused = cli("prices", "update", str(bad))
    assert refused.exit_code != 0 and "providers[0] (openai)" in one_error_line(refused)
    assert _counts(db) == before
    good = tmp_path / "data.json"
    good.write_bytes(_edited(3.0))
    loaded = cli("prices", "update", str(good), "--label", "mirror")
    assert loaded.exit_code == 0, loaded.output
    assert "mirror" in loaded.stdout and _gpt_4o_cost(db) == pytest.approx(13.0)
    shown = cli("prices", "show")
    assert "mirror" in shown.stdout and file_sha256(_edited(3.0)) in shown.stdout
    assert cli("prices", "update", "--bundled").exit_code == 0
    assert _gpt_4o_cost(db) == pytest.approx(12.5)
    neither = cli("prices", "update")
    assert neither.exit_code != 0 and "file" in one_error_line(neither)
