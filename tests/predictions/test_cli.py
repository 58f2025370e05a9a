"""``aitower predictions upload`` / ``labels upload`` / ``models``: files in, counts out, a
progress step per stored batch, refused files print their problems and store nothing."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from aitower.core.db.engine import Database
from aitower.predictions import cli as predictions_cli
from aitower.predictions import store
from cli_support import Cli, base_env
from predictions.support_predictions import T0, new_system

REF = ["--system", "fraud-detector", "--model", "fraud", "--version", "1"]


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    return Cli({**base_env(tmp_path), "AITOWER_DATABASE_URL": database_url})


def test_upload_parquet_with_progress_then_labels_then_list(
    cli: Cli, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    new_system(db)
    ticks: list[tuple[int, int]] = []

    @contextmanager
    def recorded(label: str) -> Iterator[Callable[[int, int], None]]:
        yield lambda done, total: ticks.append((done, total))

    monkeypatch.setattr(predictions_cli, "_progress", recorded)
    monkeypatch.setattr(store, "BATCH_ROWS", 2)
    path = tmp_path / "predictions.parquet"
    pq.write_table(
        pa.table(
            {
                "id": [f"t{i}" for i in range(5)],
                "timestamp": pa.array([T0] * 5, pa.timestamp("us", "UTC")),
                "amount": [1.0, 2.0, float("nan"), 4.0, 5.0],
                "gender": ["F", "M", "F", None, "M"],
                "output": [True, False, True, False, True],
                "score": [0.9, 0.1, 0.8, 0.3, 0.7],
            }
        ),
        path,
    )
    answer = cli(
        "predictions",
        "upload",
        str(path),
        *REF,
        "--id-column",
        "id",
        "--sensitive",
        "gender",
        "--json",
    )
    assert answer.exit_code == 0, answer.output
    assert json.loads(answer.output)["stored"] == 5
    assert ticks == [(2, 5), (4, 5), (5, 5)]
    labels = tmp_path / "labels.csv"
    labels.write_text("prediction_id,label\nt0,True\nt1,True\nmissing,False\n")
    answer = cli("labels", "upload", str(labels), *REF)
    assert answer.exit_code == 0, answer.output
    assert (
        "Stored 3 labels" in answer.output and "1 for ids not logged yet (missing" in answer.output
    )
    listed = json.loads(cli("predictions", "models", "--json").output)
    assert [(m["task"], m["classes"], m["predictions"], m["labelled"]) for m in listed] == [
        ("binary_classification", ["True", "False"], 5, 2)
    ]


def test_a_malformed_file_prints_its_problems_and_stores_nothing(
    cli: Cli, db: Database, tmp_path: Path
) -> None:
    new_system(db)
    path = tmp_path / "bad.csv"
    path.write_text(
        "prediction_id,timestamp,amount,output\n"
        "a,2026-10-01T00:00:00Z,1.5,2.5\n"
        "b,3000-01-01T00:00:00Z,2.5,3.5\n"
    )
    answer = cli("predictions", "upload", str(path), *REF)
    assert answer.exit_code == 2
    assert "rows[2].timestamp" in answer.output and "nothing was stored" in answer.output
    assert json.loads(cli("predictions", "models", "--json").output) == []
