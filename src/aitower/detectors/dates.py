"""Birth dates: a real calendar date that words before it call a birth date.

A date alone is not personal data (invoices, releases and meetings have dates), so only a
date within ``context.WINDOW`` characters after "born", "DOB", "date of birth", "geboren",
"né le", "nato il", "nacido el", … is reported. Numeric dates are read day-first or
month-first (either reading being a real date in 1900..today is enough); month names in
English, German, French, Spanish, Italian and Dutch.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from aitower.detectors.context import WINDOW, before, words
from aitower.detectors.detection import Category, Detection

_BIRTH_WORDS = words(
    r"\bborn\b",
    r"\bd\.?o\.?b\b",
    r"date of birth",
    r"birth ?date",
    r"birthday",
    r"geboren",
    r"geburtsdatum",
    r"geburtstag",
    r"\bn[ée]e?\b",
    r"date de naissance",
    r"naissance",
    r"\bnat[oa]\b",
    r"data di nascita",
    r"nacid[oa]",
    r"fecha de nacimiento",
    r"geboortedatum",
)
# Substrings of the words above, tested with ``in`` before any pattern runs.
_STEMS = (
    *("born", "dob", "d.o.b", "birth", "geboren", "geburt", "né", "nat", "naissance"),
    *("nacid", "nacimiento", "geboortedatum"),
)
_MONTH = r"[A-Za-zäéûè]{3,10}\.?"
_DATE = re.compile(
    r"\b(?:(?P<d1>\d{1,2})[./-](?P<m1>\d{1,2})[./-](?P<y1>(?:19|20)\d{2})"
    r"|(?P<y2>(?:19|20)\d{2})-(?P<m2>\d{2})-(?P<d2>\d{2})"
    rf"|(?P<d3>\d{{1,2}})(?:st|nd|rd|th)?\.?\s+(?:de\s+)?(?P<n3>{_MONTH})\s+(?:de\s+)?"
    r"(?P<y3>(?:19|20)\d{2})"
    rf"|(?P<n4>{_MONTH})\s+(?P<d4>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y4>(?:19|20)\d{{2}}))\b"
)
_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "january jan januar janvier enero gennaio januari jän",
        "february feb februar février fevrier febrero febbraio februari",
        "march mar märz maerz mars marzo maart",
        "april apr avril abril aprile",
        "may mai mayo maggio mei",
        "june jun juni juin junio giugno",
        "july jul juli juillet julio luglio",
        "august aug août aout agosto augustus",
        "september sep sept septembre septiembre settembre",
        "october oct oktober octobre octubre ottobre okt",
        "november nov novembre noviembre",
        "december dec dezember décembre decembre diciembre dicembre dez",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number


def find_birth_dates(text: str) -> Iterator[Detection]:
    """Dates that context words before them call a date of birth: dates are looked for only
    after such words, as most texts have none."""
    lower = text.lower()
    if not any(stem in lower for stem in _STEMS):
        return
    seen: set[int] = set()
    for word in _BIRTH_WORDS.finditer(text):
        end = min(len(text), word.end() + WINDOW + 24)
        for m in _DATE.finditer(text, word.end(), end):
            if m.start() in seen or not before(text, m.start(), _BIRTH_WORDS):
                continue
            if not _is_past_date(m):
                continue
            seen.add(m.start())
            reason = "a real date after birth words"
            yield Detection(
                "date_of_birth", Category.personal_data, m.start(), m.end(), 0.9, reason
            )


def _is_past_date(m: re.Match[str]) -> bool:
    g = m.groupdict()
    if g["y1"]:
        y, a, b = int(g["y1"]), int(g["d1"]), int(g["m1"])
        return _real(y, b, a) or _real(y, a, b)
    if g["y2"]:
        return _real(int(g["y2"]), int(g["m2"]), int(g["d2"]))
    name, day, year = (g["n3"], g["d3"], g["y3"]) if g["y3"] else (g["n4"], g["d4"], g["y4"])
    month_number = _MONTHS.get(name.lower().rstrip("."))
    return month_number is not None and _real(int(year), month_number, int(day))


def _real(year: int, month: int, day: int) -> bool:
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return False
    return date <= dt.date.today()
