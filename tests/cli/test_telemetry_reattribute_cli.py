"""``aitower telemetry reattribute``: moves a newly registered service's history now and says so."""

from __future__ import annotations

from sqlalchemy import func, select

from aitower.core.db.engine import Database
from aitower.inventory import service as inventory
from aitower.telemetry.ingest import store_spans
from aitower.telemetry.tables import SpanRow
from cli_support import Cli
from support import CTX, seed_units
from support_inventory import make_system
from support_spans import BASE_NS, agent_trace


def test_reattribute_moves_the_history_and_prints_the_counts(cli: Cli, db: Database) -> None:
    for i in range(7):
        store_spans(db, agent_trace(service="night-batch", start_ns=BASE_NS + i * 60 * 10**9))
    system_id = make_system(db, seed_units(db).unit_id, "Night batch")
    with db.writing() as session:
        inventory.update_system(session, CTX, system_id, {"services": ["night-batch"]})

    result = cli("telemetry", "reattribute", "--chunk", "100")
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if "night-batch" in x and "│" in x)
    assert "Night batch" in line and "(unregistered)" in line
    assert "21 of 21" in line and " 7 " in line and "done" in line
    with db.reading() as session:
        moved = session.scalar(select(func.count()).where(SpanRow.system_id == system_id))
    assert moved == 21
    again = cli("telemetry", "reattribute")
    assert again.exit_code == 0 and "21 of 21" in again.output  # nothing new to move
