"""SVG element helpers shared by every chart: the root element, text cleaning and serialising.

Kept in one place because this is where the escaping and CSP rules of the package are
enforced: elements are built with ``xml.etree`` and only ``to_markup`` turns them into
``Markup``. The element helpers (``add_element``, ``add_text``, …) are for the chart modules
of this package; pages use the chart functions the package exports.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from markupsafe import Markup

SVG_NS = "http://www.w3.org/2000/svg"
CHAR_WIDTH = 6.2  # average advance of an 11px system-ui glyph: sizes margins and legends
TITLE_HEIGHT = 26

# Characters XML 1.0 does not allow at all; a name holding one would make the SVG unparseable.
_XML_ILLEGAL = {c: None for c in range(32) if c not in (9, 10, 13)}


@dataclass(frozen=True, slots=True)
class Box:
    """The plot area inside the margins, in SVG user units (y grows downwards)."""

    left: float
    top: float
    right: float
    bottom: float


def clean_text(text: object) -> str:
    """Text safe to place in XML: characters XML 1.0 forbids are dropped (escaping is ET's job)."""
    return str(text).translate(_XML_ILLEGAL)


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(1, limit - 1)] + "…"


def svg_number(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def add_element(
    parent: ET.Element, tag: str, text: str | None = None, /, **attrs: object
) -> ET.Element:
    """A child element. Keyword names become attributes: ``class_`` → ``class``, and ``_`` →
    ``-`` (``text_anchor`` → ``text-anchor``); floats are written with two decimals at most."""
    element = ET.SubElement(parent, tag)
    for key, value in attrs.items():
        name = key.rstrip("_").replace("_", "-")
        element.set(name, svg_number(value) if isinstance(value, float) else clean_text(value))
    if text is not None:
        element.text = clean_text(text)
    return element


def add_line(
    parent: ET.Element, css: str, x1: float, y1: float, x2: float, y2: float, **attrs: object
) -> None:
    add_element(
        parent, "line", class_=css, x1=float(x1), x2=float(x2), y1=float(y1), y2=float(y2), **attrs
    )


def add_text(
    parent: ET.Element, x: float, y: float, text: str, anchor: str | None = None, **attrs: object
) -> ET.Element:
    if anchor is not None:
        attrs["text_anchor"] = anchor
    return add_element(parent, "text", text, x=float(x), y=float(y), **attrs)


def add_tooltip(parent: ET.Element, text: str) -> None:
    add_element(parent, "title", text)


def svg_root(title: str, width: float, height: float, summary: str) -> ET.Element:
    svg = ET.Element("svg")
    for key, value in {
        "xmlns": SVG_NS,
        "viewBox": f"0 0 {svg_number(width)} {svg_number(height)}",
        "width": svg_number(width),
        "height": svg_number(height),
        "role": "img",
        "aria-label": clean_text(f"{title}: {summary}" if summary else title),
        "class": "chart-svg",
    }.items():
        svg.set(key, value)
    add_tooltip(svg, title)
    add_text(svg, 2, 15, title, class_="title")
    return svg


def to_markup(svg: ET.Element) -> Markup:
    """Serialise (ET escapes ``&``, ``<``, ``>`` and quotes) and mark safe for Jinja."""
    return Markup(ET.tostring(svg, encoding="unicode"))  # noqa: S704 - serialised by ET


def no_data_svg(title: str, width: float = 640, height: float = 260) -> Markup:
    """The chart shown when there is nothing to draw: its title and a plain "No data"."""
    svg = svg_root(title, width, height, "no data")
    add_text(svg, width / 2, height / 2, "No data", "middle", class_="no-data")
    return to_markup(svg)
