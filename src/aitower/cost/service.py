"""Use cases of prices: the price book for ingest, and the organisation's overrides (audited).

``load_price_book`` is called by every ingest request, so it does not rebuild the book each
time: the book is cached per database and rebuilt only when the overrides or the price data
in force changed, which one cheap query tells (the overrides' count and latest
``updated_at``: a create or an edit moves the latest time, a delete moves the count; and the
id of the newest price data row). Several server processes on one database each notice a
change on their next request.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aitower.core.audit.service import ChangeContext, record_change
from aitower.core.errors import InvalidInput, NotFound
from aitower.cost import data_store
from aitower.cost.names import normalise_provider
from aitower.cost.overrides import OverrideSpec, check_override
from aitower.cost.pricing import PriceBook
from aitower.cost.tables import PriceDataRow, PriceOverrideRow

EDITABLE = frozenset(f.name for f in fields(OverrideSpec))
_COLUMNS = {f: f for f in EDITABLE}

BookVersion = tuple[int, datetime | None, uuid.UUID | None]
_books: dict[str, tuple[BookVersion, PriceBook]] = {}
_books_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class OverrideView:
    id: uuid.UUID
    spec: OverrideSpec
    created_by: str
    created_at: datetime
    updated_at: datetime

    def in_effect(self, day: date) -> bool:
        s = self.spec
        return s.effective_from <= day and (s.effective_to is None or day < s.effective_to)


def _spec(row: PriceOverrideRow) -> OverrideSpec:
    return OverrideSpec(**{name: getattr(row, name) for name in _COLUMNS})


def _view(row: PriceOverrideRow) -> OverrideView:
    return OverrideView(row.id, _spec(row), row.created_by, row.created_at, row.updated_at)


def _audit(spec: OverrideSpec) -> dict[str, Any]:
    return asdict(spec)


def _version(session: Session) -> BookVersion:
    newest = (
        select(PriceDataRow.id)
        .order_by(PriceDataRow.loaded_at.desc(), PriceDataRow.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    count, latest, data_id = session.execute(
        select(func.count(PriceOverrideRow.id), func.max(PriceOverrideRow.updated_at), newest)
    ).one()
    return int(count), latest, data_id


def load_price_book(session: Session) -> PriceBook:
    """The price data in force with the organisation's overrides, rebuilt only when either
    changed."""
    bind = session.get_bind()
    key = bind.engine.url.render_as_string(hide_password=True)
    version = _version(session)
    cached = _books.get(key)
    if cached is not None and cached[0] == version:
        return cached[1]
    rows = session.execute(select(PriceOverrideRow)).scalars().all()
    data = data_store.load_price_data(session, version[2])
    book = PriceBook(data, [_spec(r).as_override(str(r.id)) for r in rows])
    with _books_lock:
        _books[key] = (version, book)
    return book


def list_overrides(
    session: Session, *, provider: str | None = None, limit: int = 50, offset: int = 0
) -> tuple[list[OverrideView], int]:
    """Overrides (of one provider, any spelling), by provider, pattern and start date."""
    query = select(PriceOverrideRow)
    wanted = normalise_provider(provider)
    if wanted is not None:
        query = query.where(PriceOverrideRow.provider == wanted)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = session.execute(
        query.order_by(
            PriceOverrideRow.provider,
            PriceOverrideRow.model_pattern,
            PriceOverrideRow.effective_from.desc(),
            PriceOverrideRow.id,
        )
        .limit(limit)
        .offset(offset)
    ).scalars()
    return [_view(r) for r in rows], int(total)


def get_override(session: Session, override_id: uuid.UUID) -> OverrideView:
    row = session.get(PriceOverrideRow, override_id)
    if row is None:
        raise NotFound(f"no organisation price {override_id}")
    return _view(row)


def create_override(session: Session, ctx: ChangeContext, spec: OverrideSpec) -> OverrideView:
    checked = check_override(spec)
    row = PriceOverrideRow(id=uuid.uuid4(), created_by=ctx.principal.actor, **asdict(checked))
    session.add(row)
    session.flush()
    record_change(
        session, ctx, "price_override.created", "price_override", row.id, after=_audit(checked)
    )
    return _view(row)


def update_override(
    session: Session, ctx: ChangeContext, override_id: uuid.UUID, changes: Mapping[str, Any]
) -> OverrideView:
    """A partial change (PATCH): only the given fields, checked together with the others."""
    unknown = set(changes) - EDITABLE
    if unknown:
        raise InvalidInput.on(sorted(unknown)[0], "cannot be changed")
    row = session.get(PriceOverrideRow, override_id, with_for_update=True)
    if row is None:
        raise NotFound(f"no organisation price {override_id}")
    before = _spec(row)
    after = check_override(replace(before, **changes))
    if after == before:
        return _view(row)
    for name, value in asdict(after).items():
        setattr(row, name, value)
    session.flush()
    record_change(
        session,
        ctx,
        "price_override.updated",
        "price_override",
        override_id,
        before=_audit(before),
        after=_audit(after),
    )
    return _view(row)


def delete_override(session: Session, ctx: ChangeContext, override_id: uuid.UUID) -> None:
    row = session.get(PriceOverrideRow, override_id, with_for_update=True)
    if row is None:
        raise NotFound(f"no organisation price {override_id}")
    before = _spec(row)
    session.delete(row)
    session.flush()
    record_change(
        session, ctx, "price_override.deleted", "price_override", override_id, before=_audit(before)
    )
