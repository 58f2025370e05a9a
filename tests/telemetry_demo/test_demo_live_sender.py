"""``demo --live``'s sender against a bare OTLP/HTTP receiver on loopback: the SDK's requests
carry the demo's trace trees, resources, GenAI attributes and the API key."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.trace.v1.trace_pb2 import Span

from aitower.telemetry.demo_live import stream_live_traffic
from aitower.telemetry.demo_traffic import DEMO_SERVICES

KEY = "atk_test_secret"


class Receiver(ThreadingHTTPServer):
    requests: list[tuple[dict[str, str], ExportTraceServiceRequest]]


class Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        request = ExportTraceServiceRequest()
        request.ParseFromString(body)
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.server.requests.append((headers | {"path": self.path}, request))
        answer = ExportTraceServiceResponse().SerializeToString()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format: str, *args: object) -> None:
        del format, args


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver(("127.0.0.1", 0), Handler)
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_live_traces_arrive_as_whole_trees_with_their_resources(receiver: Receiver) -> None:
    url = f"http://127.0.0.1:{receiver.server_address[1]}"
    # A number of traces, not a duration: what is sent must not depend on the machine's speed.
    stats = stream_live_traffic(url, KEY, rate=200, seed=3, traces=30)
    assert stats.traces == 30 and stats.spans_acknowledged == stats.spans_sent

    spans_by_trace: dict[bytes, list[Span]] = defaultdict(list)
    services: set[str] = set()
    received = 0
    for headers, request in receiver.requests:
        assert headers["path"] == "/v1/traces" and headers["x-api-key"] == KEY
        assert headers["content-type"] == "application/x-protobuf"
        for resource_spans in request.resource_spans:
            resource = {a.key: a.value.string_value for a in resource_spans.resource.attributes}
            services.add(resource["service.name"])
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    received += 1
                    spans_by_trace[span.trace_id].append(span)
    assert received == stats.spans_sent
    assert len(spans_by_trace) == stats.traces
    assert services <= set(DEMO_SERVICES) and "support-chatbot" in services
    chats = 0
    for spans in spans_by_trace.values():
        ids = {s.span_id: s for s in spans}
        roots = [s for s in spans if not s.parent_span_id]
        assert len(roots) == 1
        for span in spans:
            if span.parent_span_id:
                parent = ids[span.parent_span_id]
                assert parent.start_time_unix_nano <= span.start_time_unix_nano
                assert span.end_time_unix_nano <= parent.end_time_unix_nano
            attrs = {a.key: a.value for a in span.attributes}
            if "gen_ai.usage.output_tokens" in attrs and "chat" in span.name:
                chats += 1
                assert attrs["gen_ai.usage.output_tokens"].int_value > 0
                assert attrs["gen_ai.request.model"].string_value
    assert chats >= stats.traces
