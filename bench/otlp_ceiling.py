"""The ceiling of the ingest benchmark: decode the same OTLP bodies and insert them into SQLite.

No HTTP, no authentication, no semantic mapping, no rollups: each request body is decoded with
``opentelemetry-proto``, every span flattened to one row (ids, name, kind, times, status, service,
model and token columns, attributes and events as JSON), and the rows inserted with one
``executemany`` in one transaction per request, in WAL mode with ``synchronous=FULL`` (the same
durability an acknowledged OTLP request needs). What a server adds on top costs time; this is
the figure it approaches.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue

SCHEMA = """
CREATE TABLE spans (
    trace_id BLOB NOT NULL, span_id BLOB NOT NULL, parent_span_id BLOB, name TEXT NOT NULL,
    kind INTEGER, start_ns INTEGER NOT NULL, end_ns INTEGER NOT NULL, status INTEGER,
    service TEXT, model TEXT, input_tokens INTEGER, output_tokens INTEGER,
    attributes TEXT NOT NULL, events TEXT NOT NULL,
    PRIMARY KEY (trace_id, span_id)
);
CREATE INDEX spans_start ON spans (service, start_ns);
"""
INSERT = "INSERT OR IGNORE INTO spans VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"


def _value(value: AnyValue) -> Any:
    kind = value.WhichOneof("value")
    if kind == "array_value":
        return [_value(v) for v in value.array_value.values]
    if kind == "kvlist_value":
        return {kv.key: _value(kv.value) for kv in value.kvlist_value.values}
    if kind == "bytes_value":
        return value.bytes_value.hex()
    return None if kind is None else getattr(value, kind)


def _rows(body: bytes) -> list[tuple[Any, ...]]:
    request = ExportTraceServiceRequest.FromString(body)
    rows = []
    for resource_spans in request.resource_spans:
        resource = {kv.key: _value(kv.value) for kv in resource_spans.resource.attributes}
        service = resource.get("service.name")
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                attrs = {kv.key: _value(kv.value) for kv in span.attributes}
                events = [
                    {
                        "name": e.name,
                        "time": e.time_unix_nano,
                        "attributes": {kv.key: _value(kv.value) for kv in e.attributes},
                    }
                    for e in span.events
                ]
                rows.append(
                    (
                        span.trace_id,
                        span.span_id,
                        span.parent_span_id or None,
                        span.name,
                        span.kind,
                        span.start_time_unix_nano,
                        span.end_time_unix_nano,
                        span.status.code,
                        service,
                        attrs.get("gen_ai.response.model"),
                        attrs.get("gen_ai.usage.input_tokens"),
                        attrs.get("gen_ai.usage.output_tokens"),
                        json.dumps(attrs),
                        json.dumps(events),
                    )
                )
    return rows


def ceiling(bodies: list[bytes], folder: Path) -> dict[str, float]:
    """Decode and insert every body, one transaction each; returns spans and seconds."""
    conn = sqlite3.connect(folder / "ceiling.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.executescript(SCHEMA)
    spans = 0
    started = time.perf_counter()
    for body in bodies:
        rows = _rows(body)
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(INSERT, rows)
        conn.execute("COMMIT")
        spans += len(rows)
    elapsed = time.perf_counter() - started
    stored = conn.execute("SELECT count(*) FROM spans").fetchone()[0]
    conn.close()
    if stored != spans:
        raise SystemExit(f"ceiling stored {stored} of {spans} spans")
    return {"spans": spans, "seconds": elapsed, "spans_per_s": spans / elapsed}
