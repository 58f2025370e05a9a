"""The demo's year of spend, written through the importers: complete, attributed, once."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import func, select

from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.core.demo.loader import FOUNDATION_CONTRIBUTORS, load_demo
from aitower.core.demo.organisation import DemoPassword
from aitower.inventory.demo import add_demo_inventory
from aitower.inventory.tables import SystemRow
from aitower.spend.demo_spend import add_demo_spend
from aitower.spend.tables import SpendImportRow, SpendRecordRow
from spend_imports.support_spend import counts
from support import CTX


def _load(db: Database) -> None:
    contributors = [*FOUNDATION_CONTRIBUTORS, add_demo_inventory, add_demo_spend]
    load_demo(db, CTX, DemoPassword("demo-password-123", "env"), contributors=contributors)


def test_a_year_of_spend_from_every_source_once(db: Database) -> None:
    started = time.perf_counter()
    _load(db)
    elapsed = time.perf_counter() - started
    today = utcnow().date()
    with db.reading() as session:
        kinds = dict(
            session.execute(
                select(SpendImportRow.kind, func.count()).group_by(SpendImportRow.kind)
            ).all()
        )
        copilot = session.execute(
            select(SpendRecordRow.seats, SpendRecordRow.seats_in_use, func.count())
            .join(SystemRow, SystemRow.id == SpendRecordRow.system_id)
            .where(SystemRow.name == "Coding copilot", SpendRecordRow.source == "licence")
            .group_by(SpendRecordRow.seats, SpendRecordRow.seats_in_use)
        ).all()
        first, last = session.execute(
            select(func.min(SpendRecordRow.day_start), func.max(SpendRecordRow.day_start)).where(
                SpendRecordRow.source == "cloud"
            )
        ).one()
        unattributed = session.execute(
            select(func.sum(SpendRecordRow.amount)).where(SpendRecordRow.system_id.is_(None))
        ).scalar_one()
        sources = set(session.execute(select(SpendRecordRow.source).distinct()).scalars())
    assert kinds["aws_cur2"] == kinds["azure"] >= 12
    assert all(kinds[k] == 1 for k in ("invoice", "licence", "training", "people"))
    assert copilot == [(300, 40, 12)]
    assert (first, last) == (today - timedelta(days=365), today - timedelta(days=1))
    assert unattributed > 0  # the sandboxes no rule claims
    assert sources == {"cloud", "invoice", "licence", "training", "people"}
    assert elapsed < 30
    before = counts(db)
    _load(db)
    assert counts(db)[:2] == before[:2]
