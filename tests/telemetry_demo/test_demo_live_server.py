"""``aitower demo --live`` against a real ``aitower serve``: the traces arrive through the OTLP
endpoint and are stored, linked to the demo systems."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from sqlalchemy import func, select

from aitower.core.access.principal import system_principal
from aitower.core.audit.service import ChangeContext
from aitower.core.db.engine import Database
from aitower.core.demo.loader import DemoPassword
from aitower.demo import load_demo
from aitower.telemetry.tables import SpanRow
from servers import AITOWER, free_port, running, serve_command
from support import SECRET


def test_live_demo_traffic_reaches_the_server(database_url: str, tmp_path: Path) -> None:
    db = Database(database_url)
    load_demo(db, ChangeContext(system_principal("test")), DemoPassword("live-demo-pw-1", "stdin"))
    env = {
        "AITOWER_DATABASE_URL": database_url,
        "AITOWER_DATA_DIR": str(tmp_path),
        "AITOWER_SECRET_KEY": SECRET,
        "COLUMNS": "200",
    }
    port = free_port()
    with running(serve_command(port), env, port, cwd=tmp_path) as url:
        done = subprocess.run(
            [*AITOWER, "demo", "--live", "--url", url, "--duration", "3", "--rate", "10"],
            env={**os.environ, **env},
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
    sent = re.search(
        r"Sent (\d+) traces \((\d+) spans\); the server acknowledged (\d+)", done.stdout
    )
    assert sent is not None, done.stdout
    traces, spans, acknowledged = (int(g) for g in sent.groups())
    assert traces > 0 and spans == acknowledged
    assert "demo live traffic" in done.stdout
    with db.reading() as session:
        stored = session.execute(
            select(func.count(), func.count(func.distinct(SpanRow.trace_id))).where(
                SpanRow.system_id.is_not(None)
            )
        ).one()
    db.dispose()
    assert tuple(stored) == (spans, traces)
