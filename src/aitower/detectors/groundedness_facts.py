"""The checkable facts of a text: numbers (with units, percentages, money), dates and names.

``groundedness`` extracts them from an answer and from its context documents and compares
them. Everything here is normalisation, so that "1,000" equals "1000", "5 %" equals "5%",
"$1.2bn" equals "1,200,000,000 USD" and "2024-03-15" equals "15 March 2024".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_DATES = (
    re.compile(r"\b(?P<year>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b"),
    re.compile(r"\b(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<year>\d{4})\b"),
    re.compile(rf"\b{_MONTH}\s{_DAY},?\s{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{_DAY}(?:\sof)?\s{_MONTH},?\s{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{_MONTH},?\s{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"(?<![\d,.$€£¥])\b{_YEAR}\b(?![,.]?\d|\s?%)"),
)

_CURRENCIES = {"$": "usd", "us$": "usd", "€": "eur", "£": "gbp", "¥": "jpy"}
_CURRENCY_WORDS = {
    "usd": "usd",
    "dollar": "usd",
    "dollars": "usd",
    "eur": "eur",
    "euro": "eur",
    "euros": "eur",
    "gbp": "gbp",
    "pound": "gbp",
    "pounds": "gbp",
    "chf": "chf",
    "jpy": "jpy",
    "yen": "jpy",
}
_MULTIPLIERS = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "mn": 1e6,
    "million": 1e6,
    "millions": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "billion": 1e9,
    "billions": 1e9,
    "trillion": 1e12,
}
_NUMBER = re.compile(
    r"(?P<hedge>\b(?:about|around|approximately|approx\.?|roughly|nearly|almost|some|circa|"
    r"over|more than|less than|under|up to|at least|close to)\s|~\s?)?"
    r"(?P<cur>us\$|[$€£¥])?\s?"
    r"(?<![\w.,])(?P<num>\d{1,3}(?:[,'\u202f\u00a0]\d{3})+(?:\.\d+)?|\d{1,3}(?:\.\d{3}){2,}"
    r"(?:,\d+)?|\d+(?:[.,]\d+)?)(?![\w.,]\d)"
    r"(?:\s?(?P<mult>k|mn|m|bn|b|thousand|millions?|billions?|trillion)\b)?"
    r"(?P<pct>\s?(?:%|percent\b|per cent\b|pct\b))?"
    r"(?:\s?(?P<curword>usd|eur|gbp|chf|jpy|dollars?|euros?|pounds?|yen)\b)?"
    r"(?:\s(?P<unit>[a-z][a-z-]{0,20}))?",
    re.IGNORECASE,
)
_WORD_NUMBERS = {
    word: float(value)
    for value, word in enumerate(
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"]
    )
} | {"thirty": 30.0, "forty": 40.0, "fifty": 50.0, "hundred": 100.0, "dozen": 12.0}


@dataclass(frozen=True, slots=True)
class Number:
    text: str
    start: int
    end: int
    values: frozenset[float]  # more than one when the notation is ambiguous ("1.000")
    quantum: float  # what rounding the writer allowed: 1e5 for "about 1.2 million"
    kind: str  # "percent", "money" or "plain"
    currency: str | None
    unit: str | None  # the word after the number ("employees"), singular

    def matches(self, other: Number) -> bool:
        """True when ``other`` states this number (to this number's precision)."""
        if (self.kind == "percent") != (other.kind == "percent"):
            return False
        if self.currency and other.currency and self.currency != other.currency:
            return False
        return any(
            abs(round(theirs / self.quantum) * self.quantum - mine) < 1e-9 * max(1.0, abs(mine))
            for mine in self.values
            for theirs in other.values
        )

    def comparable(self, other: Number) -> bool:
        """Same kind of quantity: both percentages, or money, or the same unit."""
        if (self.kind == "percent") != (other.kind == "percent"):
            return False
        if self.kind == "money" or other.kind == "money":
            return self.kind == other.kind and (
                not (self.currency and other.currency) or self.currency == other.currency
            )
        return self.unit is None or other.unit is None or self.unit == other.unit


@dataclass(frozen=True, slots=True)
class Date:
    text: str
    start: int
    end: int
    candidates: frozenset[tuple[int, int | None, int | None]]  # (year, month, day)

    def matches(self, other: Date) -> bool:
        """True when ``other`` states at least what this date states."""
        return any(
            y == oy and (m is None or m == om) and (d is None or d == od)
            for y, m, d in self.candidates
            for oy, om, od in other.candidates
        )


def dates(text: str) -> list[Date]:
    """Dates in ISO, d/m/y (or m/d/y), "15 March 2024", "March 15, 2024", "March 2024", "2024"."""
    found: list[Date] = []
    taken: list[tuple[int, int]] = []
    for pattern in _DATES:
        for match in pattern.finditer(text):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            candidates = _date_candidates(match.groupdict())
            if candidates:
                taken.append(match.span())
                found.append(Date(match.group(), *match.span(), frozenset(candidates)))
    return sorted(found, key=lambda d: d.start)


def _date_candidates(
    parts: dict[str, str | None],
) -> set[tuple[int, int | None, int | None]]:
    year = int(parts["year"] or 0)
    if parts.get("m"):
        pairs = [(int(parts["m"] or 0), int(parts["d"] or 0))]
    elif parts.get("a"):
        a, b = int(parts["a"] or 0), int(parts["b"] or 0)
        pairs = [(b, a), (a, b)]  # day/month first (most of the world), then the US order
    elif parts.get("month"):
        month = MONTHS[(parts["month"] or "").lower()]
        return {(year, month, int(parts["day"]) if parts.get("day") else None)}
    else:
        return {(year, None, None)}
    return {(year, m, d) for m, d in pairs if 1 <= m <= 12 and 1 <= d <= 31}


def numbers(text: str, skip: list[tuple[int, int]] | None = None) -> list[Number]:
    """Numbers written in digits, outside the ``skip`` spans (the dates)."""
    found = []
    for match in _NUMBER.finditer(text):
        start, end = match.span("num")
        if skip and any(s < end and start < e for s, e in skip):
            continue
        found.append(_number(match))
    return found


def _number(match: re.Match[str]) -> Number:
    groups = match.groupdict()
    written = groups["num"]
    values, decimals = _parse_digits(written)
    multiplier = _MULTIPLIERS.get((groups["mult"] or "").lower(), 1.0)
    if groups["mult"] in ("m", "M", "b", "B") and not groups["cur"]:
        multiplier = 1.0  # "5 m" is five metres unless money is meant
    currency = _CURRENCIES.get((groups["cur"] or "").lower()) or _CURRENCY_WORDS.get(
        (groups["curword"] or "").lower()
    )
    kind = "percent" if groups["pct"] else "money" if currency else "plain"
    if decimals:
        quantum = 10.0**-decimals
    elif groups["hedge"] or multiplier > 1:
        digits = written.replace(",", "").replace("'", "").split(".")[0]
        quantum = 10.0 ** (len(digits) - len(digits.rstrip("0"))) if digits.strip("0") else 1.0
    else:
        quantum = 1.0
    if not (groups["hedge"] or multiplier > 1):
        quantum = min(quantum, 1.0)
    start = match.start("cur") if groups["cur"] else match.start("num")
    end = max(match.end(g) for g in ("num", "mult", "pct", "curword") if groups[g])
    unit = (groups["unit"] or "").lower().removesuffix("s") or None
    if unit in _NOT_UNITS:
        unit = None
    return Number(
        match.string[start:end],
        start,
        end,
        frozenset(v * multiplier for v in values),
        quantum * multiplier,
        kind,
        currency,
        unit,
    )


def _parse_digits(written: str) -> tuple[set[float], int]:
    """The value(s) of a digit string and its number of decimals ("1.000" may be 1 or 1000)."""
    cleaned = re.sub(r"['\u202f\u00a0]", "", written)
    if re.fullmatch(r"\d{1,3}(?:\.\d{3}){2,}(?:,\d+)?", cleaned):  # 1.000.000,5
        whole, _, frac = cleaned.replace(".", "").partition(",")
        return {float(f"{whole}.{frac or 0}")}, len(frac)
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", cleaned):  # 1,000,000.5
        frac = cleaned.partition(".")[2]
        return {float(cleaned.replace(",", ""))}, len(frac)
    if "," in cleaned:  # 3,5 (a decimal comma)
        return {float(cleaned.replace(",", "."))}, len(cleaned.partition(",")[2])
    if re.fullmatch(r"\d{1,3}\.\d{3}", cleaned):  # 1.000: one, or a thousand
        return {float(cleaned), float(cleaned.replace(".", ""))}, 0
    return {float(cleaned)}, len(cleaned.partition(".")[2])


def word_numbers(text: str) -> Iterator[Number]:
    """Numbers written as words ("twelve offices"), read in the context only."""
    for match in re.finditer(r"\b(" + "|".join(_WORD_NUMBERS) + r")\b", text, re.IGNORECASE):
        value = _WORD_NUMBERS[match.group(1).lower()]
        yield Number(match.group(), *match.span(), frozenset({value}), 1.0, "plain", None, None)


_NOT_UNITS = frozenset(
    ["a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it", "of", "on", "or", "per", "than", "that", "the", "their", "this", "to", "was", "were", "which", "while", "will", "with"]
)
_NAME_TOKEN = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ][\w'’&.-]*[\w]|[A-Z]")
_CONNECTORS = frozenset({"of", "de", "van", "von", "der", "den", "la", "le", "du", "&"})
_NOT_NAMES = frozenset(
    ["i", "i'm", "i've", "i'd", "i'll", "a", "an", "the", "this", "that", "these", "those", "it", "its", "in", "on", "at", "to", "for", "of", "and", "or", "but", "if", "as", "by", "with", "from", "according", "however", "also", "our", "we", "you", "they", "he", "she", "there", "here", "when", "while", "after", "before", "during", "yes", "no", "not", "ok", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "am", "pm", "usd", "eur", "gbp", "chf", "jpy", "kg", "km", "gb", "mb", "tb", "kb", "ms"]
) | frozenset(MONTHS)


@dataclass(frozen=True, slots=True)
class Name:
    text: str
    start: int
    end: int
    key: str  # case-folded, single-spaced, without a possessive 's


def names(text: str, sentence_starts: set[int]) -> list[Name]:
    """Proper names: runs of capitalised words not opening a sentence, and acronyms.

    A run that opens a sentence counts when it has two or more words ("Acme Corp reported …"),
    its first word dropped when that is an ordinary word ("The Board" → "Board").
    """
    found: list[Name] = []
    run: list[re.Match[str]] = []
    for match in [*_NAME_TOKEN.finditer(text), None]:
        if match is not None and _continues(run, match, text):
            run.append(match)
            continue
        if run:
            found += _name_of(run, text, sentence_starts)
        run = [match] if match is not None and _capitalised(match.group()) else []
    return found


def _capitalised(token: str) -> bool:
    return token[0].isupper() and token.lower().strip(".") not in _NOT_NAMES


def _continues(run: list[re.Match[str]], match: re.Match[str], text: str) -> bool:
    if not run or text[run[-1].end() : match.start()] != " ":
        return False
    token = match.group()
    return _capitalised(token) or (token in _CONNECTORS and not _is_acronym(run[-1].group()))


def _is_acronym(token: str) -> bool:
    letters = token.replace(".", "").replace("-", "")
    return len(letters) >= 2 and letters.isupper() and letters.isalnum()


def _name_of(run: list[re.Match[str]], text: str, sentence_starts: set[int]) -> list[Name]:
    while run and run[-1].group() in _CONNECTORS:
        run = run[:-1]
    if not run:
        return []
    if run[0].start() in sentence_starts and len(run) == 1 and not _is_acronym(run[0].group()):
        return []
    if _follows_a_number(text, run[0].start()):
        return []  # "5 GB", "20 EUR": a unit, not a name
    start, end = run[0].start(), run[-1].end()
    written = text[start:end].rstrip(".")
    key = " ".join(written.casefold().split()).removesuffix("'s").removesuffix("’s")
    return [Name(written, start, start + len(written), key)]


def _follows_a_number(text: str, start: int) -> bool:
    return bool(re.search(r"\d\s?$", text[max(0, start - 3) : start]))
