"""Phone numbers: digit runs that ``phonenumbers`` finds valid in a numbering plan.

``phonenumbers.PhoneNumberMatcher`` walks the whole text in Python and costs milliseconds on
a page; a compiled pattern finds the few candidates and ``phonenumbers.parse`` judges each,
with the region the number names ("+49 …", "0049 …") or, for a national number, the first
of ``DEFAULT_REGIONS`` in which it is valid. A national number without separators or phone
words ("123456789") stays below the scan's threshold: it is as likely an order number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers

from aitower.detectors.context import before, words
from aitower.detectors.detection import Category, Detection

DEFAULT_REGIONS = ("US", "GB", "DE", "FR", "IT", "ES", "NL", "IN")

_CANDIDATE = re.compile(
    r"(?<![\w+.\-/])(?:\+|00)?(?:\(\d{1,5}\)[ ]?)?\d[\d \-.()]{5,17}\d(?![\w]|[.\-/]\d)"
)
_DATE_LIKE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$")
_PHONE_WORDS = words(
    r"phone",
    r"\btel\b",
    r"\btel\.",
    r"call",
    r"mobile",
    r"\bcell",
    r"whatsapp",
    r"\bfax",
    r"telefon",
    r"handy",
    r"t[ée]l[ée]phone",
    r"portable",
    r"tel[ée]fono",
    r"m[óo]vil",
    r"cellulare",
    r"telefoon",
    r"mobiel",
    r"contact",
    r"reach",
)


def find(text: str) -> Iterator[Detection]:
    """Valid phone numbers in ``text``, with a confidence that says how sure the shape is."""
    for m in _CANDIDATE.finditer(text):
        raw = m.group().rstrip(" -.(")
        digits = sum(ch.isdigit() for ch in raw)
        if not 7 <= digits <= 15 or _DATE_LIKE.match(raw) or raw.count(".") == 3:
            continue
        found = _judge(text, m.start(), raw)
        if found is not None:
            yield found


def _judge(text: str, start: int, raw: str) -> Detection | None:
    international = raw.startswith(("+", "00"))
    region = _valid_region("+" + raw[2:] if raw.startswith("00") else raw, international)
    if region is None:
        return None
    context = before(text, start, _PHONE_WORDS)
    end = start + len(raw)
    if international:
        confidence, shape = (0.95 if context else 0.85), "international number"
    elif context:
        confidence, shape = 0.85, "national number next to phone words"
    elif any(ch in raw for ch in " -()") and (raw[0] in "0(" or raw.count("-") >= 2):
        confidence, shape = 0.6, "formatted national number"
    else:
        confidence, shape = 0.3, "bare digits, no phone words"
    reason = f"{shape}, valid in the {region} numbering plan"
    return Detection("phone", Category.personal_data, start, end, confidence, reason)


def _valid_region(raw: str, international: bool) -> str | None:
    regions: tuple[str | None, ...] = (None,) if international else DEFAULT_REGIONS
    for region in regions:
        try:
            number = phonenumbers.parse(raw, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.region_code_for_number(number) or region or "?"
    return None
