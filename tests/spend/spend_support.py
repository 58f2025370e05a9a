"""Cost for the spend tests, written where ingest and the imports write it: six-hour rollup
cells (LLM usage) and ledger records."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from aitower.core.db.engine import Database
from aitower.spend.tables import SpendRecordRow
from aitower.telemetry.tables import DayRollupRow
from support import seed_units
from support_inventory import make_system

# A Wednesday in the middle of June: June has 30 days, the quarter is April to June.
NOW = datetime(2026, 6, 17, 12, 0, tzinfo=UTC)
TODAY = NOW.date()


def llm_row(
    system: uuid.UUID | str,
    day: date,
    model: str,
    cost: float,
    *,
    calls: int = 10,
    tokens: int = 10_000,
) -> DayRollupRow:
    """One day's cell of LLM usage."""
    return DayRollupRow(
                bucket_start=datetime.combine(day, time(), tzinfo=UTC),
                system_key=str(system), model=model, spans=calls, requests=calls, errors=0,
                latency_sum_ms=0.0, latency_hist=None, llm_calls=calls, llm_errors=0,
                input_tokens=tokens // 2, output_tokens=tokens - tokens // 2,
                cache_read_tokens=0, cache_write_tokens=0, reasoning_tokens=0, cost=cost,
                unpriced_calls=0, unpriced_tokens=0,
            )  # fmt: skip


def add_rows(db: Database, rows: list[object]) -> None:
    with db.writing() as session:
        session.add_all(rows)


def add_llm(db: Database, system: uuid.UUID | str, day: date, model: str, cost: float,
            **kw: int) -> None:  # fmt: skip
    add_rows(db, [llm_row(system, day, model, cost, **kw)])


def add_record(
    db: Database,
    system: uuid.UUID | None,
    first: date,
    days: int,
    amount: float,
    *,
    source: str = "cloud",
    vendor: str = "AWS",
    unit: uuid.UUID | None = None,
    model: str = "",
) -> None:
    with db.writing() as session:
        session.add(
            SpendRecordRow(
                source=source, day_start=first, day_end=first + timedelta(days=days),
                amount=amount, currency="USD", billed_amount=amount, system_id=system,
                unit_id=unit, vendor=vendor, service="", model=model, account="",
                matched_by="", description="",
            )
        )  # fmt: skip


@dataclass(frozen=True)
class World:
    finance: uuid.UUID  # unit
    marketing: uuid.UUID  # unit
    assistant: uuid.UUID  # a finance system
    writer: uuid.UUID  # a marketing system


def world(db: Database) -> World:
    """Two units with a system each; cost in May and June 2026 (see the tests)."""
    seeded = seed_units(db)
    assistant = make_system(db, seeded.unit_id, "Finance assistant")
    writer = make_system(db, seeded.other_unit_id, "Marketing writer")
    rows: list[object] = []
    for d in range(1, 32):  # May: the assistant on mini, 10 calls, $1 a day
        rows.append(llm_row(assistant, date(2026, 5, d), "gpt-4o-mini", 1.0))
    for d in range(1, 17):  # June 1–16: 20 calls a day, half moved to gpt-4.1 at $4 for 10
        rows.append(llm_row(assistant, date(2026, 6, d), "gpt-4o-mini", 1.0))
        rows.append(llm_row(assistant, date(2026, 6, d), "gpt-4.1", 4.0))
        rows.append(llm_row(writer, date(2026, 6, d), "claude-sonnet-4", 2.0))
    rows.append(llm_row("service:unclaimed", date(2026, 6, 1), "gpt-4o", 7.0))
    add_rows(db, rows)
    add_record(db, assistant, date(2026, 5, 1), 31, 62.0)  # AWS: $2 a day in May
    add_record(db, None, date(2026, 6, 1), 30, 300.0, source="licence", vendor="GitHub",
               unit=seeded.other_unit_id)  # fmt: skip
    add_record(db, None, date(2026, 6, 1), 1, 50.0, source="invoice", vendor="Acme")
    return World(seeded.unit_id, seeded.other_unit_id, assistant, writer)
