"""Clusters from the linked pairs: union-find whose merges keep clusters dense (pure).

Plain union-find over the pairs above the threshold chains: A ~ B ~ C puts A and C together
however unlike they are, and on the tuning portfolio two chains swallowed a fifth of the
systems (a ticket chatbot ~ an invoice chatbot ~ an RFP chatbot …). Pairs are taken from the
best score down, and two clusters merge only when at least ``MIN_LINK_DENSITY`` of the pairs
between them that could be linked (in different units, when only those count) are. Merges
still follow linked pairs, so every member is reached from every other by a chain.

The loop over the joining pairs is sequential by nature (each merge changes the next check),
so it is kept to plain integers; everything around it is numpy over all linked pairs at once.
A check counts the links between two clusters from the side with fewer links: the links of
its members, as slices of one sparse adjacency (scipy CSR), against the label array of
cluster roots. At 10,000 systems and 785,000 linked pairs this replaced per-cluster link
counters that had to be moved at every merge (4 s of Python) by about 0.3 s.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from aitower.discovery.duplicates_scoring import MIN_LINK_DENSITY

# How many of its strongest links each system may join a cluster through (see
# ``strongest_per_system``).
JOINS_PER_SYSTEM = 10


@dataclass(frozen=True, slots=True)
class Links:
    """The linked pairs ``(first[k], second[k])`` with their ``score[k]``, as arrays."""

    first: NDArray[np.int64]
    second: NDArray[np.int64]
    score: NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Grouping:
    """What clustering found: each system's cluster and the pairs that joined them.

    ``label[i]`` is the root of system ``i``'s cluster (itself when alone); ``joins`` are the
    indexes into the links of the pairs that merged two clusters, in the order they did;
    ``linked[r]`` counts the links inside the cluster of root ``r``.
    """

    label: NDArray[np.int64]
    joins: NDArray[np.int64]
    linked: NDArray[np.int64]


class _Forest:
    """The clusters as they grow: roots, members, units and the links to count from."""

    def __init__(self, units: NDArray[np.int64], links: Links) -> None:
        size = len(units)
        self.root = list(range(size))
        self.label = np.arange(size, dtype=np.int64)
        self.members: list[list[int]] = [[i] for i in range(size)]
        # Units of the members; a negative code (unknown unit, or every pair counts) is no
        # unit: such a member may pair with anyone.
        self.units: list[Counter[int]] = [
            Counter([code]) if code >= 0 else Counter() for code in units.tolist()
        ]
        adjacency = sparse.coo_matrix(
            (
                np.ones(2 * len(links.first), dtype=np.int8),
                (
                    np.concatenate((links.first, links.second)),
                    np.concatenate((links.second, links.first)),
                ),
            ),
            shape=(size, size),
        ).tocsr()
        indices, bounds = adjacency.indices.astype(np.int64), adjacency.indptr.tolist()
        self.degree = np.diff(adjacency.indptr).tolist()
        self.links: list[list[NDArray[np.int64]]] = [
            [indices[start:end]] for start, end in itertools.pairwise(bounds)
        ]
        self.refused: set[tuple[int, int, int, int]] = set()

    def merge(self, a: int, b: int) -> bool:
        """Merge the clusters of ``a`` and ``b`` if they are densely linked; say if merged."""
        root_a, root_b = self.root[a], self.root[b]
        if root_a == root_b:
            return False
        state = (root_a, len(self.members[root_a]), root_b, len(self.members[root_b]))
        if state in self.refused:
            return False
        if self._density(root_a, root_b) < MIN_LINK_DENSITY:
            self.refused.add(state)
            return False
        # The smaller cluster moves into the larger: each system moves O(log n) times.
        keep, gone = root_a, root_b
        if len(self.members[keep]) < len(self.members[gone]):
            keep, gone = gone, keep
        moved = self.members[gone]
        for node in moved:
            self.root[node] = keep
        self.label[moved] = keep
        self.members[keep].extend(moved)
        self.units[keep].update(self.units[gone])
        self.links[keep].extend(self.links[gone])
        self.degree[keep] += self.degree[gone]
        self.members[gone], self.units[gone], self.links[gone] = [], Counter(), []
        return True

    def _density(self, root_a: int, root_b: int) -> float:
        if self.degree[root_a] > self.degree[root_b]:
            root_a, root_b = root_b, root_a
        parts = self.links[root_a]
        ends = parts[0] if len(parts) == 1 else np.concatenate(parts)
        linked = int(np.count_nonzero(self.label[ends] == root_b))
        units_a, units_b = self.units[root_a], self.units[root_b]
        if len(units_a) > len(units_b):
            units_a, units_b = units_b, units_a
        possible = len(self.members[root_a]) * len(self.members[root_b]) - sum(
            count * units_b[unit] for unit, count in units_a.items()
        )
        return linked / possible if possible else 0.0


def cluster_links(units: NDArray[np.int64], ids_rank: NDArray[np.int64], links: Links) -> Grouping:
    """Density-guarded union-find over ``links``, best score first (see the module docstring).

    ``units`` are unit codes (negative: no unit, pairs with anyone); ``ids_rank`` ranks the
    systems by id, so that ties are broken by ids and the input's order never changes the result.
    """
    first, second = links.first, links.second
    low = np.minimum(ids_rank[first], ids_rank[second])
    high = np.maximum(ids_rank[first], ids_rank[second])
    order = strongest_per_system(np.lexsort((high, low, -links.score)), first, second)
    forest = _Forest(units, links)
    merge = forest.merge
    firsts, seconds = first[order].tolist(), second[order].tolist()
    joined = [merge(i, j) for i, j in zip(firsts, seconds, strict=True)]
    label = forest.label
    inside = label[first] == label[second]
    return Grouping(
        label=label,
        joins=order[np.array(joined, dtype=bool)],
        linked=np.bincount(label[first[inside]], minlength=len(units)).astype(np.int64),
    )


def strongest_per_system(
    order: NDArray[np.int64], first: NDArray[np.int64], second: NDArray[np.int64]
) -> NDArray[np.int64]:
    """``order`` kept to the pairs among the ``JOINS_PER_SYSTEM`` strongest of either system.

    A cluster grows along its strongest links; trying every weaker link too (hundreds per
    system when a hundred units built one thing) changed no cluster of the tuning portfolio
    and took most of the time. The density check still counts every linked pair.
    """
    # Both ends of each pair, pair after pair in ``order``; a stable sort by system keeps each
    # system's links in that order, so its rank among them is its position minus where the
    # system's run starts.
    nodes = np.column_stack((first[order], second[order])).ravel()
    by_node = np.argsort(nodes, kind="stable")
    sorted_nodes = nodes[by_node]
    starts = np.flatnonzero(np.r_[True, sorted_nodes[1:] != sorted_nodes[:-1]])
    sizes = np.diff(np.r_[starts, len(by_node)])
    rank = np.empty(len(by_node), dtype=np.int64)
    rank[by_node] = np.arange(len(by_node)) - np.repeat(starts, sizes)
    keep = rank.reshape(-1, 2).min(axis=1) < JOINS_PER_SYSTEM
    kept: NDArray[np.int64] = order[keep]
    return kept
