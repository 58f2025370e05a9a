"""Trends on the systems table: "new" or "n/a" where a percentage would be absurd."""

from __future__ import annotations

import pytest

from aitower.telemetry.trends import MIN_PREVIOUS, trend


@pytest.mark.parametrize(
    ("current", "previous", "label", "direction"),
    [
        (900, 0, "new", ""),
        (0, 0, "n/a", ""),
        (6437, 2, "n/a", ""),  # was "+321750 %"
        (900, MIN_PREVIOUS - 1, "n/a", ""),
        (132, 100, "+32 %", "up"),
        (92, 100, "−8 %", "down"),
        (100, 100, "0 %", ""),
        (0, 40, "−100 %", "down"),
        (999, 100, "+899 %", "up"),
        (1000, 100, "×10", "up"),
        (1234, 100, "×12", "up"),
    ],
)
def test_the_trend_rule(current: int, previous: int, label: str, direction: str) -> None:
    found = trend(current, previous)
    assert (found.label, found.direction) == (label, direction)
    assert f"{current:,} now" in found.title
