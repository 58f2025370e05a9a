"""Scanning and redaction at ingest, on both databases, through the real ``store_spans``.

Spans carry IBANs, e-mail addresses and keys in each convention's content attributes (OTel
GenAI, OpenInference, OpenLLMetry), in message events, in an exception event and in the status
message. Findings must be recorded with keyed digests (never the value), and with redaction on
nothing that a detector finds may be left in any column ingest wrote.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from aitower.app import metadata
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.detectors import redact, scan
from aitower.inventory import service as inventory
from aitower.telemetry import span_log_events
from aitower.telemetry.content import ContentPolicy
from aitower.telemetry.content_settings import ContentSettings, known_types, set_content_settings
from aitower.telemetry.finding_tables import ContentFindingRow
from aitower.telemetry.ingest import store_spans
from aitower.telemetry.records import DecodedSpan, SpanEvent
from aitower.telemetry.retention import purge
from aitower.telemetry.span_log_events import LogEvent
from aitower.telemetry.tables import SpanRow
from support import CTX, seed_units
from support_inventory import make_system
from support_spans import BASE_NS, SpanSpec, new_trace_id, span

KEY = b"k" * 32
SERVER = ContentPolicy(True, 4000, key=KEY)
IBAN = "DE89 3704 0044 0532 0130 00"
IBAN_2 = "GB82 WEST 1234 5698 7654 32"
EMAIL = "bob.smith@acme-corp.io"
AWS = "AKIAZ7Q4N2L5XW3RTB6M"
GITHUB = "ghp_8fK2mQ9xLp4Rt7Vw1Zc3Yb6Nd0Hs5Ja2Ue4G"
OPENAI = "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z"
CARD = "4111 1111 1111 1111"
PLANTED = (IBAN, IBAN_2, EMAIL, AWS, GITHUB, OPENAI, CARD)


def _messages(role: str, text: str) -> str:
    return json.dumps([{"role": role, "parts": [{"type": "text", "content": text}]}])


def genai_span(trace_id: str) -> DecodedSpan:
    attrs: dict[str, Any] = {
        "gen_ai.input.messages": _messages("user", f"Pay the invoice to {IBAN} please"),
        "gen_ai.output.messages": _messages("assistant", f"Done. Receipt sent to {EMAIL}."),
        "gen_ai.tool.call.arguments": json.dumps({"api_key": AWS, "iban": IBAN_2}),
        "gen_ai.retrieval.documents": json.dumps([{"id": "kb-1", "content": f"Card {CARD}"}]),
        "user.id": "customer-17",
    }
    return span(SpanSpec(usage=(100, 20), attributes=attrs), trace_id=trace_id)


def openinference_span(trace_id: str) -> DecodedSpan:
    attrs: dict[str, Any] = {
        "openinference.span.kind": "LLM",
        "llm.model_name": "gpt-4o-mini",
        "llm.input_messages.0.message.role": "user",
        "llm.input_messages.0.message.content": f"My mail is {EMAIL}",
        "llm.output_messages.0.message.role": "assistant",
        "llm.output_messages.0.message.content": f"Your IBAN {IBAN} is on file",
        "input.value": json.dumps({"messages": [{"role": "user", "content": EMAIL}]}),
        "retrieval.documents.0.document.content": f"deploy token {GITHUB}",
        "llm.function_call": json.dumps({"name": "pay", "arguments": {"iban": IBAN_2}}),
    }
    return span(SpanSpec(name="ChatCompletion", attributes=attrs), trace_id=trace_id)


def openllmetry_span(trace_id: str) -> DecodedSpan:
    attrs: dict[str, Any] = {
        "gen_ai.system": "openai",
        "gen_ai.request.model": "gpt-4o-mini",
        "gen_ai.prompt.0.role": "user",
        "gen_ai.prompt.0.content": f"Transfer to {IBAN}",
        "gen_ai.completion.0.role": "assistant",
        "gen_ai.completion.0.content": f"Use the key {OPENAI}",
        "traceloop.prompt.template_variables": json.dumps({"card": CARD}),
    }
    return span(SpanSpec(name="openai.chat", attributes=attrs), trace_id=trace_id)


def openllmetry_task(trace_id: str) -> DecodedSpan:
    attrs: dict[str, Any] = {
        "traceloop.span.kind": "task",
        "traceloop.entity.input": json.dumps({"question": f"write to {EMAIL}"}),
        "traceloop.entity.output": json.dumps({"answer": f"key {GITHUB}"}),
    }
    return span(SpanSpec(name="answer.task", attributes=attrs), trace_id=trace_id)


def event_span(trace_id: str) -> DecodedSpan:
    """Messages as GenAI events, an exception that quotes a key, a status message with a mail."""
    base = span(SpanSpec(usage=(10, 5), error=True), trace_id=trace_id)
    base.status_message = f"refused: mailbox {EMAIL} full"
    base.events = [
        SpanEvent("gen_ai.user.message", 1, {"content": f"send it to {IBAN}"}),
        SpanEvent("gen_ai.choice", 2, {"message": json.dumps({"content": f"ok {EMAIL}"})}),
        SpanEvent("exception", 3, {"exception.message": f"bad credentials {AWS}"}),
    ]
    return base


def all_conventions() -> list[DecodedSpan]:
    trace_id = new_trace_id()
    return [
        genai_span(trace_id),
        openinference_span(trace_id),
        openllmetry_span(trace_id),
        event_span(trace_id),
        openllmetry_task(trace_id),
    ]


def _system(db: Database, settings: ContentSettings | None = None) -> uuid.UUID:
    seeded = seed_units(db)
    system_id = make_system(db, seeded.unit_id, "Knowledge assistant")
    with db.writing() as session:
        inventory.update_system(session, CTX, system_id, {"services": ["support-bot"]})
        if settings is not None:
            set_content_settings(session, CTX, system_id, settings)
    return system_id


def _findings(db: Database) -> list[ContentFindingRow]:
    with db.reading() as session:
        return list(session.execute(select(ContentFindingRow)).scalars())


def _stored_text(db: Database) -> list[tuple[str, str, str]]:
    """(table, column, text) of every text and JSON value in the database."""
    found: list[tuple[str, str, str]] = []
    with db.reading() as session:
        for table in metadata.sorted_tables:
            for row in session.execute(select(table)).mappings():
                for column, value in row.items():
                    if isinstance(value, str):
                        found.append((table.name, column, value))
                    elif isinstance(value, dict | list):
                        found.append((table.name, column, json.dumps(value, ensure_ascii=False)))
    return found


def test_findings_per_field_and_type_with_keyed_digests_never_the_value(db: Database) -> None:
    system_id = _system(db)
    spans = all_conventions()
    store_spans(db, spans, default_content=SERVER)
    rows = _findings(db)
    by = {(r.span_id, r.field, r.finding_type): r for r in rows}
    genai = spans[0].span_id
    assert by[(genai, "input", "iban")].digest == redact.digest(IBAN, KEY, "iban")
    assert by[(genai, "output", "email")].digest == redact.digest(EMAIL, KEY, "email")
    assert by[(genai, "other", "secret.aws_access_key")].occurrences == 1
    assert by[(genai, "other", "iban")].digest == redact.digest(IBAN_2, KEY, "iban")
    assert (genai, "other", "payment_card") in by
    oi = spans[1].span_id
    assert {("input", "email"), ("output", "iban"), ("other", "secret.github_token")} <= {
        (f, t) for s, f, t in by if s == oi
    }
    oll = spans[2].span_id
    assert {("input", "iban"), ("output", "secret.openai_key"), ("other", "payment_card")} <= {
        (f, t) for s, f, t in by if s == oll
    }
    task = spans[4].span_id
    assert {("input", "email"), ("output", "secret.github_token")} <= {
        (f, t) for s, f, t in by if s == task
    }
    events = spans[3].span_id
    assert {("input", "iban"), ("output", "email"), ("other", "email")} <= {
        (f, t) for s, f, t in by if s == events
    }
    assert (events, "other", "secret.aws_access_key") in by  # the exception event
    # The same IBAN in four spans groups as one value; no row holds any value in clear.
    assert {r.digest for r in rows if r.finding_type == "iban" and r.field == "input"} == {
        redact.digest(IBAN, KEY, "iban")
    }
    for r in rows:
        assert r.system_id == system_id and r.action == "keep"
        assert r.category in {"personal_data", "secret"}
        assert 0.5 <= r.confidence <= 1
    for table, column, text in _stored_text(db):
        if table == "content_findings":
            assert not any(value in text for value in PLANTED), (column, text)


def test_keep_stores_the_text_as_sent(db: Database) -> None:
    _system(db)
    spans = all_conventions()
    store_spans(db, spans, default_content=SERVER)
    with db.reading() as session:
        row = session.get(SpanRow, (spans[0].trace_id, spans[0].span_id))
        assert row is not None and IBAN in json.dumps(row.content)


def test_redaction_leaves_no_detected_value_in_any_stored_column(db: Database) -> None:
    actions = ("hash", "mask", "drop")
    redaction = {t.name: actions[i % 3] for i, t in enumerate(known_types())}
    _system(db, ContentSettings(redaction=redaction))
    spans = all_conventions()
    store_spans(db, spans, default_content=SERVER)
    stored = _stored_text(db)
    assert stored, "ingest wrote nothing"
    for table, column, text in stored:
        found = scan.scan(text)
        assert not found, f"{table}.{column} still holds {[text[d.start : d.end] for d in found]}"
        for value in PLANTED:
            assert value not in text, (table, column, value)
    rows = _findings(db)
    assert {r.action for r in rows} <= set(actions) and len(rows) >= 15
    with db.reading() as session:
        row = session.get(SpanRow, (spans[0].trace_id, spans[0].span_id))
    assert row is not None and row.content is not None
    # ``hash`` keeps equal values grouped in the text too: the digest's prefix is shown.
    iban_action = redaction["iban"]
    if iban_action == "hash":
        assert redact.digest(IBAN, KEY, "iban")[:12] in json.dumps(row.content)


def test_hash_shows_the_keyed_digest_in_the_content(db: Database) -> None:
    _system(db, ContentSettings(redaction={"iban": "hash", "email": "drop"}))
    spans = all_conventions()
    store_spans(db, spans, default_content=SERVER)
    with db.reading() as session:
        row = session.get(SpanRow, (spans[0].trace_id, spans[0].span_id))
    assert row is not None
    text = json.dumps(row.content)
    assert f"[IBAN:{redact.digest(IBAN, KEY, 'iban')[:12]}]" in text
    assert "[EMAIL]" in json.dumps(row.content) and EMAIL not in text
    assert AWS in text  # a type without an action is kept


def test_content_not_stored_is_still_scanned(db: Database) -> None:
    _system(db, ContentSettings(store_content=False))
    spans = all_conventions()
    store_spans(db, spans, default_content=SERVER)
    with db.reading() as session:
        contents = session.execute(select(SpanRow.content)).scalars().all()
    assert contents and all(c is None for c in contents)
    assert {r.finding_type for r in _findings(db)} >= {"iban", "email", "secret.aws_access_key"}


def test_scanning_off_records_nothing(db: Database) -> None:
    _system(db, ContentSettings(scan_enabled=False))
    store_spans(db, all_conventions(), default_content=SERVER)
    assert _findings(db) == []


def test_only_the_chosen_types_are_scanned(db: Database) -> None:
    _system(db, ContentSettings(scan_types=("iban",), redaction={"email": "drop"}))
    spans = all_conventions()
    store_spans(db, spans, default_content=SERVER)
    assert {r.finding_type for r in _findings(db)} == {"iban"}


def test_a_span_sent_twice_is_counted_once(db: Database) -> None:
    _system(db)
    spans = all_conventions()
    store_spans(db, spans, default_content=SERVER)
    first = len(_findings(db))
    outcome = store_spans(db, spans, default_content=SERVER)
    assert outcome.duplicates == len(spans)
    assert len(_findings(db)) == first > 0
    # Repeated within one request, and new and old mixed in one: the new span only.
    fresh = all_conventions()
    store_spans(db, [*fresh, *fresh, *spans], default_content=SERVER)
    assert len(_findings(db)) == 2 * first


def test_unregistered_services_are_scanned_with_the_server_default(db: Database) -> None:
    trace_id = new_trace_id()
    store_spans(db, [genai_span(trace_id)], default_content=SERVER)
    rows = _findings(db)
    assert rows and all(r.system_id is None and r.service_name == "support-bot" for r in rows)


def test_findings_are_purged_with_their_spans(db: Database) -> None:
    _system(db)
    store_spans(db, all_conventions(), default_content=SERVER)
    assert _findings(db)
    purge(db, datetime.fromtimestamp(BASE_NS / 1e9, UTC) + timedelta(days=400))
    assert _findings(db) == []


def test_messages_sent_as_logs_are_redacted_when_they_join_their_span(db: Database) -> None:
    """GenAI events that came as log records before their span: the side they add is scanned
    and redacted by the span's system when they join, and its findings recorded then."""
    _system(db, ContentSettings(redaction={"iban": "drop"}))
    call = span(SpanSpec(usage=(10, 5)), trace_id=new_trace_id())
    event = {"content": f"wire it to {IBAN}"}
    with db.writing() as session:
        waiting = LogEvent(call.trace_id, call.span_id, "gen_ai.user.message", 1, event)
        span_log_events.hold(session, [waiting], SERVER, utcnow())
    stored = store_spans(db, [call], default_content=SERVER).stored
    span_log_events.attach_after_store(db, stored, KEY)
    with db.reading() as session:
        row = session.get(SpanRow, (call.trace_id, call.span_id))
    assert row is not None
    assert row.content == {
        "input": [{"role": "user", "content": "wire it to [IBAN]"}],
        "output": None,
    }
    (finding,) = _findings(db)
    assert (finding.field, finding.finding_type, finding.action) == ("input", "iban", "drop")
    assert finding.digest == redact.digest(IBAN, KEY, "iban")
