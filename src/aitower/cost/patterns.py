"""Model-name patterns of the organisation's prices: globs over the model's base name.

``*`` is any run of characters, ``?`` one; everything else literal. Among patterns that match,
the one with the most literal characters is the most specific and wins, so ``gpt-4o-mini``
never takes ``gpt-4o``'s price or the reverse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Characters a model-name pattern may hold (base names are lower case, without "/").
_PATTERN_CHARS = re.compile(r"^[a-z0-9._:@*?+-]+$")
MAX_PATTERN = 200


@dataclass(frozen=True, slots=True)
class ModelPattern:
    """A glob over base model names, compiled once."""

    text: str
    regex: re.Pattern[str]
    literal: bool  # no wildcard: matched by equality
    specificity: int  # literal characters: more is more specific

    @classmethod
    def of(cls, text: str) -> ModelPattern:
        """Compile ``text``; raises ValueError saying what is wrong with it."""
        cleaned = text.strip().lower()
        if not cleaned:
            raise ValueError("must not be empty")
        if len(cleaned) > MAX_PATTERN:
            raise ValueError(f"must be at most {MAX_PATTERN} characters")
        if "/" in cleaned:
            raise ValueError("name the model without a provider prefix (no '/')")
        if not _PATTERN_CHARS.match(cleaned):
            raise ValueError("may hold letters, digits, '.', '-', '_', ':', '@', '+', '*' and '?'")
        body = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in cleaned)
        literal = "*" not in cleaned and "?" not in cleaned
        specificity = sum(ch not in "*?" for ch in cleaned)
        return cls(cleaned, re.compile(body), literal, specificity)

    def matches(self, name: str) -> bool:
        return name == self.text if self.literal else self.regex.fullmatch(name) is not None
