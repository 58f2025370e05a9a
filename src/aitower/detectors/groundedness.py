"""A groundedness signal for answers given with context documents (RAG), offline and cheap.

Each sentence of the answer is checked on what can be checked without a model: the numbers in
it (with units, percentages and money), its dates and its proper names (capitalised words not
opening a sentence, acronyms). A claim is

* **supported** when a context document states it: the same number after normalisation
  ("1,000" = "1000", "5 %" = "5%", "$1.2bn" = "1,200,000,000 USD"), rounded to the precision
  the answer wrote ("40%" and "3.5%" state 39.6% and 3.47%; "about 1,000" and "1.2 million"
  state 1,040 and 1,203,000, but a bare "1000" does not state 1,040), the same date in any of the usual formats
  ("2024-03-15" = "15 March 2024" = "March 15, 2024"; "March 2024" is stated by any date in
  that month), the same name (any case; a two-word name also when both words appear);
* **contradicted** when it is a number or a date that a context does not state, and a context
  places a *different* number of the same kind (both percentages, both money, the same unit)
  next to the same two or three words ("revenue grew 12%" against "revenue grew 9%");
* **unsupported** otherwise.

A sentence takes its worst claim's status (contradicted, then unsupported, then supported), or
``no_claims`` when it has nothing checkable. The score is supported claims / checkable claims,
1.0 when nothing is checkable (the sentences then say ``no_claims``: "nothing to check" is not
"grounded").

What it cannot see: a paraphrase ("doubled" for "grew 100%"), a claim without a number, date
or name ("the policy covers flood damage" when the context excludes it), reasoning errors
built from correct figures (a wrong sum of two supported numbers), a number attributed to the
wrong subject when both appear in the context, negation ("did not exceed 5%"), and numbers
spelled out in words in the answer. It is a cheap first signal that points a reviewer at
sentences, not a verdict on truth.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from aitower.detectors.groundedness_facts import (
    Date,
    Name,
    Number,
    dates,
    names,
    numbers,
    word_numbers,
)


class Status(StrEnum):
    supported = "supported"
    unsupported = "unsupported"
    contradicted = "contradicted"
    no_claims = "no_claims"


@dataclass(frozen=True, slots=True)
class Claim:
    kind: str  # "number", "date" or "name"
    text: str  # as the answer wrote it
    start: int  # offsets in the answer
    end: int
    status: Status  # supported, unsupported or contradicted
    reason: str


@dataclass(frozen=True, slots=True)
class SentenceCheck:
    start: int  # the sentence is answer[start:end]
    end: int
    status: Status
    claims: tuple[Claim, ...]
    reason: str


@dataclass(frozen=True, slots=True)
class Groundedness:
    score: float  # supported claims / checkable claims; 1.0 when nothing is checkable
    sentences: tuple[SentenceCheck, ...]

    @property
    def checkable(self) -> int:
        return sum(len(s.claims) for s in self.sentences)

    @property
    def supported(self) -> int:
        return sum(c.status is Status.supported for s in self.sentences for c in s.claims)


_SENTENCE_END = re.compile(
    r"(?<=[.!?。！？])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9À-Ý])|\n\s*\n|\n(?=\s*[-*•\d])"
)
_ABBREVIATIONS = re.compile(
    r"\b(?:e\.g|i\.e|etc|vs|mr|mrs|ms|dr|prof|inc|ltd|no|fig|approx|st)\.$", re.I
)
_WORD = re.compile(r"[a-zà-ÿ][a-zà-ÿ'-]+")
_STOPWORDS = frozenset(
    ["the", "a", "an", "and", "or", "of", "in", "on", "at", "to", "for", "from", "by", "with", "as", "is", "are", "was", "were", "be", "been", "has", "have", "had", "this", "that", "these", "those", "its", "it", "their", "our", "your", "which", "who", "whom", "than", "then", "there", "about", "around", "approximately", "roughly", "nearly", "almost", "over", "under", "more", "less", "up", "per", "cent", "percent", "also", "only", "total", "all", "some", "any", "each", "into", "out", "after", "before", "during", "while", "will", "would", "can", "could", "should", "may", "might", "must", "not", "no", "yes", "what", "when", "where", "how", "why", "so", "such", "very"]
)
_SORT = {Status.contradicted: 0, Status.unsupported: 1, Status.supported: 2}


def check(answer: str, contexts: Sequence[str]) -> Groundedness:
    """Check each sentence of ``answer`` against ``contexts`` (see the module's docstring)."""
    context = _Context.of(contexts)
    checks = []
    for start, end in sentences(answer):
        claims = _claims(answer, start, end, context)
        checks.append(_sentence(start, end, claims))
    total = [c for s in checks for c in s.claims]
    supported = sum(c.status is Status.supported for c in total)
    score = supported / len(total) if total else 1.0
    return Groundedness(score, tuple(checks))


def sentences(text: str) -> list[tuple[int, int]]:
    """The (start, end) of each sentence, trimmed; abbreviations do not end one."""
    spans = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if _ABBREVIATIONS.search(text[start : match.start()]):
            continue
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    trimmed = []
    for s, e in spans:
        chunk = text[s:e]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            trimmed.append((s + lead, s + len(chunk.rstrip())))
    return trimmed


@dataclass(frozen=True, slots=True)
class _Passage:
    """One context document, read once: its facts and its words in order."""

    text: str
    folded: str
    numbers: tuple[Number, ...]
    dates: tuple[Date, ...]
    words: tuple[tuple[int, str], ...]  # (offset, stem) of each content word
    sentences: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class _Context:
    passages: tuple[_Passage, ...]

    @staticmethod
    def of(contexts: Sequence[str]) -> _Context:
        passages = []
        for text in contexts:
            found_dates = dates(text)
            spans = [(d.start, d.end) for d in found_dates]
            found_numbers = (*numbers(text, spans), *word_numbers(text))
            folded = " ".join(text.casefold().split())
            passages.append(
                _Passage(
                    text,
                    folded,
                    found_numbers,
                    tuple(found_dates),
                    tuple(_stems(text)),
                    tuple(sentences(text)),
                )
            )
        return _Context(tuple(passages))


def _stems(text: str) -> list[tuple[int, str]]:
    return [
        (m.start(), _stem(m.group()))
        for m in _WORD.finditer(text.lower())
        if m.group() not in _STOPWORDS
    ]


def _stem(word: str) -> str:
    """A crude stem, enough to meet "revenues" with "revenue" and "grew" with "grew"."""
    word = word.removesuffix("'s")
    for suffix in ("ies", "es", "s", "ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _claims(answer: str, start: int, end: int, context: _Context) -> list[Claim]:
    sentence = answer[start:end]
    found_dates = dates(sentence)
    spans = [(d.start, d.end) for d in found_dates]
    claims = [_check_date(d, sentence, context) for d in found_dates]
    claims += [_check_number(n, sentence, context) for n in numbers(sentence, spans)]
    taken = [(c.start, c.end) for c in claims]
    for name in names(sentence, {0}):
        if not any(s < name.end and name.start < e for s, e in taken):
            claims.append(_check_name(name, context))
    shifted = [
        Claim(c.kind, c.text, c.start + start, c.end + start, c.status, c.reason) for c in claims
    ]
    return sorted(shifted, key=lambda c: c.start)


def _check_number(number: Number, sentence: str, context: _Context) -> Claim:
    for passage in context.passages:
        if any(number.matches(theirs) for theirs in passage.numbers):
            return _claim("number", number, Status.supported, f"{number.text} is in the context")
    subject = _subject(sentence, number.start, number.end)
    for passage in context.passages:
        for theirs in passage.numbers:
            if number.comparable(theirs) and _near(passage, theirs.start, theirs.end, subject):
                said = _excerpt(passage.text, theirs.start, theirs.end)
                reason = f"{number.text}, but the context says {theirs.text} ({said})"
                return _claim("number", number, Status.contradicted, reason)
    return _claim("number", number, Status.unsupported, f"{number.text} is in no context")


def _check_date(date: Date, sentence: str, context: _Context) -> Claim:
    for passage in context.passages:
        if any(date.matches(theirs) for theirs in passage.dates):
            return _claim("date", date, Status.supported, f"{date.text} is in the context")
    subject = _subject(sentence, date.start, date.end)
    for passage in context.passages:
        for theirs in passage.dates:
            if _near(passage, theirs.start, theirs.end, subject):
                said = _excerpt(passage.text, theirs.start, theirs.end)
                reason = f"{date.text}, but the context says {theirs.text} ({said})"
                return _claim("date", date, Status.contradicted, reason)
    return _claim("date", date, Status.unsupported, f"{date.text} is in no context")


def _check_name(name: Name, context: _Context) -> Claim:
    pattern = re.compile(rf"(?<!\w){re.escape(name.key)}(?!\w)")
    words = [w for w in name.key.split() if len(w) > 1]
    for passage in context.passages:
        if pattern.search(passage.folded):
            return _claim("name", name, Status.supported, f"{name.text} is in the context")
        if len(words) > 1 and all(
            re.search(rf"(?<!\w){re.escape(w)}(?!\w)", passage.folded) for w in words
        ):
            reason = f"each word of {name.text} is in the context"
            return _claim("name", name, Status.supported, reason)
    return _claim("name", name, Status.unsupported, f"{name.text} is in no context")


def _claim(kind: str, fact: Number | Date | Name, status: Status, reason: str) -> Claim:
    return Claim(kind, fact.text, fact.start, fact.end, status, reason)


def _subject(sentence: str, start: int, end: int) -> list[str]:
    """The two or three content words nearest a figure, before it first: what it is about."""
    before = [s for offset, s in _stems(sentence) if offset < start]
    after = [s for offset, s in _stems(sentence) if offset >= end]
    return (before[-3:] + after[:1])[-3:] if len(before) >= 2 else (before + after)[:3]


def _near(passage: _Passage, start: int, end: int, subject: list[str]) -> bool:
    """Whether at least two subject words (all, when fewer) stand within six words of a figure,
    in the figure's own sentence."""
    if not subject:
        return False
    low, high = next(((s, e) for s, e in passage.sentences if s <= start < e), (start, end))
    before = [stem for offset, stem in passage.words if low <= offset < start]
    after = [stem for offset, stem in passage.words if end <= offset < high]
    around = set(before[-6:] + after[:6])
    wanted = set(subject)
    return len(wanted & around) >= min(2, len(wanted))


def _excerpt(text: str, start: int, end: int, width: int = 40) -> str:
    left = max(0, text.rfind(" ", 0, max(0, start - width)) + 1)
    right = text.find(" ", end + width)
    right = len(text) if right == -1 else right
    snippet = " ".join(text[left:right].split())
    return ("…" if left else "") + f"“{snippet}”" + ("…" if right < len(text) else "")


def _sentence(start: int, end: int, claims: list[Claim]) -> SentenceCheck:
    if not claims:
        return SentenceCheck(start, end, Status.no_claims, (), "no number, date or name to check")
    worst = min(claims, key=lambda c: _SORT[c.status])
    if worst.status is Status.supported:
        listed = ", ".join(c.text for c in claims)
        reason = f"every claim is in the context: {listed}"
    else:
        reason = "; ".join(c.reason for c in claims if c.status is not Status.supported)
    return SentenceCheck(start, end, worst.status, tuple(claims), reason)
