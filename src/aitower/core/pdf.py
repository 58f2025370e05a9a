"""Printable HTML as PDF, laid out by WeasyPrint, with nothing fetched (generated documents,
the compliance gap report).

The HTML is self-contained (inline style, system fonts through Pango/fontconfig), so the
fetcher refuses every URL but inline ``data:`` ones: a link typed into a system's record can
never make the server reach out while printing (no network at run time; no server-side request
forgery through a document). What it refused is kept on the fetcher, for the tests to see.
"""

from __future__ import annotations

import logging
from typing import Any

from weasyprint import HTML
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


def html_to_pdf(page: str, fetcher: LocalOnlyFetcher | None = None) -> bytes:
    """The PDF of a standalone HTML page (``document.to_html``)."""
    # WeasyPrint logs a warning per refused resource and per unsupported CSS property; the
    # document is ours, so they are noise in the server's log.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    source = HTML(string=page, base_url="about:blank", url_fetcher=fetcher or LocalOnlyFetcher())
    pdf: bytes = source.write_pdf()
    return pdf
