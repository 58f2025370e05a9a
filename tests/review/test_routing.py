"""The routing pass: findings, low scores and a sample become items, once each, from the
route's watermark; a fixed clock makes the counts exact."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta

from sqlalchemy import func, select

from aitower.core.access.tables import BusinessUnitRow
from aitower.core.db.engine import Database
from aitower.review.domain import RouteSettings
from aitower.review.route_settings import set_route
from aitower.review.routing import FIRST_LOOKBACK, LATE_GRACE, route_all, route_system
from aitower.review.tables import ReviewItemRow, ReviewRouteRow
from review.support_review import NOW, add_finding, add_score, add_trace, add_traces, trace_id
from support import CTX, seed_units
from support_inventory import audit_count, make_system


def _route(db: Database, system_id: uuid.UUID, **values: object) -> None:
    settings = RouteSettings(enabled=True, **values)  # type: ignore[arg-type]
    with db.writing() as session:
        set_route(session, CTX, system_id, settings)


def _items(db: Database) -> list[tuple[str, str, str, str]]:
    with db.reading() as session:
        rows = session.execute(
            select(
                ReviewItemRow.trace_id,
                ReviewItemRow.source,
                ReviewItemRow.finding_type,
                ReviewItemRow.assigned_role,
            ).order_by(ReviewItemRow.trace_id, ReviewItemRow.source, ReviewItemRow.finding_type)
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


def _system(db: Database) -> uuid.UUID:
    seeded = seed_units(db)
    return make_system(db, seeded.unit_id, "knowledge assistant")


def test_findings_become_items_per_trace_and_type_for_the_security_role(db: Database) -> None:
    system = _system(db)
    _route(db, system, finding_categories=("personal_data",), finding_types=("aws_key",))
    hour = NOW - timedelta(hours=1)
    add_trace(db, system, trace_id(1), hour)
    add_finding(db, system, trace_id(1), hour, "iban")
    add_finding(db, system, trace_id(1), hour, "iban", confidence=0.5)  # same type: one item
    add_finding(db, system, trace_id(1), hour, "email")
    add_finding(db, system, trace_id(2), hour, "aws_key", category="secret")  # by type
    add_finding(db, system, trace_id(3), hour, "jailbreak", category="injection")  # not routed
    add_finding(db, system, trace_id(4), NOW - FIRST_LOOKBACK - LATE_GRACE * 2, "iban")  # too old
    with db.writing() as session:
        assert route_system(session, system, NOW) == 3
    assert _items(db) == [
        (trace_id(1), "finding", "email", "security"),
        (trace_id(1), "finding", "iban", "security"),
        (trace_id(2), "finding", "aws_key", "security"),
    ]
    with db.reading() as session:
        reason = session.execute(
            select(ReviewItemRow.reason).where(ReviewItemRow.finding_type == "iban")
        ).scalar_one()
    assert "confidence 0.90" in reason  # the most confident finding of the type


def test_low_scores_below_the_threshold_of_the_named_score(db: Database) -> None:
    system = _system(db)
    _route(db, system, finding_categories=(), low_score_below=0.5, score_name="helpfulness")
    at = NOW - timedelta(minutes=30)
    add_score(db, system, trace_id(1), at, 0.2)
    add_score(db, system, trace_id(1), at, 0.1)  # one item per trace
    add_score(db, system, trace_id(2), at, 0.5)  # not below
    add_score(db, system, trace_id(3), at, 0.0, name="toxicity")  # another score
    add_score(db, system, trace_id(4), at, 0.3)
    with db.writing() as session:
        assert route_system(session, system, NOW) == 2
    assert _items(db) == [
        (trace_id(1), "low_score", "", "prompt_engineer"),
        (trace_id(4), "low_score", "", "prompt_engineer"),
    ]


def _expected_sample(ids: range, rate: float) -> set[str]:
    """Independently of the code: the first 16 hex digits of SHA-256 over 16**16."""
    return {
        trace_id(n)
        for n in ids
        if int(hashlib.sha256(trace_id(n).encode()).hexdigest()[:16], 16) / 16**16 < rate
    }


def test_sample_is_deterministic_and_no_trace_is_queued_twice(db: Database) -> None:
    system = _system(db)
    _route(db, system, finding_categories=(), sample_rate=0.1)
    ids = range(1000, 1400)  # 400 traces, a second apart, ending 10 minutes before NOW
    add_traces(db, system, ids, NOW - timedelta(minutes=10, seconds=400))
    expected = _expected_sample(ids, 0.1)
    assert 20 < len(expected) < 65
    assert route_all(db, NOW) == len(expected)
    assert {t for t, *_ in _items(db)} == expected
    # Again at once, and later (its window overlaps the first by LATE_GRACE): nothing new.
    assert route_all(db, NOW) == 0
    assert route_all(db, NOW + timedelta(minutes=5)) == 0
    with db.reading() as session:
        assert session.execute(select(func.count()).select_from(ReviewItemRow)).scalar() == len(
            expected
        )
        route = session.get(ReviewRouteRow, system)
        assert route is not None and route.watermark == NOW + timedelta(minutes=5)


def test_a_new_trace_after_the_watermark_is_considered(db: Database) -> None:
    system = _system(db)
    _route(db, system, sample_rate=1.0)
    add_trace(db, system, trace_id(1), NOW - timedelta(hours=2))
    assert route_all(db, NOW) == 1
    add_trace(db, system, trace_id(2), NOW + timedelta(minutes=1))
    add_finding(db, system, trace_id(2), NOW + timedelta(minutes=1))
    assert route_all(db, NOW + timedelta(minutes=2)) == 2  # its sample and its finding
    assert [(t, s) for t, s, *_ in _items(db)] == [
        (trace_id(1), "sample"),
        (trace_id(2), "finding"),
        (trace_id(2), "sample"),
    ]


def test_disabled_routes_and_other_systems_queue_nothing(db: Database) -> None:
    system = _system(db)
    other = make_system(db, seed_units_again(db), "other")
    with db.writing() as session:
        set_route(session, CTX, system, RouteSettings(enabled=False, sample_rate=1.0))
    add_trace(db, system, trace_id(1), NOW - timedelta(minutes=5))
    add_trace(db, other, trace_id(2), NOW - timedelta(minutes=5))
    add_finding(db, other, trace_id(2), NOW - timedelta(minutes=5))
    before = audit_count(db)
    assert route_all(db, NOW) == 0
    assert _items(db) == []
    assert audit_count(db) == before  # routing itself writes no audit event


def seed_units_again(db: Database) -> uuid.UUID:
    with db.reading() as session:
        return session.execute(
            select(BusinessUnitRow.id).where(BusinessUnitRow.name == "Marketing")
        ).scalar_one()
