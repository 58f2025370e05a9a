"""Peer: the same inventory in MLflow's model registry (SQLite), the same filtered queries.

    python peers/mlflow_registry.py DATASET.json QUERIES.json

Runs in bench/.peer-venv. Each system becomes a registered model whose tags carry unit, kind,
stage, tier, owner and one ``tag.<name>`` per inventory tag; MLflow has no bulk import, so the
load is a loop of ``create_registered_model`` as a user's script would do. Prints one JSON line.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from mlflow.entities.model_registry import RegisteredModelTag
from mlflow.store.model_registry.sqlalchemy_store import SqlAlchemyStore


def _tags(system: dict) -> list[RegisteredModelTag]:
    tags = [
        RegisteredModelTag(key, str(system[key] or "unassessed"))
        for key in ("unit", "kind", "stage", "tier", "owner")
    ]
    return tags + [RegisteredModelTag(f"tag.{t}", "1") for t in system["tags"]]


def _filter(query: dict) -> str:
    clauses = [f"tags.{key} = '{query[key]}'" for key in ("unit", "kind", "stage") if key in query]
    if "tag" in query:
        clauses.append(f"tags.`tag.{query['tag']}` = '1'")
    if "q" in query:
        clauses.append(f"name ILIKE '%{query['q']}%'")
    return " AND ".join(clauses)


def main(dataset_path: str, queries_path: str) -> None:
    systems = json.loads(Path(dataset_path).read_text())
    queries = json.loads(Path(queries_path).read_text())
    with tempfile.TemporaryDirectory() as tmp:
        store = SqlAlchemyStore(f"sqlite:///{tmp}/mlflow.db")
        started = time.perf_counter()
        for system in systems:
            store.create_registered_model(
                system["name"], tags=_tags(system), description=system["purpose"]
            )
        load = time.perf_counter() - started
        timings = []
        hits = []
        for query in queries:
            begun = time.perf_counter()
            page = store.search_registered_models(
                filter_string=_filter(query), max_results=50, order_by=["name ASC"]
            )
            timings.append(time.perf_counter() - begun)
            hits.append(len(page))
    print(
        json.dumps(
            {
                "load_s": load,
                "query_median_ms": statistics.median(timings) * 1000,
                "query_p95_ms": statistics.quantiles(timings, n=20)[-1] * 1000,
                "hits": hits,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
