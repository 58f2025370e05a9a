"""Duplicate initiatives: systems in different units that do the same job (pure).

``find_duplicates`` takes the portfolio as plain ``Initiative`` records and returns clusters of
initiatives that do the same job, each with the reasons a reader can check and the combined
monthly cost. Each initiative's name and purpose are reduced to concept words
(``duplicates_text``), less the words the portfolio shows to be how one job is phrased rather
than what it works on (``duplicates_phrasing``); then three steps, each in its own module:

1. candidates (``duplicates_candidates``): token blocking on the concept words of each
   initiative's name and purpose (a shared task and a shared object word) finds the pairs worth
   comparing without comparing all n²/2 pairs;
2. pair scores (``duplicates_scoring``): text similarity of purpose and description
   (``rapidfuzz``), a penalty when the two name different jobs, and bonuses for a shared model,
   vendor, data source and a similar telemetry shape;
3. clusters (``duplicates_clusters``): union-find over the pairs at or above ``THRESHOLD``,
   best first, where two clusters merge only if they stay densely linked. Every member of a
   cluster is linked to every other by a chain of such pairs; the pairs are kept as evidence
   (here, with their reasons).

By default a pair in the same unit is never linked: two systems of one unit doing one job are
that unit's own affair, not fragmentation across the organisation (``across_units_only``).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import median

import numpy as np

from aitower.discovery.duplicates_candidates import candidate_pairs
from aitower.discovery.duplicates_clusters import Links, cluster_links
from aitower.discovery.duplicates_inputs import Initiative, InvalidInitiative, TelemetryShape
from aitower.discovery.duplicates_phrasing import without_phrasing
from aitower.discovery.duplicates_scoring import (
    SIMILAR_SHAPE,
    THRESHOLD,
    Prepared,
    pair_reasons,
    prepare,
    score_pairs,
    shape_similarity,
)

__all__ = [
    "DuplicateCluster",
    "Initiative",
    "InvalidInitiative",
    "PairMatch",
    "TelemetryShape",
    "find_duplicates",
]


@dataclass(frozen=True, slots=True)
class PairMatch:
    """Two initiatives judged to do the same job, the score and why."""

    first: str
    second: str
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DuplicateCluster:
    """Initiatives that do the same job, with the evidence and what they cost together.

    ``pairs`` are the links that joined the cluster, strongest first, each with its reasons
    (one fewer than the members: every member reaches every other through them);
    ``linked_pairs`` counts all its members' pairs at or above the threshold. ``score`` is the
    mean score of the joining pairs; ``reasons`` summarise the cluster (the most alike
    purposes of the strongest pair, what its members share). ``combined_monthly_cost`` sums
    the known costs (``None`` when none is known).
    """

    members: tuple[str, ...]
    units: tuple[str, ...]
    score: float
    reasons: tuple[str, ...]
    pairs: tuple[PairMatch, ...] = field(repr=False)
    linked_pairs: int
    combined_monthly_cost: float | None


def find_duplicates(
    initiatives: Sequence[Initiative],
    *,
    across_units_only: bool = True,
    threshold: float = THRESHOLD,
) -> list[DuplicateCluster]:
    """Clusters of initiatives doing the same job, costliest first (see the module docstring)."""
    _validate(initiatives)
    if len(initiatives) < 2:
        return []
    prepared = without_phrasing([prepare(item) for item in initiatives])
    first, second = candidate_pairs([p.tasks for p in prepared], [p.object_words for p in prepared])
    if across_units_only:
        # Unknown units count as different: a finding of unknown owner may duplicate anyone's.
        codes: dict[str | None, int] = {None: -1}
        unit = np.array([codes.setdefault(i.unit, len(codes)) for i in initiatives], dtype=np.int64)
        keep = (unit[first] != unit[second]) | (unit[first] < 0) | (unit[second] < 0)
        first, second = first[keep], second[keep]
    links = Links(*score_pairs(prepared, first, second, threshold))
    return _clusters(initiatives, prepared, links, across_units_only)


def _validate(initiatives: Sequence[Initiative]) -> None:
    seen: set[str] = set()
    for index, item in enumerate(initiatives):
        where = f"initiatives[{index}]"
        if not item.id or not item.id.strip():
            raise InvalidInitiative(f"{where}.id: an initiative needs an id")
        if item.id in seen:
            raise InvalidInitiative(f"{where}.id: {item.id!r} appears twice")
        seen.add(item.id)
        if not item.name or not item.name.strip():
            raise InvalidInitiative(f"{where}.name: initiative {item.id!r} needs a name")
        shape = item.telemetry
        if shape is not None:
            for name in ("input_tokens_per_call", "output_tokens_per_call"):
                if not getattr(shape, name) > 0:
                    raise InvalidInitiative(
                        f"{where}.telemetry.{name}: must be a positive number of tokens"
                    )
        if item.monthly_cost is not None and not item.monthly_cost >= 0:
            raise InvalidInitiative(f"{where}.monthly_cost: must be zero or more")


def _clusters(
    initiatives: Sequence[Initiative],
    prepared: Sequence[Prepared],
    links: Links,
    across_units_only: bool,
) -> list[DuplicateCluster]:
    codes: dict[str, int] = {}
    units = np.array(
        [
            codes.setdefault(item.unit, len(codes))
            if across_units_only and item.unit is not None
            else -1
            for item in initiatives
        ],
        dtype=np.int64,
    )
    rank = np.argsort(np.array([item.id for item in initiatives], dtype=object)).argsort()
    grouping = cluster_links(units, rank, links)
    edges: dict[int, list[tuple[int, int, float]]] = defaultdict(list)
    joins = grouping.joins.tolist()
    for i, j, score in zip(
        links.first[joins].tolist(),
        links.second[joins].tolist(),
        links.score[joins].tolist(),
        strict=True,
    ):
        edges[int(grouping.label[i])].append((i, j, score))
    # Members by id: ``_shared`` breaks ties between equally shared keys by member order.
    members: dict[int, list[int]] = defaultdict(list)
    for node in np.argsort(rank).tolist():
        if int(grouping.label[node]) in edges:
            members[int(grouping.label[node])].append(node)
    clusters = [
        _cluster(initiatives, prepared, members[root], edges[root], int(grouping.linked[root]))
        for root in edges
    ]
    clusters.sort(key=lambda c: (-(c.combined_monthly_cost or 0.0), -len(c.members), c.members))
    return clusters


def _cluster(
    initiatives: Sequence[Initiative],
    prepared: Sequence[Prepared],
    indexes: list[int],
    edges: list[tuple[int, int, float]],
    linked: int,
) -> DuplicateCluster:
    items = sorted((initiatives[i] for i in indexes), key=lambda item: item.id)
    costs = [item.monthly_cost for item in items if item.monthly_cost is not None]
    edges = sorted(
        edges, key=lambda e: (-e[2], *sorted((initiatives[e[0]].id, initiatives[e[1]].id)))
    )
    pairs = tuple(
        PairMatch(
            min(initiatives[i].id, initiatives[j].id),
            max(initiatives[i].id, initiatives[j].id),
            round(score, 3),
            pair_reasons(prepared[i], prepared[j]),
        )
        for i, j, score in edges
    )
    return DuplicateCluster(
        members=tuple(item.id for item in items),
        units=tuple(sorted({item.unit for item in items if item.unit is not None})),
        score=round(sum(pair.score for pair in pairs) / len(pairs), 3),
        reasons=(pairs[0].reasons[0], *_shared(items, prepared, indexes)),
        pairs=pairs,
        linked_pairs=linked,
        combined_monthly_cost=sum(costs) if costs else None,
    )


def _shared(
    items: Sequence[Initiative], prepared: Sequence[Prepared], indexes: list[int]
) -> list[str]:
    """What two or more members share, most shared first: '… (3 of 4 systems)'."""
    total, reasons = len(items), []
    members = [prepared[i] for i in indexes]
    for label, keyed in (
        ("same model", [p.models for p in members]),
        ("same vendor", [p.vendors for p in members]),
        ("same data source:", [p.sources for p in members]),
    ):
        counts = Counter(key for group in keyed for key in group)
        # Shown as most members spell it, the shortest spelling on a tie (gpt-4o, not
        # openai/gpt-4o), so that neither input order nor merge order changes the words.
        spellings = Counter((key, value) for group in keyed for key, value in group.items())
        shown: dict[str, str] = {}
        for (key, value), _ in sorted(
            spellings.items(), key=lambda kv: (-kv[1], len(kv[0][1]), kv[0][1])
        ):
            shown.setdefault(key, value)
        for key, count in counts.most_common(3):
            if count >= 2:
                reasons.append(f"{label} {shown[key]} ({count} of {total} systems)")
    shapes = [p.shape for p in members if p.shape is not None]
    if len(shapes) >= 2:
        middle = (median(s[0] for s in shapes), median(s[1] for s in shapes))
        alike = sum(shape_similarity(shape, middle) >= SIMILAR_SHAPE for shape in shapes)
        if alike >= 2:
            reasons.append(
                f"similar telemetry shape: about {math.exp(middle[0]):,.0f} tokens in and "
                f"{math.exp(middle[1]):,.0f} out per call ({alike} of {total} systems)"
            )
    return reasons
