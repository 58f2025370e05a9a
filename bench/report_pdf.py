"""How long the executive report takes to render as PDF, against Chromium's print-to-PDF.

    PYTHONPATH=src .venv/bin/python bench/report_pdf.py [--systems 8] [--repeat 3]

Builds a portfolio the size of the demo's (8 systems by default, in 4 units) with a year of
cost (daily cloud bills, monthly licences, LLM day rollups), value models, risks
and incidents in a fresh SQLite database; then times, each the median of ``--repeat`` runs:

- reading the report (``portfolio.dashboard.build_report``: 12 months of cost and value);
- rendering its printable HTML (8 SVG charts and the systems table);
- aitower's PDF: that HTML through WeasyPrint (``core.pdf``), what the e-mail attaches;
- the peer a user would otherwise use: the same HTML file printed by headless Chromium
  (``chromium --headless --print-to-pdf``), process start included, as a script would run it.

The figure to meet: the PDF in under 5 s. The ratio is WeasyPrint's time over Chromium's.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from aitower.alerts.incidents import create_incident
from aitower.core.access import service as access
from aitower.core.access.principal import cli_principal
from aitower.core.audit.service import ChangeContext
from aitower.core.db.engine import Database
from aitower.core.db.migrate import upgrade
from aitower.inventory import service as inventory
from aitower.inventory.vocabulary import RiskTier
from aitower.portfolio.dashboard import build_report
from aitower.portfolio.report_model import ExecutiveReport, period_ended_by
from aitower.portfolio.report_render import to_html, to_pdf
from aitower.portfolio.tables import ValueModelRow
from aitower.risk.register import RiskFields
from aitower.risk.service_risks import NewRisk, add_risk
from aitower.spend.tables import SpendRecordRow
from aitower.telemetry.tables import DayRollupRow

CTX = ChangeContext(cli_principal("bench"))
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
NOW = datetime(2026, 12, 1, 6, tzinfo=UTC)


def _systems(db: Database, count: int) -> list[uuid.UUID]:
    ids = []
    with db.writing() as session:
        units = [access.create_unit(session, CTX, f"Unit {u}").id for u in range(4)]
        for i in range(count):
            doc = {"name": f"System {i:03}", "kind": "llm_app", "unit": str(units[i % 4])}
            made = inventory.create_system(session, CTX, doc)
            inventory.set_risk_tier(session, made.id, list(RiskTier)[i % len(RiskTier)])
            ids.append(made.id)
    return ids


def _year(db: Database, system: uuid.UUID, i: int) -> None:
    first = date(2025, 12, 1)
    rows: list[object] = []
    for day in range(365):
        d = first + timedelta(days=day)
        rows.append(
            SpendRecordRow(
                id=uuid.uuid4(), source="cloud", day_start=d, day_end=d + timedelta(days=1),
                amount=20.0 + i + day % 7, billed_amount=20.0, system_id=system, vendor="AWS",
            )
        )  # fmt: skip
        rows.append(
            DayRollupRow(
                bucket_start=datetime(d.year, d.month, d.day, tzinfo=UTC), system_key=str(system),
                model="gpt-4o", spans=200, requests=4 * (50 + i), latency_hist=[], llm_calls=200,
                cost=4 * (1.5 + i / 10),
            )
        )  # fmt: skip
        if d.day == 1:
            rows.append(
                SpendRecordRow(
                    id=uuid.uuid4(), source="licence", day_start=d, day_end=d + timedelta(days=28),
                    amount=300.0, billed_amount=300.0, system_id=system, vendor="GitHub",
                )
            )  # fmt: skip
    rows.append(
        ValueModelRow(
            system_id=system, hours_saved_per_use=0.05, loaded_hourly_rate=70.0,
            revenue_per_month=500.0 * (i % 3), declared_by="user:bench",
        )
    )  # fmt: skip
    with db.writing() as session:
        session.add_all(rows)
        add_risk(
            session, CTX, system, NewRisk(RiskFields(f"Risk {i}", "operational", 1 + i % 5, 3))
        )
        if i % 3 == 0:
            create_incident(session, CTX, title=f"Incident {i}", severity="high", system_id=system)


def _median(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _chromium(html: Path, out: Path) -> None:
    subprocess.run(
        [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
            f"--print-to-pdf={out}", html.as_uri(),
        ],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--systems", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{tmp}/bench.db")
        upgrade(db.engine)
        for i, system in enumerate(_systems(db, args.systems)):
            _year(db, system, i)
        period = period_ended_by("monthly", NOW)
        principal = cli_principal("bench")

        def read() -> ExecutiveReport:
            with db.reading() as session:
                return build_report(session, principal, period, NOW)

        report = read()
        html = to_html(report)
        page = Path(tmp) / "report.html"
        page.write_text(html)
        t_read = _median(args.repeat, read)
        t_html = _median(args.repeat, lambda: to_html(report))
        pdf = to_pdf(report)
        t_pdf = _median(args.repeat, lambda: to_pdf(report))
        t_chromium = _median(args.repeat, lambda: _chromium(page, Path(tmp) / "c.pdf"))
        chromium_size = (Path(tmp) / "c.pdf").stat().st_size
        db.dispose()
    print(f"{platform.platform()}, Python {sys.version.split()[0]}, {os.cpu_count()} cores")
    print(f"{args.systems} systems, 12 months; median of {args.repeat}")
    print(f"read the report (12 months of cost and value): {t_read * 1000:8.0f} ms")
    print(f"render printable HTML:                         {t_html * 1000:8.0f} ms")
    print(f"aitower PDF (WeasyPrint), {len(pdf):,} bytes:     {t_pdf * 1000:8.0f} ms")
    print(f"Chromium --print-to-pdf, {chromium_size:,} bytes:  {t_chromium * 1000:8.0f} ms")
    print(f"ratio WeasyPrint / Chromium: {t_pdf / t_chromium:.2f}")
    verdict = "meets" if t_read + t_html + t_pdf < 5 else "misses"
    print(f"read + HTML + PDF = {t_read + t_html + t_pdf:.2f} s: {verdict} the 5 s figure")


if __name__ == "__main__":
    main()
