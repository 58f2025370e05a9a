"""National identity and tax numbers, checked with python-stdnum where a check exists.

Purely numeric ids are found by one pattern for digit runs and told apart by their length:
9 digits may be a US SSN or a Dutch BSN, 11 a German Steuer-IdNr, 12 an Aadhaar, 15 a French
NIR. A check digit catches most typos but passes 1 random number in 10 or 11, so weak checks
(BSN's 11-test, a bare 9-digit SSN, the IdNr's mod 11,10) need a word naming the id nearby;
without one they are not reported, or reported under the scan's default threshold.
Alphanumeric ids (UK NINO, codice fiscale, DNI/NIE, PAN) have their own shapes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from stdnum.de import idnr
from stdnum.es import dni, nie
from stdnum.fr import nir
from stdnum.in_ import aadhaar, pan
from stdnum.it import codicefiscale
from stdnum.nl import bsn
from stdnum.us import ssn

from aitower.detectors.context import near, words
from aitower.detectors.detection import Category, Detection

_PD = Category.personal_data
_DIGIT_RUN = re.compile(r"(?<![\w.+/-])\d(?:[ .-]?\d){8,14}(?![\w]|[.-]\d)")
_SSN_SHAPE = re.compile(r"^\d{3}([- ])\d{2}\1\d{4}$")
_AADHAAR_SHAPE = re.compile(r"^\d{4}([- ])\d{4}\1\d{4}$")
_ALNUM = re.compile(
    r"\b(?:(?P<nino>[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D])"
    r"|(?P<cf>[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-EHLMPR-T][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z])"
    r"|(?P<dni>\d{8}-?[A-Z])|(?P<nie>[XYZ]-?\d{7}-?[A-Z])"
    r"|(?P<pan>[A-Z]{3}[ABCFGHLJPT][A-Z]\d{4}[A-Z]))\b"
)
_NINO_NEVER = ("BG", "GB", "NK", "KN", "TN", "NT", "ZZ")

_SSN_WORDS = words(r"\bssn\b", r"social security", r"\bss#", r"\bsocial sec")
_BSN_WORDS = words(r"\bbsn\b", r"burgerservicenummer", r"sofi-?nummer")
_IDNR_WORDS = words(
    r"steuer", r"identifikationsnummer", r"\bidnr\b", r"\bid-?nr", r"tax ?id", r"\btin\b"
)
_AADHAAR_WORDS = words(r"aadhaa?r", r"\buid\b", r"\buidai\b")
_NIR_WORDS = words(r"s[ée]curit[ée] sociale", r"\bnir\b", r"insee", r"\bs[ée]cu\b", r"social")
_NINO_WORDS = words(r"national insurance", r"\bnino\b", r"\bni ?(?:no|number)\b")
_DNI_WORDS = words(r"\bdni\b", r"\bnie\b", r"\bnif\b", r"documento", r"identidad")
_PAN_WORDS = words(r"\bpan\b", r"permanent account", r"income tax")


def find(text: str, lo: int = 0, hi: int | None = None) -> Iterator[Detection]:
    """National ids in ``text[lo:hi]``: numeric ones by length and check, then the lettered."""
    hi = len(text) if hi is None else hi
    for m in _DIGIT_RUN.finditer(text, lo, hi):
        yield from _numeric(text, m)
    for m in _ALNUM.finditer(text, lo, hi):
        found = _lettered(text, m)
        if found is not None:
            yield found


def _numeric(text: str, m: re.Match[str]) -> Iterator[Detection]:
    raw = m.group()
    digits = "".join(ch for ch in raw if ch.isdigit())
    start, end = m.start(), m.end()

    def hit(kind: str, confidence: float, reason: str) -> Detection:
        return Detection(f"national_id.{kind}", _PD, start, end, confidence, reason)

    n = len(digits)
    if n == 9:
        if ssn.is_valid(digits):
            if near(text, start, end, _SSN_WORDS):
                yield hit("us_ssn", 0.95, "SSN in its valid ranges, next to SSN words")
            elif _SSN_SHAPE.match(raw):
                yield hit("us_ssn", 0.7, "SSN shape 3-2-4 in its valid ranges")
        if bsn.is_valid(digits) and near(text, start, end, _BSN_WORDS):
            yield hit("nl_bsn", 0.9, "9 digits passing the 11-test, next to BSN words")
    elif n == 11 and idnr.is_valid(digits):
        if near(text, start, end, _IDNR_WORDS):
            yield hit("de_tax_id", 0.95, "Steuer-IdNr with a valid check digit, next to tax words")
        else:
            yield hit("de_tax_id", 0.4, "11 digits with a valid Steuer-IdNr check digit")
    elif n == 12 and digits[0] not in "01" and aadhaar.is_valid(digits):
        if near(text, start, end, _AADHAAR_WORDS):
            yield hit("in_aadhaar", 0.95, "Aadhaar passing Verhoeff, next to Aadhaar words")
        elif _AADHAAR_SHAPE.match(raw):
            yield hit("in_aadhaar", 0.7, "Aadhaar shape 4-4-4 passing Verhoeff")
        else:
            yield hit("in_aadhaar", 0.4, "12 digits passing Verhoeff")
    elif n == 15 and digits[0] in "12" and nir.is_valid(digits):
        context = near(text, start, end, _NIR_WORDS)
        yield hit("fr_nir", 0.97 if context else 0.8, "NIR with a valid mod-97 key")


def _lettered(text: str, m: re.Match[str]) -> Detection | None:
    kind = m.lastgroup
    raw = m.group()
    compact = raw.replace(" ", "").replace("-", "")
    start, end = m.start(), m.end()
    if kind == "nino":
        if compact[:2] in _NINO_NEVER:
            return None
        context = near(text, start, end, _NINO_WORDS)
        reason = "NINO shape with allowed prefix letters"
        return Detection("national_id.uk_nino", _PD, start, end, 0.97 if context else 0.8, reason)
    if kind == "cf":
        if not codicefiscale.is_valid(compact):
            return None
        reason = "codice fiscale with a valid check letter"
        return Detection("national_id.it_codice_fiscale", _PD, start, end, 0.95, reason)
    if kind in ("dni", "nie"):
        if not (dni.is_valid(compact) if kind == "dni" else nie.is_valid(compact)):
            return None
        context = near(text, start, end, _DNI_WORDS)
        reason = f"{kind.upper()} with a valid check letter"
        return Detection("national_id.es_dni", _PD, start, end, 0.97 if context else 0.8, reason)
    if not pan.is_valid(compact):
        return None
    context = near(text, start, end, _PAN_WORDS)
    reason = "PAN shape (holder type letter)" + (", next to PAN words" if context else "")
    return Detection("national_id.in_pan", _PD, start, end, 0.9 if context else 0.6, reason)
