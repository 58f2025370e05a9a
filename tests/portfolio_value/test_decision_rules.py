"""The placement rules and the duplicate similarity (pure), on hand-built facts."""

from __future__ import annotations

import uuid

import pytest

from aitower.portfolio.decision_rules import (
    SystemFacts,
    change,
    duplicates,
    place,
    place_all,
    similarity,
    words,
)


def facts(name: str = "s", **values: object) -> SystemFacts:
    base: dict[str, object] = {
        "system_id": uuid.uuid4(),
        "name": name,
        "has_value_model": True,
        "cost": 1000.0,
        "value": 1500.0,
        "roi": 0.5,
        "roi_trend": None,
        "quality_change": None,
        "adoption_change": None,
        "open_high_risks": 0,
    }
    return SystemFacts(**{**base, **values})  # type: ignore[arg-type]


def test_each_rule() -> None:
    assert place(facts(roi=0.5), {}).recommended == "keep"
    assert place(facts(roi=2.0), {}).recommended == "scale"
    assert place(facts(roi=-0.8, roi_trend=-0.01), {}).recommended == "retire"
    assert place(facts(roi=-0.8, roi_trend=0.1), {}).recommended == "fix"  # rising
    assert place(facts(roi=-0.2), {}).recommended == "fix"
    assert place(facts(roi=2.0, open_high_risks=1), {}).recommended == "fix"
    assert place(facts(roi=2.0, quality_change=-0.2), {}).recommended == "fix"
    assert place(facts(roi=2.0, quality_change=-0.05), {}).recommended == "scale"
    assert place(facts(roi=2.0, adoption_change=-0.3), {}).recommended == "fix"
    unknown = place(facts(has_value_model=False, roi=None), {})
    assert unknown.recommended == "keep"
    assert [r.kind for r in unknown.reasons] == ["value_model"]


def test_reasons_carry_their_figures() -> None:
    p = place(facts(roi=-0.6, roi_trend=-0.02, open_high_risks=2, quality_change=-0.3), {})
    by_kind = {r.kind: r for r in p.reasons}
    assert by_kind["roi"].figure == pytest.approx(-0.6) and by_kind["roi"].points_to == "retire"
    assert by_kind["risk"].figure == 2.0 and by_kind["quality"].points_to == "fix"
    assert "-60 %" in by_kind["roi"].text


def test_the_worse_duplicate_is_retired_into_the_better() -> None:
    a, b, c = facts("A", roi=3.0), facts("B", roi=1.5), facts("C", roi=0.2)
    ids = (a.system_id, b.system_id, c.system_id)
    wired = [SystemFacts(**_with(f, ids)) for f in (a, b, c)]  # type: ignore[arg-type]
    placed = place_all(wired)
    assert placed[a.system_id].recommended == "scale"
    assert placed[b.system_id].recommended == "retire"
    assert placed[b.system_id].into_system_id == a.system_id
    assert placed[c.system_id].into_system_id == a.system_id
    assert any(
        r.kind == "duplicate" and r.points_to == "retire" for r in placed[c.system_id].reasons
    )


def _with(f: SystemFacts, ids: tuple[uuid.UUID, ...]) -> dict[str, object]:
    fields = {name: getattr(f, name) for name in SystemFacts.__dataclass_fields__}
    return {**fields, "duplicates": tuple(i for i in ids if i != f.system_id)}


def test_similarity_by_hand() -> None:
    # content words: {summa, long, ticke, short} vs {summa, long, meeti, short}: 3 of 5;
    # support tickets … agents vs meeting notes … teams: 3 shared of 9 (0.33 ≥ 0.3)
    assert words("Summarises long tickets into short summaries") == {
        "summa",
        "long",
        "ticke",
        "short",
    }
    assert similarity(
        "Summarises long tickets into short summaries", "Summarising long meetings, short"
    ) == pytest.approx(3 / 5)
    assert similarity("", "anything") == 0.0


def test_duplicates_need_the_same_kind() -> None:
    x, y, z = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    found = duplicates(
        [
            (x, "llm_app", "Summarises long support tickets into short summaries for agents."),
            (y, "llm_app", "Summarises long meeting notes into short summaries for teams."),
            (z, "ml_model", "Summarises long support tickets into short summaries for agents."),
        ]
    )
    assert found == {x: (y,), y: (x,), z: ()}


def test_change_later_half_against_earlier_half() -> None:
    # points 10, 10, 8, 6 → early mean 10, late mean 7 → −30 %
    assert change([10.0, None, 10.0, 8.0, 6.0]) == pytest.approx(-0.3)
    assert change([5.0]) is None
    assert change([0.0, 3.0]) is None
