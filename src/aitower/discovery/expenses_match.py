"""Which AI service a card charge paid for, from its merchant descriptor. Pure.

Card statements name the merchant in a short descriptor the acquirer sets
(``OPENAI *CHATGPT SUBSCR``, ``CLAUDE.AI SUBSCRIPTION 4155550123``, ``PAYPAL *MIDJOURNEY``).
Both the catalog's descriptors and a charge's are *normalised*: upper case, every run of
punctuation and spaces one space, trailing tokens holding a digit (reference numbers, phone
numbers, store numbers) dropped, and a leading payment facilitator written ``X *`` (PayPal,
Square, Shopify, FastSpring, Paddle) taken off, since it names who collected, not who sold.

A descriptor matches when its tokens begin the charge's tokens (``ANTHROPIC`` matches
``ANTHROPIC SAN FRANCISCO CA``, not ``ANTHROPICAL BOOKS``); the longest matching descriptor
wins (``OPENAI CHATGPT`` over ``OPENAI``). A vendor selling much besides AI has no descriptor
of its own name alone: ``GOOGLE *`` or ``MICROSOFT*`` match nothing unless the descriptor goes
on to name the AI product (``GOOGLE GEMINI``), since most such charges are storage, ads or
office licences.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

PUNCTUATION = re.compile(r"[^A-Z0-9]+")
FACILITATOR = re.compile(r"^\s*(PAYPAL|PP|SQ|SP|FS|PADDLE(?:\.NET)?)\s*\*\s*")


def normalise_merchant(text: str) -> str:
    """A descriptor as matching compares it: ``"Claude.ai subscription #4155"`` →
    ``"CLAUDE AI SUBSCRIPTION"``."""
    upper = FACILITATOR.sub("", text.upper(), count=1)
    tokens = PUNCTUATION.sub(" ", upper).split()
    while tokens and any(c.isdigit() for c in tokens[-1]):
        tokens.pop()
    return " ".join(tokens)


class MerchantMatcher:
    """Descriptors indexed by their first token; ``match`` answers a service id or None."""

    def __init__(self, descriptors: Iterable[tuple[str, str]]) -> None:
        """``descriptors``: (service id, descriptor) pairs; a descriptor two services claim
        goes to the first (the shipped catalog's, as ``all_entries`` lists them first)."""
        by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        seen: set[tuple[str, ...]] = set()
        for service_id, descriptor in descriptors:
            tokens = tuple(normalise_merchant(descriptor).split())
            if not tokens or tokens in seen:
                continue
            seen.add(tokens)
            by_first.setdefault(tokens[0], []).append((tokens, service_id))
        for found in by_first.values():
            found.sort(key=lambda item: -len(item[0]))  # the most specific first
        self._by_first = by_first
        self._cache: dict[str, str | None] = {}

    def match(self, merchant: str) -> str | None:
        normal = normalise_merchant(merchant)
        if normal not in self._cache:
            self._cache[normal] = self._lookup(tuple(normal.split()))
        return self._cache[normal]

    def _lookup(self, tokens: tuple[str, ...]) -> str | None:
        for descriptor, service_id in self._by_first.get(tokens[0] if tokens else "", ()):
            if tokens[: len(descriptor)] == descriptor:
                return service_id
        return None
