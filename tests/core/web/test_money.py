"""Costs on pages: never ``$0.0000`` for a cost that is not zero; three significant digits
under a dollar, cents above."""

from __future__ import annotations

import pytest

from aitower.core.web.money import format_usd


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (0.0, "$0.00"),
        (0.00000123, "$0.00000123"),  # a small embedding call: not free
        (0.000012345, "$0.0000123"),
        (0.0042, "$0.0042"),
        (0.0105, "$0.0105"),
        (0.123456, "$0.123"),
        (0.5, "$0.50"),
        (0.999, "$0.999"),
        (0.9999, "$1.00"),
        (1.0, "$1.00"),
        (1234.567, "$1,234.57"),
        (-0.0042, "-$0.0042"),
        (None, "—"),
        (float("nan"), "—"),
    ],
)
def test_costs_keep_their_significant_digits(value: float | None, shown: str) -> None:
    assert format_usd(value) == shown


def test_no_non_zero_cost_reads_as_zero() -> None:
    for exponent in range(-12, 1):
        text = format_usd(3 * 10.0**exponent)
        assert text.strip("$0.,") != "", text
