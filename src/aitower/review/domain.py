"""The review queue's rules: sources and verdicts, the settings of a route, which traces a
sample takes, and what verdicts measure (quality per system, detector precision per type).

Pure: dataclasses in, dataclasses out, so the numbers are checked against hand-computed cases.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from aitower.core.access.roles import Role
from aitower.core.errors import InvalidInput


class Source(StrEnum):
    flagged = "flagged"  # a person sent the trace to review
    low_score = "low_score"  # feedback or an evaluation below the route's threshold
    finding = "finding"  # a detector found something in the trace
    sample = "sample"  # the route's deterministic sample of traffic


class Verdict(StrEnum):
    correct = "correct"
    hallucination = "hallucination"
    policy_violation = "policy_violation"
    leak = "leak"
    false_alarm = "false_alarm"


class Status(StrEnum):
    open = "open"
    done = "done"


# A finding confirmed by a reviewer: the detector was right. ``false_alarm`` says it was wrong;
# ``correct`` and ``hallucination`` judge the answer, not the detection, and count neither way.
CONFIRMS_FINDING = frozenset({Verdict.leak, Verdict.policy_violation})
CATEGORIES = ("personal_data", "secret", "injection")
MAX_FINDING_TYPES = 50


def verdict_of(value: str, field_name: str = "verdict") -> Verdict:
    try:
        return Verdict(value)
    except ValueError:
        known = ", ".join(v.value for v in Verdict)
        raise InvalidInput.on(field_name, f"must be one of: {known}") from None


def role_of(value: str, field_name: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise InvalidInput.on(field_name, "must be a role name") from None


@dataclass(frozen=True, slots=True)
class RouteSettings:
    """What of a system's traffic goes to review. Findings match by type or by category;
    ``low_score_below`` None routes no scores; ``score_name`` "" means any score's name."""

    enabled: bool = False
    sample_rate: float = 0.0
    low_score_below: float | None = None
    score_name: str = ""
    finding_types: tuple[str, ...] = ()
    finding_categories: tuple[str, ...] = CATEGORIES
    finding_role: str = Role.security.value
    quality_role: str = Role.prompt_engineer.value

    def routes_finding(self, finding_type: str, category: str) -> bool:
        return finding_type in self.finding_types or category in self.finding_categories


def checked_settings(settings: RouteSettings) -> RouteSettings:
    """The settings if every field holds (else ``InvalidInput`` naming the field)."""
    if not (math.isfinite(settings.sample_rate) and 0.0 <= settings.sample_rate <= 1.0):
        raise InvalidInput.on("sample_rate", "must be between 0 and 1")
    if settings.low_score_below is not None and not math.isfinite(settings.low_score_below):
        raise InvalidInput.on("low_score_below", "must be a finite number")
    if len(settings.score_name) > 100:
        raise InvalidInput.on("score_name", "must be at most 100 characters")
    unknown = [c for c in settings.finding_categories if c not in CATEGORIES]
    if unknown:
        raise InvalidInput.on("finding_categories", f"unknown category {unknown[0]!r}")
    if len(settings.finding_types) > MAX_FINDING_TYPES or any(
        not t or len(t) > 64 for t in settings.finding_types
    ):
        raise InvalidInput.on("finding_types", "up to 50 type names of 1 to 64 characters")
    role_of(settings.finding_role, "finding_role")
    role_of(settings.quality_role, "quality_role")
    return settings


def sample_point(trace_id: str) -> float:
    """Where a trace falls in [0, 1): the first 8 bytes of SHA-256 of its id, as a fraction.

    A trace is in a sample of rate ``r`` when its point is below ``r``: reproducible (the same
    trace is always in or out, on every replica and every pass), with no random state, and a
    higher rate takes every trace a lower rate took.
    """
    digest = hashlib.sha256(trace_id.encode("ascii", "replace")).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64


def sampled(trace_id: str, rate: float) -> bool:
    return rate > 0.0 and sample_point(trace_id) < rate


@dataclass(frozen=True, slots=True)
class Reviewed:
    """One judged item, as the metrics read it."""

    system_id: str
    source: str
    finding_type: str
    verdict: str


@dataclass(frozen=True, slots=True)
class SystemQuality:
    """Shares of a system's verdicts: ``n`` judged items, each rate a fraction of ``n``."""

    system_id: str
    n: int
    counts: dict[str, int] = field(default_factory=dict)

    def rate(self, verdict: Verdict) -> float | None:
        return self.counts.get(verdict.value, 0) / self.n if self.n else None

    @property
    def correct_share(self) -> float | None:
        return self.rate(Verdict.correct)

    @property
    def hallucination_rate(self) -> float | None:
        return self.rate(Verdict.hallucination)

    @property
    def policy_violation_rate(self) -> float | None:
        return self.rate(Verdict.policy_violation)

    @property
    def leak_rate(self) -> float | None:
        return self.rate(Verdict.leak)

    @property
    def false_alarm_rate(self) -> float | None:
        return self.rate(Verdict.false_alarm)


def quality_by_system(reviewed: Iterable[Reviewed]) -> list[SystemQuality]:
    """Verdict counts per system (every source: a sample measures traffic as it is, the other
    sources measure what was suspected; the API gives the counts so both can be told apart)."""
    counts: dict[str, dict[str, int]] = {}
    for item in reviewed:
        per = counts.setdefault(item.system_id, {})
        per[item.verdict] = per.get(item.verdict, 0) + 1
    return [SystemQuality(s, sum(c.values()), dict(c)) for s, c in sorted(counts.items())]


@dataclass(frozen=True, slots=True)
class Precision:
    """A detector type's measured precision: confirmed / (confirmed + false alarms)."""

    finding_type: str
    true: int
    false: int

    @property
    def n(self) -> int:
        return self.true + self.false

    @property
    def precision(self) -> float | None:
        return self.true / self.n if self.n else None


def precision_by_type(reviewed: Sequence[Reviewed]) -> dict[str, tuple[int, int]]:
    """(true, false) per finding type over items that came from findings: a ``leak`` or
    ``policy_violation`` verdict confirms the detection, ``false_alarm`` refutes it."""
    found: dict[str, list[int]] = {}
    for item in reviewed:
        if item.source != Source.finding.value or not item.finding_type:
            continue
        entry = found.setdefault(item.finding_type, [0, 0])
        if item.verdict in CONFIRMS_FINDING:
            entry[0] += 1
        elif item.verdict == Verdict.false_alarm.value:
            entry[1] += 1
    return {t: (c[0], c[1]) for t, c in sorted(found.items()) if c[0] + c[1]}
