"""The report's figures against hand-computed ones and against ``values.system_values`` (the
one reader of cost, value and ROI), on both databases; scoping; the CSV; the PDF's charts."""

from __future__ import annotations

import csv
import io

import pytest
from weasyprint import HTML

from aitower.core.db.engine import Database
from aitower.core.errors import NotFound
from aitower.core.pdf import LocalOnlyFetcher
from aitower.portfolio.dashboard import build_report
from aitower.portfolio.report_charts import report_charts
from aitower.portfolio.report_model import CSV_COLUMNS, ExecutiveReport, to_csv
from aitower.portfolio.report_render import render, to_html
from aitower.portfolio.values import system_values
from portfolio_reports.support_reports import ORG, PERIOD, SENT_AT, Portfolio, seed


def _report(db: Database, portfolio: Portfolio | None = None, **kw: object) -> ExecutiveReport:
    principal = kw.pop("principal", ORG)
    with db.reading() as session:
        return build_report(session, principal, PERIOD, SENT_AT, **kw)  # type: ignore[arg-type]


def test_figures_match_hand_computed_and_system_values(db: Database) -> None:
    p = seed(db)
    report = _report(db)
    by_name = {s.name: s for s in report.systems}
    chatbot, scorer, copy = (
        by_name["Support chatbot"],
        by_name["Invoice scorer"],
        by_name["Ad copy writer"],
    )
    # November: cloud $300 + LLM $12.50; licence $120; invoice $50; $40 nobody claims.
    assert chatbot.period_cost == pytest.approx(312.5)
    assert scorer.period_cost == pytest.approx(120.0)
    assert copy.period_cost == pytest.approx(50.0)
    assert report.unattributed_period_cost == pytest.approx(40.0)
    assert report.period_cost == pytest.approx(522.5)
    assert report.previous_period_cost == pytest.approx(155.0)  # October: $150 + $5
    assert report.period_change == pytest.approx((522.5 - 155.0) / 155.0)
    # Twelve months: 100 × 0.5 h × $60 + 40 × 0.5 h × $60 + 12 × $100 revenue.
    assert chatbot.cost == pytest.approx(467.5)
    assert chatbot.value == pytest.approx(3000 + 1200 + 1200)
    assert chatbot.roi == pytest.approx((5400 - 467.5) / 467.5)
    assert scorer.value is None and scorer.roi is None
    assert copy.value == pytest.approx(300.0) and copy.roi == pytest.approx(5.0)
    assert report.cost == pytest.approx(467.5 + 120 + 50 + 40)
    assert report.roi == pytest.approx((5700 - 677.5) / 677.5)
    # The same figures as the one reader of value and ROI.
    start = report.months[0].month
    with db.reading() as session:
        values = {v.system.id: v for v in system_values(session, ORG, start, PERIOD.end)}
    for line in report.systems:
        v = values[line.system_id]
        assert line.cost == pytest.approx(v.cost)
        assert line.roi == v.roi and line.payback_months == v.payback_months
        assert line.value == (None if v.model is None else pytest.approx(v.value))
    assert len(report.months) == 12 and report.months[-1].month == PERIOD.start
    nov = report.months[-1]
    assert nov.cost_by_source == pytest.approx(
        {"cloud": 340.0, "llm": 12.5, "licence": 120.0, "invoice": 50.0}
    )
    assert nov.requests == 100 and nov.active_users == 2
    assert chatbot.requests == 140 and chatbot.active_users == 2
    # Risk, tier, incident and decision.
    assert chatbot.open_risks == 1 and chatbot.highest_risk == "high"
    assert report.risks_by_level == {"critical": 0, "high": 1, "medium": 0, "low": 0}
    assert report.systems_by_tier == {"high": 1, "minimal": 1, "not assessed": 1}
    assert chatbot.open_incidents == 1 and report.open_incidents == 1
    assert chatbot.decision == "scale" and scorer.decision is None
    assert [s.name for s in report.top_by_cost(2)] == ["Support chatbot", "Invoice scorer"]
    assert [s.name for s in report.top_by_roi()] == ["Support chatbot", "Ad copy writer"]
    assert p.chatbot == chatbot.system_id


def test_a_stakeholder_sees_her_units_only(db: Database) -> None:
    p = seed(db)
    report = _report(db, principal=p.stakeholder())
    assert {s.name for s in report.systems} == {"Support chatbot", "Invoice scorer"}
    assert report.scope == "Your units"
    assert report.unattributed_period_cost == 0.0 and report.unattributed_cost == 0.0
    assert report.period_cost == pytest.approx(432.5)
    assert report.months[-1].cost_by_source == pytest.approx(
        {"cloud": 300.0, "llm": 12.5, "licence": 120.0}
    )
    with pytest.raises(NotFound):
        _report(db, principal=p.stakeholder(), unit_id=p.marketing)
    unit = _report(db, unit_id=p.marketing)
    assert unit.scope == "Marketing" and [s.name for s in unit.systems] == ["Ad copy writer"]
    assert unit.unattributed_period_cost == 0.0 and unit.open_incidents == 0


def test_csv_has_one_row_per_system_with_the_columns(db: Database) -> None:
    seed(db)
    report = _report(db)
    rows = list(csv.reader(io.StringIO(to_csv(report))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 1 + len(report.systems)
    chatbot = next(
        dict(zip(rows[0], r, strict=True)) for r in rows[1:] if r[1] == "Support chatbot"
    )
    assert chatbot["period_cost_usd"] == "312.50" and chatbot["value_12m_usd"] == "5400.00"
    assert chatbot["roi"] == f"{(5400 - 467.5) / 467.5:.4f}" and chatbot["decision"] == "scale"
    assert chatbot["highest_risk"] == "high" and chatbot["open_incidents"] == "1"
    scorer = next(r for r in rows[1:] if r[1] == "Invoice scorer")
    assert scorer[5] == "" and scorer[6] == ""  # no value model: no value, no ROI


def test_the_pdf_draws_the_pages_svg_charts(db: Database) -> None:
    seed(db)
    report = _report(db)
    charts = report_charts(report)
    page = to_html(report)
    for svg in charts.values():
        assert str(svg) in page  # byte for byte the chart the dashboard shows
    assert page.count("<svg") == len(charts)
    fetcher = LocalOnlyFetcher()
    document = HTML(string=page, base_url="about:blank", url_fetcher=fetcher).render()
    images = []
    for pdf_page in document.pages:
        stack = [pdf_page._page_box]
        while stack:
            box = stack.pop()
            if type(getattr(box, "replacement", None)).__name__ == "SVGImage":
                images.append(box)
            stack.extend(getattr(box, "children", []))
    assert len(images) == len(charts)  # every chart laid out as vector SVG, none dropped
    assert fetcher.refused == []
    pdf = render(report, "pdf")
    assert pdf.content.startswith(b"%PDF") and pdf.filename.endswith("2026-11-01.pdf")


def test_charts_carry_their_colours_for_print(db: Database) -> None:
    seed(db)
    svg = str(report_charts(_report(db))["cost_value"])
    assert 'fill="none"' in svg and 'stroke="#3b5bdb"' in svg and 'stroke="#e8590c"' in svg
    assert "style=" not in svg  # the CSP forbids inline styles on pages
