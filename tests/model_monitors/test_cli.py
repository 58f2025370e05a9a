"""``aitower references create|list`` and ``aitower monitors run|list`` on both databases."""

from __future__ import annotations

import csv
from pathlib import Path

from aitower.core.db.engine import Database
from aitower.model_monitors import monitors
from aitower.model_monitors.spec import MonitorSpec
from aitower.model_monitors.store import default_store
from cli_support import Cli, base_env, one_error_line
from model_monitors.support import log_window, make_model
from model_monitors.windows import binary_window
from support import CTX, seed_units
from support_inventory import make_system


def test_references_and_monitor_runs(database_url: str, db: Database, tmp_path: Path) -> None:
    cli = Cli({**base_env(tmp_path), "AITOWER_DATABASE_URL": database_url})
    system = make_system(db, seed_units(db).unit_id, "fraud-service", kind="ml_model")
    model = make_model(db, system)
    log_window(db, model, binary_window(500, seed=1))
    made = cli(
        "references", "create", str(model.id), "March",
        "--start", "2026-03-01T00:00:00", "--end", "2026-03-01T01:00:00",
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    assert "500 rows" in made.output
    data = tmp_path / "reference.csv"
    with data.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["amount", "country", "gender", "output", "score", "label"])
        for i in range(60):
            writer.writerow([10 + i, "DE", "F", "fraud" if i % 2 else "legit", 0.5, ""])
    uploaded = cli("references", "create", str(model.id), "Upload", "--file", str(data))
    assert uploaded.exit_code == 0 and "60 rows (0 labelled)" in uploaded.output, uploaded.output
    bad = cli("references", "create", str(model.id), "x")
    assert bad.exit_code == 2 and "--start" in one_error_line(bad)
    listed = cli("references", "list")
    assert "March" in listed.output and "Upload" in listed.output
    with db.writing() as session:
        from aitower.model_monitors.references import list_references

        (upload, _), _ = list_references(session, CTX.principal, model_id=model.id)
        monitor = monitors.create_monitor(
            session, CTX, default_store(), model.id, upload.id, MonitorSpec("daily")
        )
    # Nothing is due yet (the first run is at the next boundary): the pass runs nothing.
    due = cli("monitors", "run", "--all-due")
    assert due.exit_code == 0 and "0 monitor(s) run" in due.output, due.output
    # Run now: the last day holds no prediction, so the result is empty, not an error.
    ran = cli("monitors", "run", "--monitor", str(monitor.id))
    assert ran.exit_code == 0 and "empty" in ran.output, ran.output
    assert "empty" in cli("monitors", "list").output
    neither = cli("monitors", "run")
    assert neither.exit_code == 2 and "exactly one" in one_error_line(neither)
