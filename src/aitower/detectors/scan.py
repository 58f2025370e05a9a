"""The one entry point: ``scan(text)`` runs every detector and returns what it found.

Detectors report candidates freely (one digit run may be a card, a phone and an Aadhaar);
``scan`` drops those under ``min_confidence`` and then resolves overlaps, keeping the more
specific type (a secret over personal data, an id with a check digit over a phone) and,
among equals, the more confident and longer one. Results are sorted by start.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable

from aitower.detectors import catalog, pii, secret_keys
from aitower.detectors.detection import Category, Detection

Detector = Callable[[str], list[Detection]]

_DETECTORS: tuple[Detector, ...] = (
    pii.detect,
    secret_keys.detect,
    # injection.detect joins here
)

# Phones, IPs and dates are shapes many numbers take; ids, cards and IBANs carry a check.
_WEAK_TYPES = frozenset({"phone", "ip_address", "date_of_birth"})


def specificity(d: Detection) -> int:
    """How much a detection's shape alone tells: 3 secrets, 2 checked ids, 1 loose shapes."""
    if d.category is Category.secret:
        return 3
    return 1 if d.type in _WEAK_TYPES else 2


def scan(
    text: str, *, types: Collection[str] | None = None, min_confidence: float = 0.5
) -> list[Detection]:
    """What ``text`` holds of the ``types`` asked for (all by default), at ``min_confidence``
    or above, without overlaps, sorted by start. ``ValueError`` for an unknown type name."""
    wanted = _checked(types)
    found = [
        d
        for detector in _DETECTORS
        for d in detector(text)
        if d.confidence >= min_confidence and (wanted is None or d.type in wanted)
    ]
    return resolve_overlaps(found)


def scan_many(
    texts: Iterable[str], *, types: Collection[str] | None = None, min_confidence: float = 0.5
) -> list[list[Detection]]:
    """``scan`` over each text, with the type names checked once."""
    wanted = _checked(types)
    return [scan(t, types=wanted, min_confidence=min_confidence) for t in texts]


def resolve_overlaps(found: Iterable[Detection]) -> list[Detection]:
    """Keep, of overlapping detections, the more specific, then more confident, then longer."""
    ranked = sorted(found, key=lambda d: (-specificity(d), -d.confidence, d.start - d.end, d.start))
    kept: list[Detection] = []
    for d in ranked:
        if all(d.end <= k.start or k.end <= d.start for k in kept):
            kept.append(d)
    kept.sort(key=lambda d: (d.start, d.end))
    return kept


def _checked(types: Collection[str] | None) -> frozenset[str] | None:
    if types is None:
        return None
    unknown = [t for t in types if t not in catalog.CATEGORY_OF and not catalog.is_reserved(t)]
    if unknown:
        raise ValueError(f"unknown detection type(s): {', '.join(sorted(unknown))}")
    return frozenset(types)
