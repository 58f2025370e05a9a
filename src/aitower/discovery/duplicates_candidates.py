"""Pairs worth comparing, found without comparing all n²/2 pairs (token blocking, pure).

A job is a task on an object (*summarise* · *contracts*), so two initiatives are worth
comparing only when they

* name a common task concept, or at least one of them names none (``Prepared.tasks``), and
* share at least one object word: a concept word that is not a task (``Prepared.object_words``).

Pairs naming different tasks are left out on purpose: scoring multiplies their text similarity
by ``TASK_MISMATCH`` (0.6) and no bonus lifts that over ``THRESHOLD``, so comparing them is
wasted work. Within each task's block (the initiatives naming that task, plus those naming
none) the pairs sharing an object word are the non-zeros of ``B·Bᵀ``, ``B`` the sparse
initiative × object-word incidence matrix (scipy): the cost is the number of such pairs, not
n². MinHash LSH (``datasketch``) was tried first and dropped: on three- to six-word purposes
the shared task word alone reaches any useful Jaccard threshold, so at 10,000 systems it
returned 3.5 million candidates (12 s) at the recall of this blocking's few hundred thousand.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

_NO_TASK = ""


def candidate_pairs(
    tasks: Sequence[frozenset[str]], object_words: Sequence[frozenset[str]]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Index pairs ``(first[k], second[k])``, first < second, sharing a task (or lacking one)
    and an object word, as two arrays."""
    vocabulary: dict[str, int] = {}
    rows, cols = [], []
    for row, words in enumerate(object_words):
        for word in words:
            rows.append(row)
            cols.append(vocabulary.setdefault(word, len(vocabulary)))
    if not vocabulary:
        return np.array([], dtype=np.int64), np.array([], dtype=np.int64)
    incidence = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.int32), (rows, cols)),
        shape=(len(object_words), len(vocabulary)),
    )
    blocks: dict[str, list[int]] = defaultdict(list)
    untasked = [row for row, named in enumerate(tasks) if not named]
    for row, named in enumerate(tasks):
        for task in named:
            blocks[task].append(row)
    if not blocks:
        blocks[_NO_TASK] = []
    found: list[np.ndarray] = []
    for members in blocks.values():
        block = np.array(sorted({*members, *untasked}), dtype=np.int64)
        sub = incidence[block]
        shared = sparse.triu(sub @ sub.T, k=1).tocoo()
        found.append(block[shared.row] * len(object_words) + block[shared.col])
    # Sorted, then the repeats (pairs in several blocks) dropped: numpy's hash-based
    # ``np.unique`` took 0.8 s on the 1.2 million codes of 10,000 systems, sorting 0.02 s.
    codes = np.sort(np.concatenate(found))
    codes = codes[np.r_[True, codes[1:] != codes[:-1]][: len(codes)]]
    firsts, seconds = np.divmod(codes, len(object_words))
    return firsts.astype(np.int64), seconds.astype(np.int64)
