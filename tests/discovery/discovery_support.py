"""A world for the discovery tests: two units (Finance runs a system on restricted data), a scan
of proxy-log aggregates, and an unregistered telemetry source."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from aitower.core.db.engine import Database
from aitower.discovery.scans import FindingInput, ScanInput, ScanView, record_scan
from aitower.inventory import service as inventory
from aitower.telemetry.tables import SourceRow
from support import CTX, seed_units

# A Wednesday; its ISO week starts on Monday 2026-06-15.
NOW = datetime(2026, 6, 17, 12, 0, tzinfo=UTC)
MB = 1_000_000


@dataclass(frozen=True)
class World:
    finance: uuid.UUID  # handles sensitive data (a system on restricted data)
    marketing: uuid.UUID


def world(db: Database) -> World:
    seeded = seed_units(db)
    doc = {
        "name": "Ledger assistant", "kind": "llm_app", "unit": str(seeded.unit_id),
        "stage": "monitoring",
        "data_sources": [{"name": "ledger", "classification": "restricted"}],
    }  # fmt: skip
    with db.writing() as session:
        inventory.create_system(session, CTX, doc)
    return World(seeded.unit_id, seeded.other_unit_id)


def use(
    service: str, user: str, unit: str | None, requests: int = 10, sent: int = 0,
    first: datetime = NOW - timedelta(days=1), days: int = 1, model: str = "",
) -> FindingInput:  # fmt: skip
    return FindingInput(service, user, unit or "", unit, requests, sent, first,
                        first + timedelta(days=days), model)  # fmt: skip


def scan_input(findings: list[FindingInput], name: str = "proxy.log") -> ScanInput:
    digest = hashlib.sha256(f"{name}{findings}".encode()).hexdigest()
    return ScanInput("log", name, digest, 1000, len(findings), 2, findings)


def scan(db: Database, findings: list[FindingInput], name: str = "proxy.log") -> ScanView:
    with db.writing() as session:
        return record_scan(session, CTX, scan_input(findings, name))


def add_source(
    db: Database, name: str = "billing-bot", models: tuple[str, ...] = ("gpt-4o",)
) -> None:
    with db.writing() as session:
        session.add(
            SourceRow(service_name=name, first_seen=NOW - timedelta(days=3), last_seen=NOW,
                      spans=40, llm_calls=25, tokens=9000, models=list(models))
        )  # fmt: skip
