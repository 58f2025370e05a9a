"""Decode (and map) speed of the OTLP ingest's pure layer, on the ingest benchmark's batches.

Requests of 512 realistic GenAI spans (agent traces of 4 spans, ~20 attributes on the chat
spans, ~300-character messages), made by the OpenTelemetry SDK and encoded by its OTLP
encoder, as the batch span processor sends them. Prints spans/s for protobuf and JSON, decode
alone and decode + ``llm_facts``. Run: ``.venv/bin/python bench/otlp_decode_speed.py``.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from aitower.telemetry.otlp import decode_json, decode_protobuf
from aitower.telemetry.records import DecodeResult
from aitower.telemetry.semconv import llm_facts
from support_telemetry import genai_trace, json_body, protobuf_body, record_spans

BATCH = 512


def main() -> None:
    rng = random.Random(7)
    spans = record_spans(lambda tracer: [genai_trace(tracer, rng) for _ in range(BATCH // 4)])
    assert len(spans) == BATCH
    cases: list[tuple[str, bytes, Callable[..., DecodeResult]]] = [
        ("protobuf", protobuf_body(spans), decode_protobuf),
        ("json", json_body(spans), decode_json),
    ]
    for encoding, body, decode in cases:
        print(f"{encoding}: {len(body) / 1024:.0f} KiB per request of {BATCH} spans")
        _report("  decode        ", lambda b=body, d=decode: d(b))
        _report("  decode + map  ", lambda b=body, d=decode: _map(d(b)))
        _report("  ... no content", lambda b=body, d=decode: _map(d(b), with_messages=False))


def _map(result: DecodeResult, *, with_messages: bool = True) -> None:
    for span in result.spans:
        llm_facts(span, with_messages=with_messages)


def _report(label: str, work: Callable[[], object]) -> None:
    work()
    best = float("inf")
    for _ in range(7):
        rounds = 20
        began = time.perf_counter()
        for _ in range(rounds):
            work()
        best = min(best, (time.perf_counter() - began) / rounds)
    print(f"{label}{best * 1000:6.2f} ms per request  {BATCH / best:10,.0f} spans/s")


if __name__ == "__main__":
    main()
