"""The groundedness marks of an answer against its context documents, when the detector is
there.

INTEGRATION: ``aitower.detectors.groundedness.check(answer, contexts) -> Groundedness(score,
sentences)`` is built on another branch (``injection``). Until it is merged this module finds
no detector and the item page says "not available"; once it is, the marks appear with no
change here. Its sentences are read by duck typing (``text``, and ``grounded`` or
``supported``, and ``reason``), so the few names to align are all in ``_mark``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class SentenceMark:
    text: str
    grounded: bool | None  # None: the detector did not say
    reason: str


@dataclass(frozen=True, slots=True)
class GroundednessMarks:
    score: float | None
    sentences: list[SentenceMark]


def _checker() -> Callable[[str, Sequence[str]], Any] | None:
    try:
        module = importlib.import_module("aitower.detectors.groundedness")
    except ImportError:
        return None
    check = getattr(module, "check", None)
    return check if callable(check) else None


def _mark(sentence: Any) -> SentenceMark:
    grounded = getattr(sentence, "grounded", getattr(sentence, "supported", None))
    return SentenceMark(
        str(getattr(sentence, "text", sentence)),
        None if grounded is None else bool(grounded),
        str(getattr(sentence, "reason", "") or ""),
    )


def marks(answer: str, contexts: Sequence[str]) -> GroundednessMarks | None:
    """The answer's marks, or None when there is no answer, no context or no detector."""
    check = _checker()
    if check is None or not answer.strip() or not contexts:
        return None
    result = check(answer, list(contexts))
    score = getattr(result, "score", None)
    return GroundednessMarks(
        None if score is None else float(score),
        [_mark(s) for s in getattr(result, "sentences", ())],
    )
