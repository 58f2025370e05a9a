"""Cost, value and ROI per system and month from the ledger and telemetry: measured drivers
where the system sent traces, declared ones elsewhere; value_since; scoping."""

from __future__ import annotations

from datetime import date

import pytest

from aitower.core.db.engine import Database
from aitower.portfolio import value_service
from aitower.portfolio.value_service import ValueModelFields
from aitower.portfolio.values import default_range, month_range, range_of, system_values
from portfolio_value.support_value import ledger, traffic
from support import CTX, seed_units
from support_inventory import add_system, scoped

START, END = date(2026, 2, 1), date(2026, 5, 1)
MODEL = ValueModelFields(
    use_driver="requests", hours_saved_per_use=0.5, loaded_hourly_rate=40.0,
    declared_uses_per_month=100.0, eligible_users=10, declared_adoption_percent=50.0,
    revenue_per_month=10.0, one_off_investment=1000.0,
)  # fmt: skip


def test_measured_drivers_in_months_with_telemetry_declared_elsewhere(db: Database) -> None:
    seed_units(db)
    system = add_system(db, services=["svc-value"]).id
    with db.writing() as session:
        value_service.declare_value_model(session, CTX, system, MODEL)
    sent = traffic(
        db, "svc-value", date(2026, 3, 10), ["u1", "u2", "u3", "u1"], ["s1", "s1", "s2", "s3"]
    )
    for month in (2, 3, 4):
        ledger(db, system, date(2026, month, 1), date(2026, month + 1, 1), 500.0)
    with db.reading() as session:
        (v,) = system_values(session, CTX.principal, START, END, [system])
    feb, mar, apr = v.months
    # February: declared 100 uses × 0.5 h × $40 × 50 % = $1,000, + $10 revenue
    assert (feb.value.uses_basis, feb.value.adoption_basis) == ("declared", "declared")  # type: ignore[union-attr]
    assert feb.value_total == pytest.approx(1010.0)
    # March: 4 measured requests, 3 of 10 users: 4 × 0.5 × 40 × 0.3 = $24, + $10
    assert (mar.usage.requests, mar.usage.sessions, mar.usage.active_users) == (len(sent), 3, 3)
    assert (mar.value.uses_basis, mar.value.adoption_basis) == ("measured", "measured")  # type: ignore[union-attr]
    assert mar.value_total == pytest.approx(34.0)
    assert apr.value_total == pytest.approx(1010.0)
    assert v.cost == pytest.approx(1500.0)
    assert v.value == pytest.approx(2054.0)
    assert v.roi == pytest.approx((2054.0 - 1500.0) / 1500.0)
    assert v.monthly_roi == pytest.approx([1.02, (34 - 500) / 500, 1.02])
    # cumulative value 1010, 1044, 2054 vs 1000 + 500, 1000, 1500: 1500, 2000, 2500 → never
    assert v.payback_months is None
    assert v.bases == {"measured", "declared"}


def test_value_since_and_no_model(db: Database) -> None:
    seed_units(db)
    late = add_system(db).id
    bare = add_system(db).id
    with db.writing() as session:
        fields = ValueModelFields(revenue_per_month=300.0, value_since=date(2026, 3, 15))
        value_service.declare_value_model(session, CTX, late, fields)
    ledger(db, late, START, END, 300.0)  # 89 days, spread evenly
    with db.reading() as session:
        by_id = {v.system.id: v for v in system_values(session, CTX.principal, START, END)}
    assert [m.value_total for m in by_id[late].months] == [0.0, 300.0, 300.0]
    assert by_id[late].cost == pytest.approx(300.0)
    # cost per day 300/89: by the end of March 59 days = $198.88 < $300 of value: month 2
    assert by_id[late].months[1].cost == pytest.approx(300 * 31 / 89)
    assert by_id[late].payback_months == 2
    assert by_id[bare].roi is None and by_id[bare].model is None


def test_a_unit_scoped_reader_sees_her_units_only(db: Database) -> None:
    units = seed_units(db)
    mine = add_system(db, unit="finance").id
    add_system(db, unit="marketing")
    with db.reading() as session:
        found = system_values(session, scoped(units.unit_id).principal, START, END)
    assert [v.system.id for v in found] == [mine]


def test_ranges() -> None:
    assert default_range(date(2026, 12, 7)) == (date(2025, 12, 1), date(2026, 12, 1))
    assert month_range(date(2026, 3, 1), 3) == (date(2026, 1, 1), date(2026, 4, 1))
    assert range_of(2, "2026-01", date(2026, 6, 1)) == (date(2025, 12, 1), date(2026, 2, 1))
