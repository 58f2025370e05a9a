"""The three documents built from facts given by hand (no database): what they say and what
they name as missing.

Sources: Mitchell et al., Model Cards for Model Reporting (FAT* 2019), section 4 (the nine
sections); Regulation (EU) 2024/1689, Annex IV points 1-9 and Art. 27(1)(a)-(f).
"""

from __future__ import annotations

from dataclasses import replace

from aitower.documents.document import to_html, to_markdown
from aitower.documents.facts import facts_digest
from aitower.documents.kinds import build
from documents.sample import ISSUE, bare_facts, rich_facts

CARD_SECTIONS = (
    "Model details",
    "Intended use",
    "Factors",
    "Metrics",
    "Evaluation data",
    "Training data",
    "Quantitative analyses",
    "Ethical considerations",
    "Caveats and recommendations",
)


def test_the_card_has_the_nine_sections_of_model_cards_in_order() -> None:
    doc = build("system-card", rich_facts(), ISSUE)
    assert tuple(s.title for s in doc.sections) == CARD_SECTIONS
    md = to_markdown(doc)
    positions = [md.index(f"## {n}. {t}") for n, t in enumerate(CARD_SECTIONS, start=1)]
    assert positions == sorted(positions)


def test_the_card_carries_the_recorded_facts_and_live_metrics() -> None:
    md = to_markdown(build("system-card", rich_facts(), ISSUE))
    for fact in (
        "Credit Scoring Model",
        "Scores consumer loan applications",
        "Olivia Owner",
        "credit-gbm | 4.2",
        "Loan applications | confidential | yes | no",
        "Annex III point 5(b)",
        "Age bias",  # the open risk
        "Bias evaluation missing",  # the blocking policy's finding
        "roc auc 0.812",
        # 0.0712 < 0.8: the four-fifths rule fails (the monitor's floor).
        "0.0712 (fails the floor 0.8)",
        "| Error rate | 2.5 % |",  # 25 errors of 1000 requests
        "| Latency p95 | 1834 ms |",
        "| Cost | 12.50 USD |",
        "- **Version:** 3",
    ):
        assert fact in md, fact
    assert "Old risk" not in md  # closed risks are not open risks


def test_the_card_names_what_aitower_does_not_hold() -> None:
    doc = build("system-card", bare_facts(), ISSUE)
    missing = dict(doc.missing)
    flat = [item for _, item in doc.missing]
    assert "the accountable owner" in flat
    assert "the models the system uses, with their versions" in flat
    assert "the system's purpose (primary intended uses)" in flat
    assert "measured results: no monitor and no LLM telemetry" in flat
    assert "an EU AI Act assessment (the system's risk tier)" in flat
    assert missing["Training data"].startswith("training datasets")
    md = to_markdown(doc)
    assert "| Primary intended uses | not recorded in aitower |" in md
    assert "0 %" not in md and "0.00 USD" not in md  # nothing measured is never shown as zero


def test_annex_iv_has_nine_points_and_lists_what_a_bare_system_lacks() -> None:
    doc = build("annex-iv", bare_facts(), ISSUE)
    assert [s.title.split(":")[0] for s in doc.sections] == [f"Point {n}" for n in range(1, 10)]
    assert all(s.missing for s in doc.sections), "every point of a bare system lacks something"
    by_point = {s.title.split(":")[0]: s.missing for s in doc.sections}
    assert "(a) the intended purpose" in by_point["Point 1"]
    assert "a copy of the EU declaration of conformity" in by_point["Point 8"]
    assert "the post-market monitoring plan (Art. 72(3)): none attached" in by_point["Point 9"]
    assert "an EU AI Act assessment" in by_point["Point 5"]
    assert "informative only" in to_markdown(doc)  # not assessed high-risk


def test_annex_iv_fills_what_a_high_risk_system_has() -> None:
    doc = build("annex-iv", rich_facts(), ISSUE)
    md = to_markdown(doc)
    assert "Art. 11(1) requires this documentation" in md
    by_point = {s.title.split(":")[0]: s.missing for s in doc.sections}
    # The oversight plan is attached: point 2 no longer lists it as missing.
    assert not any("no plan attached" in m for m in by_point["Point 2"])
    assert "Scores consumer loan applications" in md and "Oversight plan" in md


def test_fria_has_the_six_elements_of_art_27_1() -> None:
    doc = build("fria", rich_facts(), ISSUE)
    heads = [s.title[:3] for s in doc.sections[1:]]
    assert heads == ["(a)", "(b)", "(c)", "(d)", "(e)", "(f)"]
    md = to_markdown(doc)
    assert "customers" in md and "Reweighting" in md and "age\\_band" in md
    flat = [item for _, item in doc.missing]
    assert "complaint mechanisms open to affected persons" in flat
    assert "who is affected: the inventory names no one" in [
        i for _, i in build("fria", bare_facts(), ISSUE).missing
    ]


def test_text_typed_into_a_record_stays_text() -> None:
    facts = rich_facts()
    hostile = replace(facts, system=replace(facts.system, purpose="<script>x</script> | a |"))
    doc = build("system-card", hostile, ISSUE)
    page = to_html(doc)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "\\<script\\>x\\</script\\> \\| a \\|" in to_markdown(doc)


def test_equal_facts_have_equal_digests() -> None:
    assert facts_digest(rich_facts()) == facts_digest(rich_facts())
    changed = replace(rich_facts(), telemetry=None)
    assert facts_digest(changed) != facts_digest(rich_facts())
