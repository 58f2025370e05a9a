"""The compliance gap report: each system's EU AI Act duties, the evidence that shows each, and
what is missing, crosswalked to NIST AI RMF and ISO/IEC 42001. Pure.

One obligation, one row per system, several frameworks at once: a control (``controls.yaml``)
names the evidence kinds that show an article for a system; the system's facts say which of
them are attached and current, and the judged kinds are weighed exactly as a gate weighs them
(``judged``), so a failing fairness monitor is a gap here too. The crosswalk adds the NIST
subcategories and ISO controls the same evidence serves.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml

from aitower.governance.frameworks.crosswalk import EU_AI_ACT, Crosswalks, Ref
from aitower.governance.judged import judge_requirement
from aitower.governance.policy import Requirement
from aitower.governance.policy_terms import DOCUMENT_KINDS, DOCUMENT_TITLES, JUDGED_KINDS
from aitower.inventory.system_facts import SystemFacts

Status = Literal["met", "gap", "not tracked", "not assessed", "re-answer needed"]
STATUS_ORDER: dict[str, int] = {
    "not assessed": 0,
    "re-answer needed": 1,
    "gap": 2,
    "met": 3,
    "not tracked": 4,
}
NIST = "nist-ai-rmf-1.0"
_ARTICLE = re.compile(r"^Art\. (\d+)")
ISO = "iso-iec-42001-2023"


@dataclass(frozen=True, slots=True)
class Control:
    article: str
    title: str
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Obligation:
    """One duty of the system, as the EU AI Act assessment gives it (``risk``)."""

    article: str
    text: str
    roles: tuple[str, ...]
    applies_from: date | None  # as published
    applies_from_amended: date | None


@dataclass(frozen=True, slots=True)
class GapRow:
    system_id: uuid.UUID
    system: str
    article: str
    obligation: str
    status: Status
    detail: str  # what shows it, or what is missing and why
    applies_from: date | None
    applies_from_amended: date | None
    nist: tuple[str, ...] = ()
    iso: tuple[str, ...] = ()


@cache
def controls() -> dict[str, Control]:
    """The shipped controls by article, checked: known evidence kinds, one control per article."""
    text = resources.files("aitower.governance.frameworks").joinpath("data/controls.yaml")
    loaded: dict[str, Any] = yaml.safe_load(text.read_text("utf-8"))
    found: dict[str, Control] = {}
    for entry in loaded["controls"]:
        kinds = tuple(entry["evidence"])
        unknown = [k for k in kinds if k not in DOCUMENT_KINDS]
        if unknown or entry["article"] in found:
            raise ValueError(f"controls.yaml: bad control {entry['article']}: {unknown}")
        found[entry["article"]] = Control(entry["article"], entry["title"], kinds)
    return found


def _shows(kind: str, system: SystemFacts, today: date) -> tuple[bool, str]:
    """Whether the system's evidence shows ``kind`` now, and the sentence saying why (not)."""
    title = DOCUMENT_TITLES[kind]
    if kind in JUDGED_KINDS:
        needed = Requirement("document", document=kind)
        verdict = judge_requirement(needed, system, today, "", "needs")
        return verdict.met, verdict.detail.strip()
    if kind in system.documents:
        return True, f"{title} attached"
    if kind in system.expired_documents:
        return False, f"the {title} has expired"
    return False, f"no {title} attached"


def base_article(citation: str) -> str:
    """ "Art. 26(5)" -> "Art. 26": the article the crosswalks and most controls are keyed by."""
    found = _ARTICLE.match(citation)
    return f"Art. {found.group(1)}" if found else citation


def control_for(citation: str) -> Control | None:
    known = controls()
    return known.get(citation) or known.get(base_article(citation))


def _crosswalked(crosswalks: Crosswalks, article: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    links = crosswalks.related(Ref(EU_AI_ACT, base_article(article)))
    nist = tuple(link.target.item for link in links if link.target.framework == NIST)
    iso = tuple(link.target.item for link in links if link.target.framework == ISO)
    return nist, iso


def _row(
    system: SystemFacts,
    duty: Obligation,
    control: Control | None,
    crosswalks: Crosswalks,
    today: date,
) -> GapRow:
    nist, iso = _crosswalked(crosswalks, duty.article)
    status: Status
    if control is None:
        status = "not tracked"
        detail = "a duty of the organisation or of a process, not shown by one system's evidence"
    else:
        checks = [_shows(kind, system, today) for kind in control.evidence]
        met = all(ok for ok, _ in checks)
        shown = [why for ok, why in checks if ok == met]  # what proves it, or what is missing
        status, detail = ("met" if met else "gap"), "; ".join(shown)
    return GapRow(
        system.id,
        system.name,
        duty.article,
        duty.text,
        status,
        detail,
        duty.applies_from,
        duty.applies_from_amended,
        nist,
        iso,
    )


def system_gaps(
    system: SystemFacts,
    duties: Sequence[Obligation] | None,
    crosswalks: Crosswalks,
    today: date,
    *,
    reanswer: bool = False,
) -> list[GapRow]:
    """One row per duty of the system, judged by the control of its article.

    ``duties`` None: never assessed; ``reanswer``: assessed before questions were added, so
    its duties cannot be told until the questionnaire is answered again.
    """
    if duties is None or reanswer:
        status: Status = "re-answer needed" if reanswer else "not assessed"
        detail = (
            "answer the EU AI Act questionnaire again: questions were added since"
            if reanswer
            else "answer the EU AI Act questionnaire to know the system's duties"
        )
        return [GapRow(system.id, system.name, "", "", status, detail, None, None)]
    unique = {(duty.article, duty.text): duty for duty in duties}
    return [
        _row(system, duty, control_for(duty.article), crosswalks, today) for duty in unique.values()
    ]


def summary(rows: Sequence[GapRow]) -> Mapping[str, int]:
    """Rows per status, in the order of ``STATUS_ORDER``."""
    counts = dict.fromkeys(STATUS_ORDER, 0)
    for row in rows:
        counts[row.status] += 1
    return counts
