"""The price data in force, stored: load a newer genai-prices data file offline, go back to
the bundled data, read what is in force (audited changes, one transaction each).

The newest ``cost_price_data`` row is in force; none means the data bundled with the installed
genai-prices. A loaded file is parsed once per process and content hash, so every server
process on the database picks up a change on its next request (``service.load_price_book``
compares the id of the newest row) without re-reading it each time.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from aitower.core.audit.service import ChangeContext, record_change
from aitower.core.db.base import utcnow
from aitower.core.errors import InvalidInput
from aitower.cost.price_data import (
    PACKAGE_VERSION,
    PriceData,
    PriceDataError,
    bundled_price_data,
    file_sha256,
    parse_price_data,
)
from aitower.cost.tables import PriceDataRow

MAX_LABEL = 200
_parsed: dict[str, PriceData] = {}  # row id → parsed data (a few at most)
_parsed_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class PriceDataView:
    """What is (or was) in force: where it came from and how much it holds."""

    id: uuid.UUID | None  # None: bundled, never changed
    label: str
    bundled: bool
    sha256: str | None
    provider_count: int
    model_count: int
    package_version: str
    loaded_by: str | None
    loaded_at: datetime | None


def _view(row: PriceDataRow) -> PriceDataView:
    return PriceDataView(
        row.id,
        row.label,
        row.bundled,
        row.sha256,
        row.provider_count,
        row.model_count,
        row.package_version,
        row.loaded_by,
        row.loaded_at,
    )


def _bundled_view() -> PriceDataView:
    data = bundled_price_data()
    return PriceDataView(
        None, data.label, True, None, len(data.providers), data.model_count, PACKAGE_VERSION,
        None, None,
    )  # fmt: skip


def newest_id(session: Session) -> uuid.UUID | None:
    """The id of the row in force (the cheap version check), None for the bundled data."""
    query = select(PriceDataRow.id).order_by(PriceDataRow.loaded_at.desc(), PriceDataRow.id.desc())
    return session.execute(query.limit(1)).scalar_one_or_none()


def _newest(session: Session) -> PriceDataRow | None:
    query = select(PriceDataRow).order_by(PriceDataRow.loaded_at.desc(), PriceDataRow.id.desc())
    return session.execute(query.limit(1)).scalars().first()


def in_force(session: Session) -> PriceDataView:
    """What the price data in force is."""
    row = _newest(session)
    return _bundled_view() if row is None else _view(row)


def load_price_data(session: Session, row_id: uuid.UUID | None) -> PriceData:
    """The parsed data of row ``row_id`` (None or a ``bundled`` row: the bundled data)."""
    if row_id is None:
        return bundled_price_data()
    key = str(row_id)
    found = _parsed.get(key)
    if found is not None:
        return found
    row = session.get(PriceDataRow, row_id)
    if row is None or row.bundled or row.content is None:
        return bundled_price_data()
    providers = parse_price_data(row.content.encode("utf-8"))
    data = PriceData(providers, row.label, False, row.sha256, row.loaded_at, row.loaded_by)
    with _parsed_lock:
        if len(_parsed) > 8:
            _parsed.clear()
        _parsed[key] = data
    return data


def _audit(view: PriceDataView) -> dict[str, Any]:
    return {
        "label": view.label,
        "bundled": view.bundled,
        "sha256": view.sha256,
        "providers": view.provider_count,
        "models": view.model_count,
        "package_version": view.package_version,
    }


def _store(session: Session, ctx: ChangeContext, row: PriceDataRow) -> PriceDataView:
    before = in_force(session)
    session.add(row)
    session.flush()
    after = _view(row)
    record_change(
        session, ctx, "price_data.loaded", "price_data", row.id,
        before=_audit(before), after=_audit(after),
    )  # fmt: skip
    return after


def update_price_data(
    session: Session, ctx: ChangeContext, content: bytes, label: str | None = None
) -> PriceDataView:
    """Put a data file of genai-prices' format in force; a bad file stores nothing and
    raises InvalidInput on ``data`` saying what is wrong."""
    try:
        text = content.decode("utf-8")
        providers = parse_price_data(content)
    except UnicodeDecodeError:
        raise InvalidInput.on("data", "the file is not UTF-8 JSON") from None
    except PriceDataError as exc:
        raise InvalidInput.on("data", str(exc)) from None
    sha = file_sha256(content)
    name = (label or "").strip() or f"data file {sha[:12]}"
    if len(name) > MAX_LABEL:
        raise InvalidInput.on("label", f"must be at most {MAX_LABEL} characters")
    row = PriceDataRow(
        id=uuid.uuid4(),
        label=name,
        bundled=False,
        sha256=sha,
        content=text,
        provider_count=len(providers),
        model_count=sum(len(p.models) for p in providers),
        package_version=PACKAGE_VERSION,
        loaded_by=ctx.principal.actor,
        loaded_at=utcnow(),
    )
    return _store(session, ctx, row)


def use_bundled(session: Session, ctx: ChangeContext) -> PriceDataView:
    """Go back to the data bundled with the installed genai-prices (audited)."""
    bundled = _bundled_view()
    row = PriceDataRow(
        id=uuid.uuid4(),
        label=bundled.label,
        bundled=True,
        sha256=None,
        content=None,
        provider_count=bundled.provider_count,
        model_count=bundled.model_count,
        package_version=PACKAGE_VERSION,
        loaded_by=ctx.principal.actor,
        loaded_at=utcnow(),
    )
    return _store(session, ctx, row)


def stored_content(session: Session) -> str | None:
    """The JSON of the loaded file in force; None when the bundled data is."""
    row = _newest(session)
    return None if row is None or row.bundled else row.content
