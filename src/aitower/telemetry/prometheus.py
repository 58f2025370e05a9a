"""``/metrics`` in the Prometheus text format: aitower's own health and per-system counters.

Ingest counters are this process's (each replica is scraped). Per-system counters are sums over
the hour rollups, shared by all replicas; they only grow until rollups older than their
retention are purged, which a scraper sees as a counter reset.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aitower.inventory import service as inventory
from aitower.telemetry import store
from aitower.telemetry.meters import IngestMeters

_SYSTEM_SERIES = (
    ("aitower_system_requests_total", "requests", "Requests (root spans) per system"),
    ("aitower_system_errors_total", "errors", "Failed requests per system"),
    ("aitower_system_llm_calls_total", "llm_calls", "LLM calls per system"),
    ("aitower_system_input_tokens_total", "input_tokens", "Input tokens per system"),
    ("aitower_system_output_tokens_total", "output_tokens", "Output tokens per system"),
    ("aitower_system_cost_usd_total", "cost", "Priced LLM cost per system, in USD"),
    ("aitower_system_unpriced_tokens_total", "unpriced_tokens", "Tokens of unpriced models"),
)


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _family(name: str, kind: str, help_text: str, samples: Iterable[str]) -> list[str]:
    return [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}", *samples]


def _counter(name: str, help_text: str, value: int) -> list[str]:
    return _family(name, "counter", help_text, [f"{name} {value}"])


def _labelled(name: str, help_text: str, label: str, counts: Mapping[str, int]) -> list[str]:
    """A counter family with one sample per value of ``label``."""
    samples = [f'{name}{{{label}="{_escape(k)}"}} {n}' for k, n in sorted(counts.items())]
    return _family(name, "counter", help_text, samples)


def ingest_lines(meters: IngestMeters) -> list[str]:
    return [
        *_counter(
            "aitower_otlp_spans_accepted_total",
            "Spans stored by this process",
            meters.spans_accepted,
        ),
        *_counter(
            "aitower_otlp_spans_duplicate_total", "Re-sent spans ignored", meters.spans_duplicate
        ),
        *_counter(
            "aitower_otlp_spans_rejected_total",
            "Spans refused (partial success)",
            meters.spans_rejected,
        ),
        *_labelled(
            "aitower_otlp_requests_total",
            "OTLP export requests by HTTP status",
            "code",
            {str(code): n for code, n in meters.requests_by_status.items()},
        ),
        *_labelled(
            "aitower_otlp_grpc_requests_total",
            "OTLP/gRPC export calls by gRPC status code",
            "code",
            meters.grpc_by_code,
        ),
        *_labelled(
            "aitower_otlp_log_records_total",
            "OTLP log records: GenAI events kept on their spans, others dropped",
            "outcome",
            meters.log_records,
        ),
        *_labelled(
            "aitower_otlp_metric_points_total",
            "OTLP metric data points received (counted, not stored), by metric family",
            "family",
            meters.metric_points,
        ),
        *_family(
            "aitower_otlp_queue_depth",
            "gauge",
            "OTLP requests being processed or waiting",
            [f"aitower_otlp_queue_depth {meters.in_flight}"],
        ),
    ]


def system_lines(session: Session, unit_ids: frozenset[uuid.UUID] | None = None) -> list[str]:
    """Per-system counters; a scraper limited to business units (``unit_ids``) gets only
    their systems, and no unregistered sources (they belong to no unit)."""
    table = store.HOUR_ROLLUPS
    columns = [func.sum(table.c[column]) for _, column, _ in _SYSTEM_SERIES]
    rows = session.execute(select(table.c.system_key, *columns).group_by(table.c.system_key)).all()
    ids = {key: _as_uuid(key) for key, *_ in rows}
    systems = [i for i in ids.values() if i is not None]
    if unit_ids is not None:
        units = inventory.system_units(session, systems)
        rows = [r for r in rows if (i := ids[r[0]]) is not None and units.get(i) in unit_ids]
    names = inventory.system_names(session, systems)
    lines: list[str] = []
    for index, (metric, _, help_text) in enumerate(_SYSTEM_SERIES):
        samples = []
        for key, *sums in rows:
            system_id = ids[key]
            label = names.get(system_id, str(system_id)) if system_id else key
            samples.append(
                f'{metric}{{system="{_escape(label)}",system_key="{_escape(key)}"}} '
                f"{_number(sums[index])}"
            )
        lines += _family(metric, "counter", help_text, samples)
    return lines


def _number(value: object) -> str:
    number = float(value or 0)  # type: ignore[arg-type]
    return str(int(number)) if number.is_integer() else repr(number)


def _as_uuid(key: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(key)
    except ValueError:
        return None


def render(
    meters: IngestMeters,
    session: Session,
    extra: Iterable[str] = (),
    unit_ids: frozenset[uuid.UUID] | None = None,
) -> str:
    """The whole text; per-system counters only of ``unit_ids``' systems when given."""
    lines = [*ingest_lines(meters), *system_lines(session, unit_ids), *extra]
    return "\n".join(lines) + "\n"
