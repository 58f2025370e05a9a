"""``aitower telemetry search``: a table of matching spans, or JSON for scripts."""

from __future__ import annotations

import json

from aitower.core.db.engine import Database
from cli_support import Cli
from telemetry_search.data import LEAK, chat_span, store


def test_search_prints_the_matching_spans(cli: Cli, db: Database) -> None:
    span = chat_span("q", LEAK, user="alice")
    store(db, [span, chat_span("q", "nothing to see", user="bob")])
    result = cli("telemetry", "search", "de8937")
    assert result.exit_code == 0, result.output
    assert "DE8937" in result.output and "alice" in result.output and "bob" not in result.output
    assert "Spans containing 'de8937': 1" in result.output
    listed = cli("telemetry", "search", "IBAN", "--user", "alice", "--json")
    assert listed.exit_code == 0, listed.output
    [hit] = json.loads(listed.output)
    assert (hit["trace_id"], hit["span_id"], hit["user_id"]) == (
        span.trace_id,
        span.span_id,
        "alice",
    )
    assert hit["snippet"]["text"][hit["snippet"]["start"] : hit["snippet"]["end"]] == "IBAN"


def test_a_short_query_or_unknown_system_is_one_error_line(cli: Cli, db: Database) -> None:
    short = cli("telemetry", "search", "ab")
    assert short.exit_code == 2 and "q: search for at least 3 characters" in short.output
    unknown = cli("telemetry", "search", "IBAN", "--system", "no-such-system")
    assert unknown.exit_code == 2 and "system" in unknown.output
