"""Printable HTML as PDF, laid out by WeasyPrint, with nothing fetched (generated documents,
the compliance gap report).

The HTML is self-contained (inline style, system fonts through Pango/fontconfig), so the
fetcher refuses every URL but inline ``data:`` ones: a link typed into a system's record can
never make the server reach out while printing (no network at run time; no server-side request
forgery through a document). What it refused is kept on the fetcher, for the tests to see.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aitower.core.pdf_fetcher import LocalOnlyFetcher

__all__ = ["LocalOnlyFetcher", "html_to_pdf"]


def __getattr__(name: str) -> Any:
    """``LocalOnlyFetcher`` on first use: WeasyPrint is imported by a process that prints."""
    if name == "LocalOnlyFetcher":
        from aitower.core.pdf_fetcher import LocalOnlyFetcher

        return LocalOnlyFetcher
    raise AttributeError(name)


def html_to_pdf(page: str, fetcher: LocalOnlyFetcher | None = None) -> bytes:
    """The PDF of a standalone HTML page (``document.to_html``)."""
    from weasyprint import HTML

    from aitower.core.pdf_fetcher import LocalOnlyFetcher

    # WeasyPrint logs a warning per refused resource and per unsupported CSS property; the
    # document is ours, so they are noise in the server's log.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    source = HTML(string=page, base_url="about:blank", url_fetcher=fetcher or LocalOnlyFetcher())
    pdf: bytes = source.write_pdf()
    return pdf
