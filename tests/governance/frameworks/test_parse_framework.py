"""Parsing a custom framework: a valid one, and every refusal naming the field at fault."""

from __future__ import annotations

from pathlib import Path

import pytest

from aitower.core.errors import InvalidInput
from aitower.governance.frameworks.catalog import parse_framework

VALID = """
id: acme-ai-standard
name: ACME responsible AI standard
version: "2026.1"
source:
  document: ACME internal standard AI-01, issue 3
  url: https://intranet.example.com/ai-01
description: What every ACME AI system must show before it ships.
items:
  - id: GOV
    kind: section
    title: Governance
  - id: GOV-1
    parent: GOV
    kind: control
    title: An accountable owner is named
    text: Every AI system has one accountable owner in the inventory.
  - id: GOV-2
    parent: GOV
    kind: control
    text: Owners review their systems' risks every quarter. Reviews are recorded.
"""


def test_a_valid_framework_parses_into_a_tree() -> None:
    framework = parse_framework(VALID)
    assert (framework.id, framework.version, framework.builtin) == (
        "acme-ai-standard",
        "2026.1",
        False,
    )
    assert framework.counts() == {"section": 1, "control": 2}
    (root,) = framework.tree()
    assert [c.item.id for c in root.children] == ["GOV-1", "GOV-2"]
    gov_2 = framework.item("GOV-2")
    assert gov_2 is not None and gov_2.label == "Owners review their systems' risks every quarter"
    assert parse_framework_roundtrip(VALID) == framework.to_document()


def parse_framework_roundtrip(source: str) -> dict[str, object]:
    import yaml

    document = parse_framework(source).to_document()
    return parse_framework(yaml.safe_dump(document)).to_document()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (("id: acme-ai-standard", "id: ACME standard"), "id"),
        (("name: ACME responsible AI standard\n", ""), "name"),
        (('version: "2026.1"', "version: 2026.1"), "version"),
        (("  url: https://intranet", "  url: ftp://intranet"), "source.url"),
        (("  document: ACME internal standard AI-01, issue 3\n", ""), "source.document"),
        (("description:", "summary:"), "summary"),
        (("    parent: GOV\n    kind: control\n    title: An", "    parent: GOVX\n    title: An"),
         "items[1].parent"),
        (("  - id: GOV-2", "  - id: GOV-1"), "items[2].id"),
        (("    kind: section\n", "    kind: Big Section\n"), "items[0].kind"),
        (("    text: Owners review their systems' risks every quarter. Reviews are recorded.\n",
          ""), "items[2].title"),
        (("    title: Governance\n", "    title: Governance\n    owner: me\n"), "items[0].owner"),
        (("  - id: GOV\n", "  - id: 'GOV: top'\n"), "items[0].id"),
    ],
)  # fmt: skip
def test_a_bad_field_is_named(change: tuple[str, str], field: str) -> None:
    old, new = change
    assert old in VALID
    with pytest.raises(InvalidInput) as caught:
        parse_framework(VALID.replace(old, new, 1))
    assert [issue.field for issue in caught.value.issues] == [field]


def test_a_parent_cycle_is_refused() -> None:
    cyclic = VALID.replace("    kind: section\n", "    kind: section\n    parent: GOV-1\n")
    with pytest.raises(InvalidInput) as caught:
        parse_framework(cyclic)
    assert caught.value.issues[0].field == "items[0].parent"
    assert "own ancestor" in caught.value.issues[0].reason


def test_yaml_errors_name_the_line() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_framework("id: x\nname: [unclosed\n")
    assert caught.value.issues[0].field == "source"
    assert "line" in caught.value.issues[0].reason


@pytest.mark.parametrize("text", ["just a string", "- a\n- list\n", ""])
def test_a_document_that_is_not_a_mapping_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_framework(text)
    assert caught.value.issues[0].field == "source"


def test_items_must_be_a_non_empty_list() -> None:
    head = VALID.split("items:")[0]
    for tail, reason in (("items: []\n", "non-empty"), ("", "required")):
        with pytest.raises(InvalidInput) as caught:
            parse_framework(head + tail)
        assert caught.value.issues[0].field == "items"
        assert reason in caught.value.issues[0].reason


def test_the_documented_example_parses() -> None:
    """docs/frameworks.md shows a custom framework: it must be one aitower accepts."""
    doc = (Path(__file__).parents[3] / "docs" / "frameworks.md").read_text(encoding="utf-8")
    (example,) = doc.split("```yaml\n")[1:]
    framework = parse_framework(example.split("```")[0])
    assert framework.id == "acme-ai-standard"
    assert framework.counts() == {"section": 1, "control": 1}
    gov_1 = framework.item("GOV-1")
    assert gov_1 is not None and "eu-ai-act:Art. 26" in gov_1.maps_to


@pytest.mark.parametrize(
    ("maps_to", "field"),
    [
        ("maps_to: nist-ai-rmf-1.0:GOVERN 2.1", "items[1].maps_to"),
        ("maps_to: [GOVERN 2.1]", "items[1].maps_to[0]"),
        ("maps_to: [nist-ai-rmf-1.0:GOVERN 2.1, 'NIST:GOVERN 2.1']", "items[1].maps_to[1]"),
    ],
)
def test_maps_to_must_be_a_list_of_references(maps_to: str, field: str) -> None:
    source = VALID.replace("    kind: control\n    title: An", f"    {maps_to}\n    title: An")
    with pytest.raises(InvalidInput) as caught:
        parse_framework(source)
    assert [issue.field for issue in caught.value.issues] == [field]
