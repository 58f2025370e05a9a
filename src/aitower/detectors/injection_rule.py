"""The shape of a phrase rule of the prompt-injection detector, and the fragments rules share.

Every pattern runs on the *normalised* text (NFKC, case-folded, zero-width and other format
characters removed, whitespace collapsed to single spaces), so a rule is written in lower case
with plain spaces. Each rule names the literal ``keywords`` of which at least one occurs in
every match (``injection_patterns`` derives the cheap first test from them). ``weight`` is the
rule's confidence on its own; weights under 0.5 are signals that flag a text only together
with another one (see ``injection.injection_score``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OVERRIDE = "instruction_override"
ROLE_PLAY = "role_play"
EXTRACTION = "prompt_extraction"


@dataclass(frozen=True, slots=True)
class Rule:
    kind: str  # OVERRIDE, ROLE_PLAY or EXTRACTION
    name: str
    keywords: tuple[str, ...]
    pattern: re.Pattern[str]
    weight: float
    reason: str


def rule(
    kind: str, name: str, keywords: str | tuple[str, ...], pattern: str, weight: float, reason: str
) -> Rule:
    """A rule; ``keywords`` is a tuple, or a string of them separated by "|"."""
    listed = tuple(keywords.split("|")) if isinstance(keywords, str) else keywords
    return Rule(kind, name, listed, re.compile(pattern), weight, reason)


# Fragments. Words end at \b; the text has single spaces, so " " is the separator.
DET = r"(?:(?:all|any|every|each|the|your|my|our|these|those|of|its|about|everything|of the)\s)"
QUAL = (
    r"(?:previous(?:ly)?|prior|above|earlier|preceding|foregoing|former|original|initial|old|"
    r"past|system|developer|default|all|your|any|every|given|aforementioned|safety|ethical|moral|"
    r"content|built-in|programmed|openai'?s?|anthropic'?s?)"
)
OBJECT = (
    r"(?:instructions?|prompts?|directions?|directives?|rules|guidelines|commands|programming|"
    r"constraints|restrictions|guardrails|polic(?:y|ies)|training|guidance|orders|context|"
    r"conversation|principles|filters?|limitations)"
)
OVERRIDE_VERB = (
    r"(?:ignore|ignoring|disregard(?:ing)?|forget(?:ting)?|skip|override|overwrite|bypass|"
    r"neglect|discard|abandon|throw out|set aside|pay no attention to|do not follow|"
    r"don'?t follow|stop following|no longer follow|circumvent)"
)
REVEAL_VERB = (
    r"(?:repeat|print|show|reveal|display|output|tell|give|write|dump|leak|spell|recite|list|"
    r"share|provide|return|disclose|expose|paste|copy|echo|summari[sz]e|translate|encode|state)"
)
SECRET_QUAL = (
    r"(?:(?:full|entire|complete|exact|original|initial|hidden|secret|internal|first|system|"
    r"developer|starting|underlying|confidential|verbatim|previous|whole|actual|real|raw|"
    r"current|core)\s)"
)
