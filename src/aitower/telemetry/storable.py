"""Values OTLP can carry and the store cannot hold, made storable before a span is written.

OTLP/JSON carries an ``intValue`` as a decimal string of any length, and both encodings carry
``NaN`` and infinities as doubles. A JSON column holds neither an integer beyond 64 bits nor a
non-finite number, and refusing the whole request for one attribute would make the exporter
retry it forever while the valid spans beside it are never stored. Such a value is kept as
text (its decimal digits, or ``NaN``/``Infinity``/``-Infinity``), wherever it sits (span,
resource or event attributes, inside arrays and key/value lists), and the answer's partial
success names the span and the attribute. Numbers the conventions read (token counts, costs)
already ignore implausible and non-finite values (``semconv``).
"""

from __future__ import annotations

import math
from math import isfinite

from aitower.telemetry.records import Attributes, AttrValue, DecodeResult, SpanEvent

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
MAX_NOTES = 20  # notes in one answer: enough to find the culprit, not a wall of text


def _as_text(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"


def _storable(value: AttrValue) -> tuple[AttrValue, str | None]:
    """``value`` as the store can hold it, and why it changed (None if it did not)."""
    kind = type(value)
    if kind is int:
        if INT64_MIN <= value <= INT64_MAX:  # type: ignore[operator]
            return value, None
        return str(value), "integer beyond 64 bits"
    if kind is float:
        if math.isfinite(value):  # type: ignore[arg-type]
            return value, None
        return _as_text(value), "not a finite number"  # type: ignore[arg-type]
    if kind is list:
        return _storable_list(value)  # type: ignore[arg-type]
    if kind is dict:
        return _storable_map(value)  # type: ignore[arg-type]
    return value, None


def _storable_list(values: list[AttrValue]) -> tuple[AttrValue, str | None]:
    why = None
    out: list[AttrValue] = []
    for item in values:
        kept, reason = _storable(item)
        out.append(kept)
        why = why or reason
    return (out, why) if why else (values, None)


def _storable_map(values: dict[str, AttrValue]) -> tuple[AttrValue, str | None]:
    fixed, notes = storable_attributes(values)
    return (fixed, notes[0][1]) if notes else (values, None)


def storable_attributes(attributes: Attributes) -> tuple[Attributes, list[tuple[str, str]]]:
    """The attributes with unstorable values as text, and (key, why) of each one changed."""
    notes: list[tuple[str, str]] = []
    fixed: Attributes | None = None
    for key, value in attributes.items():
        # The common cases are checked here, without a call: texts, flags, 64-bit integers
        # (every protobuf one), finite doubles.
        kind = type(value)
        if kind is str or kind is bool or value is None:
            continue
        if kind is int:
            if INT64_MIN <= value <= INT64_MAX:  # type: ignore[operator]
                continue
        elif kind is float and isfinite(value):  # type: ignore[arg-type]
            continue
        kept, why = _storable(value)
        if why is not None:
            fixed = dict(attributes) if fixed is None else fixed
            fixed[key] = kept
            notes.append((key, why))
    return (attributes if fixed is None else fixed), notes


def make_storable(result: DecodeResult) -> list[str]:
    """Fix ``result``'s spans in place; one note per span that changed, for the answer."""
    if result.storable:
        return []  # the decoder saw every value (OTLP/protobuf: only NaN and infinities)
    notes: list[str] = []
    # The spans of one resource share its attributes (one dict): checked once. The dict is
    # held with its result so that its id stays its own.
    resources: dict[int, tuple[Attributes, Attributes, list[tuple[str, str]]]] = {}
    for span in result.spans:
        attributes, found = storable_attributes(span.attributes)
        resource = resources.get(id(span.resource))
        if resource is None:
            resource = (span.resource, *storable_attributes(span.resource))
            resources[id(span.resource)] = resource
        _, fixed_resource, resource_notes = resource
        if not found and not resource_notes and not span.events:
            continue  # nothing to fix: the usual span
        span.attributes = attributes
        span.resource = fixed_resource
        changed = [*found, *((f"resource {key}", why) for key, why in resource_notes)]
        for index, event in enumerate(span.events):
            attributes, found = storable_attributes(event.attributes)
            if found:
                span.events[index] = SpanEvent(event.name, event.time_unix_nano, attributes)
                changed += [(f"event {event.name} {key}", why) for key, why in found]
        if changed and len(notes) < MAX_NOTES:
            what = ", ".join(f"{key} ({why})" for key, why in changed[:5])
            notes.append(f"span {span.span_id}: kept as text: {what}")
    return notes
