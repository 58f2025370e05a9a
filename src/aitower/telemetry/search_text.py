"""A span's searchable text: its stored content flattened to the text a person would search.

Pure: takes the ``content`` column's value (``content.py``: ``input``, ``output``, ``other``)
and returns one string, the values in that order, one per line. A side sent whole as JSON text
(``gen_ai.input.messages``) is parsed so that escapes (``\\u00e9``, ``\\n``) do not hide words;
keys and the few structural values (a message's role, a part's type) are left out so that
searching "user" finds users' words, not every message. The text is never longer than the
stored content it comes from (values only, each already cut to the system's limit).
Migration 0018 keeps a copy of this as it was, for its backfill.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

SIDES = ("input", "output", "other")
# Values of these keys describe a message's structure, not what was said.
_STRUCTURAL = frozenset({"role", "type", "finish_reason"})


def search_text(content: Any) -> str:
    """``content``'s values as one text ("" when there is nothing to search)."""
    if not isinstance(content, dict):
        return ""
    parts: list[str] = []
    for side in SIDES:
        parts.extend(_texts(content.get(side)))
    return "\n".join(p.replace("\x00", "\ufffd") for p in parts if p)


def _texts(value: Any) -> Iterator[str]:
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, str):
        parsed = _parsed(value)
        if parsed is None:
            yield value
        else:
            yield from _texts(parsed)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in _STRUCTURAL:
                yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)
    else:
        yield str(value)


def _parsed(text: str) -> Any:
    """The JSON a text holds when it is an object or array, else None (kept as text)."""
    stripped = text.lstrip()
    if not stripped.startswith(("[", "{")):
        return None
    try:
        found = json.loads(stripped)
    except ValueError:
        return None
    return found if isinstance(found, dict | list) else None
