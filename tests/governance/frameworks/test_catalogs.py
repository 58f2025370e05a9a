"""The shipped catalogs and crosswalks: counts from the sources, well-formed ids, sound links.

Sources of the expected numbers:
- NIST AI 100-1 (AI RMF 1.0, January 2023), Tables 1 to 4: GOVERN 6 categories and 19
  subcategories, MAP 5 and 18, MEASURE 4 and 22, MANAGE 4 and 13 (19 and 72 in all).
- ISO/IEC 42001:2023 Annex A, Table A.1: 38 controls under A.2 to A.10 (A.2: 3, A.3: 2, A.4: 5,
  A.5: 4, A.6: 9 in two objectives of 2 and 7, A.7: 5, A.8: 4, A.9: 3, A.10: 3).
"""

from __future__ import annotations

import re
from collections import Counter
from importlib import resources
from pathlib import Path

import pytest

from aitower.governance.frameworks.builtin import (
    builtin_crosswalks,
    builtin_framework,
    builtin_frameworks,
)
from aitower.governance.frameworks.catalog import Framework
from aitower.governance.frameworks.crosswalk import (
    EU_AI_ACT,
    ISO_42001,
    NIST_AI_RMF,
    Ref,
    dangling,
)


def _nist() -> Framework:
    found = builtin_framework(NIST_AI_RMF)
    assert found is not None
    return found


def _iso() -> Framework:
    found = builtin_framework(ISO_42001)
    assert found is not None
    return found


def test_nist_ai_rmf_has_4_functions_19_categories_72_subcategories() -> None:
    assert _nist().counts() == {"function": 4, "category": 19, "subcategory": 72}
    assert [n.item.id for n in _nist().tree()] == ["GOVERN", "MAP", "MEASURE", "MANAGE"]


@pytest.mark.parametrize(
    ("function", "categories", "subcategories"),
    [("GOVERN", 6, 19), ("MAP", 5, 18), ("MEASURE", 4, 22), ("MANAGE", 4, 13)],
)
def test_nist_counts_per_function(function: str, categories: int, subcategories: int) -> None:
    (node,) = [n for n in _nist().tree() if n.item.id == function]
    assert len(node.children) == categories
    assert sum(len(c.children) for c in node.children) == subcategories


def test_nist_ids_are_well_formed_and_numbered_without_gaps() -> None:
    for item in _nist().items:
        pattern = {
            "function": r"^(GOVERN|MAP|MEASURE|MANAGE)$",
            "category": r"^(GOVERN|MAP|MEASURE|MANAGE) \d+$",
            "subcategory": r"^(GOVERN|MAP|MEASURE|MANAGE) \d+\.\d+$",
        }[item.kind]
        assert re.match(pattern, item.id), item.id
        if item.kind != "function":
            assert item.parent == (item.id.split(".")[0] if "." in item.id else item.id.split()[0])
    for category in (i for i in _nist().items if i.kind == "category"):
        numbers = [int(c.id.rsplit(".", 1)[1]) for c in _nist().children(category.id)]
        assert numbers == list(range(1, len(numbers) + 1)), category.id


def test_nist_wording_is_the_official_text() -> None:
    # Quoted from NIST AI 100-1, Table 1 (p. 22) and Table 3 (p. 30).
    govern_17 = _nist().item("GOVERN 1.7")
    measure_211 = _nist().item("MEASURE 2.11")
    assert govern_17 is not None and measure_211 is not None
    assert govern_17.text == (
        "Processes and procedures are in place for decommissioning and phasing out AI systems "
        "safely and in a manner that does not increase risks or decrease the organization’s "
        "trustworthiness."
    )
    assert measure_211.text == (
        "Fairness and bias – as identified in the MAP function – are evaluated and results are "
        "documented."
    )
    assert all(i.text for i in _nist().items)
    assert _nist().source.url == "https://doi.org/10.6028/NIST.AI.100-1"


def test_iso_42001_annex_a_has_38_controls_under_a2_to_a10() -> None:
    controls = [i for i in _iso().items if i.kind == "control"]
    assert len(controls) == 38
    per_topic = Counter(".".join(c.id.split(".")[:2]) for c in controls)
    assert per_topic == {
        "A.2": 3, "A.3": 2, "A.4": 5, "A.5": 4, "A.6": 9,
        "A.7": 5, "A.8": 4, "A.9": 3, "A.10": 3,
    }  # fmt: skip
    assert [n.item.id for n in _iso().tree()] == [f"A.{n}" for n in range(2, 11)]
    (a6,) = [n for n in _iso().tree() if n.item.id == "A.6"]
    assert [(o.item.id, len(o.children)) for o in a6.children] == [("A.6.1", 2), ("A.6.2", 7)]


def test_iso_controls_are_titles_only_and_numbered_from_2() -> None:
    for item in _iso().items:
        assert item.title and not item.text, f"{item.id}: titles only, the text is copyrighted"
        assert re.match(r"^A\.\d+(\.\d+){0,2}$", item.id)
        if item.kind == "control":
            assert item.id.startswith(f"{item.parent}.")
            assert int(item.id.rsplit(".", 1)[1]) >= 2
    technical = _iso().item("A.6.2.7")
    assert technical is not None and technical.title == "AI system technical documentation"


def test_item_ids_are_unique_in_every_catalog() -> None:
    for framework in builtin_frameworks():
        ids = [i.id for i in framework.items]
        assert len(ids) == len(set(ids)), framework.id


def test_every_crosswalk_link_names_existing_items() -> None:
    crosswalks = builtin_crosswalks()
    known = {f.id: [i.id for i in f.items] for f in builtin_frameworks()}
    assert dangling(crosswalks, known) == []
    for link in crosswalks.links:
        assert link.source in crosswalks.sources
        # Only subcategories and controls are mapped, never a whole function or topic.
        for ref in (link.origin, link.target):
            if ref.framework == NIST_AI_RMF:
                assert (_nist().item(ref.item) or pytest.fail(ref.item)).kind == "subcategory"
            if ref.framework == ISO_42001:
                assert (_iso().item(ref.item) or pytest.fail(ref.item)).kind == "control"


def test_dangling_reports_an_unknown_item() -> None:
    known = {f.id: [i.id for i in f.items if i.id != "A.6.2.6"] for f in builtin_frameworks()}
    assert "iso-iec-42001-2023:A.6.2.6" in dangling(builtin_crosswalks(), known)


def test_high_risk_articles_are_all_mapped_and_marked_as_ours() -> None:
    crosswalks = builtin_crosswalks()
    wanted = [4, 9, 10, 11, 12, 13, 14, 15, 17, 26, 27, 49, 72, 73]
    assert sorted(int(a.split()[1]) for a in crosswalks.articles) == wanted
    for article in crosswalks.articles:
        targets = {link.target.framework for link in crosswalks.related(Ref(EU_AI_ACT, article))}
        assert targets == {NIST_AI_RMF, ISO_42001}, article
    eu = [link for link in crosswalks.links if link.origin.framework == EU_AI_ACT]
    assert {link.source for link in eu} == {"aitower"}
    assert crosswalks.articles["Art. 26"].roles == ("deployer",)


def test_nist_crosswalk_rows_as_published() -> None:
    # NIST AI RMF to ISO/IEC FDIS 42001 crosswalk (airc.nist.gov), rows Govern 1.7 and Map 2.2:
    # "B.6.2.6 AI system operation and monitoring"; "B.6.2.7 AI system technical documentation".
    crosswalks = builtin_crosswalks()
    govern_17 = crosswalks.related(Ref(NIST_AI_RMF, "GOVERN 1.7"))
    assert [(str(k.target), k.source) for k in govern_17] == [
        ("iso-iec-42001-2023:A.6.2.6", "nist-42001-crosswalk")
    ]
    map_22 = {str(k.target) for k in crosswalks.related(Ref(NIST_AI_RMF, "MAP 2.2"))}
    assert "iso-iec-42001-2023:A.6.2.7" in map_22


def test_links_read_both_ways() -> None:
    crosswalks = builtin_crosswalks()
    back = crosswalks.related(Ref(ISO_42001, "A.6.2.8"))
    assert {str(k.target) for k in back} >= {"eu-ai-act:Art. 12", "eu-ai-act:Art. 26"}
    assert all(k.origin == Ref(ISO_42001, "A.6.2.8") for k in back)


# --- the policy pack cites only what exists -------------------------------------------------

POLICIES_DOC = Path(__file__).parents[3] / "docs" / "policies.md"
ISO_CITATION = re.compile(r"ISO/IEC 42001 (A\.[\d.]*\d)")
NIST_CITATION = re.compile(r"NIST AI RMF (Govern|Map|Measure|Manage) (\d+(?:\.\d+)?)", re.I)


def _pack_texts() -> dict[str, str]:
    folder = resources.files("aitower.governance").joinpath("policy_pack")
    texts = {f.name: " ".join(f.read_text(encoding="utf-8").split()) for f in folder.iterdir()}
    # The pack's table in the docs cites the same standards: hold it to the same check.
    texts["docs/policies.md"] = " ".join(POLICIES_DOC.read_text(encoding="utf-8").split())
    return texts


def test_every_framework_citation_in_the_policy_pack_exists() -> None:
    cited = 0
    for name, text in _pack_texts().items():
        for control in ISO_CITATION.findall(text):
            cited += 1
            assert _iso().item(control) is not None, f"{name} cites ISO/IEC 42001 {control}"
        for function, number in NIST_CITATION.findall(text):
            cited += 1
            item = f"{function.upper()} {number}"
            assert _nist().item(item) is not None, f"{name} cites NIST AI RMF {item}"
    assert cited >= 5  # the pack does cite them: a test that found none would prove nothing


def test_the_retirement_policy_cites_no_documentation_control() -> None:
    text = _pack_texts()["retirement-plan.yaml"]
    assert "A.6.2.7" not in text
    assert "Govern 1.7" in text and "A.6.2.6" in text
