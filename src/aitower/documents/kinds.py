"""The documents aitower generates, by kind, and the one call that builds any of them."""

from __future__ import annotations

from collections.abc import Callable

from aitower.core.errors import InvalidInput
from aitower.documents.annex_iv import annex_iv
from aitower.documents.common import KIND_TITLES, KINDS, Issue
from aitower.documents.document import Document
from aitower.documents.facts import DocumentFacts
from aitower.documents.fria import fria
from aitower.documents.system_card import system_card

Builder = Callable[[DocumentFacts, Issue], Document]
BUILDERS: dict[str, Builder] = {"system-card": system_card, "annex-iv": annex_iv, "fria": fria}
FORMATS: tuple[str, ...] = ("md", "html", "pdf")
MEDIA_TYPES: dict[str, str] = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
}


def check_kind(kind: str) -> str:
    if kind not in BUILDERS:
        raise InvalidInput.on("kind", f"must be one of: {', '.join(KINDS)}")
    return kind


def check_format(name: str, field: str = "format") -> str:
    if name not in FORMATS:
        raise InvalidInput.on(field, f"must be one of: {', '.join(FORMATS)}")
    return name


def build(kind: str, facts: DocumentFacts, issue: Issue) -> Document:
    return BUILDERS[check_kind(kind)](facts, issue)


__all__ = ["KINDS", "KIND_TITLES", "build", "check_format", "check_kind"]
