"""The URL fetcher WeasyPrint prints with: ``data:`` URLs only (see ``core.pdf``).

Apart from ``core.pdf`` because importing WeasyPrint loads Pango and its fonts (about a second):
only a process that prints pays it, not every CLI command and server start.
"""

from __future__ import annotations

from typing import Any

from weasyprint.urls import URLFetcher


class LocalOnlyFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no type hints
    """Serves ``data:`` URLs and refuses the rest (WeasyPrint then leaves the resource out)."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("data",), allow_redirects=False)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> Any:
        if not url.lower().startswith("data:"):
            self.refused.append(url)
            raise ValueError(f"aitower prints fetch nothing: {url[:100]}")
        return super().fetch(url, headers)
