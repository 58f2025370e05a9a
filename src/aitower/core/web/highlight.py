"""A template filter that marks where a searched text occurs, safely.

The text is escaped first, piece by piece, and only the ``<mark>`` tags this function writes are
markup: stored content (prompts, answers, tool arguments) is never trusted as HTML.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape


def highlight(text: object, q: str | None) -> Markup:
    """``text`` escaped, each case-insensitive occurrence of ``q`` inside ``<mark>``."""
    plain = "" if text is None else str(text)
    if not q:
        return escape(plain)
    pieces: list[str] = []
    last = 0
    for found in re.finditer(re.escape(q), plain, re.IGNORECASE):
        pieces.append(str(escape(plain[last : found.start()])))
        pieces.append(f"<mark>{escape(found.group())}</mark>")
        last = found.end()
    pieces.append(str(escape(plain[last:])))
    return Markup("".join(pieces))  # noqa: S704 - every piece is escaped above
