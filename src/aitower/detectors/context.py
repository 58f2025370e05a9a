"""Context words near a candidate: what turns "a number" into "an IBAN" or "a birth date".

A detector looks at the ``WINDOW`` characters before a candidate (and a few after, where a
label may follow); a word there raises its confidence, and for weak checks (a 9-digit number,
a date) it is the only reason to report at all.
"""

from __future__ import annotations

import re

WINDOW = 40
AFTER = 16


def words(*alternatives: str) -> re.Pattern[str]:
    """One case-insensitive pattern matching any of ``alternatives`` (regex fragments)."""
    return re.compile("|".join(alternatives), re.IGNORECASE)


_LAST_DIGIT = re.compile(r"\d(?=\D*\Z)")


def before(text: str, start: int, pattern: re.Pattern[str], window: int = WINDOW) -> bool:
    """Whether ``pattern`` occurs in the ``window`` characters before ``start``, after the
    last digit there: in "SSN 536-90-4399, invoice 123456789" the word belongs to the first
    number, not the second."""
    lo = max(0, start - window)
    last = _LAST_DIGIT.search(text, lo, start)
    if last is not None:
        lo = last.end()
    return pattern.search(text, lo, start) is not None


def near(text: str, start: int, end: int, pattern: re.Pattern[str]) -> bool:
    """Whether ``pattern`` occurs just before ``start`` or just after ``end``."""
    return before(text, start, pattern) or (
        pattern.search(text, end, min(len(text), end + AFTER)) is not None
    )
