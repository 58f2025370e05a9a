"""The peers of ``discovery_logs.py``: DuckDB or polars scanning the same Squid log.

Run in ``bench/.peer-venv-spend`` (``python discovery_logs_peer.py FILE duckdb|polars``); prints
one JSON object. Each peer does the heavy part the way its users would: the file read as one
text column, each line checked against the same shape (10 fields, numbers where Squid writes
numbers) and the same case-blind search for the patterns' host suffixes, grouped so that only
the candidate lines and two counts leave the engine. The few candidates are then matched and
summed in Python by ``tally_candidates`` (shared with the plain loops, so every contender
answers the same question).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from proc_memory import peak_rss_mb  # noqa: E402

from aitower.discovery.matching import ServiceMatcher  # noqa: E402  (pure; stdlib only)

# The same shape as aitower's SQUID_SHAPE, for a line without its leading newline.
SHAPE = r"^[ \t]*\d+(?:\.\d+)?[ \t]+-?\d+[ \t]+\S+[ \t]+\S+/\d+[ \t]+\d+(?:[ \t]+\S+){5}[ \t\r]*$"


def host_and_path(url: str, method: str) -> tuple[str, str]:
    if method == "CONNECT":
        return url.rpartition(":")[0] or url, ""
    rest = url.split("://", 1)[1] if "://" in url[:16] else url
    authority, slash, path = rest.partition("/")
    path = (slash + path).split("?", 1)[0].split("#", 1)[0]
    return authority.rpartition("@")[2].partition(":")[0], path


def tally_candidates(lines: Iterable[str], matcher: ServiceMatcher) -> dict[tuple, list]:
    """(service, user, client) -> [requests, reply bytes, first, last] of candidate lines."""
    groups: dict[tuple, list] = {}
    for line in lines:
        f = line.split()
        host, path = host_and_path(f[6], f[5])
        service = matcher.match(host, path)
        if service is None:
            continue
        ts, size = float(f[0]), int(f[4])
        key = (service, "" if f[7] == "-" else f[7], f[2])
        g = groups.get(key)
        if g is None:
            groups[key] = [1, size, ts, ts]
        else:
            g[0] += 1
            g[1] += size
            g[2] = min(g[2], ts)
            g[3] = max(g[3], ts)
    return groups


def summary(groups: dict[tuple, list], lines: int, malformed: int) -> dict[str, float]:
    return {
        "lines": lines,
        "malformed": malformed,
        "matched": sum(g[0] for g in groups.values()),
        "bytes": sum(g[1] for g in groups.values()),
        "groups": len(groups),
    }


def with_duckdb(path: str, matcher: ServiceMatcher) -> dict[str, float]:
    import duckdb

    prefilter = matcher.prefilter()
    query = f"""
        SELECT CASE WHEN ok AND cand THEN line END AS line, count(*) AS n,
               count(*) FILTER (WHERE NOT ok AND trim(line) <> '') AS bad
        FROM (
            SELECT line, regexp_full_match(line, $shape) AS ok,
                   regexp_matches(line, $prefilter, 'i') AS cand
            FROM read_csv('{path}', columns = {{'line': 'VARCHAR'}}, delim = '\x1f',
                          quote = '', escape = '', header = false, auto_detect = false)
        )
        GROUP BY 1
    """
    rows = duckdb.execute(query, {"shape": SHAPE, "prefilter": prefilter}).fetchall()
    lines = sum(r[1] for r in rows)
    malformed = sum(r[2] for r in rows)
    groups = tally_candidates((r[0] for r in rows if r[0] is not None), matcher)
    return summary(groups, lines, malformed)


def with_polars(path: str, matcher: ServiceMatcher) -> dict[str, float]:
    import polars as pl

    line = pl.col("line")
    ok = line.str.contains(SHAPE)
    cand = line.str.contains("(?i)" + (matcher.prefilter() or "$^"))
    frame = (
        pl.scan_csv(path, separator="\x1f", quote_char=None, has_header=False,
                    new_columns=["line"], schema={"line": pl.String}, encoding="utf8-lossy")
        .select(pl.when(ok & cand).then(line).alias("cand"),
                (~ok & (line.str.strip_chars() != "")).alias("bad"))
        .group_by("cand")
        .agg(pl.len().alias("n"), pl.col("bad").sum().alias("bad"))
        .collect(engine="streaming")
    )  # fmt: skip
    lines, malformed = int(frame["n"].sum()), int(frame["bad"].sum())
    groups = tally_candidates((c for c in frame["cand"] if c is not None), matcher)
    return summary(groups, lines, malformed)


def main() -> None:
    path, name = sys.argv[1], sys.argv[2]
    sys.path.insert(0, str(HERE))
    from discovery_logs_data import PATTERNS

    matcher = ServiceMatcher(PATTERNS)
    started, cpu = time.perf_counter(), time.process_time()
    found = {"duckdb": with_duckdb, "polars": with_polars}[name](path, matcher)
    found["seconds"] = time.perf_counter() - started
    found["cpu_seconds"] = time.process_time() - cpu  # every thread of the process
    found["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(found))


if __name__ == "__main__":
    main()
