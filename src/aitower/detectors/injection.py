"""Prompt-injection and jailbreak detection: phrase rules, hidden text, and an explained score.

What it finds (types under ``injection.``, category ``Category.injection``):

* ``instruction_override`` — "ignore all previous instructions", "disregard the above", "your
  previous instructions are void", fake chat-template turns (``<|im_start|>system``), in
  English and in German, French, Spanish, Portuguese, Italian, Dutch, Russian, Chinese,
  Japanese and Korean;
* ``role_play`` — DAN ("do anything now"), "developer mode enabled", "you are no longer bound
  by …", "pretend you are", "act as an unrestricted AI", named jailbreak personas;
* ``prompt_extraction`` — "repeat your system prompt", "what are your instructions", "print
  everything above";
* ``encoded_payload`` — base64, hex, percent-encoded or rot13 text that, decoded, says one of
  the above (decoded and checked again, two levels deep);
* ``invisible_unicode`` — Unicode tag characters, variation selectors carrying bytes,
  zero-width characters and bidirectional overrides; what they hide is decoded and checked.

Matching runs on a normalised view (NFKC, case-folded, zero-width and format characters
removed, whitespace collapsed, Cyrillic/Greek look-alike letters folded), so "IGNORE  all
previous\u200b instructions" is the same as the plain sentence; offsets point into the
original text. Benign text costs one set intersection of its words with the rules' anchor words
(``injection_patterns.ANCHORS``) and a scan for invisible characters: about 30 µs for 2 kB.

What it cannot do: it knows phrasings, not intent. A paraphrase it has no rule for ("let's
start over with a clean slate and a new purpose"), an attack spread over several turns, one
written in a language it has no rule for, or clever misspellings pass; a text *about* prompt
injection that quotes an attack is flagged like the attack. ``injection_score`` therefore
reports which rules fired and why, and docs/detectors.md gives the measured recall and
false-positive rates.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

from aitower.detectors.detection import Category, Detection
from aitower.detectors.injection_hidden import (
    BIDI_EMBEDDINGS,
    BIDI_OVERRIDES,
    INVISIBLE,
    ZERO_WIDTH,
    Hidden,
    encoded_spans,
    invisible_spans,
)
from aitower.detectors.injection_patterns import (
    CONFUSABLES,
    CODED_ANCHORS,
    Rule,
    anchors,
    candidates,
)

FLAG_THRESHOLD = 0.5  # a score at or above it flags the text; one weak rule alone stays below
_MAX_DEPTH = 2  # decoded text is checked again, to this depth (base64 inside base64)
_TAGS = range(0xE0000, 0xE0080)
_SELECTORS = (*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0))
_STRIP = dict.fromkeys((*map(ord, ZERO_WIDTH + BIDI_OVERRIDES + BIDI_EMBEDDINGS + "\xad\u200e\u200f͏"), *_TAGS, *_SELECTORS))


# The same characters as ranges: a class of 450 single characters costs sre 1 µs a character.
_STRIP_RUNS = re.compile(
    "[\u00ad\u034f\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufe00-\ufe0f"
    "\ufeff\U000e0000-\U000e007f\U000e0100-\U000e01ef]+"
)
_LOOK_ALIKE = re.compile("[аеорсухіјѕԁԛԝɡαεοικνρτυχ]")
_NON_SPACE = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class InjectionVerdict:
    """How likely a text is an injection attempt, with the findings and the arithmetic."""

    score: float  # 0..1: 1 − ∏(1 − weight) over the distinct rules that fired
    detections: tuple[Detection, ...]
    explanation: tuple[str, ...]  # one line per rule that fired, then the formula

    @property
    def flagged(self) -> bool:
        return self.score >= FLAG_THRESHOLD


@dataclass(frozen=True, slots=True)
class _Signal:
    rule: str  # what fired: a rule's name, or how a hidden span was hidden
    detection: Detection


def detect(text: str) -> list[Detection]:
    """Every injection finding in ``text``, in order of position."""
    return [signal.detection for signal in _signals(text, 0)]


def injection_score(text: str) -> InjectionVerdict:
    """The findings of ``detect`` combined into one score, explained rule by rule.

    Each distinct rule counts once, with its weight (the strongest when it fired several
    times); weights combine as independent evidence: score = 1 − ∏(1 − wᵢ). Two weak signals
    (0.4 and 0.35: "pretend you are" and "without restrictions") thus reach 0.61 and flag the
    text, while either alone does not.
    """
    signals = _signals(text, 0)
    strongest: dict[str, float] = {}
    lines: dict[str, list[Detection]] = {}
    for signal in signals:
        weight = signal.detection.confidence
        strongest[signal.rule] = max(strongest.get(signal.rule, 0.0), weight)
        lines.setdefault(signal.rule, []).append(signal.detection)
    remaining = 1.0
    for weight in strongest.values():
        remaining *= 1.0 - weight
    score = round(1.0 - remaining, 4)
    explanation = [_explain(rule, found, strongest[rule]) for rule, found in lines.items()]
    if strongest:
        weights = " × ".join(f"(1 − {w:.2f})" for w in strongest.values())
        explanation.append(
            f"score = 1 − {weights} = {score:.2f}; flagged at {FLAG_THRESHOLD} or more"
        )
    else:
        explanation.append("no rule fired: score 0")
    return InjectionVerdict(score, tuple(s.detection for s in signals), tuple(explanation))


def _explain(rule: str, found: list[Detection], weight: float) -> str:
    first = found[0]
    times = f", {len(found)} times" if len(found) > 1 else ""
    return (
        f"{first.type} [{rule}] weight {weight:.2f}{times}, first at "
        f"{first.start}–{first.end}: {first.reason}"
    )


def _signals(text: str, depth: int) -> list[_Signal]:
    found: list[_Signal] = []
    lowered = text.lower() if text.isascii() else _quick_view(text)
    words = anchors(lowered)
    coded = tuple(how for how, marks in CODED_ANCHORS.items() if not marks.isdisjoint(words))
    if coded or may_match(lowered, words):
        found += _phrase_signals(text, _quick_view(text), coded)
    if not text.isascii() and INVISIBLE.search(text):
        found += _invisible_signals(text, depth)
    if depth < _MAX_DEPTH:
        found += _encoded_signals(text, depth)
    return _without_overlaps(found)


def may_match(view: str, words: set[str] | None = None) -> bool:
    """False when no phrase rule can match the normalised ``view`` (the cheap first test)."""
    return bool(candidates(view, anchors(view) if words is None else words))


def _quick_view(text: str) -> str:
    """The normalised text without offsets: enough to decide whether any rule may match."""
    if text.isascii():
        return " ".join(text.lower().split())
    stripped = _STRIP_RUNS.sub("", text) if _STRIP_RUNS.search(text) else text
    view = " ".join(unicodedata.normalize("NFKC", stripped).casefold().split())
    if _LOOK_ALIKE.search(view):
        return f"{view}\n{view.translate(CONFUSABLES)}"
    return view


def normalise(text: str) -> tuple[str, list[int]]:
    """NFKC, case-folded, invisible characters dropped, whitespace collapsed; and for each
    character of the result, the index of the original character it came from (one more
    entry, ``len(text)``, closes the list)."""
    if text.isascii():
        return _collapsed(text.lower())
    folded = text.casefold()
    if (
        len(folded) == len(text)
        and unicodedata.is_normalized("NFKC", text)
        and not _STRIP_RUNS.search(text)
    ):
        return _collapsed(folded)  # one character for one: the offsets hold as they are
    return _normalised_by_character(text)


def _collapsed(folded: str) -> tuple[str, list[int]]:
    """Whitespace runs of a text as long as its original collapsed to one space, mapped."""
    parts: list[str] = []
    origin: list[int] = []
    for word in _NON_SPACE.finditer(folded):
        if parts:
            parts.append(" ")
            origin.append(word.start() - 1)
        parts.append(word.group())
        origin.extend(range(word.start(), word.end()))
    origin.append(len(folded))
    return "".join(parts), origin


def _normalised_by_character(text: str) -> tuple[str, list[int]]:
    chars: list[str] = []
    origin: list[int] = []
    space = True  # drops leading whitespace and runs of it
    for index, char in enumerate(text):
        if ord(char) in _STRIP:
            continue
        if char.isspace():
            if not space:
                chars.append(" ")
                origin.append(index)
                space = True
            continue
        piece = char.lower() if char.isascii() else unicodedata.normalize("NFKC", char).casefold()
        for part in piece:
            chars.append(" " if part.isspace() else part)
            origin.append(index)
        space = piece.isspace()
    if chars and chars[-1] == " ":
        chars.pop()
        origin.pop()
    origin.append(len(text))
    return "".join(chars), origin


def _phrase_signals(text: str, quick: str, coded: tuple[str, ...]) -> list[_Signal]:
    """Rules run on the quick view first; offsets are worked out only for a text that matched.

    ``coded`` names the decoded readings to check as well ("rot13", "reversed"): both keep the
    text's length, so a finding in them maps back to offsets one to one.
    """
    views = [(quick, ""), *((_DECODE[how](quick), how) for how in coded)]
    if not any(_matches(view) for view, _ in views):
        return []
    norm, origin = normalise(text)
    views = [(norm, "")]
    if not norm.isascii() and (folded := norm.translate(CONFUSABLES)) != norm:
        views.append((folded, "look-alike letters"))
    views += [(_DECODE[how](norm), how) for how in coded]
    found: list[_Signal] = []
    for view, how in views:
        for rule in candidates(view, anchors(view)):
            found += _rule_signals(rule, view, origin, how)
    return found


_DECODE = {"rot13": lambda view: codecs.encode(view, "rot13"), "reversed": lambda view: view[::-1]}
_DECODED_AS = {"rot13": "rot13 text", "reversed": "text written backwards"}


def _matches(view: str) -> bool:
    return any(rule.pattern.search(view) for rule in candidates(view, anchors(view)))


def _rule_signals(rule: Rule, view: str, origin: list[int], how: str) -> list[_Signal]:
    found = []
    for match in rule.pattern.finditer(view):
        low, high = match.span()
        if how == "reversed":
            low, high = len(view) - high, len(view) - low
        start, end = origin[low], origin[high - 1] + 1
        excerpt = _excerpt(match.group())
        if how in _DECODE:
            detection = Detection(
                "injection.encoded_payload",
                Category.injection,
                start,
                end,
                min(0.99, rule.weight + 0.05),
                f"{_DECODED_AS[how]} that reads “{excerpt}”, which {rule.reason}",
            )
            found.append(_Signal(f"{how}: {rule.name}", detection))
            continue
        spelled = f" (spelled with {how})" if how else ""
        reason = f"{rule.reason}{spelled}: “{excerpt}”"
        detection = Detection(
            f"injection.{rule.kind}", Category.injection, start, end, rule.weight, reason
        )
        found.append(_Signal(rule.name, detection))
    return found


def _invisible_signals(text: str, depth: int) -> list[_Signal]:
    found = []
    for hidden in invisible_spans(text):
        inner = _signals(hidden.text, depth + 1) if hidden.text and depth < _MAX_DEPTH else []
        confidence, reason = _hidden_verdict(hidden, inner, hides="hiding")
        detection = Detection(
            "injection.invisible_unicode",
            Category.injection,
            hidden.start,
            hidden.end,
            confidence,
            reason,
        )
        found.append(_Signal(hidden.how, detection))
    return found


def _encoded_signals(text: str, depth: int) -> list[_Signal]:
    found = []
    for hidden in encoded_spans(text):
        inner = _signals(hidden.text, depth + 1)
        if not inner:
            continue  # encoded data that says nothing suspicious (a token, an image, a hash)
        confidence, reason = _hidden_verdict(hidden, inner, hides="that decodes to")
        detection = Detection(
            "injection.encoded_payload",
            Category.injection,
            hidden.start,
            hidden.end,
            confidence,
            reason,
        )
        found.append(_Signal(f"{hidden.how} payload", detection))
    return found


def _hidden_verdict(hidden: Hidden, inner: list[_Signal], hides: str) -> tuple[float, str]:
    """A hidden span is as suspicious as its kind, and more when its text is an injection."""
    reason = hidden.how
    if hidden.text:
        reason += f" {hides} “{_excerpt(hidden.text)}”"
    if not inner:
        count = hidden.end - hidden.start
        return hidden.confidence, f"{reason} ({count} character{'s' if count > 1 else ''})"
    best = max(inner, key=lambda s: s.detection.confidence).detection
    confidence = min(0.99, max(hidden.confidence, best.confidence + 0.1))
    return confidence, f"{reason}; hidden there: {best.type}, {best.reason}"


def _without_overlaps(signals: list[_Signal]) -> list[_Signal]:
    """Of overlapping findings of one type, the most confident (the same evidence once)."""
    kept: list[_Signal] = []
    ranked = sorted(signals, key=lambda s: (-s.detection.confidence, s.detection.start))
    for signal in ranked:
        d = signal.detection
        if not any(
            k.detection.type == d.type and k.detection.start < d.end and d.start < k.detection.end
            for k in kept
        ):
            kept.append(signal)
    return sorted(kept, key=lambda s: (s.detection.start, s.detection.end))


def _excerpt(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
