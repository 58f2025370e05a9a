"""The plain shapes of live evidence (pure): what can be linked, and a verdict on it.

Apart from ``core.evidence`` (the sources and their registry) so that pure modules, such as the
facts policies judge, can hold verdicts without importing storage.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class LiveObject:
    """An object that can back evidence of the given kinds for one system."""

    object_type: str  # the source's type, e.g. "model_monitor"
    object_id: uuid.UUID
    system_id: uuid.UUID
    title: str
    url: str  # the page that shows it, so a reviewer can check the verdict
    kinds: frozenset[str]  # evidence kinds it can back (bias_evaluation, ...)


@dataclass(frozen=True, slots=True)
class Judgement:
    """What the owning capability says of one live object for one evidence kind, now."""

    kind: str
    title: str
    passed: bool  # meets its own criteria in the result judged
    observed_at: datetime | None  # when that result was produced (None: no result yet)
    reason: str  # plain words with the figures: "parity ratio 0.07 < 0.80 (floor)"
    metric: str | None = None  # the figure a policy may set its own bar on
    value: float | None = None
