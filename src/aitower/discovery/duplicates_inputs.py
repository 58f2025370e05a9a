"""What duplicate detection compares: an initiative and its telemetry shape (pure records,
apart from the engine so that its steps can name them without importing each other)."""

from __future__ import annotations

from dataclasses import dataclass


class InvalidInitiative(ValueError):
    """An initiative that cannot be compared; the message names the record and the field."""


@dataclass(frozen=True, slots=True)
class TelemetryShape:
    """How an LLM system is called: mean tokens in and out per call, and calls per day.

    The ratio of input to output tokens tells the job apart (a summariser reads thousands of
    tokens and writes hundreds; a copy generator the reverse); calls per day depends on the size
    of the unit, so it is shown but not compared.
    """

    input_tokens_per_call: float
    output_tokens_per_call: float
    calls_per_day: float | None = None


@dataclass(frozen=True, slots=True)
class Initiative:
    """One AI system or discovery finding, as far as it is known; only id and name are required."""

    id: str
    name: str
    purpose: str = ""
    description: str = ""
    unit: str | None = None
    vendors: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    data_sources: tuple[str, ...] = ()
    telemetry: TelemetryShape | None = None
    monthly_cost: float | None = None
