"""A 1 GB Squid ``access.log`` scanned for AI services: aitower against a plain Python loop
(``bytes.split``), a naive per-line regex loop, DuckDB and polars, on the same file, in one run.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python bench/discovery_logs.py [--gigabytes 1]

The file is made once in ``bench/.data`` (git-ignored; ``discovery_logs_data.py`` says what is
in it: 3 % of 8.4 million lines to AI services, 1 in 10,000 malformed). Each contender runs in
its own process and answers the same question: lines, malformed lines (not 10 fields, or not
numbers where Squid writes numbers), requests per (service, user, client) with reply bytes,
first and last seen, matched by the same 59 (service, host suffix, path prefix) patterns:

- **aitower**: ``scan_log(path, "squid", patterns)`` (Arrow arrays of lines, RE2 shape check
  and suffix prefilter over whole blocks on worker threads, Python for the few candidates);
- **split loop**: ``for line in file: line.split()``, numbers checked, every host matched;
- **regex loop**: one ``re.match`` with 11 groups per line, then the same;
- **DuckDB** and **polars** (``bench/.peer-venv-spend``): the file read as one text column,
  the same shape and prefilter as regular expressions in the engine, grouped so that only the
  candidate lines leave it; those are matched in Python (``discovery_logs_peer.py``).

Prints wall seconds, CPU seconds (all threads), MB/s, peak RSS (VmHWM of the worker itself),
the ratios against aitower, and checks that every contender found the same counts. The load
average is printed too: on a shared machine the wall time of every contender stretches alike.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

from discovery_logs_data import PATTERNS, make_squid_log  # noqa: E402
from discovery_logs_peer import host_and_path, peak_rss_mb, summary  # noqa: E402

LINE = re.compile(
    rb"^[ \t]*(\d+(?:\.\d+)?)[ \t]+(-?\d+)[ \t]+(\S+)[ \t]+(\S+)/(\d+)[ \t]+(\d+)[ \t]+(\S+)"
    rb"[ \t]+(\S+)[ \t]+(\S+)[ \t]+(\S+)[ \t]+(\S+)[ \t\r]*$"
)
CHECKED = ("lines", "malformed", "matched", "bytes", "groups")


def run_aitower(path: Path) -> dict[str, float]:
    from aitower.discovery.logscan import scan_log

    scan = scan_log(path, "squid", PATTERNS)
    return {
        "lines": scan.lines,
        "malformed": scan.malformed,
        "matched": scan.matched,
        "bytes": sum(u.bytes_received or 0 for u in scan.uses),
        "groups": len(scan.uses),
    }


def _add(groups: dict[tuple, list], key: tuple, size: int, ts: float) -> None:
    g = groups.get(key)
    if g is None:
        groups[key] = [1, size, ts, ts]
    else:
        g[0] += 1
        g[1] += size
        g[2] = min(g[2], ts)
        g[3] = max(g[3], ts)


def run_split_loop(path: Path) -> dict[str, float]:
    from aitower.discovery.matching import ServiceMatcher

    matcher = ServiceMatcher(PATTERNS)
    groups: dict[tuple, list] = {}
    lines = malformed = 0
    with path.open("rb") as handle:
        for raw in handle:
            lines += 1
            f = raw.split()
            if len(f) != 10:
                malformed += 1 if f else 0
                continue
            try:
                ts, _, size = float(f[0]), int(f[1]), int(f[4])
                int(f[3].rpartition(b"/")[2])
            except ValueError:
                malformed += 1
                continue
            host, urlpath = host_and_path(f[6].decode(), f[5].decode())
            service = matcher.match(host, urlpath)
            if service is not None:
                user = "" if f[7] == b"-" else f[7].decode()
                _add(groups, (service, user, f[2].decode()), size, ts)
    return summary(groups, lines, malformed)


def run_regex_loop(path: Path) -> dict[str, float]:
    from aitower.discovery.matching import ServiceMatcher

    matcher = ServiceMatcher(PATTERNS)
    groups: dict[tuple, list] = {}
    lines = malformed = 0
    with path.open("rb") as handle:
        for raw in handle:
            lines += 1
            m = LINE.match(raw)
            if m is None:
                malformed += 1 if raw.strip() else 0
                continue
            host, urlpath = host_and_path(m[8].decode(), m[7].decode())
            service = matcher.match(host, urlpath)
            if service is not None:
                user = "" if m[9] == b"-" else m[9].decode()
                _add(groups, (service, user, m[3].decode()), int(m[6]), float(m[1]))
    return summary(groups, lines, malformed)


WORKERS = {"aitower": run_aitower, "split": run_split_loop, "regex": run_regex_loop}


def worker(name: str, path: Path) -> None:
    started, cpu = time.perf_counter(), time.process_time()
    found = WORKERS[name](path)
    found["seconds"] = time.perf_counter() - started
    found["cpu_seconds"] = time.process_time() - cpu
    found["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(found))


def _measure(name: str, command: list[str]) -> dict[str, float] | None:
    env = {
        k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
    }
    started = time.perf_counter()
    out = subprocess.run(command, check=False, capture_output=True, text=True, env=env)
    if out.returncode != 0:
        print(f"{name} failed: {out.stderr.strip().splitlines()[-3:]}", file=sys.stderr)
        return None
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    result.setdefault("cpu_seconds", float("nan"))
    result["process_seconds"] = time.perf_counter() - started
    print(f"{name}: {result}", file=sys.stderr)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gigabytes", type=float, default=1.0)
    parser.add_argument("--worker", choices=sorted(WORKERS))
    parser.add_argument("--file", type=Path)
    parser.add_argument("--skip-peers", action="store_true")
    parser.add_argument(
        "--contenders", default="aitower,split,regex,duckdb,polars", help="comma-separated"
    )
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.file)
        return
    path = make_squid_log(args.gigabytes)
    megabytes = path.stat().st_size / 1e6
    load_before = os.getloadavg()
    me = [sys.executable, __file__, "--file", str(path), "--worker"]
    chosen = set(args.contenders.split(",")) | {"aitower"}
    if args.skip_peers:
        chosen -= {"duckdb", "polars"}
    found = {"aitower": _measure("aitower", [*me, "aitower"])}
    for name, label in (("split", "split loop"), ("regex", "regex loop")):
        if name in chosen:
            found[label] = _measure(label, [*me, name])
    if chosen & {"duckdb", "polars"}:
        from peer_env import peer_bin

        python = peer_bin("spend", ("duckdb==2.0.0", "polars==2.1.0")) / "python"
        peer = [str(python), str(HERE / "discovery_logs_peer.py"), str(path)]
        for name, label in (("duckdb", "DuckDB"), ("polars", "polars")):
            if name in chosen:
                found[label] = _measure(label, [*peer, name])
    _report(path, megabytes, {n: r for n, r in found.items() if r is not None}, load_before)


def _report(
    path: Path, megabytes: float, results: dict[str, dict[str, float]], load: tuple[float, ...]
) -> None:
    base = results["aitower"]
    print(f"{path.name}: {megabytes:,.0f} MB, {int(base['lines']):,} lines, {os.cpu_count()} "
          f"cores, load average {load[0]:.1f} before, {os.getloadavg()[0]:.1f} after")  # fmt: skip
    print(f"{'contender':<11} {'seconds':>8} {'MB/s':>7} {'CPU s':>7} {'MB/CPU-s':>9} "
          f"{'peak RSS MB':>12} {'time vs aitower':>16}")  # fmt: skip
    for name, r in results.items():
        print(
            f"{name:<11} {r['seconds']:>8.2f} {megabytes / r['seconds']:>7.1f} "
            f"{r['cpu_seconds']:>7.2f} {megabytes / r['cpu_seconds']:>9.1f} "
            f"{r['peak_rss_mb']:>12.0f} {r['seconds'] / base['seconds']:>15.2f}x"
        )
        for key in CHECKED:
            if r[key] != base[key]:
                print(f"  ! {name} {key} {r[key]} differs from aitower's {base[key]}")
    print(f"aitower: {megabytes / base['seconds']:.1f} MB/s, peak {base['peak_rss_mb']:.0f} MB "
          "(figure: at least 100 MB/s, under 500 MB)")  # fmt: skip


if __name__ == "__main__":
    main()
