"""Phone numbers: digit runs that ``phonenumbers`` finds valid in a numbering plan.

``phonenumbers.PhoneNumberMatcher`` walks the whole text in Python and costs milliseconds on
a page; a compiled pattern finds the few candidates and ``phonenumbers.parse`` judges each,
with the region the number names ("+49 …", "0049 …") or, for a national number, the first
of ``DEFAULT_REGIONS`` in which it is valid. A national number without separators or phone
words ("123456789") stays below the scan's threshold: it is as likely an order number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import phonenumbers

from aitower.detectors.context import before, words
from aitower.detectors.detection import Category, Detection

DEFAULT_REGIONS = ("US", "GB", "DE", "FR", "IT", "ES", "NL", "IN")  # see ``_regions``

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


def find(
    text: str, taken: Sequence[tuple[int, int]] = (), lo: int = 0, hi: int | None = None
) -> Iterator[Detection]:
    """Valid phone numbers in ``text``, with a confidence that says how sure the shape is.

    Candidates overlapping a ``taken`` span (a card, an IBAN, an id with a check digit, which
    the scan would prefer anyway) are not parsed: parsing is what costs here. Neither is a bare
    run of digits without "+", separators or phone words (an order number as often as not)."""
    for m in _CANDIDATE.finditer(text, lo, len(text) if hi is None else hi):
        raw = m.group().rstrip(" -.(")
        start, end = m.start(), m.start() + len(raw)
        digits = sum(ch.isdigit() for ch in raw)
        if not 7 <= digits <= 15 or _DATE_LIKE.match(raw) or raw.count(".") == 3:
            continue
        if any(s < end and start < e for s, e in taken):
            continue
        if digits == len(raw) and not before(text, start, _PHONE_WORDS):
            continue
        found = _judge(text, start, raw)
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
    elif raw[0] in "0(" or raw.count("-") >= 2:
        confidence, shape = 0.6, "formatted national number"
    else:
        confidence, shape = 0.3, "national number, no phone words"
    reason = f"{shape}, valid in the {region} numbering plan"
    return Detection("phone", Category.personal_data, start, end, confidence, reason)


def _regions(raw: str, international: bool) -> tuple[str | None, ...]:
    """The regions worth trying: only those whose national numbers can start as ``raw`` does
    (a trunk prefix 0 rules out the US and Spain; no 0 rules out the others but Italy's
    mobiles and India's), so that an invalid candidate costs two parses, not eight."""
    if international:
        return (None,)
    if raw.startswith("0"):
        return ("GB", "DE", "FR", "IT", "NL", "IN")
    return ("US", "ES", "IT", "IN")


def _valid_region(raw: str, international: bool) -> str | None:
    for region in _regions(raw, international):
        try:
            number = phonenumbers.parse(raw, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.region_code_for_number(number) or region or "?"
    return None
