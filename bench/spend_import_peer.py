"""The peers of ``spend_import.py``: DuckDB or polars summing the same CUR file the same way.

Run in ``bench/.peer-venv-spend`` (``python spend_import_peer.py FILE duckdb|polars``); prints
one JSON object: seconds, the total cost, the number of groups, peak RSS.
"""

from __future__ import annotations

import json
import sys
import time

from proc_memory import peak_rss_mb

COST = "lineItem/UnblendedCost"
KEYS = [
    "lineItem/UsageStartDate", "lineItem/CurrencyCode", "lineItem/UsageAccountId",
    "product/ProductName", "resourceTags/user:app", "resourceTags/user:aitower-system",
    "resourceTags/user:env",
]  # fmt: skip


def with_duckdb(path: str) -> tuple[float, int]:
    import duckdb

    quoted = [f'"{k}"' for k in KEYS]
    day = f"substr({quoted[0]}, 1, 10)"
    query = (
        f'SELECT {day}, {", ".join(quoted[1:])}, sum(CAST("{COST}" AS DOUBLE)) AS cost '
        f"FROM read_csv('{path}', all_varchar = true, header = true) "
        f"GROUP BY {day}, {', '.join(quoted[1:])}"
    )
    rows = duckdb.sql(query).fetchall()
    return sum(r[-1] for r in rows), len(rows)


def with_polars(path: str) -> tuple[float, int]:
    import polars as pl

    frame = (
        pl.scan_csv(path, infer_schema=False)
        .select([pl.col(KEYS[0]).str.slice(0, 10), *[pl.col(k) for k in KEYS[1:]],
                 pl.col(COST).cast(pl.Float64)])
        .group_by(KEYS)
        .agg(pl.col(COST).sum())
        .collect(engine="streaming")
    )  # fmt: skip
    return float(frame[COST].sum()), frame.height


def main() -> None:
    path, name = sys.argv[1], sys.argv[2]
    started = time.perf_counter()
    total, groups = {"duckdb": with_duckdb, "polars": with_polars}[name](path)
    print(
        json.dumps(
            {
                "seconds": time.perf_counter() - started,
                "total": total,
                "groups": groups,
                "peak_rss_mb": peak_rss_mb(),
            }
        )
    )


if __name__ == "__main__":
    main()
