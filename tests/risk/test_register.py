"""The register's rules: scores, bands, the residual bound, overdue reviews, the heat matrix."""

from __future__ import annotations

import datetime as dt

import pytest

from aitower.core.errors import InvalidInput
from aitower.risk.register import (
    Level,
    RiskFields,
    check_risk,
    heat_matrix,
    is_overdue,
    level,
    score,
)

TODAY = dt.date(2026, 11, 25)


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (1, Level.low),
        (4, Level.low),
        (5, Level.medium),
        (9, Level.medium),
        (10, Level.high),
        (16, Level.high),
        (20, Level.critical),
        (25, Level.critical),
    ],
)
def test_bands(value: int, band: Level) -> None:
    assert level(value) is band


def test_every_product_of_the_5x5_matrix_has_a_band() -> None:
    products = {score(lk, im) for lk in range(1, 6) for im in range(1, 6)}
    assert products == {1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 16, 20, 25}
    assert all(level(p) in Level for p in products)


def test_residual_defaults_to_inherent() -> None:
    checked = check_risk(RiskFields(title=" Leak ", category="privacy", likelihood=4, impact=5))
    assert (checked.title, checked.residual_likelihood, checked.residual_impact) == ("Leak", 4, 5)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"residual_likelihood": 5}, "residual_likelihood"),
        ({"residual_impact": 4}, "residual_impact"),
        ({"likelihood": 6}, "likelihood"),
        ({"impact": 0}, "impact"),
        ({"impact": True}, "impact"),
        ({"category": "weather"}, "category"),
        ({"status": "done"}, "status"),
        ({"title": "  "}, "title"),
    ],
)
def test_refusals_name_the_field(changes: dict[str, object], field: str) -> None:
    base = {"title": "t", "category": "bias", "likelihood": 3, "impact": 3}
    with pytest.raises(InvalidInput) as caught:
        check_risk(RiskFields(**{**base, **changes}))  # type: ignore[arg-type]
    assert caught.value.issues[0].field == field


def test_overdue() -> None:
    yesterday = TODAY - dt.timedelta(days=1)
    assert is_overdue(yesterday, "open", TODAY)
    assert is_overdue(yesterday, "accepted", TODAY)
    assert not is_overdue(yesterday, "closed", TODAY)
    assert not is_overdue(TODAY, "open", TODAY)
    assert not is_overdue(None, "open", TODAY)


def test_heat_matrix_is_indexed_by_likelihood_then_impact() -> None:
    matrix = heat_matrix([(1, 5, 2), (5, 1, 1), (1, 5, 1)])
    assert matrix[0][4] == 3
    assert matrix[4][0] == 1
    assert sum(map(sum, matrix)) == 4
