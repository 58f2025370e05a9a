"""Redaction: what a detected value becomes before anything is stored.

``drop`` leaves the type's label (``[EMAIL]``); ``mask`` hides all but what helps a reader
recognise the value (a card's last four digits, a key's public prefix); ``hash`` leaves a
keyed HMAC-SHA256 digest, so that equal values still group (the same IBAN in two traces)
while nobody without the key can test a guess. Values are normalised before hashing
(spaces and separators out of numbers, case folded) so that "DE89 3704 …" and "de8937…"
hash equal. Pure functions: the key comes from the caller.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping

from aitower.detectors import catalog
from aitower.detectors.detection import Action, Category, Detection

HASH_CHARS = 12  # of the digest shown in the text: 48 bits, enough to group, not to invert

_NUMBER_SEPARATORS = re.compile(r"[\s\-./()]")
_SECRET_PREFIX = re.compile(r"^(?:-----BEGIN [A-Z0-9 ]+-----|[A-Za-z]{2,12}[_-](?:[a-z]+[_-])?)")
_KEEP_LAST = 4
_NUMBER_TYPES = frozenset({"payment_card", "iban", "phone"})


def _is_number(type_: str) -> bool:
    return type_ in _NUMBER_TYPES or type_.startswith("national_id.")


def normalise(value: str, type_: str | None = None) -> str:
    """The form equal values share: secrets as they are (case matters in a key), numbers
    without separators, everything in upper case."""
    if type_ is not None and catalog.CATEGORY_OF.get(type_) is Category.secret:
        return value.strip()
    if type_ is not None and _is_number(type_):
        return _NUMBER_SEPARATORS.sub("", value).upper()
    return "".join(value.split()).upper()


def digest(value: str, key: bytes, type_: str | None = None) -> str:
    """HMAC-SHA256 (RFC 2104) of the normalised value under ``key``: 64 hex characters."""
    if not key:
        raise ValueError("a redaction key must not be empty")
    return hmac.new(key, normalise(value, type_).encode(), hashlib.sha256).hexdigest()


def label(type_: str) -> str:
    """``EMAIL`` for ``email``; the type name itself for a type the catalog does not hold."""
    try:
        return catalog.get(type_).label
    except KeyError:
        return type_.upper()


def mask(value: str, type_: str) -> str:
    """``**** **** **** 1111`` for numbers, ``ghp_****…`` for keys, stars elsewhere
    (separators kept, so the layout of the text survives)."""
    if catalog.CATEGORY_OF.get(type_) is Category.secret:
        prefix = _SECRET_PREFIX.match(value)
        if type_ in ("secret.aws_access_key", "secret.google_api_key"):
            keep = 4
        else:
            keep = prefix.end() if prefix else 0
        return value[:keep] + _stars(value[keep:])
    if _is_number(type_):
        positions = [i for i, ch in enumerate(value) if ch.isalnum()]
        visible = set(positions[-_KEEP_LAST:]) if len(positions) > 2 * _KEEP_LAST else set()
        return "".join(
            ch if i in visible or not ch.isalnum() else "*" for i, ch in enumerate(value)
        )
    return _stars(value)


def _stars(value: str) -> str:
    return "".join("*" if ch.isalnum() or ch in "+/=" else ch for ch in value)


def replacement(value: str, type_: str, action: Action, key: bytes) -> str:
    """What ``value`` (a detection of ``type_``) becomes under ``action``."""
    if action is Action.drop:
        return f"[{label(type_)}]"
    if action is Action.mask:
        return mask(value, type_)
    if action is Action.hash:
        return f"[{label(type_)}:{digest(value, key, type_)[:HASH_CHARS]}]"
    return value


def redact(
    text: str,
    detections: Iterable[Detection],
    actions: Mapping[str, Action],
    key: bytes,
    default: Action = Action.keep,
) -> str:
    """``text`` with each detection replaced as ``actions`` says for its type (``default``
    for the others). Overlapping detections are replaced as one span, under the action of
    the longest among them, so that no character of either survives."""
    acting = [(d, actions.get(d.type, default)) for d in detections]
    groups = _merged([(d, a) for d, a in acting if a is not Action.keep])
    out = text
    for start, end, d, action in reversed(groups):
        out = out[:start] + replacement(text[start:end], d.type, action, key) + out[end:]
    return out


def _merged(acting: list[tuple[Detection, Action]]) -> list[tuple[int, int, Detection, Action]]:
    """Overlapping detections as one span each, sorted by start."""
    groups: list[tuple[int, int, Detection, Action]] = []
    for d, action in sorted(acting, key=lambda da: (da[0].start, -da[0].end)):
        if groups and d.start < groups[-1][1]:
            start, end, lead, lead_action = groups[-1]
            if d.end - d.start > lead.end - lead.start:
                lead, lead_action = d, action
            groups[-1] = (start, max(end, d.end), lead, lead_action)
        else:
            groups.append((d.start, d.end, d, action))
    return groups
