"""How fast the audit trail is written and verified, on SQLite and PostgreSQL.

    .venv/bin/python bench/audit_chain.py [--events 100000] [--postgres URL]

Appends N events through ``record_change`` (1,000 per transaction, as a bulk import would), then
verifies the chain three ways: ``aitower``'s service (what ``aitower audit verify``, the API and
the audit page run), and, as the reference an auditor would use instead, the stand-alone
``docs/verify_audit_export.py`` (standard library only) over an export of the same chain. The
ratio says what reading from the database costs against reading a file.
"""

from __future__ import annotations

import argparse
import io
import platform
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from aitower.core.access.principal import cli_principal
from aitower.core.audit.service import ChangeContext, export_jsonl, record_change, verify
from aitower.core.db.engine import Database
from aitower.core.db.migrate import upgrade

ROOT = Path(__file__).parents[1]
BATCH = 1_000


def _fill(db: Database, events: int) -> float:
    ctx = ChangeContext(cli_principal("bench"))
    started = time.perf_counter()
    for batch in range(events // BATCH):
        with db.writing() as session:
            for i in range(BATCH):
                record_change(
                    session, ctx, "unit.create", "business_unit", f"u{batch}-{i}",
                    after={"name": f"Unit {batch}-{i}", "description": "x" * 60},
                )  # fmt: skip
    return time.perf_counter() - started


def _measure(db: Database, events: int, label: str) -> None:
    upgrade(db.engine)
    append = _fill(db, events)
    started = time.perf_counter()
    with db.reading() as session:
        report = verify(session)
    ours = time.perf_counter() - started
    assert report.ok and report.checked == events
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "audit.jsonl"
        buffer = io.StringIO()
        with db.reading() as session:
            export_jsonl(session, buffer)
        export.write_text(buffer.getvalue())
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, str(ROOT / "docs" / "verify_audit_export.py"), str(export)],
            check=True, capture_output=True,
        )  # fmt: skip
        reference = time.perf_counter() - started
    print(
        f"{label:10} append {events / append:9,.0f} events/s | verify: aitower "
        f"{events / ours:9,.0f} events/s, stand-alone file verifier {events / reference:9,.0f} "
        f"events/s (aitower takes {ours / reference:.1f}x its time)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    print(f"{platform.node()} · {platform.processor() or platform.machine()} · Python "
          f"{platform.python_version()} · {args.events:,} events")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = Database(f"sqlite:///{tmp}/bench.db")
        _measure(sqlite, args.events, "SQLite")
        sqlite.dispose()
    name = f"aitower_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        pg = Database(make_url(args.postgres).set(database=name).render_as_string(False))
        _measure(pg, args.events, "PostgreSQL")
        pg.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
