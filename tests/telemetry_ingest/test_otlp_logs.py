"""GenAI events sent as OTLP logs by the real openai-v2 instrumentation join their spans.

The real ``openai`` client calls the fake provider, instrumented by
``opentelemetry-instrumentation-openai-v2`` with message content captured as events (log
records); the SDK's own encoders and exporters send the spans and the logs, in either order.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import openai
import pytest
from fastapi.testclient import TestClient
from openai.types.chat import ChatCompletionMessage
from openai.types.chat.chat_completion import Choice
from opentelemetry.exporter.otlp.proto.common._log_encoder import encode_logs
from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.openai_v2 import OpenAIInstrumentor
from opentelemetry.instrumentation.openai_v2.utils import choice_to_event, message_to_event
from opentelemetry.sdk._logs import LoggerProvider, ReadableLogRecord
from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter, SimpleLogRecordProcessor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExportResult
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select

from aitower.app import create_app
from aitower.core.access.roles import Role
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.core.settings import Settings
from aitower.telemetry import span_log_events
from aitower.telemetry.content import TRUNCATION_MARK, ContentPolicy
from aitower.telemetry.ingest import store_spans
from aitower.telemetry.log_tables import SpanLogEventRow
from aitower.telemetry.records import SpanEvent
from aitower.telemetry.span_log_events import LogEvent
from aitower.telemetry.tables import SpanRow
from servers import free_port
from support import make_key, seed_units
from support_spans import agent_trace
from support_telemetry import protobuf_body

PROTOBUF = "application/x-protobuf"
ASKED = [
    {"role": "system", "content": "You answer in one sentence."},
    {"role": "user", "content": "Where is my order?"},
]
ANSWER = "Your order ships today."
# What each kind of event says of the call: the GenAI conventions' messages (parts) on one
# ``gen_ai.client.inference.operation.details`` event (from v1.37, what openai-v2 2.4b0 sends);
# a role and content per ``gen_ai.*.message`` / ``gen_ai.choice`` event (v1.27-v1.36).
EXPECTED = {
    "operation_details": {
        "input": [
            {"role": m["role"], "parts": [{"content": m["content"], "type": "text"}]} for m in ASKED
        ],
        "output": [
            {
                "role": "assistant",
                "parts": [{"content": ANSWER, "type": "text"}],
                "finish_reason": "stop",
            }
        ],
    },
    "per_message_events": {
        "input": ASKED,
        "output": [{"role": "assistant", "content": ANSWER, "finish_reason": "stop"}],
    },
}


@dataclass
class Call:
    spans: list[ReadableSpan]
    logs: list[ReadableLogRecord]


@dataclass
class Recorder:
    tracer_provider: TracerProvider
    logger_provider: LoggerProvider
    spans: InMemorySpanExporter
    logs: InMemoryLogRecordExporter

    @classmethod
    def start(cls) -> Recorder:
        resource = Resource.create({"service.name": "support-bot"})
        spans = InMemorySpanExporter()
        tracer_provider = TracerProvider(resource=resource)
        tracer_provider.add_span_processor(SimpleSpanProcessor(spans))
        logs = InMemoryLogRecordExporter()
        logger_provider = LoggerProvider(resource=resource)
        logger_provider.add_log_record_processor(SimpleLogRecordProcessor(logs))
        return cls(tracer_provider, logger_provider, spans, logs)

    def call(self) -> Call:
        return Call(list(self.spans.get_finished_spans()), list(self.logs.get_finished_logs()))


def instrumented_call(fake_openai: str, monkeypatch: pytest.MonkeyPatch) -> Call:
    """One chat completion through the real client and instrumentation, content as events
    (openai-v2 2.4b0 sends them as one ``gen_ai.client.inference.operation.details``)."""
    monkeypatch.setenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "EVENT_ONLY")
    recorder = Recorder.start()
    tracer_provider, logger_provider = recorder.tracer_provider, recorder.logger_provider
    instrumentor = OpenAIInstrumentor()
    instrumentor.instrument(tracer_provider=tracer_provider, logger_provider=logger_provider)
    try:
        llm = openai.OpenAI(base_url=fake_openai, api_key="sk-test", max_retries=0)
        answer = llm.chat.completions.create(model="gpt-4o", messages=ASKED)  # type: ignore[arg-type]
        assert answer.choices[0].message.content == ANSWER
    finally:
        instrumentor.uninstrument()
    call = recorder.call()
    names = [record.log_record.event_name for record in call.logs]
    assert names == ["gen_ai.client.inference.operation.details"]
    return call


def per_message_call(_fake_openai: str, _monkeypatch: pytest.MonkeyPatch) -> Call:
    """The same call told by v1.27-v1.36 events (one per message and choice), built by the
    openai-v2 package's own event builders and emitted by the SDK inside the call's span."""
    recorder = Recorder.start()
    logger = recorder.logger_provider.get_logger("openai-v2-events")
    tracer = recorder.tracer_provider.get_tracer("openai-v2-events")
    with tracer.start_as_current_span("chat gpt-4o") as span:
        span.set_attributes(
            {
                "gen_ai.operation.name": "chat",
                "gen_ai.system": "openai",
                "gen_ai.request.model": "gpt-4o",
                "gen_ai.usage.input_tokens": 1234,
                "gen_ai.usage.output_tokens": 321,
            }
        )
        for message in ASKED:
            logger.emit(message_to_event(message, True))
        answer = ChatCompletionMessage(role="assistant", content=ANSWER)
        logger.emit(choice_to_event(Choice(index=0, finish_reason="stop", message=answer), True))
    call = recorder.call()
    names = [record.log_record.event_name for record in call.logs]
    assert names == ["gen_ai.system.message", "gen_ai.user.message", "gen_ai.choice"]
    return call


CALLS = {"operation_details": instrumented_call, "per_message_events": per_message_call}


def _headers(db: Database) -> dict[str, str]:
    seed_units(db)
    return {"content-type": PROTOBUF, "x-api-key": make_key(db, Role.engineer)}


def _post_logs(client: TestClient, logs: list[ReadableLogRecord], headers: dict[str, str]) -> None:
    body = encode_logs(logs).SerializeToString()
    answer = client.post("/v1/logs", content=body, headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == PROTOBUF


def _post_spans(client: TestClient, spans: list[ReadableSpan], headers: dict[str, str]) -> None:
    answer = client.post("/v1/traces", content=protobuf_body(spans), headers=headers)
    assert answer.status_code == 200, answer.text


def _content(db: Database) -> Any:
    with db.reading() as session:
        return session.execute(
            select(SpanRow.content).where(SpanRow.input_tokens.is_not(None))
        ).scalar_one()


def _waiting(db: Database) -> int:
    with db.reading() as session:
        return int(session.scalar(select(func.count()).select_from(SpanLogEventRow)) or 0)


@pytest.mark.parametrize("kind", list(CALLS))
def test_events_sent_before_their_span_wait_and_join_it(
    client: TestClient,
    db: Database,
    fake_openai: str,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
) -> None:
    call = CALLS[kind](fake_openai, monkeypatch)
    headers = _headers(db)
    _post_logs(client, call.logs, headers)
    assert _waiting(db) == len(call.logs)
    _post_spans(client, call.spans, headers)
    assert _content(db) == EXPECTED[kind]
    assert _waiting(db) == 0


@pytest.mark.parametrize("kind", list(CALLS))
def test_events_sent_after_their_span_join_it(
    client: TestClient,
    db: Database,
    fake_openai: str,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
) -> None:
    call = CALLS[kind](fake_openai, monkeypatch)
    headers = _headers(db)
    _post_spans(client, call.spans, headers)
    assert _content(db) is None  # the span itself carries no message
    _post_logs(client, call.logs, headers)
    assert _content(db) == EXPECTED[kind]
    assert _waiting(db) == 0


@contextmanager
def _client_with(settings: Settings, db: Database, **changes: object) -> Iterator[TestClient]:
    app = create_app(settings.model_copy(update=changes), database=db)
    with TestClient(app) as client:
        yield client


def test_events_follow_the_content_rules(
    settings: Settings, db: Database, fake_openai: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    call = instrumented_call(fake_openai, monkeypatch)
    headers = _headers(db)
    with _client_with(settings, db, telemetry_store_content=False) as client:
        _post_logs(client, call.logs, headers)
        _post_spans(client, call.spans, headers)
    assert _content(db) is None  # dropped, not kept anywhere
    assert _waiting(db) == 0


def test_event_content_is_cut_at_the_limit(
    settings: Settings, db: Database, fake_openai: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    call = instrumented_call(fake_openai, monkeypatch)
    headers = _headers(db)
    with _client_with(settings, db, telemetry_max_content_chars=40) as client:
        _post_spans(client, call.spans, headers)
        _post_logs(client, call.logs, headers)
    content = _content(db)
    # The content rule for message lists (``content._bounded``): the oldest turns go first, with
    # a note of how many; a newest message longer than the limit is itself cut.
    note = {"role": "aitower", "content": f"{TRUNCATION_MARK} 1 earlier message(s)"}
    assert content["input"] == [note, TRUNCATION_MARK]
    assert content["output"] == [TRUNCATION_MARK]


def _metric(client: TestClient, key: str, name: str) -> dict[str, float]:
    text = client.get("/metrics", headers={"authorization": f"Bearer {key}"}).text
    for family in text_string_to_metric_families(text):
        if family.name == name.removesuffix("_total"):
            return {next(iter(s.labels.values())): s.value for s in family.samples}
    return {}


def test_logs_without_genai_meaning_are_acknowledged_and_counted(
    client: TestClient, db: Database
) -> None:
    headers = {**_headers(db), "content-type": "application/json"}
    body = {
        "resourceLogs": [
            {
                "resource": {"attributes": []},
                "scopeLogs": [
                    {
                        "logRecords": [
                            {"body": {"stringValue": "GET /health 200"}},
                            {"eventName": "http.request", "body": {"stringValue": "x"}},
                            {
                                "eventName": "gen_ai.user.message",
                                "body": {"kvlistValue": {"values": []}},
                            },
                            {
                                "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                                "spanId": "00f067aa0ba902b7",
                                "attributes": [
                                    {
                                        "key": "event.name",
                                        "value": {"stringValue": "gen_ai.user.message"},
                                    }
                                ],
                                "body": {"kvlistValue": {"values": [_kv("content", "Hi")]}},
                            },
                        ]
                    }
                ],
            }
        ]
    }
    answer = client.post("/v1/logs", json=body, headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {}
    assert _metric(client, make_key(db, Role.admin), "aitower_otlp_log_records_total") == {
        "dropped": 2,
        "no_span": 1,
        "kept": 1,
    }
    with db.reading() as session:
        row = session.execute(select(SpanLogEventRow)).scalar_one()
    assert (row.trace_id, row.span_id) == ("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7")
    assert row.attributes == {"content": "Hi"}


def _kv(key: str, text: str) -> dict[str, Any]:
    return {"key": key, "value": {"stringValue": text}}


def test_a_body_that_is_not_a_logs_request_is_400(client: TestClient, db: Database) -> None:
    answer = client.post("/v1/logs", content=b"\x0a\xff\xff", headers=_headers(db))
    assert answer.status_code == 400
    assert _waiting(db) == 0


def test_the_sdk_grpc_exporters_send_logs_then_spans(
    settings: Settings, db: Database, fake_openai: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    call = instrumented_call(fake_openai, monkeypatch)
    key = _headers(db)["x-api-key"]
    port = free_port()
    with _client_with(settings, db, otlp_grpc_port=port):
        target, headers = f"http://127.0.0.1:{port}", {"x-api-key": key}
        logs = OTLPLogExporter(endpoint=target, insecure=True, headers=headers)
        spans = OTLPSpanExporter(endpoint=target, insecure=True, headers=headers)
        try:
            assert logs.export(call.logs).name == "SUCCESS"
            assert _waiting(db) == 1
            assert spans.export(call.spans) == SpanExportResult.SUCCESS
        finally:
            logs.shutdown()
            spans.shutdown()
    assert _content(db) == EXPECTED["operation_details"]
    assert _waiting(db) == 0


def test_the_background_pass_joins_what_a_stop_left_and_drops_what_waited_too_long(
    client: TestClient, db: Database, fake_openai: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    call = instrumented_call(fake_openai, monkeypatch)
    _post_spans(client, call.spans, _headers(db))
    span = call.spans[0].context
    trace_id, span_id = f"{span.trace_id:032x}", f"{span.span_id:016x}"
    now = utcnow()
    events = [
        LogEvent(trace_id, span_id, "gen_ai.user.message", 1, {"content": "Where is my order?"}),
        LogEvent("ab" * 16, "cd" * 8, "gen_ai.user.message", 1, {"content": "lost"}),
    ]
    with db.writing() as session:  # held, as a server stopped before joining would leave them
        span_log_events.hold(session, events[:1], ContentPolicy(True, 4000), now)
        span_log_events.hold(
            session, events[1:], ContentPolicy(True, 4000), now - timedelta(hours=2)
        )
    span_log_events.sweep(db, now)
    assert _content(db) == {
        "input": [{"role": "user", "content": "Where is my order?"}],
        "output": None,
    }
    assert _waiting(db) == 0


def test_a_side_the_span_carried_is_kept_and_events_fill_the_other() -> None:
    carried = {"input": [{"role": "user", "content": "from the span"}], "output": None}
    events = [
        SpanEvent("gen_ai.user.message", 1, {"content": "from an event"}),
        SpanEvent("gen_ai.choice", 2, {"finish_reason": "stop", "message": {"content": "Hi"}}),
    ]
    merged = span_log_events.merged_content(carried, events, ContentPolicy(True, 4000))
    assert merged == {
        "input": [{"role": "user", "content": "from the span"}],
        "output": [{"content": "Hi", "role": "assistant", "finish_reason": "stop"}],
    }
    assert span_log_events.merged_content(carried, events, ContentPolicy(False, 4000)) == carried


@pytest.mark.parametrize("chunk", [400, 1])  # 1: each trace's spans fall in several chunks
def test_events_join_their_own_span_only_among_the_spans_of_its_trace(
    db: Database, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    """Waiting events and their spans are found by trace (the index; ``among_keys``): the
    events of one call join that call, not its siblings nor another trace's span."""
    monkeypatch.setattr(span_log_events, "_CHUNK", chunk)
    first, other = agent_trace(), agent_trace()
    call = first[1]
    stranger = LogEvent(other[1].trace_id, call.span_id, "gen_ai.user.message", 1, {"content": "x"})
    with db.writing() as session:
        span_log_events.hold(
            session,
            [
                LogEvent(call.trace_id, call.span_id, "gen_ai.user.message", 1, {"content": "Hi"}),
                stranger,  # the call's span id in another trace: waits for a span never sent
            ],
            ContentPolicy(True, 4000),
            utcnow(),
        )
    stored = store_spans(db, first + other).stored
    span_log_events.attach_after_store(db, stored)
    with db.reading() as session:
        found = session.execute(select(SpanRow.trace_id, SpanRow.span_id, SpanRow.content))
        contents = {(t, s): c for t, s, c in found}
    assert contents.pop((call.trace_id, call.span_id)) == {
        "input": [{"role": "user", "content": "Hi"}],
        "output": None,
    }
    assert set(contents.values()) == {None}
    assert _waiting(db) == 1
