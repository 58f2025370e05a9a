"""Each provider call counted once, whatever stack of instrumentations reported it, in any
arrival order and across export batches, on both databases (rule: ``telemetry.calls``)."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from sqlalchemy import func, select

from aitower.core.db.engine import Database
from aitower.telemetry.ingest import prepare_batch, store_spans, write_batches
from aitower.telemetry.records import DecodedSpan
from aitower.telemetry.tables import (
    DayRollupRow,
    HourRollupRow,
    KeyRollupRow,
    MinuteRollupRow,
    SixHourRollupRow,
    SourceRow,
    SpanRow,
    TraceRow,
)
from support_spans import BASE_NS, SpanSpec, new_trace_id, span

# Catalog prices per token: gpt-4o-mini $0.15 in, $0.075 cached in, $0.60 out per million;
# claude-sonnet-4-5 $3.00 in, $0.30 cache read, $3.75 cache write, $15.00 out per million.
MINI_IN, MINI_CACHED, MINI_OUT = 0.15e-6, 0.075e-6, 0.60e-6
SONNET_IN, SONNET_READ, SONNET_WRITE, SONNET_OUT = 3.00e-6, 0.30e-6, 3.75e-6, 15.00e-6

ROLLUP_ROWS = (MinuteRollupRow, HourRollupRow, SixHourRollupRow, DayRollupRow)
ROLLUP_TABLES = tuple(t.__tablename__ for t in ROLLUP_ROWS)


def _openinference_llm(model: str, tokens: tuple[int, int, int], **extra: Any) -> dict[str, Any]:
    """An OpenInference LLM span's attributes (LangChain's and the OpenAI client's alike)."""
    prompt, completion, cached = tokens
    return {
        "openinference.span.kind": "LLM",
        "llm.provider": "openai",
        "llm.invocation_parameters": f'{{"model": "{model}"}}',
        "llm.model_name": f"{model}-2024-07-18",
        "llm.token_count.prompt": prompt,
        "llm.token_count.completion": completion,
        "llm.token_count.prompt_details.cache_read": cached,
        "user.id": "user-7",
        "session.id": "session-3",
        **extra,
    }


def _genai_call(model: str, response_id: str, usage: tuple[int, int, int, int]) -> dict[str, Any]:
    """A GenAI chat span (the anthropic SDK's own and OpenLLMetry's alike)."""
    prompt, completion, read, write = usage
    return {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "anthropic",
        "gen_ai.request.model": model,
        "gen_ai.response.model": f"{model}-20250929",
        "gen_ai.response.id": response_id,
        "gen_ai.usage.input_tokens": prompt,
        "gen_ai.usage.output_tokens": completion,
        "gen_ai.usage.cache_read.input_tokens": read,
        "gen_ai.usage.cache_creation.input_tokens": write,
        "user.id": "user-7",
    }


def stacked_trace() -> list[DecodedSpan]:
    """One request of an agent making four provider calls, reported by eight spans.

    - OpenInference LangChain ``ChatOpenAI`` over the OpenAI client's span (one call, 1000 in
      of which 400 cached, 200 out);
    - the anthropic SDK's span inside OpenLLMetry's Anthropic span, same response id (one
      call: 2000 in of which 1500 cache read and 100 cache write, 50 out), and a third span of
      that response id beside them (a second exporter of the same call);
    - a plain call of 300 in, 30 out;
    - a failed call (no tokens) inside its failed LangChain wrapper: one error.
    """
    trace_id = new_trace_id()
    ids = {
        name: f"{i + 1:016x}"
        for i, name in enumerate(["R", "W", "C", "A", "S", "X", "D", "F", "E"])
    }
    at = BASE_NS

    def make(name: str, parent: str | None, attrs: dict[str, Any], error: bool = False) -> Any:
        spec = SpanSpec(name=name, start_ns=at, parent=parent and ids[parent], error=error)
        spec.attributes = attrs
        return span(spec, trace_id=trace_id, span_id=ids[name])

    sonnet = ("claude-sonnet-4-5", "msg_01", (2000, 50, 1500, 100))
    return [
        make("R", None, {"gen_ai.operation.name": "invoke_agent", "user.id": "user-7"}),
        make("W", "R", _openinference_llm("gpt-4o-mini", (1000, 200, 400))),
        make("C", "W", _openinference_llm("gpt-4o-mini", (1000, 200, 400))),
        make("A", "R", _genai_call(*sonnet)),
        make("S", "A", _genai_call(*sonnet)),
        make("X", "R", _genai_call(*sonnet)),
        make("D", "R", _openinference_llm("gpt-4o-mini", (300, 30, 0))),
        make("F", "R", _openinference_llm("gpt-4o-mini", (0, 0, 0)), error=True),
        make("E", "F", _openinference_llm("gpt-4o-mini", (0, 0, 0)), error=True),
    ]


EXPECTED_COST = (
    (1000 - 400) * MINI_IN
    + 400 * MINI_CACHED
    + 200 * MINI_OUT
    + (2000 - 1500 - 100) * SONNET_IN
    + 1500 * SONNET_READ
    + 100 * SONNET_WRITE
    + 50 * SONNET_OUT
    + 300 * MINI_IN
    + 30 * MINI_OUT
)
# calls, llm errors, input, output, cache read, cache write
EXPECTED = (4, 1, 1000 + 2000 + 300, 200 + 50 + 30, 400 + 1500, 100)

Arrival = Callable[[list[DecodedSpan]], list[list[DecodedSpan]]]
ARRIVALS: dict[str, Arrival] = {
    "one batch": lambda spans: [spans],
    "parents first, one span a batch": lambda spans: [[s] for s in spans],
    "children first, one span a batch": lambda spans: [[s] for s in reversed(spans)],
    "shuffled in three batches": lambda spans: _shuffled_thirds(spans),
}


def _shuffled_thirds(spans: list[DecodedSpan]) -> list[list[DecodedSpan]]:
    mixed = list(spans)
    random.Random(13).shuffle(mixed)
    return [mixed[0:3], mixed[3:6], mixed[6:]]


def _figures(db: Database, trace_id: str) -> dict[str, Any]:
    """Every place ingest counts calls: trace, three rollup tables, user/session days, source."""
    llm = ("llm_calls", "llm_errors", "input_tokens", "output_tokens")
    cached = ("cache_read_tokens", "cache_write_tokens")
    with db.reading() as session:
        trace = session.get(TraceRow, trace_id)
        assert trace is not None
        out: dict[str, Any] = {
            "trace": (trace.llm_calls, trace.input_tokens, trace.output_tokens, trace.span_count),
            "trace cost": trace.cost,
            "trace unpriced": trace.unpriced_calls,
            "spans stored": session.scalar(select(func.count()).select_from(SpanRow)),
        }
        for table in ROLLUP_ROWS:
            sums = [func.coalesce(func.sum(getattr(table, c)), 0) for c in (*llm, *cached)]
            extra = [func.sum(table.cost), func.sum(table.unpriced_calls), func.sum(table.spans)]
            row = session.execute(select(*sums, *extra, func.sum(table.requests))).one()
            out[table.__tablename__] = tuple(row[:6])
            out[table.__tablename__ + " cost"] = row[6]
            out[table.__tablename__ + " rest"] = tuple(row[7:])
            models = session.execute(
                select(table.model).where(table.llm_calls != 0).distinct()
            ).scalars()
            out[table.__tablename__ + " models"] = sorted(models)
        keys = session.execute(
            select(KeyRollupRow.key_kind, KeyRollupRow.llm_calls, KeyRollupRow.tokens)
        ).all()
        out["keys"] = sorted(tuple(k) for k in keys)
        out["key cost"] = sorted(
            (k, round(c, 12))
            for k, c in session.execute(select(KeyRollupRow.key_kind, KeyRollupRow.cost)).all()
        )
        source = session.get(SourceRow, "support-bot")
        assert source is not None
        out["source"] = (source.spans, source.llm_calls, source.tokens)
    return out


def _check(figures: dict[str, Any]) -> None:
    calls, _, tokens_in, tokens_out, _, _ = EXPECTED
    assert figures["trace"] == (calls, tokens_in, tokens_out, 9)
    assert math.isclose(figures["trace cost"], EXPECTED_COST, rel_tol=1e-9)
    assert figures["trace unpriced"] == 0
    for table in ROLLUP_TABLES:
        assert figures[table] == EXPECTED, table
        assert math.isclose(figures[table + " cost"], EXPECTED_COST, rel_tol=1e-9), table
        assert figures[table + " rest"] == (0, 9, 1), table  # unpriced, spans, requests
        # One model name per model, the requested one, errors and successes alike.
        assert figures[table + " models"] == ["claude-sonnet-4-5", "gpt-4o-mini"], table
    # user-7 is on every span; session-3 on the OpenInference ones (C, D, E counted).
    assert figures["keys"] == [
        ("session", 3, 1000 + 200 + 300 + 30),
        ("user", calls, tokens_in + tokens_out),
    ]
    assert figures["source"] == (9, calls, tokens_in + tokens_out)


@pytest.mark.parametrize("arrival", list(ARRIVALS))
def test_a_call_reported_by_stacked_instrumentations_is_counted_once(
    db: Database, arrival: str
) -> None:
    spans = stacked_trace()
    for batch in ARRIVALS[arrival](spans):
        store_spans(db, batch)
    figures = _figures(db, spans[0].trace_id)
    _check(figures)


def test_the_parts_of_one_trace_in_one_group_write_are_counted_once(db: Database) -> None:
    """Requests written together (the writer's group commit) that split one trace."""
    spans = stacked_trace()
    parts: Sequence[list[DecodedSpan]] = _shuffled_thirds(list(reversed(spans)))
    write_batches(db, [prepare_batch(db, part) for part in parts])
    _check(_figures(db, spans[0].trace_id))


def test_every_arrival_order_gives_the_same_figures(db: Database) -> None:
    """Order-free: the same trace sent in two orders gives identical sums (trace ids aside)."""
    first, second = stacked_trace(), stacked_trace()
    for s in first:
        store_spans(db, [s])
    figures_one = _figures(db, first[0].trace_id)
    for s in reversed(second):
        store_spans(db, [s])
    figures_two = _figures(db, second[0].trace_id)
    assert figures_two["trace"] == figures_one["trace"]
    assert math.isclose(figures_two["trace cost"], figures_one["trace cost"], rel_tol=1e-12)
    hour = "telemetry_rollup_hour"
    assert figures_two[hour] == tuple(2 * v for v in EXPECTED)


def test_every_span_stays_visible_in_the_trace(db: Database) -> None:
    spans = stacked_trace()
    for s in reversed(spans):
        store_spans(db, [s])
    with db.reading() as session:
        stored = session.execute(
            select(SpanRow.span_id, SpanRow.input_tokens).where(
                SpanRow.trace_id == spans[0].trace_id
            )
        ).all()
    assert len(stored) == 9
    # The wrapper keeps its own usage on its row; only the sums count it once.
    assert dict(stored)[spans[1].span_id] == 1000


def test_two_different_calls_nested_are_both_counted(db: Database) -> None:
    """A gpt-4o-mini call inside a claude span is not a repeat: different model families."""
    trace_id = new_trace_id()
    outer = SpanSpec(name="outer", usage=(100, 10), model="claude-haiku-4-5")
    outer_span = span(outer, trace_id=trace_id)
    inner = SpanSpec(name="inner", usage=(200, 20), parent=outer_span.span_id)
    store_spans(db, [span(inner, trace_id=trace_id)])
    store_spans(db, [outer_span])
    with db.reading() as session:
        trace = session.get(TraceRow, trace_id)
    assert trace is not None
    assert (trace.llm_calls, trace.input_tokens, trace.output_tokens) == (2, 300, 30)


def test_a_lone_call_beside_a_stacked_trace_in_one_batch_is_counted(db: Database) -> None:
    stacked = stacked_trace()
    lone_trace = new_trace_id()
    lone = span(SpanSpec(usage=(100, 10)), trace_id=lone_trace)
    store_spans(db, [*stacked, lone])
    with db.reading() as session:
        trace = session.get(TraceRow, lone_trace)
    assert trace is not None
    assert (trace.llm_calls, trace.input_tokens, trace.output_tokens) == (1, 100, 10)
    _check(_figures_of_trace(db, stacked[0].trace_id))


def _figures_of_trace(db: Database, trace_id: str) -> dict[str, Any]:
    """``_figures`` less the lone trace's call (100 in, 10 out) in the shared sums."""
    figures = _figures(db, trace_id)
    for table in ROLLUP_TABLES:
        calls, errors, tin, tout, read, write = figures[table]
        figures[table] = (calls - 1, errors, tin - 100, tout - 10, read, write)
        figures[table + " cost"] -= 100 * MINI_IN + 10 * MINI_OUT
        unpriced, spans, requests = figures[table + " rest"]
        figures[table + " rest"] = (unpriced, spans - 1, requests - 1)
    # The lone span has no user or session: the key counters are the stacked trace's alone.
    spans, calls, tokens = figures["source"]
    figures["source"] = (spans - 1, calls - 1, tokens - 110)
    return figures
