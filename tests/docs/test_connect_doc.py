"""The Connect page's snippets and docs/telemetry.md cannot drift: the document holds the
snippets exactly as ``telemetry.connect`` renders them for its sample URL and key placeholder."""

from __future__ import annotations

from pathlib import Path

from aitower.telemetry.connect import DOC_SETTINGS, doc_section, snippets

DOC = Path(__file__).resolve().parents[2] / "docs" / "telemetry.md"


def test_the_document_holds_every_snippet_as_rendered() -> None:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("<!-- connect-snippets:start")
    end = text.index("<!-- connect-snippets:end -->")
    block = text[text.index("\n", start) + 1 : end]
    assert block == doc_section(), (
        "docs/telemetry.md's snippets differ from aitower.telemetry.connect: paste "
        "python -c 'from aitower.telemetry.connect import doc_section; print(doc_section())' "
        "between the connect-snippets markers"
    )
    shown = snippets(DOC_SETTINGS)
    assert {s.slug for s in shown} == {
        "python-zero-code", "grpc-env", "python-sdk", "nodejs", "openllmetry", "openinference",
        "collector",
    }  # fmt: skip
    for snippet in shown:
        assert snippet.fenced() in text
