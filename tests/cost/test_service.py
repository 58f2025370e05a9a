"""Organisation prices stored and audited, and the price book following them, both dialects."""

from __future__ import annotations

import datetime as dt
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from aitower.core.audit.tables import AuditEventRow
from aitower.core.db.engine import Database
from aitower.core.errors import InvalidInput, NotFound
from aitower.cost import service
from aitower.cost.overrides import OverrideSpec
from aitower.cost.tables import PriceOverrideRow
from aitower.cost.usage import TokenUsage
from support import CTX

JAN = dt.date(2026, 1, 1)
AT = datetime(2026, 3, 1, tzinfo=UTC)
ONE_K = TokenUsage(input=1_000, output=1_000)


def _counts(db: Database) -> tuple[int, int]:
    with db.reading() as session:
        events = session.execute(select(func.count()).select_from(AuditEventRow)).scalar_one()
        rows = session.execute(select(func.count()).select_from(PriceOverrideRow)).scalar_one()
    return int(events), int(rows)


def _actions(db: Database) -> list[str]:
    with db.reading() as session:
        return list(
            session.execute(
                select(AuditEventRow.action)
                .where(AuditEventRow.object_type == "price_override")
                .order_by(AuditEventRow.seq)
            ).scalars()
        )


def _price(db: Database, model: str = "gpt-4o") -> tuple[float | None, str]:
    with db.reading() as session:
        priced = service.load_price_book(session).price("openai", model, ONE_K, AT)
    return priced.cost, priced.source


def test_create_update_delete_are_audited_and_move_the_price_book(db: Database) -> None:
    assert _price(db) == (pytest.approx((2_500 + 10_000) / 1e6), "catalog")
    with db.writing() as session:
        made = service.create_override(
            session, CTX, OverrideSpec("OpenAI", "GPT-4o", JAN, discount_percent=20, note="EA")
        )
    assert (made.spec.provider, made.spec.model_pattern, made.created_by) == (
        "openai",
        "gpt-4o",
        "cli:test",
    )
    # 20% off: 2.00 and 8.00
    assert _price(db) == (pytest.approx((2_000 + 8_000) / 1e6), "override")
    with db.writing() as session:
        service.update_override(session, CTX, made.id, {"discount_percent": 50})
    assert _price(db) == (pytest.approx((1_250 + 5_000) / 1e6), "override")
    with db.writing() as session:
        service.update_override(session, CTX, made.id, {"effective_to": dt.date(2026, 2, 1)})
    assert _price(db)[1] == "catalog"  # ended before AT
    with db.writing() as session:
        service.delete_override(session, CTX, made.id)
    assert _price(db)[1] == "catalog"
    assert _actions(db) == [
        "price_override.created",
        "price_override.updated",
        "price_override.updated",
        "price_override.deleted",
    ]


def test_the_price_book_is_reused_until_the_overrides_change(db: Database) -> None:
    with db.reading() as session:
        first = service.load_price_book(session)
        again = service.load_price_book(session)
    assert again is first
    with db.writing() as session:
        made = service.create_override(
            session, CTX, OverrideSpec("openai", "o3", JAN, input_price=1.0)
        )
    with db.reading() as session:
        second = service.load_price_book(session)
    assert second is not first and len(second.overrides) == 1
    with db.writing() as session:
        service.delete_override(session, CTX, made.id)
    with db.reading() as session:
        third = service.load_price_book(session)
    assert third is not second and third.overrides == ()


def test_an_unchanged_update_writes_no_event(db: Database) -> None:
    with db.writing() as session:
        made = service.create_override(
            session, CTX, OverrideSpec("openai", "o3", JAN, input_price=1.0)
        )
    before = _counts(db)
    with db.writing() as session:
        service.update_override(session, CTX, made.id, {"input_price": 1.0})
    assert _counts(db) == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"input_price": -1.0}, "input_price"),
        ({"effective_to": JAN}, "effective_to"),
        ({"model_pattern": ""}, "model_pattern"),
        ({"provider": None}, "provider"),
        ({"effective_from": None}, "effective_from"),
        ({"created_by": "mallory"}, "created_by"),
    ],
)
def test_refused_changes_name_the_field_and_write_nothing(
    db: Database, changes: dict[str, object], field: str
) -> None:
    with db.writing() as session:
        made = service.create_override(
            session, CTX, OverrideSpec("openai", "o3", JAN, input_price=1.0)
        )
    before = _counts(db)
    with pytest.raises(InvalidInput) as refused, db.writing() as session:
        service.update_override(session, CTX, made.id, changes)
    assert refused.value.issues[0].field == field
    assert _counts(db) == before
    with db.reading() as session:
        assert service.get_override(session, made.id).spec.input_price == 1.0


def test_refused_creation_writes_nothing(db: Database) -> None:
    before = _counts(db)
    with pytest.raises(InvalidInput), db.writing() as session:
        service.create_override(session, CTX, OverrideSpec("openai", "gpt-4o", JAN))
    assert _counts(db) == before


def test_list_by_provider_any_spelling_and_unknown_ids(db: Database) -> None:
    with db.writing() as session:
        service.create_override(session, CTX, OverrideSpec("openai", "o3", JAN, input_price=1.0))
        service.create_override(
            session, CTX, OverrideSpec("bedrock", "nova-*", JAN, input_price=1.0)
        )
    with db.reading() as session:
        found, total = service.list_overrides(session, provider="aws.bedrock")
        everything, all_total = service.list_overrides(session)
    assert total == 1 and found[0].spec.provider == "aws.bedrock"
    assert all_total == 2 and [v.spec.provider for v in everything] == ["aws.bedrock", "openai"]
    missing = found[0].id.__class__(int=0)
    with pytest.raises(NotFound), db.writing() as session:
        service.delete_override(session, CTX, missing)
