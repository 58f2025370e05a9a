"""``GET /api/v1/spend/costs`` and ``/drivers`` on both databases: cost of every source per
period and group, vendors of LLM lines, what a unit-scoped reader sees, the CSV, bad filters
named (422), and the drivers' parts summing to the change."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from fastapi.testclient import TestClient

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from aitower.spend.costs import daily_costs
from spend.spend_support import NOW, world
from support import make_key

API = "/api/v1/spend"


def _key(db: Database, role: Role, unit: str = "finance") -> dict[str, str]:
    return {"Authorization": f"Bearer {make_key(db, role, unit=unit)}"}


def _get(client: TestClient, headers: dict[str, str], path: str, **params: Any) -> Any:
    with time_machine.travel(NOW, tick=False):
        answer = client.get(f"{API}/{path}", params=params, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _by_label(report: dict[str, Any]) -> dict[str, list[float]]:
    return {g["label"]: g["amounts"] for g in report["groups"]}


def test_monthly_cost_per_system_unit_vendor_and_source(client: TestClient, db: Database) -> None:
    w = world(db)
    admin = _key(db, Role.admin)
    span = {"start": "2026-05-01", "end": "2026-07-01", "grain": "monthly"}
    by_system = _get(client, admin, "costs", group_by="system", **span)
    assert by_system["periods"] == ["2026-05", "2026-06"]
    groups = _by_label(by_system)
    assert groups["Finance assistant"] == pytest.approx([31 + 62, 16 * 5])
    assert groups["Marketing writer"] == pytest.approx([0, 32])
    assert groups["Unattributed"] == pytest.approx([0, 7 + 300 + 50])
    assert by_system["total"] == pytest.approx(93 + 80 + 32 + 357)
    by_vendor = _by_label(_get(client, admin, "costs", group_by="vendor", **span))
    assert by_vendor["OpenAI"] == pytest.approx([31, 16 * 5 + 7])
    assert by_vendor["Anthropic"] == pytest.approx([0, 32])
    assert by_vendor["AWS"] == pytest.approx([62, 0])
    by_source = _by_label(_get(client, admin, "costs", group_by="source", **span))
    assert by_source["llm"] == pytest.approx([31, 80 + 32 + 7])
    assert by_source["licence"] == pytest.approx([0, 300])
    by_unit = _by_label(_get(client, admin, "costs", group_by="unit", **span))
    assert by_unit["Finance"] == pytest.approx([93, 80])
    assert by_unit["Marketing"] == pytest.approx([0, 32 + 300])  # the unit's own licence
    assert w.finance


def test_daily_grain_and_the_range_bounds(client: TestClient, db: Database) -> None:
    world(db)
    admin = _key(db, Role.admin)
    daily = _get(client, admin, "costs", group_by="model", grain="daily",
                 start="2026-06-15", end="2026-06-17")  # fmt: skip
    assert daily["periods"] == ["2026-06-15", "2026-06-16"]
    groups = _by_label(daily)
    assert groups["gpt-4.1"] == pytest.approx([4.0, 4.0])
    assert groups["claude-sonnet-4"] == pytest.approx([2.0, 2.0])
    assert groups["No model"] == pytest.approx([10.0, 10.0])  # the licence, spread over June


def test_a_unit_scoped_reader_sees_her_units_systems_only(client: TestClient, db: Database) -> None:
    w = world(db)
    stakeholder = _key(db, Role.stakeholder, unit="marketing")
    report = _get(client, stakeholder, "costs", group_by="system", start="2026-05-01",
                  end="2026-07-01")  # fmt: skip
    assert _by_label(report) == {
        "Marketing writer": pytest.approx([0, 32]),
        "Unattributed": pytest.approx([0, 300]),  # her unit's licence, no other unit's cost
    }
    with time_machine.travel(NOW, tick=False):
        refused = client.get(f"{API}/costs", params={"system_id": str(w.assistant)},
                             headers=stakeholder)  # fmt: skip
    assert refused.status_code == 422
    assert "system_id" in refused.text


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"grain": "weekly"}, "grain"),
        ({"group_by": "colour"}, "group_by"),
        ({"start": "2026-06-01", "end": "2026-05-01"}, "end"),
        ({"start": "2020-01-01", "end": "2026-01-01"}, "end"),
        ({"start": "June"}, "start"),
    ],
)
def test_bad_filters_are_named(
    client: TestClient, db: Database, params: dict[str, str], field: str
) -> None:
    admin = _key(db, Role.admin)
    answer = client.get(f"{API}/costs", params=params, headers=admin)
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert field in answer.text


def test_the_csv(client: TestClient, db: Database) -> None:
    world(db)
    admin = _key(db, Role.admin)
    with time_machine.travel(NOW, tick=False):
        answer = client.get(f"{API}/costs", headers=admin, params={
            "format": "csv", "group_by": "source", "start": "2026-06-01", "end": "2026-07-01",
        })  # fmt: skip
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    lines = answer.text.splitlines()
    assert lines[0] == "period,source,key,amount_usd"
    assert "2026-06,licence,licence,300.0000" in lines


def test_drivers_split_the_change_exactly(client: TestClient, db: Database) -> None:
    w = world(db)
    admin = _key(db, Role.admin)
    found = _get(client, admin, "drivers", system_id=str(w.assistant),
                 before_start="2026-05-01", before_end="2026-05-17",
                 after_start="2026-06-01", after_end="2026-06-17")  # fmt: skip
    # Before: 16 days of mini ($16) and AWS ($32). After: 16 days of mini ($16) + gpt-4.1 ($64).
    assert found["before"] == pytest.approx(48.0)
    assert found["after"] == pytest.approx(80.0)
    assert sum(p["amount"] for p in found["parts"]) == pytest.approx(found["change"])
    parts = {p["name"]: p["amount"] for p in found["parts"]}
    assert parts["cloud · AWS"] == pytest.approx(-32.0)
    # Calls doubled (160 → 320) and half moved to gpt-4.1 at 4× the price per token.
    # Shapley by hand (traffic T: 160→320; mix: mini share 1 → ½; price/tokens unchanged):
    # cost(T, s) = T·(s_mini·1e-4 + s_41·4e-4)·1000/10 … traffic = ½(16 + 40) = 28,
    # mix = ½(24 + 48) = 36; 28 + 36 = 64 = the LLM change.
    assert found["traffic"] == pytest.approx(28.0)
    assert found["model_mix"] == pytest.approx(36.0)
    assert found["switch"] == ["gpt-4o-mini", "gpt-4.1"]
    assert found["sentence"].startswith("cost rose $32.00: ")


def test_daily_costs_keep_their_contract(db: Database) -> None:
    w = world(db)
    with db.reading() as session:
        lines = daily_costs(session, date(2026, 6, 16), date(2026, 6, 17), [w.assistant])
    assert sorted((ln.model, ln.vendor, ln.amount) for ln in lines) == [
        ("gpt-4.1", "OpenAI", 4.0), ("gpt-4o-mini", "OpenAI", 1.0),
    ]  # fmt: skip
