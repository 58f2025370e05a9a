"""A generated document as plain blocks, and its two text forms: Markdown and HTML.

A document is a title, a few header rows (system, version, date) and sections of blocks:
paragraphs, key/value facts, tables, bullet lists and the list of what aitower does not hold
("missing"). Both renderers walk the same blocks, so the Markdown download and the HTML page
(and the PDF printed from it) say the same thing. Every string is escaped for its target:
a system's purpose typed as ``<script>`` or ``| pipes |`` stays text in both.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field

NOT_RECORDED = "not recorded in aitower"


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str


@dataclass(frozen=True, slots=True)
class Facts:
    """Label and value rows (a value of "" reads "not recorded in aitower")."""

    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    empty: str = NOT_RECORDED  # what to say when there is no row


@dataclass(frozen=True, slots=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Missing:
    """What the section needs and aitower does not hold: to be written by people."""

    items: tuple[str, ...]


Block = Paragraph | Facts | Table | Bullets | Missing


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    blocks: tuple[Block, ...]

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(i for b in self.blocks if isinstance(b, Missing) for i in b.items)


@dataclass(frozen=True, slots=True)
class Document:
    kind: str
    title: str
    header: tuple[tuple[str, str], ...]
    sections: tuple[Section, ...]
    notes: tuple[str, ...] = field(default=())  # a closing paragraph (sources, caveat)
    numbered: bool = True  # "1. Model details"; off when titles carry their own ("(a) ...")

    @property
    def missing(self) -> tuple[tuple[str, str], ...]:
        """Every missing item with its section's title, in order."""
        return tuple((s.title, item) for s in self.sections for item in s.missing)


def _value(text: str) -> str:
    return text if text.strip() else NOT_RECORDED


# --- Markdown -------------------------------------------------------------------------------


def _md_text(text: str) -> str:
    """One line of Markdown that renders as the text typed (no markup, no raw HTML)."""
    flat = " ".join(text.split())
    for char in "\\`*_[]<>|#":
        flat = flat.replace(char, "\\" + char)
    return flat


def _md_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(_md_text(h) for h in header) + " |"]
    lines.append("|" + "---|" * len(header))
    lines += ["| " + " | ".join(_md_text(_value(c)) for c in row) + " |" for row in rows]
    return lines


def _md_block(block: Block) -> list[str]:
    if isinstance(block, Paragraph):
        return [_md_text(block.text)]
    if isinstance(block, Facts):
        return _md_table(("", ""), block.rows) if block.rows else []
    if isinstance(block, Table):
        if not block.rows:
            return [f"*{_md_text(block.empty)}*"]
        return _md_table(block.header, block.rows)
    if isinstance(block, Bullets):
        return [f"- {_md_text(item)}" for item in block.items]
    if not block.items:
        return []
    return ["**Missing (not recorded in aitower):**", ""] + [
        f"- [ ] {_md_text(item)}" for item in block.items
    ]


def to_markdown(doc: Document) -> str:
    """The document as CommonMark with GitHub tables; ends with one newline."""
    lines = [f"# {_md_text(doc.title)}", ""]
    lines += [f"- **{_md_text(k)}:** {_md_text(_value(v))}" for k, v in doc.header]
    for number, section in enumerate(doc.sections, start=1):
        prefix = f"{number}. " if doc.numbered else ""
        lines += ["", f"## {prefix}{_md_text(section.title)}"]
        for block in section.blocks:
            rendered = _md_block(block)
            if rendered:
                lines += ["", *rendered]
    if doc.notes:
        lines += ["", "---", ""] + [_md_text(n) for n in doc.notes]
    return "\n".join(lines) + "\n"


# --- HTML -----------------------------------------------------------------------------------


def _h(text: str) -> str:
    return html.escape(text, quote=True)


def _cell(text: str) -> str:
    if text.strip():
        return _h(text)
    return f'<span class="missing">{_h(NOT_RECORDED)}</span>'


def _html_block(block: Block) -> str:
    if isinstance(block, Paragraph):
        return f"<p>{_h(block.text)}</p>"
    if isinstance(block, Facts):
        rows = "".join(f"<tr><th>{_h(k)}</th><td>{_cell(v)}</td></tr>" for k, v in block.rows)
        return f'<table class="facts">{rows}</table>' if rows else ""
    if isinstance(block, Table):
        if not block.rows:
            return f'<p class="missing">{_h(block.empty)}</p>'
        head = "".join(f"<th>{_h(h)}</th>" for h in block.header)
        body = "".join(
            "<tr>" + "".join(f"<td>{_cell(c)}</td>" for c in row) + "</tr>" for row in block.rows
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    if isinstance(block, Bullets):
        return "<ul>" + "".join(f"<li>{_h(i)}</li>" for i in block.items) + "</ul>"
    if not block.items:
        return ""
    items = "".join(f"<li>{_h(i)}</li>" for i in block.items)
    return (
        '<div class="missing-box"><p><strong>Missing (not recorded in aitower):</strong></p>'
        f"<ul>{items}</ul></div>"
    )


def to_html_body(doc: Document) -> str:
    """The document as an ``<article>`` (the app's preview shows it inside its page)."""
    parts = [
        f'<article class="generated-document doc-{_h(doc.kind)}">',
        f"<h1>{_h(doc.title)}</h1>",
    ]
    head = "".join(f"<tr><th>{_h(k)}</th><td>{_cell(v)}</td></tr>" for k, v in doc.header)
    parts.append(f'<table class="facts doc-header">{head}</table>')
    for number, section in enumerate(doc.sections, start=1):
        prefix = f"{number}. " if doc.numbered else ""
        parts.append(f"<section><h2>{prefix}{_h(section.title)}</h2>")
        parts += [_html_block(b) for b in section.blocks]
        parts.append("</section>")
    if doc.notes:
        parts.append('<footer class="doc-notes">')
        parts += [f"<p>{_h(n)}</p>" for n in doc.notes]
        parts.append("</footer>")
    parts.append("</article>")
    return "\n".join(p for p in parts if p)


PRINT_CSS = """
@page { size: A4; margin: 18mm 16mm; @bottom-right { content: counter(page) " / " counter(pages);
  font-size: 8pt; color: #555; } }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10pt;
  color: #111; line-height: 1.4; max-width: 60em; margin: 0 auto; }
h1 { font-size: 17pt; margin: 0 0 .6em; }
h2 { font-size: 12.5pt; margin: 1.4em 0 .4em; border-bottom: 1px solid #999;
  break-after: avoid; }
table { border-collapse: collapse; width: 100%; margin: .4em 0; font-size: 9pt; }
th, td { border: 1px solid #bbb; padding: 3px 5px; text-align: left; vertical-align: top;
  overflow-wrap: anywhere; }
table.facts th { width: 30%; background: #f3f3f3; }
thead th { background: #e8e8e8; }
.missing { color: #8a4b00; font-style: italic; }
.missing-box { border-left: 3px solid #c77700; background: #fff6e8; padding: 2px 8px;
  margin: .5em 0; break-inside: avoid; }
.doc-notes { margin-top: 2em; font-size: 8.5pt; color: #444; border-top: 1px solid #999; }
"""


def to_html(doc: Document) -> str:
    """A standalone, printable HTML page (inline style, nothing fetched from anywhere)."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f"<title>{_h(doc.title)}</title><style>{PRINT_CSS}</style></head>\n"
        f"<body>\n{to_html_body(doc)}\n</body></html>\n"
    )
