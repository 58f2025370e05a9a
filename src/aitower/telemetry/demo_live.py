"""``aitower demo --live``: the demo applications' traffic, sent as an instrumented app sends it.

Traces of the same shapes as the demo's history are replayed through the OpenTelemetry SDK
(one ``TracerProvider`` per application, so each has its own ``service.name`` resource, a
``BatchSpanProcessor`` and the OTLP/HTTP protobuf exporter) to a running server's
``/v1/traces``, authenticated by an API key. Nothing here touches the database: the spans take
the real ingest path, so the dashboards move exactly as they would for a production app.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import cast

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.trace import Span, SpanKind, Status, StatusCode
from opentelemetry.util.types import Attributes

from aitower.telemetry.demo_traffic import APPS, DemoApp, live_trace, resource
from aitower.telemetry.records import AttrValue, DecodedSpan

# OTLP's span kinds (as decoded) to the API's enum, whose numbering differs.
SPAN_KINDS = {
    1: SpanKind.INTERNAL,
    2: SpanKind.SERVER,
    3: SpanKind.CLIENT,
    4: SpanKind.PRODUCER,
    5: SpanKind.CONSUMER,
}
# Share of the live requests each application receives (as in the history's office hours).
LIVE_MIX = {"support-chatbot": 0.65, "knowledge-assistant": 0.25, "marketing-content": 0.10}
EXPORT_DELAY_MS = 1_000  # the batch processor sends at least once a second: charts move


@dataclass
class LiveStats:
    """What was sent and what the server acknowledged (export answered 2xx)."""

    traces: int = 0
    spans_sent: int = 0
    spans_acknowledged: int = 0
    failed_exports: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


class CountingExporter(SpanExporter):
    """Wraps the OTLP exporter to count the spans the server acknowledged."""

    def __init__(self, inner: SpanExporter, stats: LiveStats) -> None:
        self.inner = inner
        self.stats = stats

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        result = self.inner.export(spans)
        with self.stats.lock:
            if result is SpanExportResult.SUCCESS:
                self.stats.spans_acknowledged += len(spans)
            else:
                self.stats.failed_exports += 1
        return result

    def shutdown(self) -> None:
        self.inner.shutdown()

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        return self.inner.force_flush(timeout_millis)


def otel_attributes(attributes: dict[str, AttrValue]) -> Attributes:
    """The SDK takes scalars and lists of them; the demo's attributes are only those."""
    return cast("Attributes", {k: v for k, v in attributes.items() if v is not None})


def replay(tracer: trace.Tracer, spans: Sequence[DecodedSpan], shift_ns: int) -> None:
    """Emit ``spans`` (parents before children) as SDK spans, their times moved by ``shift_ns``.

    The SDK makes its own trace and span ids; the tree is kept by starting each span in its
    parent's context.
    """
    made: dict[str, Span] = {}
    for span in spans:
        parent = made.get(span.parent_span_id or "")
        context = None if parent is None else trace.set_span_in_context(parent)
        made[span.span_id] = tracer.start_span(
            span.name,
            context=context,
            kind=SPAN_KINDS.get(span.kind, SpanKind.INTERNAL),
            attributes=otel_attributes(span.attributes),
            start_time=span.start_unix_nano + shift_ns,
        )
    for span in reversed(spans):
        sdk_span = made[span.span_id]
        for event in span.events:
            sdk_span.add_event(
                event.name, otel_attributes(event.attributes), event.time_unix_nano + shift_ns
            )
        if span.status_code == 2:
            sdk_span.set_status(Status(StatusCode.ERROR, span.status_message))
        sdk_span.end(span.end_unix_nano + shift_ns)


@dataclass
class LiveSender:
    """One provider, processor and exporter per demo application."""

    url: str
    api_key: str
    stats: LiveStats = field(default_factory=LiveStats)
    providers: dict[str, TracerProvider] = field(default_factory=dict)

    def __post_init__(self) -> None:
        endpoint = f"{self.url.rstrip('/')}/v1/traces"
        for app in APPS:
            exporter = OTLPSpanExporter(
                endpoint=endpoint, headers={"x-api-key": self.api_key}, timeout=10
            )
            provider = TracerProvider(resource=Resource.create(dict(resource(app))))
            provider.add_span_processor(
                BatchSpanProcessor(
                    CountingExporter(exporter, self.stats), schedule_delay_millis=EXPORT_DELAY_MS
                )
            )
            self.providers[app.service_name] = provider

    def send(self, app: DemoApp, spans: Sequence[DecodedSpan]) -> None:
        """Replay one trace so that it ends now, as if it had just been served."""
        tracer = self.providers[app.service_name].get_tracer("acme.app")
        shift = time.time_ns() - max(s.end_unix_nano for s in spans)
        replay(tracer, spans, shift)
        with self.stats.lock:
            self.stats.traces += 1
            self.stats.spans_sent += len(spans)

    def close(self) -> None:
        """Send what is queued, then stop the exporters."""
        for provider in self.providers.values():
            provider.force_flush()
            provider.shutdown()


def stream_live_traffic(
    url: str,
    api_key: str,
    *,
    rate: float = 3.0,
    duration: float | None = None,
    seed: int | None = None,
    on_progress: Callable[[LiveStats], None] | None = None,
    traces: int | None = None,
) -> LiveStats:
    """Send about ``rate`` traces a second until ``duration`` seconds passed or ``traces``
    were sent (None, None: until interrupted, e.g. Ctrl-C), then flush; returns what was sent
    and acknowledged. With a seed and a number of traces, what is sent does not depend on how
    fast the machine is."""
    rng = random.Random(seed)  # noqa: S311 (simulation, not secrets)
    apps = list(APPS)
    weights = [LIVE_MIX[a.service_name] for a in apps]
    sessions = {a.service_name: "" for a in apps}
    sender = LiveSender(url, api_key)
    deadline = None if duration is None else time.monotonic() + duration
    try:
        while (deadline is None or time.monotonic() < deadline) and (
            traces is None or sender.stats.traces < traces
        ):
            app = rng.choices(apps, weights)[0]
            if not sessions[app.service_name] or rng.random() < 0.4:
                sessions[app.service_name] = f"{app.service_name}-{rng.getrandbits(48):012x}"
            spans = live_trace(app, rng, datetime.now(UTC), sessions[app.service_name])
            sender.send(app, spans)
            if on_progress is not None:
                on_progress(sender.stats)
            pause = rng.expovariate(rate)
            if deadline is not None:
                pause = min(pause, max(0.0, deadline - time.monotonic()))
            time.sleep(pause)
    except KeyboardInterrupt:
        pass
    finally:
        sender.close()
    return sender.stats
