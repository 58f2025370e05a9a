"""Files a careless user or an attacker uploads (#14, findings 4 and 5): each gets a 422 or 413
problem+json naming the file or column, and nothing of it is stored."""

from __future__ import annotations

import io

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from aitower.app import create_app
from aitower.core.db.engine import Database
from aitower.core.settings import Settings
from predictions.test_api import REF, setup

HEADER = "prediction_id,timestamp,output"
ROW = "a1,2026-10-01T00:00:00Z,ok"


def _upload(
    client: TestClient, headers: dict[str, str], data: bytes, name: str = "p.csv"
) -> tuple[int, dict[str, object]]:
    answer = client.post(
        "/api/v1/predictions/upload",
        params=REF,
        headers=headers,
        files={"file": (name, data, "application/octet-stream")},
    )
    return answer.status_code, answer.json()


def _parquet(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


def _stored(client: TestClient, headers: dict[str, str]) -> int:
    models = client.get("/api/v1/predictions/models", headers=headers).json()
    return sum(int(m["predictions"]) for m in models)


CSV_CASES = {
    "values not UTF-8": (
        f"{HEADER}\na1,2026-10-01T00:00:00Z,caf\xe9\n".encode("latin-1"),
        "the column 'output' is not UTF-8 text; save the file as UTF-8",
    ),
    "UTF-16 with BOM": (f"{HEADER}\n{ROW}\n".encode("utf-16"), "column names must be UTF-8 text"),
    "repeated column": (
        f"{HEADER},output\n{ROW},ok\n".encode(),
        "the column 'output' appears more than once",
    ),
}


@pytest.mark.parametrize("case", sorted(CSV_CASES))
def test_unreadable_csv_files_get_a_422_naming_the_file_and_column(
    client: TestClient, db: Database, case: str
) -> None:
    engineer = setup(db)
    data, reason = CSV_CASES[case]
    status, body = _upload(client, engineer, data)
    assert status == 422, body
    assert body["errors"] == [{"field": "file", "reason": reason}]
    assert _stored(client, engineer) == 0


def test_nested_parquet_columns_get_a_422_naming_the_column(
    client: TestClient, db: Database
) -> None:
    engineer = setup(db)
    table = pa.table(
        {
            "prediction_id": ["a1"],
            "timestamp": ["2026-10-01T00:00:00Z"],
            "output": ["ok"],
            "tags": pa.array([[1, 2]], pa.list_(pa.int64())),
            "where": pa.array([{"x": 1}], pa.struct([("x", pa.int64())])),
        }
    )
    for column in ("tags", "where"):
        status, body = _upload(
            client,
            engineer,
            _parquet(table.drop_columns([c for c in ("tags", "where") if c != column])),
            "p.parquet",
        )
        assert status == 422, body
        assert body["errors"] == [{"field": "file", "reason": REASONS[column]}]
    assert _stored(client, engineer) == 0


REASONS = {
    column: f"the column {column!r} holds lists, records or maps; "
    "give one number, text or time a cell"
    for column in ("tags", "where")
}


def test_a_parquet_bomb_is_refused_from_its_footer_before_it_is_decompressed(
    client: TestClient, db: Database
) -> None:
    """8M identical rows compress to a few hundred KiB; the footer declares them, and the
    default row limit (5M) refuses the file before pyarrow expands it."""
    engineer = setup(db)
    rows = 8_000_000
    table = pa.table(
        {
            "prediction_id": pa.array(np.zeros(rows, dtype=np.int64)),
            "timestamp": pa.array(np.full(rows, 1_790_000_000, dtype=np.int64)),
            "output": pa.array(np.zeros(rows, dtype=np.int64)),
        }
    )
    bomb = _parquet(table)
    del table
    assert len(bomb) < 1_000_000
    status, body = _upload(client, engineer, bomb, "p.parquet")
    assert status == 413, body
    assert body["errors"] == [
        {
            "field": "file",
            "reason": "has 8,000,000 rows; the limit is 5,000,000 "
            "(setting AITOWER_PREDICTIONS_MAX_FILE_ROWS), so send it in parts",
        }
    ]
    assert _stored(client, engineer) == 0


def test_file_limits_are_settings(settings: Settings, db: Database) -> None:
    """Decompressed size and columns are limited too, each by its own setting."""
    tight = settings.model_copy(
        update={"predictions_max_file_decompressed_bytes": 4096, "predictions_max_file_columns": 5}
    )
    with TestClient(create_app(tight, database=db)) as client:
        engineer = setup(db)
        wide = pa.table({f"c{i}": [i] for i in range(6)})
        status, body = _upload(client, engineer, _parquet(wide), "p.parquet")
        assert status == 413 and "has 6 columns; the limit is 5" in str(body["errors"])
        csv = (",".join(f"c{i}" for i in range(6)) + "\n" + ",".join("1" * 6) + "\n").encode()
        status, body = _upload(client, engineer, csv)
        assert status == 413 and "has 6 columns; the limit is 5" in str(body["errors"])
        big = pa.table({"prediction_id": [f"id-{i:08d}" for i in range(2000)]})
        status, body = _upload(client, engineer, _parquet(big), "p.parquet")
        assert status == 413 and "decompresses to" in str(body["errors"])
        assert _stored(client, engineer) == 0
