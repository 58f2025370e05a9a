"""What one LLM call used, in the units prices are quoted in (pure, no storage).

Telemetry reads it off each span (``telemetry.semconv``); the price book multiplies it
(``cost.pricing``). It lives here, below telemetry, because pricing is what telemetry uses.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TokenUsage:
    """Tokens of one LLM call. ``input`` includes cache reads/writes; ``output`` includes
    reasoning, as the GenAI conventions and the providers' usage objects count them."""

    input: int = 0
    output: int = 0
    cache_read: int = 0
    cache_write: int = 0
    reasoning: int = 0
    cache_write_1h: int = 0  # of cache_write: written for one hour (Anthropic's longer cache)

    @property
    def total(self) -> int:
        return self.input + self.output
