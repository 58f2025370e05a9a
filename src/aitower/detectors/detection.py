"""What a detector reports, and what a system may do about it (the shapes every caller sees)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Category(StrEnum):
    personal_data = "personal_data"
    secret = "secret"  # noqa: S105 - a category name
    injection = "injection"


class Action(StrEnum):
    """What redaction does with a detected value before anything is stored."""

    keep = "keep"  # stored as sent (the finding is still recorded)
    drop = "drop"  # removed: "[EMAIL]"
    mask = "mask"  # all but a few characters hidden: "****************4242"
    hash = "hash"  # a keyed hash, so that equal values still group: "[IBAN:3f9a1c…]"


@dataclass(frozen=True, slots=True)
class Detection:
    """One finding in a text: ``text[start:end]`` is the detected value."""

    type: str  # a name from ``catalog.TYPES``: "email", "iban", "secret.aws_access_key", …
    category: Category
    start: int
    end: int
    confidence: float  # 0..1; context words ("IBAN", "born") raise it
    reason: str  # why, in words a reviewer reads: "IBAN with a valid mod-97 check (DE)"
