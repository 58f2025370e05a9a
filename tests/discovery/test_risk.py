"""The risk score against hand-computed cases: each factor's points as documented, their sum,
and the reasons that make it up."""

from __future__ import annotations

import pytest

from aitower.discovery.risk import RiskInput, risk_score, upload_points
from aitower.discovery.sanction import SanctionStatus

S = SanctionStatus


@pytest.mark.parametrize(
    ("given", "score", "factors"),
    [
        # ChatGPT from a sensitive unit, 150 MB sent: 40 + 25 + 20 + 15 = 100.
        (RiskInput(S.unsanctioned, True, 150_000_000, True), 100,
         ["approval", "data_use", "upload", "sensitive_unit"]),
        # Under review, terms not established, 2 MB: 25 + 10 + 10 = 45.
        (RiskInput(S.under_review, None, 2_000_000, False), 45, ["approval", "data_use", "upload"]),
        # Sanctioned, no training, 50 kB: nothing counts.
        (RiskInput(S.sanctioned, False, 50_000, False), 0, []),
        # Not in the catalog (a telemetry source): 30 + 10 = 40.
        (RiskInput(None, None, 0, False), 40, ["approval", "data_use"]),
        # Code calling a sanctioned API no system claims: 30 (unregistered), nothing else.
        (RiskInput(S.sanctioned, False, 0, False, unregistered=True), 30, ["approval"]),
        # Unregistered but the service is unsanctioned: the larger 40 stands, 40 + 25 = 65.
        (RiskInput(S.unsanctioned, True, 0, False, unregistered=True), 65,
         ["approval", "data_use"]),
        # Blocked, no training, exactly 10 MB, sensitive: 40 + 15 + 15 = 70.
        (RiskInput(S.blocked, False, 10_000_000, True), 70,
         ["approval", "upload", "sensitive_unit"]),
    ],
)  # fmt: skip
def test_hand_computed_scores(given: RiskInput, score: int, factors: list[str]) -> None:
    found = risk_score(given)
    assert found.score == score
    assert sorted(r.factor for r in found.reasons) == sorted(factors)
    assert sum(r.points for r in found.reasons) == score
    assert [r.points for r in found.reasons] == sorted(
        (r.points for r in found.reasons), reverse=True
    )


@pytest.mark.parametrize(
    ("sent", "points"),
    [(0, 0), (99_999, 0), (100_000, 5), (999_999, 5), (1_000_000, 10), (9_999_999, 10),
     (10_000_000, 15), (99_999_999, 15), (100_000_000, 20), (10**12, 20)],
)  # fmt: skip
def test_upload_tiers_start_at_their_floor(sent: int, points: int) -> None:
    assert upload_points(sent) == points


def test_reasons_say_why_in_words() -> None:
    found = risk_score(RiskInput(S.unsanctioned, True, 2_500_000, False))
    texts = [r.text for r in found.reasons]
    assert texts == ["unapproved tool", "vendor trains on customer data", "2.5 MB sent"]
