"""Scanning a span's stored texts at ingest, and redacting them before they are written.

Pure CPU, run in ``ingest.prepare_batch`` on the texts exactly as they will be stored (after
the content rules of ``content``: messages as ``input`` and ``output``, other content fields
under ``other``, each already cut to ``max_content_chars``), so that what is scanned is what
lands in the database, and nothing is parsed twice: a side sent as one JSON string
(``gen_ai.input.messages``, ``input.value``) is scanned as that string; assembled messages and
structured values are walked to their string leaves. Besides the content, the span's status
message and the string attributes of its kept events (an exception's message and stack) are
scanned and redacted too: they are stored and may quote what the application was given.

Each (field, type) gives one finding: how many detections, the highest confidence, the first
one's reason, the keyed digest of the first value (never the value) and the action redaction
applied. ``field`` is ``input``, ``output`` or ``other`` (every other stored text).
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aitower.detectors import catalog, redact, scan
from aitower.detectors.detection import Action, Detection

MIN_SCANNED_CHARS = 6  # "a@b.io": nothing shorter is a value any detector finds
FIELDS = ("input", "output", "other")


@dataclass(frozen=True, slots=True)
class ScanPolicy:
    """A system's scanning: on or off, which types (None: every type), and the action per type
    (a type not named is kept: the finding is recorded, the text stored as sent)."""

    enabled: bool = True
    types: frozenset[str] | None = None
    actions: Mapping[str, Action] = field(default_factory=dict)

    @property
    def redacts(self) -> bool:
        return any(a is not Action.keep for a in self.actions.values())

    @classmethod
    def of(
        cls, enabled: bool, types: list[str] | None, redaction: Mapping[str, str] | None
    ) -> ScanPolicy:
        """The policy stored as a settings row's columns (validated when set; a type the
        detectors no longer know is passed over rather than fail the ingest)."""
        known = catalog.CATEGORY_OF
        actions = {
            t: Action(a) for t, a in (redaction or {}).items() if a in _ACTIONS and t in known
        }
        wanted = None if types is None else frozenset(t for t in types if t in known)
        return cls(enabled, wanted, actions)


_ACTIONS = frozenset(a.value for a in Action)
DEFAULT_SCAN = ScanPolicy()  # every type, nothing redacted: findings recorded, text as sent


@functools.cache
def fallback_key() -> bytes:
    """The key of a process given none (``store_spans`` called without the server's settings,
    as the demo loader and tests do): random, so digests group within the process only and
    nothing hashes with a key anyone could know. The server passes its own
    (``redaction_key``)."""
    return secrets.token_bytes(32)


@dataclass(frozen=True, slots=True)
class Finding:
    """What one type was found doing in one field of a span (a ``content_findings`` row)."""

    field: str
    type: str
    category: str
    occurrences: int
    confidence: float
    reason: str
    digest: str
    action: str


@dataclass(frozen=True, slots=True)
class ScannedSpan:
    """A span's texts after redaction, and what was found in them."""

    content: dict[str, Any] | None
    status_message: str | None
    events: list[dict[str, Any]] | None
    findings: list[Finding]


@dataclass(slots=True)
class _Tally:
    """The findings of one span as they accumulate, keyed by (field, type)."""

    policy: ScanPolicy
    key: bytes
    found: dict[tuple[str, str], Finding] = field(default_factory=dict)

    def text(self, where: str, text: str) -> str:
        """``text`` scanned, counted and redacted."""
        if len(text) < MIN_SCANNED_CHARS:
            return text
        detections = _scanned(text, self.policy.types)
        if not detections:
            return text
        for d in detections:
            self._add(where, text, d)
        if not self.policy.redacts:
            return text
        return redact.redact(text, detections, self.policy.actions, self.key)

    def _add(self, where: str, text: str, d: Detection) -> None:
        earlier = self.found.get((where, d.type))
        if earlier is None:
            action = self.policy.actions.get(d.type, Action.keep)
            self.found[(where, d.type)] = Finding(
                where,
                d.type,
                d.category.value,
                1,
                d.confidence,
                d.reason[:300],
                redact.digest(text[d.start : d.end], self.key, d.type),
                action.value,
            )
            return
        self.found[(where, d.type)] = Finding(
            where,
            d.type,
            earlier.category,
            earlier.occurrences + 1,
            max(earlier.confidence, d.confidence),
            earlier.reason,
            earlier.digest,
            earlier.action,
        )


@functools.lru_cache(maxsize=2048)
def _scanned(text: str, types: frozenset[str] | None) -> tuple[Detection, ...]:
    """``scan`` of a text, remembered: the same system prompt and the same earlier turns of a
    conversation come again with every request, and are scanned once (detections are frozen)."""
    return tuple(scan.scan(text, types=types))


def scan_span(
    content: dict[str, Any] | None,
    status_message: str | None,
    events: list[dict[str, Any]] | None,
    policy: ScanPolicy,
    key: bytes,
) -> ScannedSpan:
    """Scan and redact what a span stores: its content, status message and kept events."""
    tally = _Tally(policy, key)
    if content is not None:
        content = _content(content, tally)
    if status_message:
        status_message = tally.text("other", status_message)
    if events:
        events = [_event(e, tally) for e in events]
    return ScannedSpan(content, status_message, events, list(tally.found.values()))


def _content(content: dict[str, Any], tally: _Tally) -> dict[str, Any]:
    result = dict(content)
    for side in ("input", "output"):
        if content.get(side) is not None:
            result[side] = _walk(content[side], functools.partial(tally.text, side))
    other = content.get("other")
    if other:
        result["other"] = {k: _walk(v, lambda t: tally.text("other", t)) for k, v in other.items()}
    return result


def _event(event: dict[str, Any], tally: _Tally) -> dict[str, Any]:
    attributes = event.get("attributes")
    if not attributes:
        return event
    walked = {k: _walk(v, lambda t: tally.text("other", t)) for k, v in attributes.items()}
    return {**event, "attributes": walked}


def _walk(value: Any, on_text: Callable[[str], str]) -> Any:
    """``value`` with each string leaf replaced by ``on_text`` of it (dict keys stay: they are
    names such as ``role`` and ``content``, not what someone typed)."""
    if isinstance(value, str):
        return on_text(value)
    if isinstance(value, list):
        return [_walk(v, on_text) for v in value]
    if isinstance(value, dict):
        return {k: _walk(v, on_text) for k, v in value.items()}
    return value
