"""Content search at a million stored spans, beside the plain scan a user would otherwise run.

    .venv/bin/python bench/content_search.py [--spans 1000000] [--runs 20]
        [--stores sqlite,postgres]

Stores ``--spans`` spans with 300–800 characters of message content each
(``content_search_data``: rows shaped as ingest's, the index rows built by ingest's own
``search_text`` and ``search_index.add``; on PostgreSQL the GIN indexes are dropped for the load
and rebuilt after it, as a restore would), then times, ``--runs`` times each, the searches a
user waits for through ``search_content`` (the count up to 1,000 plus the first page of 50):
a rare substring (an IBAN in 30 spans, a fragment of it), a common word, each with a system
filter and a time range. The same run times the peer: ``LIKE '%…%'`` (SQLite) / ``ILIKE``
(PostgreSQL) over the spans' stored content, the same filters, the same count and page.
On PostgreSQL also the full-text form (``to_tsvector('simple', body) @@ plainto_tsquery``).
Figures are p50 and p95 in milliseconds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from content_search_data import API_KEY, END, IBANS, Corpus, rows
from ingest_servers import fresh_postgres

from aitower.core.access.principal import cli_principal
from aitower.core.db.engine import Database
from aitower.core.db.migrate import upgrade
from aitower.telemetry import fast_sql, search_index, store
from aitower.telemetry.content_search import ContentQuery, like_pattern, search_content
from telemetry_ingest import _machine

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
GIN = (
    "CREATE INDEX ix_span_search_fts_trgm ON span_search USING gin (body gin_trgm_ops)",
    "CREATE INDEX ix_span_search_fts_words ON span_search USING gin (to_tsvector('simple', body))",
)
console = Console()


def _load(db: Database, spans: int) -> tuple[Corpus, float]:
    postgres = db.engine.dialect.name == "postgresql"
    began = time.perf_counter()
    if postgres:
        with db.engine.begin() as conn:
            conn.execute(text("DROP INDEX ix_span_search_fts_trgm, ix_span_search_fts_words"))
    corpus, chunks = rows(spans)
    for chunk in chunks:
        with db.writing() as session:
            fast_sql.execute_many(
                session, "bench.spans", store.SPANS, lambda _dialect: store.SPANS.insert(),
                [{k: v for k, v in r.items() if k != "search"} for r in chunk],
            )  # fmt: skip
            search_index.add(session, [(r["trace_id"], r["span_id"], r["search"]) for r in chunk])
    with db.engine.begin() as conn:
        if postgres:
            conn.execute(text("SET maintenance_work_mem = '1GB'"))
            for statement in GIN:
                conn.execute(text(statement))
        conn.execute(text("ANALYZE"))
    return corpus, time.perf_counter() - began


def _searches(corpus: Corpus) -> list[tuple[str, ContentQuery]]:
    system = corpus.systems[0]
    week = {"since": END - timedelta(days=7), "until": END}
    return [
        ("rare: IBAN (30 spans)", ContentQuery(IBANS[0])),
        ("rare: IBAN fragment", ContentQuery(IBANS[0][6:16])),
        ("rare: API key, one system", ContentQuery(API_KEY, system_id=system)),
        ("common word", ContentQuery("refund")),
        ("common word, one system, 7 days", ContentQuery("refund", system_id=system, **week)),
        ("absent text", ContentQuery("zq-not-stored-anywhere")),
    ]


def _timed(run: Callable[[], Any], runs: int) -> tuple[float, float, Any]:
    times, answer = [], None
    for _ in range(runs):
        began = time.perf_counter()
        answer = run()
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, answer


def _index(db: Database, query: ContentQuery) -> Callable[[], Any]:
    def run() -> str:
        with db.reading() as session:
            page = search_content(session, cli_principal("bench"), query)
        return f"{page.total}+" if page.more else str(page.total)

    return run


def _filters(db: Database, query: ContentQuery) -> tuple[str, dict[str, Any]]:
    where, params = "", {}
    if query.system_id is not None:
        where += " AND system_id = :system"
        sqlite = db.engine.dialect.name == "sqlite"  # SQLite stores a uuid as 32 hex digits
        params["system"] = query.system_id.hex if sqlite else query.system_id
    if query.since is not None:
        where += " AND start_time >= :since AND start_time < :until"
        params |= {"since": query.since, "until": query.until}
    return where, params


def _scan(db: Database, query: ContentQuery) -> Callable[[], Any]:
    """The peer: every span's stored content compared, the same count and page."""
    postgres = db.engine.dialect.name == "postgresql"
    match = "content::text ILIKE :p ESCAPE '\\'" if postgres else "content LIKE :p ESCAPE '\\'"
    where, params = _filters(db, query)
    params["p"] = like_pattern(query.q)
    base = f"FROM telemetry_spans WHERE {match}{where}"
    count = f"SELECT count(*) FROM (SELECT 1 {base} LIMIT 1001) AS found"
    page = f"SELECT trace_id, span_id {base} ORDER BY start_time DESC LIMIT 50"
    return _sql(db, count, page, params)


def _words(db: Database, query: ContentQuery) -> Callable[[], Any]:
    """PostgreSQL's full-text form, for comparison: whole words, not substrings."""
    where, params = _filters(db, query)
    params["q"] = query.q
    base = (
        "FROM span_search JOIN telemetry_spans USING (trace_id, span_id) WHERE "
        f"to_tsvector('simple', body) @@ plainto_tsquery('simple', :q){where}"
    )
    count = f"SELECT count(*) FROM (SELECT 1 {base} LIMIT 1001) AS found"
    page = f"SELECT trace_id, span_id {base} ORDER BY span_search.id DESC LIMIT 50"
    return _sql(db, count, page, params)


def _sql(db: Database, count: str, page: str, params: dict[str, Any]) -> Callable[[], Any]:
    def run() -> str:
        with db.engine.connect() as conn:
            found = int(conn.execute(text(count), params).scalar_one())
            conn.execute(text(page), params).all()
        return "1000+" if found > 1000 else str(found)

    return run


def _run(name: str, url: str, args: argparse.Namespace) -> list[dict[str, Any]]:
    db = Database(url)
    upgrade(db.engine)
    corpus, load_s = _load(db, args.spans)
    console.print(f"{name}: {args.spans:,} spans loaded and indexed in {load_s:.0f} s")
    results = []
    for label, query in _searches(corpus):
        forms = [("index", _index(db, query), args.runs)]
        forms.append(("scan", _scan(db, query), args.scan_runs))
        if name == "PostgreSQL" and " " not in query.q:
            forms.append(("tsvector", _words(db, query), args.runs))
        for form, run, runs in forms:
            p50, p95, found = _timed(run, runs)
            results.append({"store": name, "search": label, "form": form, "p50_ms": p50,
                            "p95_ms": p95, "hits": found, "runs": runs})  # fmt: skip
            console.print(f"  {label:34} {form:8} p50 {p50:9.1f} ms  p95 {p95:9.1f} ms  {found}")
    db.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--spans", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20, help="timed runs per indexed search")
    parser.add_argument("--scan-runs", type=int, default=5, help="timed runs per plain scan")
    parser.add_argument("--stores", default="sqlite,postgres")
    parser.add_argument("--postgres", default=POSTGRES)
    parser.add_argument("--json-out")
    args = parser.parse_args()
    console.print(f"machine: {_machine()}")
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as folder:
        if "sqlite" in args.stores:
            results += _run("SQLite", f"sqlite:///{Path(folder) / 'search.db'}", args)
        if "postgres" in args.stores:
            url, drop = fresh_postgres(args.postgres, f"aitower_search_{os.getpid()}")
            try:
                results += _run("PostgreSQL", url, args)
            finally:
                drop()
    _print(results)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(results, indent=2))


def _print(results: list[dict[str, Any]]) -> None:
    table = Table(title="Content search: p50 / p95 ms (hits counted up to 1,000)")
    for column in ("store", "search", "form", "p50", "p95", "hits"):
        table.add_column(column)
    for r in results:
        table.add_row(r["store"], r["search"], r["form"], f"{r['p50_ms']:.1f}",
                      f"{r['p95_ms']:.1f}", str(r["hits"]))  # fmt: skip
    console.print(table)


if __name__ == "__main__":
    main()
