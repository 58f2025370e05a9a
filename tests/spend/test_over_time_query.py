"""The report's reader sums in SQL what ``daily_costs`` hands out per day: for every grain
and grouping, on both databases, the two agree cell for cell (multi-day records spread, a
range starting mid-month, a unit-scoped reader)."""

from __future__ import annotations

from datetime import date

import pytest

from aitower.core.db.engine import Database
from aitower.spend import over_time_report as reports
from aitower.spend.over_time import Grain, GroupBy, build_report
from spend.spend_support import add_record, world
from support import CTX
from support_inventory import scoped


@pytest.mark.parametrize("grain", list(Grain))
def test_sql_sums_agree_with_the_daily_lines(db: Database, grain: Grain) -> None:
    w = world(db)
    add_record(db, w.writer, date(2026, 5, 20), 20, 40.0, source="training", vendor="Lambda")
    start, end = date(2026, 5, 10), date(2026, 6, 20)
    for principal in (CTX.principal, scoped(w.marketing).principal):
        with db.reading() as session:
            scope = reports.cost_scope(session, principal)
            for group_by in GroupBy:
                fast = reports.report(session, scope, start, end, grain, group_by)
                cells = [
                    (ln.day, reports.line_key(ln, group_by, scope), ln.amount)
                    for ln in reports.scoped_lines(session, scope, start, end)
                ]
                slow = build_report(cells, {}, start, end, grain, group_by)
                assert {g.key: pytest.approx(g.amounts) for g in fast.groups} == {
                    g.key: g.amounts for g in slow.groups
                }, (grain, group_by)
