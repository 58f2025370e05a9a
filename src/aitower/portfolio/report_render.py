"""The executive report rendered: printable HTML, PDF (that HTML through WeasyPrint, offline)
and CSV, and the three as named attachments for the e-mail.

The HTML is the page's content (``_report_body.html``) with its charts from ``report_charts``,
so the PDF's charts are the page's SVG; nothing in it is fetched (``core.pdf``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from jinja2 import Environment

from aitower.core.pdf import html_to_pdf
from aitower.core.web.templating import build_templates
from aitower.portfolio.report_charts import report_charts
from aitower.portfolio.report_model import ExecutiveReport, Format, to_csv

MEDIA_TYPES: dict[str, str] = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
}


@dataclass(frozen=True, slots=True)
class Rendered:
    filename: str
    media_type: str
    content: bytes


@cache
def _environment() -> Environment:
    """The app's template environment (filters and all), for the CLI and the background job,
    which render without a request."""
    return build_templates().env


def to_html(report: ExecutiveReport) -> str:
    template = _environment().get_template("portfolio/report_print.html")
    page: str = template.render(report=report, charts=report_charts(report))
    return page


def to_pdf(report: ExecutiveReport) -> bytes:
    return html_to_pdf(to_html(report))


def file_stem(report: ExecutiveReport) -> str:
    scope = "".join(c if c.isalnum() else "-" for c in report.scope.lower()).strip("-")
    return f"aitower-report-{scope or 'portfolio'}-{report.period.start.isoformat()}"


def render(report: ExecutiveReport, fmt: Format) -> Rendered:
    """The report in one format, named for its scope and period."""
    if fmt == "pdf":
        content = to_pdf(report)
    elif fmt == "csv":
        content = to_csv(report).encode()
    else:
        content = to_html(report).encode()
    return Rendered(f"{file_stem(report)}.{fmt}", MEDIA_TYPES[fmt], content)


def render_all(report: ExecutiveReport, formats: Sequence[Format]) -> list[Rendered]:
    return [render(report, fmt) for fmt in formats]
