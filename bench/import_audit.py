"""What recording each imported row on the audit trail costs (#14, finding 7).

    .venv/bin/python bench/import_audit.py [--systems 10000] [--repeat 3]

In process, on a fresh SQLite database per run: the portfolio of ``bench/portfolio_data.py``
(units, owners, vendors), then one import of N new systems and one re-import that changes a
tag of every system (N updates, each with its before and after since #14), then a full
verification of the audit chain. Prints the median seconds of each step and the events
written. Run it on two checkouts to compare (the code before #14 wrote one event per import):

    git worktree add /tmp/before 85977f0 && ln -s "$PWD/.venv" /tmp/before/.venv
    PYTHONPATH=/tmp/before/src .venv/bin/python bench/import_audit.py
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from portfolio_data import Portfolio, make_portfolio, systems_csv, vendors_csv
from sqlalchemy import func, select

from aitower.core.access import service as access
from aitower.core.access.principal import cli_principal
from aitower.core.access.roles import Role
from aitower.core.audit import service as audit
from aitower.core.audit.service import ChangeContext
from aitower.core.audit.tables import AuditEventRow
from aitower.core.db.engine import Database
from aitower.core.db.migrate import upgrade
from aitower.inventory.importing import import_systems, import_vendors
from aitower.inventory.transfer import Format

CTX = ChangeContext(cli_principal("bench"))


def _seed(db: Database, data: Portfolio) -> None:
    upgrade(db.engine)
    with db.writing() as session:
        for unit in sorted({unit for _, unit in data.owners}):
            access.create_unit(session, CTX, unit)
        for username, unit in data.owners:
            new = access.NewUser(
                username, f"{username}@example.com", Role.engineer, None,
                unit_refs=(unit.lower().replace(" ", "-"),),
            )  # fmt: skip
            access.create_user(session, CTX, new)
        import_vendors(session, CTX, vendors_csv(data.vendors), Format.csv)


def _events(db: Database) -> int:
    with db.reading() as session:
        return int(session.execute(select(func.count()).select_from(AuditEventRow)).scalar_one())


def run_once(data: Portfolio, folder: Path) -> dict[str, float]:
    db = Database(f"sqlite:///{folder / 'bench.db'}")
    _seed(db, data)
    created_csv = systems_csv(data.systems)
    changed = [{**s, "tags": [*s["tags"], "reviewed"]} for s in data.systems]
    updated_csv = systems_csv(changed)
    figures: dict[str, float] = {}
    for step, text in (("create", created_csv), ("update", updated_csv)):
        before = _events(db)
        started = time.perf_counter()
        with db.writing() as session:
            report = import_systems(session, CTX, text, Format.csv)
        figures[f"{step}_s"] = time.perf_counter() - started
        figures[f"{step}_events"] = _events(db) - before
        assert report.written and not report.errors, report.errors[:3]
    started = time.perf_counter()
    with db.reading() as session:
        assert audit.verify(session).ok
    figures["verify_s"] = time.perf_counter() - started
    db.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--systems", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    data = make_portfolio(args.systems)
    runs = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="aitower-import-") as folder:
            runs.append(run_once(data, Path(folder)))
    for key in runs[0]:
        values = [r[key] for r in runs]
        shown = f"{statistics.median(values):.2f}" if key.endswith("_s") else f"{values[0]:.0f}"
        print(f"{key:16} {shown}")


if __name__ == "__main__":
    main()
