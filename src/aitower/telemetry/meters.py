"""In-process counters of the ingest path, exposed at ``/metrics``.

Each server process counts what it handled itself (Prometheus scrapes every replica); what is
shared by all replicas, such as per-system requests and cost, is read from the rollups instead.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class IngestMeters:
    spans_accepted: int = 0
    spans_duplicate: int = 0
    spans_rejected: int = 0
    requests_by_status: Counter[int] = field(default_factory=Counter)
    in_flight: int = 0
    grpc_by_code: Counter[str] = field(default_factory=Counter)
    log_records: Counter[str] = field(default_factory=Counter)  # by outcome
    metric_points: Counter[str] = field(default_factory=Counter)  # by family
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count_ingest(self, accepted: int, duplicates: int, rejected: int) -> None:
        with self._lock:
            self.spans_accepted += accepted
            self.spans_duplicate += duplicates
            self.spans_rejected += rejected

    def count_request(self, status: int) -> None:
        with self._lock:
            self.requests_by_status[status] += 1

    def count_grpc(self, code: str) -> None:
        with self._lock:
            self.grpc_by_code[code] += 1

    def count_logs(self, kept: int, dropped: int, no_span: int) -> None:
        with self._lock:
            for outcome, count in (("kept", kept), ("dropped", dropped), ("no_span", no_span)):
                if count:
                    self.log_records[outcome] += count

    def count_metric_points(self, by_family: dict[str, int]) -> None:
        with self._lock:
            self.metric_points.update(by_family)

    def inflight(self, delta: int) -> None:
        with self._lock:
            self.in_flight += delta


def meters_of(app: Any) -> IngestMeters:
    """The app's meters, created on first use (one set per server process)."""
    state = app.state
    found: IngestMeters | None = getattr(state, "ingest_meters", None)
    if found is None:
        found = IngestMeters()
        state.ingest_meters = found
    return found
