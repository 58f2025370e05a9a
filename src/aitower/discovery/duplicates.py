"""Duplicate initiatives: systems in different units that do the same job (pure).

``find_duplicates`` takes the portfolio as plain ``Initiative`` records and returns clusters of
initiatives that do the same job, each with the reasons a reader can check and the combined
monthly cost. It runs in three steps, each in its own module:

1. candidates (``duplicates_candidates``): token blocking on the concept words of each
   initiative's name and purpose (a shared task and a shared object word) finds the pairs worth
   comparing without comparing all n²/2 pairs;
2. pair scores (``duplicates_scoring``): text similarity of purpose and description
   (``rapidfuzz``), a penalty when the two name different jobs, and bonuses for a shared model,
   vendor, data source and a similar telemetry shape;
3. clusters (here): union-find over the pairs at or above ``THRESHOLD``, best first, where two
   clusters merge only if they stay densely linked (``_Clusters``). Every member of a cluster
   is linked to every other by a chain of such pairs; the pairs are kept as evidence.

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
from numpy.typing import NDArray

from aitower.discovery.duplicates_candidates import candidate_pairs
from aitower.discovery.duplicates_inputs import Initiative, InvalidInitiative, TelemetryShape
from aitower.discovery.duplicates_scoring import (
    MIN_LINK_DENSITY,
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
    prepared = [prepare(item) for item in initiatives]
    first, second = candidate_pairs([p.tasks for p in prepared], [p.object_words for p in prepared])
    if across_units_only:
        # Unknown units count as different: a finding of unknown owner may duplicate anyone's.
        codes: dict[str | None, int] = {None: -1}
        unit = np.array([codes.setdefault(i.unit, len(codes)) for i in initiatives], dtype=np.int64)
        keep = (unit[first] != unit[second]) | (unit[first] < 0) | (unit[second] < 0)
        first, second = first[keep], second[keep]
    matches = score_pairs(prepared, first, second, threshold)
    return _clusters(initiatives, prepared, matches, across_units_only)


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


# How many of its strongest links each system may join a cluster through (see
# ``_strongest_per_system``).
JOINS_PER_SYSTEM = 10


class _Clusters:
    """Union-find whose merges must keep each cluster densely linked (``MIN_LINK_DENSITY``).

    Plain union-find over the pairs above the threshold chains: A ~ B ~ C puts A and C together
    however unlike they are, and on the tuning portfolio two chains swallowed a fifth of the
    systems (a ticket chatbot ~ an invoice chatbot ~ an RFP chatbot …). Pairs are taken from
    the best score down, and two clusters merge only when at least ``MIN_LINK_DENSITY`` of the
    pairs between them that could be linked (in different units, when only those count) are.
    Merges still follow linked pairs, so every member is reached from every other by a chain.
    """

    def __init__(self, initiatives: Sequence[Initiative], across_units_only: bool) -> None:
        size = len(initiatives)
        self.parent = list(range(size))
        self.members: list[list[int]] = [[i] for i in range(size)]
        self.units: list[Counter[str | None]] = [
            Counter([item.unit if across_units_only and item.unit is not None else None])
            for item in initiatives
        ]
        # Linked pairs between clusters, by root: between[r][q] = links from cluster r to q.
        self.between: list[Counter[int]] = [Counter() for _ in range(size)]
        self.refused: set[tuple[int, int, int, int]] = set()

    def find(self, node: int) -> int:
        parent = self.parent
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def add_links(self, first: list[int], second: list[int]) -> None:
        """Know the linked pairs (all before the first merge: the density needs them)."""
        neighbours: list[list[int]] = [[] for _ in self.parent]
        for a, b in zip(first, second, strict=True):
            neighbours[a].append(b)
            neighbours[b].append(a)
        self.between = [Counter(dict.fromkeys(group, 1)) for group in neighbours]

    def merge(self, a: int, b: int) -> bool:
        """Merge the clusters of ``a`` and ``b`` if they are densely linked; say if merged."""
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return False
        state = (root_a, len(self.members[root_a]), root_b, len(self.members[root_b]))
        if state in self.refused:
            return False
        if self._density(root_a, root_b) < MIN_LINK_DENSITY:
            self.refused.add(state)
            return False
        # The one with fewer neighbouring clusters moves into the other (union by degree):
        # moving its counts costs its degree, so clusters that grow big stay put.
        keep, gone = root_a, root_b
        if len(self.between[keep]) < len(self.between[gone]):
            keep, gone = gone, keep
        self.parent[gone] = keep
        self.members[keep].extend(self.members[gone])
        self.units[keep].update(self.units[gone])
        for other, count in self.between[gone].items():
            if other != keep:
                self.between[keep][other] += count
                self.between[other][keep] += count
            del self.between[other][gone]
        self.members[gone], self.units[gone], self.between[gone] = [], Counter(), Counter()
        return True

    def _density(self, root_a: int, root_b: int) -> float:
        linked = self.between[root_a][root_b]
        units_a, units_b = self.units[root_a], self.units[root_b]
        if len(units_a) > len(units_b):
            units_a, units_b = units_b, units_a
        possible = len(self.members[root_a]) * len(self.members[root_b]) - sum(
            count * units_b[unit] for unit, count in units_a.items() if unit is not None
        )
        return linked / possible if possible else 0.0


def _clusters(
    initiatives: Sequence[Initiative],
    prepared: Sequence[Prepared],
    matches: Sequence[tuple[int, int, float]],
    across_units_only: bool,
) -> list[DuplicateCluster]:
    forest = _Clusters(initiatives, across_units_only)
    forest.add_links([m[0] for m in matches], [m[1] for m in matches])
    # Best first; ties broken by the ids so that the input's order never changes the result.
    rank = np.argsort(np.array([item.id for item in initiatives], dtype=object)).argsort()
    first, second = (np.array([m[k] for m in matches], dtype=np.int64) for k in (0, 1))
    low, high = np.minimum(rank[first], rank[second]), np.maximum(rank[first], rank[second])
    order = _strongest_per_system(
        np.lexsort((high, low, -np.array([m[2] for m in matches]))), first, second
    ).tolist()
    joins: dict[int, list[tuple[int, int, float]]] = defaultdict(list)
    for k in order:
        i, j, score = matches[k]
        if forest.merge(i, j):
            joins[i].append((i, j, score))
    edges: dict[int, list[tuple[int, int, float]]] = defaultdict(list)
    for group in joins.values():
        for edge in group:
            edges[forest.find(edge[0])].append(edge)
    linked: Counter[int] = Counter()
    for i, j, _ in matches:
        root = forest.find(i)
        if root == forest.find(j):
            linked[root] += 1
    clusters = [
        _cluster(initiatives, prepared, forest.members[root], edges[root], linked[root])
        for root in edges
    ]
    clusters.sort(key=lambda c: (-(c.combined_monthly_cost or 0.0), -len(c.members), c.members))
    return clusters


def _strongest_per_system(
    order: NDArray[np.int64], first: NDArray[np.int64], second: NDArray[np.int64]
) -> NDArray[np.int64]:
    """``order`` kept to the pairs among the ``JOINS_PER_SYSTEM`` strongest of either system.

    A cluster grows along its strongest links; trying every weaker link too (hundreds per
    system when a hundred units built one thing) changed no cluster of the tuning portfolio
    and took most of the time. The density check still counts every linked pair.
    """
    count = len(order)
    nodes = np.concatenate((first[order], second[order]))
    position = np.concatenate((np.arange(count), np.arange(count)))
    by_node = np.lexsort((position, nodes))
    starts = np.flatnonzero(np.r_[True, nodes[by_node][1:] != nodes[by_node][:-1]])
    sizes = np.diff(np.r_[starts, len(by_node)])
    rank_sorted = np.arange(len(by_node)) - np.repeat(starts, sizes)
    rank = np.empty_like(rank_sorted)
    rank[by_node] = rank_sorted
    keep = np.minimum(rank[:count], rank[count:]) < JOINS_PER_SYSTEM
    kept: NDArray[np.int64] = order[keep]
    return kept


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
        shown = {key: value for group in reversed(keyed) for key, value in group.items()}
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
