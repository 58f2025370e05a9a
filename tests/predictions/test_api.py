"""The predictions API: JSON batches and files, answers with counts, problem+json for bad input
(never a 500), permissions and unit scope."""

from __future__ import annotations

import io
from datetime import timedelta

import pyarrow as pa
import pyarrow.parquet as pq
from fastapi.testclient import TestClient

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from predictions.support_predictions import T0, rows
from support import make_key, seed_units
from support_inventory import audit_count, make_system

PROBLEM = "application/problem+json"
REF = {"system": "fraud-detector", "model": "fraud", "version": "1"}


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def setup(db: Database) -> dict[str, str]:
    units = seed_units(db)
    make_system(db, units.unit_id, "fraud-detector", kind="ml_model")
    return auth(make_key(db, Role.engineer))


def test_log_json_then_labels_then_read_the_model(client: TestClient, db: Database) -> None:
    engineer = setup(db)
    body = REF | {"classes": ["fraud", "ok"], "rows": rows(5)}
    answer = client.post("/api/v1/predictions", json=body, headers=engineer)
    assert answer.status_code == 201, answer.text
    logged = answer.json()
    assert logged["registered"] and logged["stored"] == 5 and logged["duplicates"] == 0
    again = client.post("/api/v1/predictions", json=body, headers=engineer).json()
    assert (again["stored"], again["duplicates"], again["registered"]) == (0, 5, False)
    labels = [{"prediction_id": "p0", "label": "fraud"}, {"prediction_id": "nope", "label": "ok"}]
    answer = client.post("/api/v1/labels", json=REF | {"rows": labels}, headers=engineer)
    assert answer.status_code == 201
    assert answer.json() | {} == {
        "stored": 2,
        "replaced": 0,
        "joined": 1,
        "unknown": 1,
        "unknown_ids": ["nope"],
    }
    analyst = auth(make_key(db, Role.analyst))
    models = client.get("/api/v1/predictions/models", headers=analyst).json()
    assert [(m["name"], m["predictions"], m["labelled"]) for m in models] == [("fraud", 5, 1)]
    assert models[0]["label_coverage"] == 0.2
    assert models[0]["last_prediction_at"].startswith((T0 + timedelta(minutes=4)).isoformat()[:16])
    one = client.get(f"/api/v1/predictions/models/{logged['model_id']}", headers=analyst)
    assert one.json()["features"] == {"amount": "numeric", "country": "categorical"}
    coverage = client.get(
        f"/api/v1/predictions/models/{logged['model_id']}/coverage",
        params={"start": T0.isoformat(), "end": (T0 + timedelta(days=2)).isoformat()},
        headers=analyst,
    ).json()
    assert [(p["predictions"], p["labelled"]) for p in coverage] == [(5, 1), (0, 0)]


def test_bad_json_rows_answer_problem_json_naming_the_row(client: TestClient, db: Database) -> None:
    engineer = setup(db)
    body = REF | {"classes": ["fraud", "ok"], "rows": rows(1)}
    assert client.post("/api/v1/predictions", json=body, headers=engineer).status_code == 201
    batch = rows(3, start=1)
    batch[1]["features"]["amount"] = "lots"
    body = REF | {"rows": batch}
    before = audit_count(db)
    answer = client.post("/api/v1/predictions", json=body, headers=engineer)
    assert answer.status_code == 422 and answer.headers["content-type"] == PROBLEM
    assert answer.json()["errors"][0]["field"] == "rows[2].features.amount"
    assert audit_count(db) == before
    missing = client.post(
        "/api/v1/predictions", json=REF | {"rows": [{"prediction_id": "x"}]}, headers=engineer
    )
    assert missing.status_code == 422 and missing.headers["content-type"] == PROBLEM
    other = REF | {"model": "other"}
    ambiguous = client.post("/api/v1/predictions", json=other | {"rows": rows(2)}, headers=engineer)
    assert ambiguous.status_code == 422
    assert ambiguous.json()["errors"][0]["field"] == "task"
    unknown = client.post(
        "/api/v1/labels",
        json=other | {"rows": [{"prediction_id": "a", "label": 1}]},
        headers=engineer,
    )
    assert unknown.status_code == 404 and unknown.headers["content-type"] == PROBLEM


def test_csv_and_parquet_uploads(client: TestClient, db: Database) -> None:
    engineer = setup(db)
    csv = (
        "prediction_id,timestamp,amount,country,gender,output,score\n"
        "a1,2026-10-01T00:00:00Z,10.5,FR,F,fraud,0.9\n"
        "a2,2026-10-01T01:00:00+02:00,,DE,M,ok,0.2\n"
        "a3,2026-10-01 02:00:00,inf,,F,ok,\n"
    )
    params = REF | {"sensitive": "gender", "classes": "fraud,ok"}
    answer = client.post(
        "/api/v1/predictions/upload",
        params=params,
        headers=engineer,
        files={"file": ("p.csv", csv.encode(), "text/csv")},
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["stored"] == 3
    table = pa.table(
        {
            "prediction_id": ["b1", "b2"],
            "timestamp": pa.array([T0, T0 + timedelta(hours=1)], pa.timestamp("us", "UTC")),
            "amount": [1.0, 2.0],
            "country": ["FR", "US"],
            "gender": ["M", None],
            "output": ["ok", "fraud"],
            "score": [0.1, 0.8],
        }
    )
    sink = io.BytesIO()
    pq.write_table(table, sink)
    answer = client.post(
        "/api/v1/predictions/upload",
        params=REF | {"sensitive": "gender"},
        headers=engineer,
        files={"file": ("p.parquet", sink.getvalue(), "application/octet-stream")},
    )
    assert answer.status_code == 201, answer.text
    labels = "prediction_id,label,labelled_at\na1,fraud,2026-10-02T00:00:00Z\nb2,ok,\nzz,ok,\n"
    answer = client.post(
        "/api/v1/labels/upload",
        params=REF,
        headers=engineer,
        files={"file": ("l.csv", labels.encode(), "text/csv")},
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["joined"] == 2 and answer.json()["unknown_ids"] == ["zz"]


def test_malformed_files_are_refused_whole_with_row_numbers(
    client: TestClient, db: Database
) -> None:
    engineer = setup(db)
    first = REF | {"classes": ["fraud", "ok"], "rows": rows(1)}
    assert client.post("/api/v1/predictions", json=first, headers=engineer).status_code == 201
    csv = (
        "prediction_id,timestamp,amount,output\n"
        "a1,2026-10-01T00:00:00Z,1,fraud\n"
        "a2,2026-10-01T00:00:00Z,two,ok\n"
        "a3,2026-10-01T00:00:00Z\n"
        "a1,not a time,3,ok\n"
    )
    answer = client.post(
        "/api/v1/predictions/upload",
        params=REF | {"classes": "fraud,ok"},
        headers=engineer,
        files={"file": ("p.csv", csv.encode(), "text/csv")},
    )
    assert answer.status_code == 422 and answer.headers["content-type"] == PROBLEM
    fields = [e["field"] for e in answer.json()["errors"]]
    assert fields == [
        "rows[2].features.amount",
        "rows[3].fields",
        "rows[4].prediction_id",
        "rows[4].timestamp",
    ]
    assert "4 of 4 rows refused" in answer.json()["detail"] or "3 of" in answer.json()["detail"]
    models = client.get("/api/v1/predictions/models", headers=engineer).json()
    assert models[0]["predictions"] == 1  # nothing of the file was stored
    garbage = client.post(
        "/api/v1/predictions/upload",
        params=REF,
        headers=engineer,
        files={"file": ("p.parquet", b"not parquet at all", "application/octet-stream")},
    )
    assert garbage.status_code == 422 and garbage.json()["errors"][0]["field"] == "file"
    no_column = client.post(
        "/api/v1/predictions/upload",
        params=REF | {"id_column": "id"},
        headers=engineer,
        files={"file": ("p.csv", csv.encode(), "text/csv")},
    )
    assert no_column.status_code == 422
    assert no_column.json()["errors"][0]["field"] == "id_column"
    not_text = client.post(  # a header that is not UTF-8 (pyarrow keeps its bytes as they are)
        "/api/v1/predictions/upload",
        params=REF,
        headers=engineer,
        files={"file": ("p.csv", b"\x89\xff,timestamp\n1,2\n", "text/csv")},
    )
    assert not_text.status_code == 422, not_text.text
    assert not_text.json()["errors"] == [
        {"field": "file", "reason": "column names must be UTF-8 text"}
    ]


def test_permissions_and_unit_scope(client: TestClient, db: Database) -> None:
    units = seed_units(db)
    make_system(db, units.other_unit_id, "elsewhere", kind="ml_model")
    body = {"system": "elsewhere", "model": "m", "version": "1", "rows": rows(1)}
    stakeholder = auth(make_key(db, Role.stakeholder))
    assert client.post("/api/v1/predictions", json=body, headers=stakeholder).status_code == 403
    assert client.get("/api/v1/predictions/models", headers=stakeholder).status_code == 403
    engineer = auth(make_key(db, Role.engineer))  # scoped to Finance
    outside = client.post("/api/v1/predictions", json=body, headers=engineer)
    assert outside.status_code == 404
    auditor = auth(make_key(db, Role.auditor))
    assert client.post("/api/v1/predictions", json=body, headers=auditor).status_code == 403


def test_absurd_values_get_422_never_500(client: TestClient, db: Database) -> None:
    engineer = setup(db)
    batch = rows(3)
    batch[0]["timestamp"] = 1e300
    batch[1]["timestamp"] = "9999-12-31T23:59:59"
    batch[2]["score"] = {"fraud": 0.5, "elsewhere": 0.5}
    body = REF | {"classes": ["fraud", "ok"], "rows": batch}
    answer = client.post("/api/v1/predictions", json=body, headers=engineer)
    assert answer.status_code == 422 and answer.headers["content-type"] == PROBLEM
    long_class = REF | {"classes": ["x" * 201, "ok"], "rows": rows(1)}
    answer = client.post("/api/v1/predictions", json=long_class, headers=engineer)
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "classes"
    nested = REF | {"classes": ["fraud", "ok"], "rows": [dict(rows(1)[0], features={"a": [1]})]}
    assert client.post("/api/v1/predictions", json=nested, headers=engineer).status_code == 422
    register = REF | {"task": "binary_classification", "classes": ["a", "b", "c"]}
    answer = client.post("/api/v1/predictions/models", json=register, headers=engineer)
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "classes"
    register["classes"] = ["yes", "no"]
    made = client.post("/api/v1/predictions/models", json=register, headers=engineer)
    assert made.status_code == 201 and made.json()["predictions"] == 0
    again = client.post("/api/v1/predictions/models", json=register, headers=engineer)
    assert again.status_code == 409


def test_a_parquet_file_with_bad_rows_is_refused_by_row(client: TestClient, db: Database) -> None:
    engineer = setup(db)
    table = pa.table(
        {
            "prediction_id": ["c1", "c2", "c3"],
            "timestamp": pa.array([T0, None, T0], pa.timestamp("ms")),  # naive: UTC
            "amount": [1.0, 2.0, 3.0],
            "output": ["ok", "fraud", "ok"],
            "score": [0.5, 0.5, 7.0],
        }
    )
    sink = io.BytesIO()
    pq.write_table(table, sink)
    answer = client.post(
        "/api/v1/predictions/upload",
        params=REF | {"classes": "fraud,ok"},
        headers=engineer,
        files={"file": ("p.parquet", sink.getvalue(), "application/octet-stream")},
    )
    assert answer.status_code == 422, answer.text
    assert [e["field"] for e in answer.json()["errors"]] == ["rows[2].timestamp", "rows[3].score"]
    assert client.get("/api/v1/predictions/models", headers=engineer).json() == []
