"""A 1 GB AWS Cost and Usage Report (legacy CUR CSV) imported: aitower against a plain ``csv``
loop, DuckDB and polars doing the same aggregation on the same file, in one run.

    python bench/spend_import.py [--gigabytes 1.0]

The file is made once in ``bench/.data`` (git-ignored): 26 columns as a CUR has them (the ones
spend reads and others it skips), hourly line items of one month of 1,500 resources (40
accounts, 12 services, 3 tag columns), so about 46,000 sums of about 75 line items each.
Each contender runs in its own process, so its peak RSS is its own:

- **aitower**: ``spend import`` as the CLI does it (``read_import`` streams the file in
  8 MB blocks, sums per day, account, service, currency and tags; then ``store_import``
  matches the sums to systems and writes them to a fresh SQLite database in one transaction);
- **csv loop**: the standard library's ``csv.reader`` and a dict, the same sums;
- **DuckDB** and **polars** (from ``bench/.peer-venv-spend``): ``GROUP BY`` over the CSV
  read as text, the cost cast to a double, the same sums, streaming.

Prints MB/s, seconds and peak RSS of each, the ratios against aitower, and checks that every
contender found the same total cost (to a cent per million).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
from proc_memory import peak_rss_mb

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"
ROWS_PER_CHUNK = 200_000
RESOURCES = 1_500  # so a month sums to at most 31 × 1,500 groups
COST = "lineItem/UnblendedCost"
KEYS = [
    "lineItem/UsageStartDate", "lineItem/CurrencyCode", "lineItem/UsageAccountId",
    "product/ProductName", "resourceTags/user:app", "resourceTags/user:aitower-system",
    "resourceTags/user:env",
]  # fmt: skip
OTHER = [
    "identity/LineItemId", "identity/TimeInterval", "bill/InvoiceId", "bill/BillingEntity",
    "bill/PayerAccountId", "lineItem/LineItemType", "lineItem/UsageEndDate",
    "lineItem/ProductCode", "lineItem/UsageType", "lineItem/Operation",
    "lineItem/AvailabilityZone", "lineItem/ResourceId", "lineItem/UsageAmount",
    "lineItem/UnblendedRate", "lineItem/BlendedCost", "lineItem/LineItemDescription",
    "pricing/unit", "product/region",
]  # fmt: skip
SERVICES = [
    "Amazon Bedrock", "Amazon SageMaker", "Amazon Elastic Compute Cloud", "Amazon Simple Storage "
    "Service", "Amazon OpenSearch Service", "AWS Lambda", "Amazon Comprehend", "Amazon Textract",
    "Amazon Kendra", "Amazon Rekognition", "Amazon Transcribe", "Amazon Polly",
]  # fmt: skip
APPS = ["helpdesk", "knowledge", "marketing", "fraud", "sandbox", ""]


def _resources(rng: np.random.Generator) -> list[tuple[str, ...]]:
    """What each line item is for: (account, service, app, aitower-system, env, resource)."""
    made = []
    for i in range(RESOURCES):
        made.append(
            (
                f"{100000000000 + int(rng.integers(0, 40)) * 7919}",
                SERVICES[int(rng.integers(0, len(SERVICES)))],
                APPS[int(rng.integers(0, len(APPS)))],
                "Helpdesk bot" if rng.random() < 0.1 else "",
                ["prod", "dev", "staging", ""][int(rng.integers(0, 4))],
                f"arn:aws:bedrock:us-east-1:123456789012:inference-profile/p{i}",
            )
        )
    return made


def _chunk(rng: np.random.Generator, n: int, start: int, resources: np.ndarray) -> pa.Table:
    """``n`` line items of January 2026: a resource's usage in one hour."""
    hours = rng.integers(0, 31 * 24, n)
    stamps = np.array(
        [f"2026-01-{d + 1:02d}T{h:02d}:00:00Z" for d in range(31) for h in range(24)], dtype=object
    )
    which = rng.integers(0, len(resources), n)
    chosen = resources[which]

    def pick(pool: list[str]) -> pa.Array:
        return pa.array(np.array(pool, dtype=object)[rng.integers(0, len(pool), n)])

    cost = rng.exponential(0.05, n)
    columns: dict[str, pa.Array] = {
        "lineItem/UsageStartDate": pa.array(stamps[hours]),
        COST: pa.array([f"{c:.10f}" for c in cost]),
        "lineItem/CurrencyCode": pa.array(["USD"] * n),
        "lineItem/UsageAccountId": pa.array(chosen[:, 0]),
        "product/ProductName": pa.array(chosen[:, 1]),
        "resourceTags/user:app": pa.array(chosen[:, 2]),
        "resourceTags/user:aitower-system": pa.array(chosen[:, 3]),
        "resourceTags/user:env": pa.array(chosen[:, 4]),
        "lineItem/ResourceId": pa.array(chosen[:, 5]),
        "identity/LineItemId": pa.array([f"{start + i:032x}" for i in range(n)]),
        "lineItem/LineItemDescription": pick(
            [
                f"USD 0.{i:04d} per 1K input tokens for model family {i % 9} in us-east-1"
                for i in range(50)
            ]
        ),
    }
    for name in OTHER:
        if name not in columns:
            columns[name] = pick([f"{name.split('/')[-1].lower()}-{i}" for i in range(20)])
    order = ["identity/LineItemId", KEYS[0], COST, *KEYS[1:]]
    order += [o for o in OTHER if o not in order]
    return pa.table({name: columns[name] for name in order})


def make_file(gigabytes: float) -> Path:
    path = DATA / f"cur-{gigabytes:g}g.csv"
    if path.exists():
        return path
    DATA.mkdir(exist_ok=True)
    target = int(gigabytes * 1024**3)
    rng = np.random.default_rng(17)
    resources = np.array(_resources(rng), dtype=object)
    print(f"making {path} ({gigabytes:g} GB, once)…", file=sys.stderr)
    partial = path.with_suffix(".partial")
    with partial.open("wb") as out:
        written = 0
        first = True
        while written < target:
            table = _chunk(rng, ROWS_PER_CHUNK, written, resources)
            options = pacsv.WriteOptions(include_header=first, quoting_style="needed")
            pacsv.write_csv(table, out, write_options=options)
            first = False
            written = out.tell()
    partial.rename(path)
    return path


# --- contenders run in their own process -------------------------------------------------------


def run_aitower(path: Path) -> dict[str, float]:
    sys.path.insert(0, str(HERE.parent / "src"))
    from aitower.core.access.principal import cli_principal
    from aitower.core.audit.service import ChangeContext
    from aitower.core.db.engine import Database
    from aitower.core.db.migrate import upgrade
    from aitower.spend import import_service
    from aitower.spend.sources import ImportKind

    folder = tempfile.mkdtemp()
    db = Database(f"sqlite:///{folder}/bench.db")
    upgrade(db.engine)
    ctx = ChangeContext(cli_principal("bench"))
    started = time.perf_counter()
    with path.open("rb") as stream:
        read = import_service.read_import(ImportKind.aws_cur, stream, path.name)
    read_seconds = time.perf_counter() - started
    with db.writing() as session:
        row = import_service.store_import(session, ctx, read)
        total, records = row.total_amount, row.records_stored
    return {
        "seconds": time.perf_counter() - started,
        "read_seconds": read_seconds,  # hashed, read and summed; the rest is the write
        "total": total,
        "groups": records,
    }


def run_csv_loop(path: Path) -> dict[str, float]:
    started = time.perf_counter()
    sums: dict[tuple[str, ...], float] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        cost = header.index(COST)
        keys = [header.index(k) for k in KEYS]
        for row in reader:
            key = (row[keys[0]][:10], *(row[k] for k in keys[1:]))
            sums[key] = sums.get(key, 0.0) + float(row[cost])
    return {
        "seconds": time.perf_counter() - started,
        "total": sum(sums.values()),
        "groups": len(sums),
    }


def worker(name: str, path: Path) -> None:
    found = {"aitower": run_aitower, "csv": run_csv_loop}[name](path)
    found["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(found))


def _measure(name: str, command: list[str]) -> dict[str, float] | None:
    out = subprocess.run(command, check=False, capture_output=True, text=True)
    if out.returncode != 0:
        print(f"{name} failed: {out.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
        return None
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"{name}: {result}", file=sys.stderr)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gigabytes", type=float, default=1.0)
    parser.add_argument("--worker", choices=["aitower", "csv"])
    parser.add_argument("--file", type=Path)
    parser.add_argument("--skip-peers", action="store_true")
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.file)
        return
    path = make_file(args.gigabytes)
    megabytes = path.stat().st_size / 1024**2
    me = [sys.executable, __file__, "--file", str(path), "--worker"]
    found = {"aitower": _measure("aitower", [*me, "aitower"])}
    found["csv loop"] = _measure("csv loop", [*me, "csv"])
    if not args.skip_peers:
        sys.path.insert(0, str(HERE))
        from peer_env import peer_bin

        python = peer_bin("spend", ("duckdb==2.0.0", "polars==2.1.0")) / "python"
        peer = [str(python), str(HERE / "spend_import_peer.py"), str(path)]
        found["DuckDB"] = _measure("DuckDB", [*peer, "duckdb"])
        found["polars"] = _measure("polars", [*peer, "polars"])
    results = {name: r for name, r in found.items() if r is not None}
    base = results["aitower"]
    print(f"{path.name}: {megabytes:,.0f} MB, {os.cpu_count()} cores")
    print(f"{'contender':<10} {'seconds':>8} {'MB/s':>8} {'peak RSS MB':>12} {'groups':>8} "
          f"{'vs aitower':>11}")  # fmt: skip
    for name, r in results.items():
        ratio = r["seconds"] / base["seconds"]
        print(
            f"{name:<10} {r['seconds']:>8.2f} {megabytes / r['seconds']:>8.1f} "
            f"{r['peak_rss_mb']:>12.0f} {int(r['groups']):>8} {ratio:>10.2f}x"
        )
        if abs(r["total"] - base["total"]) > 1e-6 * max(base["total"], 1.0) + 0.01:
            print(f"  ! {name} total {r['total']:.4f} differs from aitower's {base['total']:.4f}")
    print(f"aitower: {megabytes / base['seconds']:.1f} MB/s (figure: at least 50 MB/s)")


if __name__ == "__main__":
    main()
