"""How alike two initiatives are, and why (pure; the constants are tuned, see below).

The score of a pair is::

    text  = W_PURPOSE · purpose + (1 − W_PURPOSE) · description     (description when both have one,
                                                                     else text = purpose)
    text ×= TASK_MISMATCH when both name a job and the jobs differ
    score = text + W_MODEL·[shared model] + W_VENDOR·[shared vendor]
                 + W_SOURCE·[shared data source] + W_SHAPE·shape

``purpose`` and ``description`` are the mean of rapidfuzz's ``token_set_ratio`` and
``token_sort_ratio`` (÷ 100) on the concept words (``duplicates_text``) of name + purpose and of
the description. ``token_set_ratio`` alone scores 100 whenever one text's words are a subset
of the other's (*contract summary* ⊂ *contract summary and risk scoring*); averaging with
``token_sort_ratio`` keeps that signal while charging for the extra words. ``shape`` is
``1 − d / SHAPE_SCALE`` (floored at 0), ``d`` the Euclidean distance of the two shapes'
(ln input tokens, ln output tokens) per call.

How the constants were chosen: a grid search on the *tuning* portfolio of
``bench/discovery_duplicates_data.py`` (seed 7, its own labelled pairs), maximising F1 of the
clusters on those pairs; the figures reported in docs/discovery-duplicates.md are measured on a
different seed's labelled set (seed 18), which played no part in the choice. Metadata weights
are small on purpose: half the portfolio shares ``gpt-4o`` and the same SharePoint, so a shared
model is a hint, never a verdict; the text decides.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz
from rapidfuzz.process import cpdist

from aitower.discovery.duplicates_text import TASK_CONCEPTS, concept_words, task_concepts

if TYPE_CHECKING:
    from aitower.discovery.duplicates import Initiative

THRESHOLD = 0.62
W_PURPOSE = 1.0
TASK_MISMATCH = 0.6
W_MODEL = 0.04
W_VENDOR = 0.02
W_SOURCE = 0.06
W_SHAPE = 0.12
SHAPE_SCALE = math.log(4.0)
# Share of the possible pairs between two clusters that must be linked for them to merge.
MIN_LINK_DENSITY = 0.3
# A shape at least this alike is "similar" in the reasons.
SIMILAR_SHAPE = 0.5
_MAX_BONUS = W_MODEL + W_VENDOR + W_SOURCE + W_SHAPE

Match = tuple[int, int, float, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Prepared:
    """What comparison needs of one initiative, computed once."""

    purpose_words: str
    description_words: str
    tasks: frozenset[str]
    object_words: frozenset[str]
    quote: str
    models: dict[str, str]
    vendors: dict[str, str]
    sources: dict[str, str]
    shape: tuple[float, float] | None


def _keyed(values: tuple[str, ...], *, last_segment: bool = False) -> dict[str, str]:
    """Values keyed by a comparable form (case, spaces; ``openai/gpt-4o`` → ``gpt-4o``)."""
    keyed: dict[str, str] = {}
    for value in values:
        key = " ".join(value.lower().split())
        if last_segment:
            key = key.rsplit("/", 1)[-1]
        if key:
            keyed.setdefault(key, value.strip())
    return keyed


def prepare(item: Initiative) -> Prepared:
    """Reduce one initiative to the words and keys it is compared on."""
    purpose = concept_words(f"{item.name}. {item.purpose}")
    shape = item.telemetry
    return Prepared(
        purpose_words=" ".join(purpose),
        description_words=" ".join(concept_words(item.description)),
        tasks=task_concepts(purpose),
        object_words=frozenset(purpose) - TASK_CONCEPTS,
        quote=" ".join((item.purpose or item.name).split())[:120],
        models=_keyed(item.models, last_segment=True),
        vendors=_keyed(item.vendors),
        sources=_keyed(item.data_sources),
        shape=(
            (math.log(shape.input_tokens_per_call), math.log(shape.output_tokens_per_call))
            if shape is not None
            else None
        ),
    )


def _similarity(first: list[str], second: list[str]) -> NDArray[np.float32]:
    """Mean of token-set and token-sort ratios of each pair of texts, in [0, 1] (vectorised)."""
    by_set = cpdist(first, second, scorer=fuzz.token_set_ratio, dtype=np.float32, workers=-1)
    by_sort = cpdist(first, second, scorer=fuzz.token_sort_ratio, dtype=np.float32, workers=-1)
    result: NDArray[np.float32] = (by_set + by_sort) / np.float32(200.0)
    return result


def shape_similarity(a: tuple[float, float], b: tuple[float, float]) -> float:
    """``1 − d / SHAPE_SCALE`` floored at 0, ``d`` the distance of two (ln in, ln out) shapes."""
    return max(0.0, 1.0 - math.hypot(a[0] - b[0], a[1] - b[1]) / SHAPE_SCALE)


def score_pairs(
    prepared: Sequence[Prepared], pairs: Sequence[tuple[int, int]], threshold: float
) -> list[Match]:
    """The pairs scoring at least ``threshold``, each with its score and reasons.

    The purpose similarity is computed for every candidate in one vectorised call; only pairs
    that could still reach the threshold with every bonus get the rest of the work.
    """
    if not pairs:
        return []
    firsts = [prepared[i].purpose_words for i, _ in pairs]
    seconds = [prepared[j].purpose_words for _, j in pairs]
    purpose = _similarity(firsts, seconds)
    ceiling = np.maximum(purpose, W_PURPOSE * purpose + (1.0 - W_PURPOSE))
    alive: list[int] = np.flatnonzero(ceiling + _MAX_BONUS >= threshold).tolist()
    survivors = [pairs[k] for k in alive]
    description = (
        _similarity(
            [prepared[i].description_words for i, _ in survivors],
            [prepared[j].description_words for _, j in survivors],
        )
        if W_PURPOSE < 1.0
        else np.zeros(len(survivors), dtype=np.float32)
    )
    matches = []
    for k, (i, j), text_d in zip(alive, survivors, description, strict=True):
        match = _score(prepared[i], prepared[j], float(purpose[k]), float(text_d))
        if match[0] >= threshold:
            matches.append((i, j, *match))
    return matches


def _score(
    a: Prepared, b: Prepared, purpose: float, description: float
) -> tuple[float, tuple[str, ...]]:
    reasons = [f"purpose {round(100 * purpose)} % alike: '{a.quote}' / '{b.quote}'"]
    text = purpose
    if W_PURPOSE < 1.0 and a.description_words and b.description_words:
        text = W_PURPOSE * purpose + (1.0 - W_PURPOSE) * description
        reasons.append(f"description {round(100 * description)} % alike")
    if a.tasks and b.tasks and a.tasks.isdisjoint(b.tasks):
        text *= TASK_MISMATCH
        reasons.append(
            f"different jobs: {', '.join(sorted(a.tasks))} / {', '.join(sorted(b.tasks))}"
        )
    score = text
    for weight, label, mine, theirs in (
        (W_MODEL, "same model", a.models, b.models),
        (W_VENDOR, "same vendor", a.vendors, b.vendors),
        (W_SOURCE, "same data source:", a.sources, b.sources),
    ):
        shared = [mine[key] for key in mine if key in theirs]
        if shared:
            score += weight
            reasons.extend(f"{label} {value}" for value in shared)
    if a.shape is not None and b.shape is not None:
        alike = shape_similarity(a.shape, b.shape)
        score += W_SHAPE * alike
        if alike >= SIMILAR_SHAPE:
            reasons.append(
                f"similar telemetry shape: {_tokens(a.shape)} vs {_tokens(b.shape)} per call"
            )
    return min(score, 1.0), tuple(reasons)


def _tokens(shape: tuple[float, float]) -> str:
    return f"{math.exp(shape[0]):,.0f} in / {math.exp(shape[1]):,.0f} out tokens"
