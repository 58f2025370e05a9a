"""The phrase rules of the prompt-injection detector, and the cheap first test built from them.

The rules live in ``injection_rules_*`` (their shape in ``injection_rule``); this module joins
them and derives from their keywords the test every text meets first. The weights are
judgement; docs/detectors.md states how they were set and what they measure.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from aitower.detectors.injection_rule import Rule
from aitower.detectors.injection_rules_extraction import EXTRACTION_RULES
from aitower.detectors.injection_rules_override import OVERRIDE_RULES
from aitower.detectors.injection_rules_persona import PERSONA_RULES

RULES: tuple[Rule, ...] = (*OVERRIDE_RULES, *PERSONA_RULES, *EXTRACTION_RULES)


# What every text meets first. Each keyword is reduced to an *anchor*: its longest word, cut
# to five characters ("ignor", "instr", "jailb"). A text whose words, cut alike, hold no anchor
# (one set intersection) needs no rule. Keywords with punctuation ("<|im_") or outside ASCII
# are looked for as they are. A fragment keyword ("ignor") must be five characters or more.
ANCHOR_LENGTH = 5
SEPARATORS = str.maketrans(dict.fromkeys("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", " "))
_WORD_RUNS = re.compile(r"[^\W_]+")  # what SEPARATORS leaves of an ASCII text, for any text


def anchors(text: str) -> set[str]:
    """The words of a (normalised) text, each cut to ``ANCHOR_LENGTH`` characters."""
    if text.isascii():
        return {word[:ANCHOR_LENGTH] for word in text.translate(SEPARATORS).split()}
    return {word[:ANCHOR_LENGTH] for word in _WORD_RUNS.findall(text)}


# Words too common to anchor on: a keyword made only of them ("you are now") is looked for as
# it is, which costs one substring search.
_COMMON = frozenset(
    "you your with from are now on the all new real actual true only far so is of to a an in no "
    "not never mode follow following stop two 2 different separate responses answers paragraphs "
    "outputs been were given anything stands this that t system message start beginning".split()
)
_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyz0123456789 ")


def _anchor(keyword: str) -> str | None:
    """The keyword's anchor, or None when it is looked for as it is (punctuation, hyphens,
    letters outside a–z, or only common words)."""
    if not set(keyword) <= _PLAIN:
        return None
    words = [word for word in keyword.split() if word not in _COMMON]
    return max(words, key=len)[:ANCHOR_LENGTH] if words else None


@dataclass(frozen=True, slots=True)
class Gate:
    """When a rule can match: one of its anchors is among the text's, or a literal is in it."""

    rule: Rule
    anchors: frozenset[str]
    literals: tuple[str, ...]


GATES = tuple(
    Gate(
        rule,
        frozenset(a for k in rule.keywords if (a := _anchor(k))),
        tuple(k for k in rule.keywords if _anchor(k) is None),
    )
    for rule in RULES
)
ANCHORS = frozenset(a for gate in GATES for a in gate.anchors)


def candidates(view: str, words: set[str]) -> list[Rule]:
    """The rules that may match ``view``, whose anchor words are ``words``."""
    return [
        gate.rule
        for gate in GATES
        if not gate.anchors.isdisjoint(words) or any(k in view for k in gate.literals)
    ]


# Words of the strongest rules as rot13 and as backward writing show them: a text holding one
# is decoded that way and checked again.
_CODED_WORDS = "ignore disregard forget instructions system jailbreak developer anything pretend"
CODED_ANCHORS = {
    "rot13": frozenset(w[:ANCHOR_LENGTH] for w in codecs.encode(_CODED_WORDS, "rot13").split()),
    "reversed": frozenset(w[::-1][:ANCHOR_LENGTH] for w in (*_CODED_WORDS.split(), "prompt")),
}

# Latin look-alikes from Cyrillic and Greek that NFKC keeps apart ("іgnore" with a Ukrainian
# і). One character to one, so a folded view keeps the offsets of the normalised text.
CONFUSABLES = str.maketrans(
    "аеорсухіјѕԁԛԝɡαεοικνρτυχ",
    "aeopcyxijsdqwgaeoikvptux",
)
