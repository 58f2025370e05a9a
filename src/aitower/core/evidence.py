"""Live evidence: objects of a capability (a monitor, an evaluation) that gates judge.

A link proves nothing: a failing fairness monitor's page attached as a "bias evaluation" once
turned a gate green. So evidence may point at a live object instead, and the capability that
owns the object says, at every evaluation, whether it meets its own criteria now and when the
result it judged was produced. Governance weighs that verdict (and its age) against the
policy; it never reads the other capability's tables.

Capabilities offer sources through ``Slice.evidence_sources``; the composition root installs
them here once (``install``), because gates are evaluated from services, background jobs and
the CLI alike, far from any web request. The core defines only the shapes.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.core.evidence_facts import Judgement, LiveObject

__all__ = [
    "EvidenceSource",
    "Judgement",
    "Link",
    "LiveObject",
    "install",
    "judge_links",
    "source",
    "sources",
]

Link = tuple[str, uuid.UUID, str]
"""A live object linked as evidence: (object type, object id, evidence kind)."""


class EvidenceSource(Protocol):
    """One capability's live objects: what can be linked, and how each stands now."""

    object_type: str

    def offer(
        self, session: Session, principal: Principal | None, system_id: uuid.UUID
    ) -> list[LiveObject]:
        """The objects of ``system_id`` that may be linked as evidence."""
        ...

    def judge(
        self, session: Session, objects: Iterable[tuple[uuid.UUID, str]], now: datetime
    ) -> dict[tuple[uuid.UUID, str], Judgement]:
        """The verdict of each (object id, kind); an object that is gone is left out."""
        ...

    def object_in_link(self, session: Session, link: str) -> uuid.UUID | None:
        """The object that a link to one of this app's pages shows (so a pasted link becomes
        the live object it points at), or None."""
        ...


_SOURCES: dict[str, EvidenceSource] = {}


def install(sources: Iterable[EvidenceSource]) -> None:
    """Make the capabilities' sources known (the composition root calls this once)."""
    for source in sources:
        _SOURCES[source.object_type] = source


def sources() -> tuple[EvidenceSource, ...]:
    return tuple(_SOURCES.values())


def source(object_type: str) -> EvidenceSource | None:
    return _SOURCES.get(object_type)


def judge_links(session: Session, links: Iterable[Link], now: datetime) -> dict[Link, Judgement]:
    """The verdict on each link, asking each owning capability once for all of its objects.

    A link whose capability is not installed, or whose object is gone, has no verdict: a gate
    then finds nothing that proves the kind, which is what is true.
    """
    by_type: dict[str, set[tuple[uuid.UUID, str]]] = {}
    for object_type, object_id, kind in links:
        by_type.setdefault(object_type, set()).add((object_id, kind))
    verdicts: dict[Link, Judgement] = {}
    for object_type, wanted in by_type.items():
        found = source(object_type)
        if found is not None:
            for (object_id, kind), verdict in found.judge(session, wanted, now).items():
                verdicts[(object_type, object_id, kind)] = verdict
    return verdicts
