"""The PDF: a valid file holding the system's name, laid out without any network request."""

from __future__ import annotations

import socket
import zlib
from typing import Any

import pytest

from aitower.core.pdf import LocalOnlyFetcher, html_to_pdf
from aitower.documents.document import to_html
from aitower.documents.kinds import build
from documents.sample import ISSUE, rich_facts


def _text_streams(pdf: bytes) -> bytes:
    """Every Flate stream of the PDF, inflated (where the page text is)."""
    found = []
    for part in pdf.split(b"stream")[1:]:
        body = part.split(b"endstream")[0].strip(b"\r\n")
        try:
            found.append(zlib.decompress(body))
        except zlib.error:
            continue
    return b"".join(found)


def test_the_card_prints_as_a_pdf_without_touching_the_network(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError(f"network access during PDF generation: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    page = to_html(build("system-card", rich_facts(), ISSUE))
    # A remote stylesheet and image slipped into the page are refused, not fetched.
    page = page.replace(
        "</head>",
        '<link rel="stylesheet" href="https://cdn.example.com/x.css"></head>',
    ).replace("</body>", '<img src="http://169.254.169.254/latest"></body>')
    fetcher = LocalOnlyFetcher()
    pdf = html_to_pdf(page, fetcher)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert len(pdf) > 5_000
    assert sorted(fetcher.refused) == [
        "http://169.254.169.254/latest",
        "https://cdn.example.com/x.css",
    ]
    # Fonts are embedded as subsets, so the text is in glyph ids; the document's title is in
    # the PDF's metadata as written.
    assert b"Credit Scoring Model" in pdf or b"Credit Scoring Model" in _text_streams(pdf)
