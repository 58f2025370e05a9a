"""Several processes write at once: the audit chain stays single, complete and valid."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from aitower.core.audit.service import verify
from aitower.core.audit.tables import AuditEventRow
from aitower.core.db.engine import Database

WORKERS = 4
PER_WORKER = 25


def test_processes_writing_at_once_extend_one_valid_chain(db: Database) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "support_workers", db.url, str(w), str(PER_WORKER)],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(WORKERS)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    with db.reading() as session:
        report = verify(session)
        count = session.execute(select(func.count()).select_from(AuditEventRow)).scalar_one()
        actors = session.execute(select(AuditEventRow.actor).distinct()).scalars().all()
    assert report.ok, report.problem
    assert count == report.checked == WORKERS * PER_WORKER
    assert sorted(actors) == sorted(f"cli:worker-{w}" for w in range(WORKERS))
