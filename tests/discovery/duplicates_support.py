"""A portfolio for the duplicate-initiative tests: three units each running a contract
summariser (worded differently), unrelated systems, a retired summariser, and cost written
where ingest and the imports write it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from aitower.core.access import service as access
from aitower.core.db.engine import Database
from aitower.inventory import service as inventory
from spend.spend_support import add_record, add_rows, llm_row
from support import CTX, seed_units

NOW = datetime(2026, 6, 17, 12, 0, tzinfo=UTC)
TODAY = NOW.date()
WINDOW_START = TODAY - timedelta(days=30)  # 2026-05-18: the window is [May 18, June 17)


@dataclass(frozen=True)
class Portfolio:
    finance: uuid.UUID
    marketing: uuid.UUID
    legal: uuid.UUID
    procurement: uuid.UUID
    buyers: uuid.UUID  # Procurement's contract summariser: LLM cost
    lawyers: uuid.UUID  # Legal's agreement digest: a ledger record
    accounts: uuid.UUID  # Finance's contract summary bot: no cost
    router: uuid.UUID  # unrelated, Marketing


def _system(db: Database, unit: uuid.UUID, name: str, purpose: str, **more: object) -> uuid.UUID:
    doc = {"name": name, "kind": "llm_app", "unit": str(unit), "stage": "monitoring",
           "purpose": purpose, **more}  # fmt: skip
    with db.writing() as session:
        return inventory.create_system(session, CTX, doc).id


def portfolio(db: Database) -> Portfolio:
    seeded = seed_units(db)
    with db.writing() as session:
        legal = access.create_unit(session, CTX, "Legal").id
        procurement = access.create_unit(session, CTX, "Procurement").id
    contracts = [{"name": "SharePoint contracts", "classification": "confidential"}]
    model = [{"provider": "openai", "name": "gpt-4o"}]
    buyers = _system(db, procurement, "Contract Summariser", "Summarise supplier contracts",
                     models=model, data_sources=contracts)  # fmt: skip
    lawyers = _system(db, legal, "Agreement Digest", "Contract summary for the legal team",
                      models=model, data_sources=contracts)  # fmt: skip
    accounts = _system(db, seeded.unit_id, "Contract summary bot",
                       "Summarizes customer contracts for account managers")  # fmt: skip
    router = _system(db, seeded.other_unit_id, "Ticket router",
                     "Route support tickets to the right queue")  # fmt: skip
    _system(db, seeded.other_unit_id, "Invoice extractor", "Extract totals from supplier invoices")
    _system(db, seeded.other_unit_id, "Campaign copy writer", "Write marketing campaign copy")
    _system(db, seeded.other_unit_id, "Old contract summariser", "Summarise contracts",
            stage="retired")  # fmt: skip
    _cost(db, buyers, lawyers)
    return Portfolio(seeded.unit_id, seeded.other_unit_id, legal, procurement, buyers, lawyers,
                     accounts, router)  # fmt: skip


def _cost(db: Database, buyers: uuid.UUID, lawyers: uuid.UUID) -> None:
    """Procurement: $3 a day on 10 days inside the window ($30), plus $100 the day before it
    and $50 today, both outside. Legal: $90 over 30 days from May 8, of which May 18 to
    June 6 (20 days, $60) fall inside. Hand-summed: 30 + 60 = $90 a month together."""
    days = [WINDOW_START + timedelta(days=d) for d in range(0, 30, 3)]
    rows: list[object] = [llm_row(buyers, d, "gpt-4o", 3.0, calls=10, tokens=40_000) for d in days]
    rows.append(llm_row(buyers, WINDOW_START - timedelta(days=1), "gpt-4o", 100.0))
    rows.append(llm_row(buyers, TODAY, "gpt-4o", 50.0))
    add_rows(db, rows)
    add_record(db, lawyers, date(2026, 5, 8), 30, 90.0, source="licence", vendor="OpenAI")
