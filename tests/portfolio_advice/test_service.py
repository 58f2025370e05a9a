"""Advice from rows written in telemetry's tables and the ledger, on SQLite and PostgreSQL:
each kind's saving hand-computed, the reader's units, the filters."""

from __future__ import annotations

import uuid

import numpy as np
import pytest
from scipy import stats

from aitower.core.access.principal import Principal, PrincipalKind, cli_principal
from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from aitower.core.errors import InvalidInput, NotFound
from aitower.cost.service import load_price_book
from aitower.portfolio.advice import DAYS_PER_MONTH, AdviceKind
from aitower.portfolio.advice_service import AdviceFilter, advise, parse_filter
from portfolio_advice.support_advice import (
    NOW,
    World,
    build_world,
    days_ago,
    rollup,
    span_scores,
)
from support import seed_units
from support_inventory import make_system


@pytest.fixture
def world(db: Database) -> World:
    return build_world(db)


def reader(role: Role, units: frozenset[uuid.UUID] | None) -> Principal:
    return Principal(PrincipalKind.user, None, role.value, role, units)


def _advice(db: Database, who: Principal, flt: AdviceFilter | None = None) -> dict[str, object]:
    with db.reading() as session:
        report = advise(session, who, flt or AdviceFilter(), NOW)
    return {f"{a.kind.value}:{a.title}": a for a in report.items}


def _prices(db: Database, model: str) -> tuple[float, float]:
    with db.reading() as session:
        tariff = load_price_book(session).lookup(None, model, NOW)
    assert tariff is not None
    return tariff.input, tariff.cache_read


def test_every_kind_for_the_whole_portfolio(db: Database, world: World) -> None:
    with db.reading() as session:
        report = advise(session, cli_principal("t"), AdviceFilter(), NOW)
    kinds = {a.kind: a for a in report.items}
    assert set(kinds) == set(AdviceKind)
    savings = [a.monthly_saving for a in report.items]
    assert savings == sorted(savings, reverse=True)

    cheaper = kinds[AdviceKind.cheaper_model]
    # big: 2,000 calls over 20 days (two day buckets 19 days apart, + the last day).
    assert cheaper.monthly_saving == pytest.approx(0.009 * 2_000 / 20 * DAYS_PER_MONTH)
    assert cheaper.system_id == world.bot and cheaper.evidence["thumbs.n_current"] == 100

    growth = kinds[AdviceKind.prompt_growth]
    price, _ = _prices(db, "gpt-4o")
    # the last 30 days hold 4 weekly rows of 100 calls, 21 days apart.
    monthly = 400 / 22 * DAYS_PER_MONTH
    assert growth.monthly_saving == pytest.approx(500 * monthly * price / 1e6)

    cache = kinds[AdviceKind.cache]
    price_in, price_cached = _prices(db, "gpt-4o-mini")
    monthly = 2_000 / 8 * DAYS_PER_MONTH
    tokens = 60 / 110 * monthly * 1_500
    assert cache.monthly_saving == pytest.approx(tokens * (price_in - price_cached) / 1e6)
    assert cache.evidence["cache_hits"] == 40 and cache.evidence["cache_misses"] == 60

    idle = kinds[AdviceKind.idle_licences]  # the June record, the latest
    assert idle.monthly_saving == pytest.approx(260 * 11_700 / 30 / 300 * DAYS_PER_MONTH)

    twice = kinds[AdviceKind.duplicate]
    # window of 91 days: copilot's May record whole, 10 days of June's.
    copilot = (12_090 + 11_700 * 10 / 30) / 91 * DAYS_PER_MONTH
    cursor = 2_400 / 91 * DAYS_PER_MONTH
    assert twice.monthly_saving == pytest.approx(cursor - 19 * copilot / 300)
    assert twice.evidence["combined_monthly_cost"] == pytest.approx(copilot + cursor, abs=0.01)


def test_a_stakeholder_sees_her_units_advice_and_only_links_she_may_open(
    db: Database, world: World
) -> None:
    found = _advice(db, reader(Role.stakeholder, frozenset({world.unit_a})))
    kinds = {str(k).split(":")[0] for k in found}
    assert kinds == {"cheaper_model", "prompt_growth", "cache"}  # no unit B licence, one Cursor
    for advice in found.values():
        hrefs = [link.href for link in advice.links]  # type: ignore[attr-defined]
        assert not any(h.startswith("/monitoring") for h in hrefs)
        assert any(h.startswith("/systems/") for h in hrefs)
    engineer = _advice(db, reader(Role.engineer, frozenset({world.unit_a})))
    links = [link.href for a in engineer.values() for link in a.links]  # type: ignore[attr-defined]
    assert f"/monitoring/traces?system={world.bot}&model=big" in links


def test_filters_by_kind_system_and_unit(db: Database, world: World) -> None:
    admin = cli_principal("t")
    only = _advice(db, admin, AdviceFilter(kind=AdviceKind.idle_licences))
    assert [k.split(":")[0] for k in only] == ["idle_licences"]
    bot = _advice(db, admin, AdviceFilter(system_id=world.bot))
    assert [k.split(":")[0] for k in bot] == ["cheaper_model"]
    unit_b = _advice(db, admin, AdviceFilter(unit_id=world.unit_b))
    assert [k.split(":")[0] for k in unit_b] == ["idle_licences"]
    with pytest.raises(NotFound), db.reading() as session:
        advise(session, reader(Role.stakeholder, frozenset({world.unit_a})),
               AdviceFilter(system_id=world.other), NOW)  # fmt: skip


def test_bad_filters_name_their_field() -> None:
    with pytest.raises(InvalidInput) as bad_kind:
        parse_filter(kind="cheap")
    assert bad_kind.value.issues[0].field == "kind"
    with pytest.raises(InvalidInput) as bad_system:
        parse_filter(system="bot")
    assert bad_system.value.issues[0].field == "system"


def test_nothing_is_advised_on_an_empty_portfolio(db: Database) -> None:
    seed_units(db)
    with db.reading() as session:
        assert advise(session, cli_principal("t"), AdviceFilter(), NOW).items == []


def test_evaluations_belong_to_the_model_of_their_span(db: Database) -> None:
    units = seed_units(db)
    rag = make_system(db, units.unit_id, "Rag")
    for model, cost in (("dear", 20.0), ("cheap", 2.0)):
        rollup(db, rag, model, days_ago(9), calls=1_000, cost=cost)
        rollup(db, rag, model, days_ago(2), calls=1_000, cost=cost)
    rng = np.random.default_rng(7)
    dear = rng.normal(0.80, 0.1, 60).round(3).tolist()
    cheap = rng.normal(0.79, 0.1, 50).round(3).tolist()
    span_scores(db, rag, "dear", dear, days_ago(3), "groundedness")
    span_scores(db, rag, "cheap", cheap, days_ago(3), "groundedness")
    with db.reading() as session:
        [item] = advise(session, cli_principal("t"), AdviceFilter(), NOW).items
    ref = stats.ttest_ind(cheap, dear, equal_var=False)
    assert item.evidence["groundedness.test"] == "welch_t"
    assert item.evidence["groundedness.n"] == 50 and item.evidence["groundedness.n_current"] == 60
    assert item.evidence["groundedness.p_value"] == pytest.approx(float(ref.pvalue), abs=1e-6)
    # 0.018 $ a call less × 2,000 calls over 8 days (day buckets 7 days apart, + the last).
    assert item.monthly_saving == pytest.approx(0.018 * 2_000 / 8 * DAYS_PER_MONTH)
