"""Words that say how a job is phrased, not what it works on, learnt from the portfolio (pure).

Units that build the same kind of job phrase it alike: a router "sends X *to the right queue*",
a reviewer "checks X *against the playbook*", a drafter writes X "*in our tone of voice*". Two
routers of different objects then share most of their words, and on the tuning portfolio such
pairs were what held clusters of different jobs together (the misses: a ticket router and a
claims router in one cluster, the invoice router in another). No word list can know every
phrasing, but the portfolio shows it: a concept word used by initiatives of one job concept
and almost never by the others (``PHRASING_SHARE`` of at least ``PHRASING_MIN_USES`` uses)
belongs to the job's phrasing, while an object (*contracts*, *irrigation*) is used with many
jobs. Such words are left out of what is compared; the job concept itself stays.

Only initiatives naming exactly one job concept are counted, and nothing is learnt from a
word used fewer than ``PHRASING_MIN_USES`` times, so a small portfolio keeps all its words.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Sequence

from aitower.discovery.duplicates_scoring import Prepared
from aitower.discovery.duplicates_text import TASK_CONCEPTS

PHRASING_MIN_USES = 10
PHRASING_SHARE = 0.7


def phrasing_words(prepared: Sequence[Prepared]) -> frozenset[str]:
    """Concept words concentrated on one job concept (see the module docstring)."""
    by_task: dict[str, Counter[str]] = defaultdict(Counter)
    for item in prepared:
        if len(item.tasks) == 1:
            [task] = item.tasks
            by_task[task].update(item.object_words)
    total: Counter[str] = Counter()
    for counts in by_task.values():
        total.update(counts)
    return frozenset(
        word
        for counts in by_task.values()
        for word, uses in counts.items()
        if total[word] >= PHRASING_MIN_USES and uses >= PHRASING_SHARE * total[word]
    )


def without_phrasing(prepared: Sequence[Prepared]) -> list[Prepared]:
    """``prepared`` with the portfolio's phrasing words left out of the words compared."""
    phrasing = phrasing_words(prepared)
    if not phrasing:
        return list(prepared)
    return [_without(item, phrasing) for item in prepared]


def _without(item: Prepared, phrasing: frozenset[str]) -> Prepared:
    objects = item.object_words - phrasing
    if not objects:
        # All its words are some job's phrasing (a job only one kind of system does): keep
        # them, or the initiative could never be compared.
        return item
    words = item.purpose_words.split()
    return dataclasses.replace(
        item,
        purpose_words=" ".join(w for w in words if w in TASK_CONCEPTS or w not in phrasing),
        object_words=objects,
    )
