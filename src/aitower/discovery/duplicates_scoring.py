"""How alike two initiatives are, and why (pure; the constants are tuned, see below).

The score of a pair is::

    text  = W_PURPOSE · purpose + (1 − W_PURPOSE) · description
            (when both have a description; else text = purpose)
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

How the constants were chosen: a grid search (``bench/discovery_duplicates.py --tune``) on the
*tuning* portfolio of ``bench/discovery_duplicates_data.py`` (seed 7, 600 systems, its own 275
labelled pairs) over THRESHOLD, MIN_LINK_DENSITY, W_PURPOSE, TASK_MISMATCH, W_SOURCE and
W_SHAPE, scored by F1 of the clusters on those pairs, with ties and near-ties (within 0.01)
settled by the precision over every cross-unit pair of a 10,000-system portfolio (where chains
show). The figures in docs/discovery-duplicates.md are measured on another seed's labelled set
(seed 18), which played no part in the choice. Found that way: the description does not help
(W_PURPOSE = 1: descriptions speak of the team and the roll-out, not the job), naming different
jobs must cost (TASK_MISMATCH = 0.6 puts such a pair under the threshold whatever it shares),
and a shared data source and a similar shape help a little. W_MODEL and W_VENDOR were not
tuned: half of a portfolio runs ``gpt-4o``, so a shared model is a hint, never a verdict.

Re-run on 2026-12-08 with the phrasing words of ``duplicates_phrasing`` (PHRASING_SHARE,
PHRASING_MIN_USES added to the grid): F1 on the tuning pairs rose from 0.83 to 0.94 with
THRESHOLD and MIN_LINK_DENSITY where they were (0.62, 0.5), PHRASING_SHARE = 0.7. Fewer
uses (4) scored 0.95 but learnt a hand-made portfolio's object (three contract summarisers)
as phrasing, so PHRASING_MIN_USES = 10. Also tried then and dropped, as they did not raise
F1 on the tuning pairs: correcting typos from the portfolio's own vocabulary (one edit from a
word three times as frequent), and an IDF-weighted cosine of the concept words in the score.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz
from rapidfuzz.process import cpdist
from scipy import sparse

from aitower.discovery.duplicates_inputs import Initiative
from aitower.discovery.duplicates_text import TASK_CONCEPTS, concept_words, task_concepts

THRESHOLD = 0.62
W_PURPOSE = 1.0
TASK_MISMATCH = 0.6
W_MODEL = 0.04
W_VENDOR = 0.02
W_SOURCE = 0.06
W_SHAPE = 0.12
SHAPE_SCALE = math.log(4.0)
# Share of the possible pairs between two clusters that must be linked for them to merge.
MIN_LINK_DENSITY = 0.5
# A shape at least this alike is "similar" in the reasons.
SIMILAR_SHAPE = 0.5
_TASK_BITS = {task: bit for bit, task in enumerate(sorted(TASK_CONCEPTS))}


@dataclass(frozen=True, slots=True)
class Prepared:
    """What comparison needs of one initiative, computed once."""

    purpose_words: str
    description_words: str
    tasks: frozenset[str]
    task_mask: int
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
        task_mask=sum(1 << _TASK_BITS[task] for task in task_concepts(purpose)),
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


def _similarity(
    texts: Sequence[str], first: NDArray[np.int64], second: NDArray[np.int64]
) -> NDArray[np.float32]:
    """Mean of token-set and token-sort ratios of ``texts`` of each pair, in [0, 1].

    Both ratios are symmetric, so each distinct pair of texts is scored once (rapidfuzz's
    ``cpdist``, on all cores): worded from the same templates, a fifth of the pairs of the
    10,000-system portfolio repeat another's texts.
    """
    ids: dict[str, int] = {}
    code = np.array([ids.setdefault(text, len(ids)) for text in texts], dtype=np.int64)
    low = np.minimum(code[first], code[second])
    high = np.maximum(code[first], code[second])
    pairs, where = np.unique(low * len(ids) + high, return_inverse=True)
    distinct = list(ids)
    left = [distinct[k] for k in (pairs // len(ids)).tolist()]
    right = [distinct[k] for k in (pairs % len(ids)).tolist()]
    by_set = cpdist(left, right, scorer=fuzz.token_set_ratio, dtype=np.float32, workers=-1)
    by_sort = cpdist(left, right, scorer=fuzz.token_sort_ratio, dtype=np.float32, workers=-1)
    result: NDArray[np.float32] = ((by_set + by_sort) / np.float32(200.0))[where]
    return result


def shape_similarity(a: tuple[float, float], b: tuple[float, float]) -> float:
    """``1 − d / SHAPE_SCALE`` floored at 0, ``d`` the distance of two (ln in, ln out) shapes."""
    return max(0.0, 1.0 - math.hypot(a[0] - b[0], a[1] - b[1]) / SHAPE_SCALE)


def score_pairs(
    prepared: Sequence[Prepared],
    first: NDArray[np.int64],
    second: NDArray[np.int64],
    threshold: float,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """The pairs scoring at least ``threshold`` and their scores (capped at 1), as arrays.

    The score is computed for every candidate at once (numpy; rapidfuzz's ``cpdist`` for the
    text); ``pair_reasons`` writes the reasons of the few pairs that are shown.
    """
    if not len(first):
        return first, second, np.zeros(0)
    text = _similarity([p.purpose_words for p in prepared], first, second).astype(np.float64)
    if W_PURPOSE < 1.0:
        description = _similarity([p.description_words for p in prepared], first, second)
        described = np.array([bool(p.description_words) for p in prepared])
        both = described[first] & described[second]
        text = np.where(both, W_PURPOSE * text + (1.0 - W_PURPOSE) * description, text)
    masks = np.array([p.task_mask for p in prepared], dtype=np.int64)
    mine, theirs = masks[first], masks[second]
    text *= np.where((mine != 0) & (theirs != 0) & ((mine & theirs) == 0), TASK_MISMATCH, 1.0)
    score = text + W_SHAPE * _shape_similarities(prepared, first, second)
    for weight, field in ((W_MODEL, "models"), (W_VENDOR, "vendors"), (W_SOURCE, "sources")):
        score += weight * _shares(prepared, field, first, second)
    keep = score >= threshold
    return first[keep], second[keep], np.minimum(score[keep], 1.0)


def _shape_similarities(
    prepared: Sequence[Prepared], first: NDArray[np.int64], second: NDArray[np.int64]
) -> NDArray[np.float64]:
    """``shape_similarity`` of every pair, 0 where a shape is unknown."""
    shapes = np.array([p.shape if p.shape is not None else (np.nan, np.nan) for p in prepared])
    distance = np.hypot(*(shapes[first] - shapes[second]).T)
    alike: NDArray[np.float64] = np.nan_to_num(np.clip(1.0 - distance / SHAPE_SCALE, 0.0, None))
    return alike


def _shares(
    prepared: Sequence[Prepared], field: str, first: NDArray[np.int64], second: NDArray[np.int64]
) -> NDArray[np.float64]:
    """1 where the two share a value of ``field`` (models, vendors, sources), else 0."""
    ids: dict[str, int] = {}
    rows, cols = [], []
    for row, item in enumerate(prepared):
        for key in getattr(item, field):
            rows.append(row)
            cols.append(ids.setdefault(key, len(ids)))
    if not ids:
        return np.zeros(len(first))
    incidence = sparse.csr_matrix(
        (np.ones(len(rows)), (rows, cols)), shape=(len(prepared), len(ids))
    )
    shared = np.asarray(incidence[first].multiply(incidence[second]).sum(axis=1)).ravel()
    result: NDArray[np.float64] = (shared > 0).astype(np.float64)
    return result


def pair_reasons(a: Prepared, b: Prepared) -> tuple[str, ...]:
    """Why two initiatives scored as they did, in words a reader can check."""
    purpose = (
        fuzz.token_set_ratio(a.purpose_words, b.purpose_words)
        + fuzz.token_sort_ratio(a.purpose_words, b.purpose_words)
    ) / 200.0
    reasons = [f"purpose {round(100 * purpose)} % alike: '{a.quote}' / '{b.quote}'"]
    if W_PURPOSE < 1.0 and a.description_words and b.description_words:
        description = (
            fuzz.token_set_ratio(a.description_words, b.description_words)
            + fuzz.token_sort_ratio(a.description_words, b.description_words)
        ) / 200
        reasons.append(f"description {round(100 * description)} % alike")
    for label, mine, theirs in (
        ("same model", a.models, b.models),
        ("same vendor", a.vendors, b.vendors),
        ("same data source:", a.sources, b.sources),
    ):
        reasons.extend(f"{label} {mine[key]}" for key in mine if key in theirs)
    if (
        a.shape is not None
        and b.shape is not None
        and shape_similarity(a.shape, b.shape) >= SIMILAR_SHAPE
    ):
        reasons.append(
            f"similar telemetry shape: {_tokens(a.shape)} vs {_tokens(b.shape)} per call"
        )
    return tuple(reasons)


def _tokens(shape: tuple[float, float]) -> str:
    return f"{math.exp(shape[0]):,.0f} in / {math.exp(shape[1]):,.0f} out tokens"
