"""The review queue's pure rules: the sample, the route's checks, quality and precision."""

from __future__ import annotations

import hashlib

import pytest

from aitower.core.errors import InvalidInput
from aitower.review.domain import (
    Reviewed,
    RouteSettings,
    checked_settings,
    precision_by_type,
    quality_by_system,
    sample_point,
    sampled,
    verdict_of,
)


def test_sample_point_is_the_first_eight_bytes_of_sha256_as_a_fraction() -> None:
    tid = "4bf92f3577b34da6a3ce929d0e0e4736"
    # Independently: the first 16 hex digits of the digest, over 16**16.
    expected = int(hashlib.sha256(tid.encode()).hexdigest()[:16], 16) / 16**16
    assert sample_point(tid) == expected
    assert 0.0 <= sample_point(tid) < 1.0


def test_sample_is_reproducible_nested_and_near_its_rate() -> None:
    ids = [f"{n:032x}" for n in range(20_000)]
    five = {t for t in ids if sampled(t, 0.05)}
    ten = {t for t in ids if sampled(t, 0.10)}
    assert five <= ten  # a higher rate takes every trace a lower one took
    assert five == {t for t in ids if sampled(t, 0.05)}
    # Binomial(20000, p): within 4 standard deviations.
    assert abs(len(five) - 1000) < 4 * (20_000 * 0.05 * 0.95) ** 0.5
    assert abs(len(ten) - 2000) < 4 * (20_000 * 0.10 * 0.90) ** 0.5
    assert not any(sampled(t, 0.0) for t in ids[:100])
    assert all(sampled(t, 1.0) for t in ids[:100])


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        (RouteSettings(sample_rate=1.5), "sample_rate"),
        (RouteSettings(sample_rate=-0.1), "sample_rate"),
        (RouteSettings(sample_rate=float("nan")), "sample_rate"),
        (RouteSettings(low_score_below=float("inf")), "low_score_below"),
        (RouteSettings(finding_categories=("pii",)), "finding_categories"),
        (RouteSettings(finding_types=("",)), "finding_types"),
        (RouteSettings(finding_role="boss"), "finding_role"),
        (RouteSettings(quality_role=""), "quality_role"),
    ],
)
def test_bad_route_settings_name_their_field(settings: RouteSettings, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        checked_settings(settings)
    assert caught.value.issues[0].field == field


def test_unknown_verdict_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        verdict_of("wrong")
    assert caught.value.issues[0].field == "verdict"


def _r(system: str, source: str, ftype: str, verdict: str) -> Reviewed:
    return Reviewed(system, source, ftype, verdict)


def test_quality_and_precision_against_a_hand_computed_case() -> None:
    reviewed = [
        _r("a", "finding", "iban", "leak"),
        _r("a", "finding", "iban", "leak"),
        _r("a", "finding", "iban", "false_alarm"),
        _r("a", "finding", "email", "policy_violation"),
        _r("a", "finding", "email", "correct"),  # judges the answer: counts for neither
        _r("a", "sample", "", "correct"),
        _r("a", "low_score", "", "hallucination"),
        _r("b", "sample", "", "correct"),
    ]
    by = {q.system_id: q for q in quality_by_system(reviewed)}
    a = by["a"]
    assert a.n == 7
    assert a.correct_share == pytest.approx(2 / 7)
    assert a.hallucination_rate == pytest.approx(1 / 7)
    assert a.policy_violation_rate == pytest.approx(1 / 7)
    assert a.leak_rate == pytest.approx(2 / 7)
    assert a.false_alarm_rate == pytest.approx(1 / 7)
    assert by["b"].n == 1 and by["b"].correct_share == 1.0
    assert precision_by_type(reviewed) == {"email": (1, 0), "iban": (2, 1)}
