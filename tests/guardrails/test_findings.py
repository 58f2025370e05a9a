"""The findings' read side against hand-computed counts, on SQLite and PostgreSQL: sums of
occurrences, distinct spans, traces, users and values, per day, per system, and the reader's
business units."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from aitower.core.access.principal import Principal, PrincipalKind
from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from aitower.guardrails import findings
from aitower.guardrails.findings import FindingFilter
from aitower.telemetry.scope import portfolio_scope, system_scope
from guardrails.helpers import add_finding
from support import seed_units
from support_inventory import make_system

T = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


@dataclass(frozen=True)
class World:
    finance: uuid.UUID
    system_a: uuid.UUID  # Finance
    system_b: uuid.UUID  # Marketing


def principal(role: Role, units: frozenset[uuid.UUID] | None) -> Principal:
    return Principal(PrincipalKind.user, None, role.value, role, units)


@pytest.fixture
def world(db: Database) -> World:
    units = seed_units(db)
    a = make_system(db, units.unit_id, "Knowledge assistant")
    b = make_system(db, units.other_unit_id, "Marketing bot")
    add_finding(db, a, "iban", T, trace="a", span="1", occurrences=2, user="u1", digest="d1")
    add_finding(db, a, "iban", T + timedelta(hours=1), trace="a", span="2", user="u1", digest="d2")
    add_finding(db, a, "iban", T + DAY, trace="b", span="1", field="input", user="u2", digest="d1")
    add_finding(db, a, "secret.github_token", T + DAY, trace="b", span="1", user="u2", digest="k")
    add_finding(db, a, "iban", T + 3 * DAY, trace="c", span="1", occurrences=3, digest="d3")
    add_finding(db, b, "iban", T, trace="z", span="1", occurrences=5, user="u9", digest="d9")
    add_finding(db, None, "email", T, trace="y", span="1")  # an unregistered service's
    return World(units.unit_id, a, b)


def test_types_of_a_units_systems_count_what_was_found(db: Database, world: World) -> None:
    reader = principal(Role.security, frozenset({world.finance}))
    with db.reading() as session:
        types = findings.by_type(session, portfolio_scope(session, reader), FindingFilter())
    assert [t.finding_type for t in types] == ["iban", "secret.github_token"]
    iban, token = types
    assert (iban.count, iban.spans, iban.traces, iban.users, iban.values, iban.systems) == (
        7, 4, 3, 2, 3, 1,
    )  # fmt: skip
    assert (iban.first_seen, iban.last_seen) == (T, T + 3 * DAY)
    assert iban.category == "personal_data" and iban.title == "IBAN"
    assert (token.count, token.traces, token.users, token.values) == (1, 1, 1, 1)
    assert token.category == "secret" and token.title == "GitHub token"


def test_an_organisation_wide_reader_sees_every_registered_system(
    db: Database, world: World
) -> None:
    with db.reading() as session:
        scope = portfolio_scope(session, principal(Role.admin, None))
        types = findings.by_type(session, scope, FindingFilter())
        systems = findings.per_system(session, scope, FindingFilter(finding_type="iban"))
    iban = types[0]
    assert (iban.count, iban.traces, iban.users, iban.systems) == (12, 4, 3, 2)
    assert "email" not in {t.finding_type for t in types}  # nobody's unit owns that service
    assert systems == [(world.system_a, 7), (world.system_b, 5)]


def test_filters_narrow_by_time_type_category_and_system(db: Database, world: World) -> None:
    reader = principal(Role.admin, None)
    with db.reading() as session:
        scope = portfolio_scope(session, reader)

        def counts(**narrow: object) -> dict[str, int]:
            found = findings.by_type(session, scope, FindingFilter(**narrow))  # type: ignore[arg-type]
            return {t.finding_type: t.count for t in found}

        assert counts(since=T + DAY) == {"iban": 4, "secret.github_token": 1}
        assert counts(until=T + DAY) == {"iban": 8}
        assert counts(category="secret") == {"secret.github_token": 1}
        assert counts(finding_type="iban", system_id=world.system_b) == {"iban": 5}
        assert counts(since=T + 4 * DAY) == {}


def test_counts_per_utc_day_and_a_types_traces_users_and_days(db: Database, world: World) -> None:
    reader = principal(Role.security, frozenset({world.finance}))
    with db.reading() as session:
        scope = system_scope(session, reader, world.system_a)
        daily = findings.per_day(session, scope, FindingFilter())
        detail = findings.type_detail(session, scope, FindingFilter(), "iban")
        none = findings.type_detail(session, scope, FindingFilter(), "email")
    assert daily == {
        "iban": {date(2026, 3, 10): 3, date(2026, 3, 11): 1, date(2026, 3, 13): 3},
        "secret.github_token": {date(2026, 3, 11): 1},
    }
    assert detail is not None and none is None
    assert [count for _, count in detail.days] == [3, 1, 0, 3]
    assert [(h.trace_id[-1], h.count, h.fields) for h in detail.traces] == [
        ("c", 3, ("output",)),
        ("b", 1, ("input",)),
        ("a", 3, ("output",)),
    ]
    assert [(u.user_id, u.count, u.traces) for u in detail.users] == [("u1", 3, 1), ("u2", 1, 1)]


def test_another_units_system_is_not_found(db: Database, world: World) -> None:
    from aitower.core.errors import NotFound

    reader = principal(Role.security, frozenset({world.finance}))
    with db.reading() as session, pytest.raises(NotFound):
        system_scope(session, reader, world.system_b)
