"""Where each system stands in the portfolio: scale, keep, fix or retire, with its reasons (pure).

Each system is judged on what was measured over the range (``SystemFacts``); every reason
carries its figure and the way it points. The recommendation is the first rule that holds:

1. **retire** (consolidate) — a *duplicate* of another system in the same portfolio whose ROI
   is higher (or, without ROI on both, whose value is higher): keep the better one.
2. **retire** — ROI below ``RETIRE_ROI`` (value covers less than half the cost) and the ROI
   trend not rising.
3. **fix** — an open high or critical risk; quality falling by more than
   ``QUALITY_DROP`` (relative); adoption falling by more than ``ADOPTION_DROP``; or ROI below
   zero that rule 2 did not retire (above ``RETIRE_ROI``, or rising).
4. **scale** — ROI at least ``SCALE_ROI`` (value at least twice the cost), with neither
   quality nor adoption falling.
5. **keep** — otherwise; also when no value model is declared (nothing to weigh cost
   against: the reason says to declare one).

*Duplicates*: two systems of the same kind whose purposes share at least ``DUPLICATE_SIMILARITY``
of their words (Jaccard similarity of the sets of content words, after lower-casing, dropping
``STOPWORDS`` and a trailing plural or verb "s", and reducing "summarises/summary/summarising"
style variants to a common stem of at least five letters). Simple and documented; a discovery
capability may replace it.

*Change* of a monthly series (quality, adoption): the mean of its later half against the mean
of its earlier half, over the months that have a figure, relative to the earlier mean; None
with fewer than ``MIN_CHANGE_POINTS`` months.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Recommendation = Literal["scale", "keep", "fix", "retire"]
DECISIONS = ("scale", "keep", "fix", "retire", "consolidate")

RETIRE_ROI = -0.5
SCALE_ROI = 1.0
QUALITY_DROP = 0.10
ADOPTION_DROP = 0.25
DUPLICATE_SIMILARITY = 0.3
MIN_CHANGE_POINTS = 2
STEM = 5
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "the",
        "their",
        "them",
        "they",
        "this",
        "to",
        "with",
        "who",
        "what",
        "when",
        "where",
        "which",
        "per",
        "all",
        "any",
        "each",
        "other",
        "than",
        "that",
        "these",
        "those",
        "via",
        "using",
        "use",
        "uses",
        "used",
    ]
)


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason: what it is about, the sentence, its figure, and the way it points."""

    kind: str  # roi | roi_trend | quality | risk | adoption | duplicate | value_model
    text: str
    figure: float | None
    points_to: Recommendation | None  # None: a fact shown, pointing nowhere

    def document(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "text": self.text,
            "figure": self.figure,
            "points_to": self.points_to,
        }


@dataclass(frozen=True, slots=True)
class SystemFacts:
    """What was measured of one system over the range."""

    system_id: uuid.UUID
    name: str
    has_value_model: bool
    cost: float
    value: float
    roi: float | None
    roi_trend: float | None  # per month
    quality_change: float | None  # relative, later vs earlier half
    adoption_change: float | None  # relative, later vs earlier half
    open_high_risks: int
    duplicates: tuple[uuid.UUID, ...] = ()


@dataclass(frozen=True, slots=True)
class Placement:
    system_id: uuid.UUID
    recommended: Recommendation
    reasons: tuple[Reason, ...]
    into_system_id: uuid.UUID | None = None  # the better duplicate, for a consolidation
    into_system_name: str | None = None


def words(text: str) -> frozenset[str]:
    """The content words of a purpose (module docstring)."""
    found = set()
    for word in re.findall(r"[a-z0-9]+", text.lower()):
        if word in STOPWORDS or len(word) < 3:
            continue
        found.add(word[:STEM] if len(word) > STEM else word.rstrip("s"))
    return frozenset(found)


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of the content words of two purposes (0 when either has none)."""
    x, y = words(a), words(b)
    if not x or not y:
        return 0.0
    return len(x & y) / len(x | y)


def duplicates(
    systems: Sequence[tuple[uuid.UUID, str, str]],
) -> dict[uuid.UUID, tuple[uuid.UUID, ...]]:
    """For each (id, kind, purpose): the others of the same kind with a similar purpose."""
    found: dict[uuid.UUID, list[uuid.UUID]] = {sid: [] for sid, _, _ in systems}
    for i, (a, kind_a, purpose_a) in enumerate(systems):
        for b, kind_b, purpose_b in systems[i + 1 :]:
            if kind_a == kind_b and similarity(purpose_a, purpose_b) >= DUPLICATE_SIMILARITY:
                found[a].append(b)
                found[b].append(a)
    return {k: tuple(v) for k, v in found.items()}


def change(series: Sequence[float | None]) -> float | None:
    """Relative change, later half's mean vs the earlier half's (module docstring)."""
    points = [v for v in series if v is not None and math.isfinite(v)]
    if len(points) < MIN_CHANGE_POINTS:
        return None
    half = len(points) // 2
    early = sum(points[:half]) / half
    late = sum(points[len(points) - half :]) / half
    if early == 0:
        return None
    return (late - early) / abs(early)


def _better(a: SystemFacts, b: SystemFacts) -> bool:
    """Whether ``b`` is the better of two duplicates: higher ROI, else higher value."""
    if a.roi is not None and b.roi is not None:
        return b.roi > a.roi
    return b.value > a.value


def _percent(value: float) -> str:
    return f"{value * 100:+,.0f} %"


def _roi_reasons(f: SystemFacts) -> list[Reason]:
    if not f.has_value_model:
        return [
            Reason(
                "value_model",
                "No value model declared: declare one to weigh its cost",
                None,
                "keep",
            )
        ]
    if f.roi is None:
        return [Reason("roi", "No cost in the range: ROI is not a ratio", None, None)]
    reasons = []
    points: Recommendation | None = None
    if f.roi < RETIRE_ROI:
        points = "retire"
    elif f.roi < 0:
        points = "fix"
    elif f.roi >= SCALE_ROI:
        points = "scale"
    reasons.append(Reason("roi", f"ROI {_percent(f.roi)} (value − cost) ÷ cost", f.roi, points))
    if f.roi_trend is not None:
        way: Recommendation | None = "fix" if f.roi_trend < 0 else None
        text = f"ROI trend {f.roi_trend * 100:+.1f} points per month"
        reasons.append(Reason("roi_trend", text, f.roi_trend, way))
    return reasons


def _other_reasons(f: SystemFacts) -> list[Reason]:
    reasons = []
    if f.open_high_risks:
        reasons.append(
            Reason(
                "risk",
                f"{f.open_high_risks} open high or critical risk(s)",
                float(f.open_high_risks),
                "fix",
            )
        )
    if f.quality_change is not None:
        falling = f.quality_change < -QUALITY_DROP
        reasons.append(
            Reason(
                "quality",
                f"Quality scores {_percent(f.quality_change)}",
                f.quality_change,
                "fix" if falling else None,
            )
        )
    if f.adoption_change is not None:
        falling = f.adoption_change < -ADOPTION_DROP
        reasons.append(
            Reason(
                "adoption",
                f"Active users {_percent(f.adoption_change)}",
                f.adoption_change,
                "fix" if falling else None,
            )
        )
    return reasons


def _best_duplicate(f: SystemFacts, by_id: dict[uuid.UUID, SystemFacts]) -> SystemFacts | None:
    better = [by_id[d] for d in f.duplicates if d in by_id and _better(f, by_id[d])]
    if not better:
        return None
    return max(better, key=lambda o: (o.roi if o.roi is not None else -math.inf, o.value))


def place(f: SystemFacts, by_id: dict[uuid.UUID, SystemFacts]) -> Placement:
    """The recommendation for ``f`` and every reason (module docstring); ``by_id`` holds the
    other systems' facts, for duplicates."""
    reasons = _roi_reasons(f) + _other_reasons(f)
    best = _best_duplicate(f, by_id)
    for other in (by_id[d] for d in f.duplicates if d in by_id):
        way: Recommendation | None = "retire" if other is best else None
        reasons.append(Reason("duplicate", f"Same job as {other.name}", None, way))
    if best is not None:
        return Placement(f.system_id, "retire", tuple(reasons), best.system_id, best.name)
    rising = f.roi_trend is not None and f.roi_trend > 0
    if f.roi is not None and f.roi < RETIRE_ROI and not rising:
        return Placement(f.system_id, "retire", tuple(reasons))
    kinds = ("risk", "quality", "adoption")
    falling = any(r.points_to == "fix" and r.kind in kinds for r in reasons)
    if falling or (f.roi is not None and f.roi < 0):
        return Placement(f.system_id, "fix", tuple(reasons))
    if f.has_value_model and f.roi is not None and f.roi >= SCALE_ROI:
        return Placement(f.system_id, "scale", tuple(reasons))
    return Placement(f.system_id, "keep", tuple(reasons))


def place_all(facts: Sequence[SystemFacts]) -> dict[uuid.UUID, Placement]:
    by_id = {f.system_id: f for f in facts}
    return {f.system_id: place(f, by_id) for f in facts}
