"""How fast one LLM call is priced: aitower's price book against genai-prices' own calc_price.

    .venv/bin/python bench/prices.py [--calls 200000] [--before REF]

Ingest prices every LLM span, so this is the hot path: ``PriceBook.price`` resolves each
(provider, model, UTC day, service tier) once into float rates and then multiplies. The peer a
user would otherwise call is ``genai_prices.calc_price`` per span (it caches the name lookup,
then prices in Decimal through the unit decomposition). ``--before REF`` also times the
hand-written catalog of a git revision (e.g. the commit before the switch, ``9b63dc9``),
extracted to a temporary package. The workload: spans of 24 (provider, model) names as
telemetry spells them, over 7 days, with varied token counts (a few above 200k input tokens).
Both sides must agree on every span's cost (checked first, within 1e-9 relative).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from genai_prices import Usage, calc_price

from aitower.cost.names import genai_provider_id
from aitower.cost.price_data import bundled_price_data
from aitower.cost.pricing import PriceBook
from aitower.cost.usage import TokenUsage

ROOT = Path(__file__).parents[1]
NAMES = [
    ("openai", "gpt-4o-2024-08-06"), ("openai", "gpt-4o-mini"), ("openai", "gpt-4.1"),
    ("openai", "o3"), ("openai", "gpt-5"), ("openai", "text-embedding-3-small"),
    ("anthropic", "claude-sonnet-4-5-20250929"), ("anthropic", "claude-3-5-haiku-20241022"),
    ("anthropic", "claude-opus-4-5-20251101"), ("gcp.gemini", "gemini-2.5-pro"),
    ("gcp.gemini", "gemini-2.5-flash"), ("gcp.vertex_ai", "gemini-2.0-flash"),
    ("aws.bedrock", "us.anthropic.claude-sonnet-4-5-20250929-v1:0"),
    ("aws.bedrock", "amazon.nova-pro-v1:0"), ("azure.ai.openai", "gpt-4o"),
    ("mistral_ai", "mistral-large-2512"), ("mistral_ai", "mistral-small-2603"),
    ("groq", "openai/gpt-oss-120b"), ("groq", "llama-3.3-70b-versatile"),
    ("together_ai", "meta-llama/Llama-3.3-70B-Instruct-Turbo"), ("x_ai", "grok-4"),
    ("deepseek", "deepseek-chat"), ("cohere", "command-r-plus"), (None, "gpt-4o"),
]  # fmt: skip
START = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)


def _spans(n: int) -> list[tuple[str | None, str, TokenUsage, dt.datetime]]:
    rng = random.Random(17)
    spans = []
    for i in range(n):
        provider, model = NAMES[i % len(NAMES)]
        big = rng.random() < 0.02
        tokens_in = rng.randint(210_000, 400_000) if big else rng.randint(50, 20_000)
        cached = rng.randint(0, tokens_in // 2)
        usage = TokenUsage(input=tokens_in, output=rng.randint(1, 2_000), cache_read=cached)
        at = START + dt.timedelta(seconds=rng.randint(0, 7 * 86_400 - 1))
        spans.append((provider, model, usage, at))
    return spans


def _package_usage(u: TokenUsage) -> Usage:
    return Usage(input_tokens=u.input, output_tokens=u.output, cache_read_tokens=u.cache_read)


def _time(label: str, fn: object, spans: list, repeat: int = 3) -> float:  # type: ignore[type-arg]
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn(spans)  # type: ignore[operator]
        best = min(best, time.perf_counter() - started)
    per_call = best / len(spans) * 1e6
    print(f"{label:<52} {per_call:8.3f} µs/call  ({len(spans) / best:,.0f} calls/s)")
    return per_call


def _aitower(spans: list) -> None:  # type: ignore[type-arg]
    book = PriceBook(bundled_price_data())  # a fresh book: its first calls resolve, as ingest
    for provider, model, usage, at in spans:
        book.price(provider, model, usage, at)


def _warm(make: object, spans: list) -> object:  # type: ignore[type-arg]
    """A pass over ``spans`` with a book that has already priced them (steady state)."""
    book = make()  # type: ignore[operator]
    for provider, model, usage, at in spans:
        book.price(provider, model, usage, at)

    def run(rows: list) -> None:  # type: ignore[type-arg]
        for provider, model, usage, at in rows:
            book.price(provider, model, usage, at)

    return run


def _peer(spans: list) -> None:  # type: ignore[type-arg]
    for provider, model, usage, at in spans:
        with contextlib.suppress(LookupError):
            calc_price(
                _package_usage(usage),
                model,
                provider_id=genai_provider_id(provider),
                genai_request_timestamp=at,
            )


def _check(spans: list) -> int:  # type: ignore[type-arg]
    book = PriceBook(bundled_price_data())
    priced = 0
    for provider, model, usage, at in spans:
        mine = book.price(provider, model, usage, at).cost
        theirs = float(
            calc_price(
                _package_usage(usage),
                model,
                provider_id=genai_provider_id(provider),
                genai_request_timestamp=at,
            ).total_price
        )
        assert mine is not None and abs(mine - theirs) <= 1e-9 * max(theirs, 1e-12), (model, at)
        priced += 1
    return priced


def _old_book(ref: str) -> object:
    """The hand-written catalog's price book at git revision ``ref``, as a temporary package."""
    folder = Path(tempfile.mkdtemp(prefix="oldcost"))
    package = folder / "oldcost"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name in ("catalog.py", "pricing.py", "names.py", "usage.py", "price_catalog.yaml"):
        text = subprocess.run(
            ["git", "-C", str(ROOT), "show", f"{ref}:src/aitower/cost/{name}"],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        text = text.replace("aitower.cost.", "oldcost.").replace(
            'files("aitower.cost")', 'files("oldcost")'
        )
        (package / name).write_text(text)
    sys.path.insert(0, str(folder))
    catalog = importlib.import_module("oldcost.catalog")
    pricing = importlib.import_module("oldcost.pricing")
    return lambda: pricing.PriceBook(catalog.builtin_catalog())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200_000)
    parser.add_argument("--before", help="git revision of the hand-written catalog to time too")
    args = parser.parse_args()
    print(f"{platform.python_implementation()} {platform.python_version()}, {args.calls:,} calls")
    started = time.perf_counter()
    bundled_price_data()
    print(f"bundled data read once per process: {time.perf_counter() - started:.2f} s")
    spans = _spans(args.calls)
    print(f"checked against calc_price: {_check(spans[:5_000]):,} spans agree within 1e-9")
    mine = _time("aitower PriceBook.price, fresh book", _aitower, spans)
    new_book = lambda: PriceBook(bundled_price_data())  # noqa: E731
    warm = _time("aitower PriceBook.price, warm book", _warm(new_book, spans), spans)
    peer = _time("genai_prices.calc_price per call (peer)", _peer, spans, repeat=1)
    print(f"ratio: calc_price / PriceBook.price (fresh book) = {peer / mine:.1f}x")
    if args.before:
        make = _old_book(args.before)

        def _before(rows: list) -> None:  # type: ignore[type-arg]
            book = make()  # type: ignore[operator]
            for provider, model, usage, at in rows:
                book.price(provider, model, usage, at)

        old = _time(f"hand-written catalog at {args.before}, fresh book", _before, spans)
        old_warm = _time(
            f"hand-written catalog at {args.before}, warm book", _warm(make, spans), spans
        )
        print(f"ratio after / before: fresh {mine / old:.2f}x, warm {warm / old_warm:.2f}x")


if __name__ == "__main__":
    main()
